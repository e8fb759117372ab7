"""HQ's HTTP API (version 1): enroll, push events, pull changes, online member lookup, health.

Every route but enroll and health needs a request signed with the device's
secret (see :mod:`sync.signing`). Errors answer with ``{"code", "message"}``.
Nothing here logs a member's phone number: lookups go in the POST body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy.exc import DataError
from starlette.concurrency import run_in_threadpool

from server import gate
from server.backup import EPOCH_HEADER
from server.errors import HQError
from server.logs import RequestLog
from server.service import HQService
from sync import handover, wire

log = logging.getLogger("member_hq")
T = TypeVar("T")

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": wire.ErrorBody, "description": "not signed, stale, replayed or unknown device"},
    403: {"model": wire.ErrorBody, "description": "device revoked"},
}


class SignedRequest:
    """A signed request, checked on a worker thread together with the work that answers it
    (:meth:`run`): one trip for a route without a body to parse (pull)."""

    def __init__(self, request: Request) -> None:
        self.request = request

    async def run(self, work: Callable[[Any], T]) -> T:
        """``work(device)`` once the signature holds: the enrolled, unrevoked device."""
        request = self.request
        service: HQService = request.app.state.service
        body = await request.body()
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")

        def checked() -> T:
            dev, sealed = service.authenticate_handover(request.method, path, request.headers, body)
            if sealed is not None:
                request.state.next_secret = sealed  # NextSecretHeader puts it on the answer
            request.state.store_code = dev.store_code  # EpochHeader names its store's stream
            return work(dev)

        return await run_in_threadpool(checked)


async def signed_request(
    request: Request,
    x_mc_device: Annotated[
        str | None, Header(description="the device id given at enrollment")
    ] = None,
    x_mc_timestamp: Annotated[
        str | None, Header(description="Unix time of the request; ±300 s of HQ's clock")
    ] = None,
    x_mc_nonce: Annotated[
        str | None, Header(description="8–64 letters or digits, never reused by the device")
    ] = None,
    x_mc_signature: Annotated[
        str | None,
        Header(
            description="hex HMAC-SHA256 with the device secret over METHOD, path with "
            "query, timestamp, nonce and the body's SHA-256, joined by newlines"
        ),
    ] = None,
) -> SignedRequest:
    """The request, to be checked in :meth:`SignedRequest.run` (else 401/403).

    The headers are declared for the OpenAPI schema; they are read (and checked) from the
    request itself, so a missing one is answered 401 ``unsigned``."""
    return SignedRequest(request)


Signed = Annotated[SignedRequest, Depends(signed_request)]


async def signed_device(signed: Signed) -> Any:
    """The device that signed this request, checked before the route's work (a route whose
    body FastAPI parses only after the signature holds)."""
    return await signed.run(lambda dev: dev)


Device = Annotated[Any, Depends(signed_device)]


class Unexpected:
    """Any fault no handler answered: a plain 500, logged by type. Never the exception's
    text, which for a database error repeats the row (a member's phone and e-mail) and the
    request body. (Plain ASGI: Starlette's BaseHTTPMiddleware costs a task and two streams
    on every request.)"""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            method, path = scope.get("method"), scope.get("path")
            log.error("%s %s failed: %s", method, path, type(exc).__name__)
            if started:
                return  # the answer is cut off; the client sees the connection end
            body = wire.ErrorBody(code="internal", message="HQ could not handle this request")
            await JSONResponse(status_code=500, content=body.model_dump(mode="json"))(
                scope, receive, send
            )


class EpochHeader:
    """Every answer names the database's epoch (see :mod:`server.backup`) and, to a signed
    request, where its store's stream stood at the last restore: a counter that sees the
    epoch change re-sends and re-pulls what a restored backup misses."""

    def __init__(self, app: Any, service: HQService) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        service = self.service
        epoch = service.known_epoch or await run_in_threadpool(service.epoch)

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                state = scope.get("state") or {}
                store = state.get("store_code") if isinstance(state, dict) else None
                value = epoch
                if store:
                    value = service.epoch_for(store) or await run_in_threadpool(
                        service.load_epoch_for, store
                    )
                header = (EPOCH_HEADER.lower().encode(), value.encode())
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, sending)


class LinesResponse(StreamingResponse):
    """NDJSON lines sent as they are made. Starlette's StreamingResponse also listens for the
    client leaving, and under the body-reading middlewares here it hears that at once and
    cancels the answer before it starts; a counter that leaves simply breaks the send."""

    def __init__(self, lines: Iterator[bytes], **kw: Any) -> None:
        self._lines = lines
        super().__init__(lines, **kw)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.stream_response(send)
        finally:
            # A counter that left mid-way: end the read transaction now, not at collection.
            close = getattr(self._lines, "close", None)
            if close is not None:
                await run_in_threadpool(close)
        if self.background is not None:
            await self.background()


class NextSecretHeader:
    """A device whose secret HQ rotated gets the new one, sealed under the old
    (:mod:`sync.handover`), on every answer to a request it signed with the old one."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                state = scope.get("state") or {}
                sealed = state.get("next_secret") if isinstance(state, dict) else None
                if sealed:
                    header = (handover.HEADER.lower().encode(), sealed.encode())
                    message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, sending)


def create_app(
    service: HQService,
    *,
    max_body: int = gate.DEFAULT_MAX_BODY,
    rates: dict[str, gate.Rate] | None = None,
) -> FastAPI:
    app = FastAPI(
        title="Member Counter HQ",
        version="1.0",
        description="Sync API between store counters and HQ. Amounts are integer fen.",
    )
    app.state.service = service
    limiter = gate.RateLimiter(rates)
    app.add_middleware(EpochHeader, service=service)
    app.add_middleware(NextSecretHeader)
    # Bodies are bounded before anything reads them (the signature check included).
    app.add_middleware(gate.BodyLimit, max_bytes=max_body)
    app.add_middleware(RequestLog)
    app.add_middleware(Unexpected)

    def paced(device: Any, route: str) -> None:
        wait = limiter.check(device.device_id, route)
        if wait:
            raise HQError("rate_limited", retry_after=wait)

    @app.exception_handler(HQError)
    async def _hq_error(_request: Request, exc: HQError) -> JSONResponse:
        log.info("refused: %s", exc.code)
        extra = dict(exc.extra)
        retry = extra.pop("retry_after", None)
        body = wire.ErrorBody(code=exc.code, message=exc.message, **extra)  # type: ignore[arg-type]
        headers = {"Retry-After": str(retry)} if retry is not None else None
        return JSONResponse(
            status_code=exc.status, content=body.model_dump(mode="json"), headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Where and what kind of fault, never the input: it may be a phone number, or
        # whatever a prober sent to see it echoed.
        where = sorted({".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()})
        body = wire.ErrorBody(code="invalid_request", message="invalid: " + ", ".join(where)[:300])
        return JSONResponse(status_code=422, content=body.model_dump(mode="json"))

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, exc: DataError) -> JSONResponse:
        # Text the database cannot store (e.g. a NUL character inside an event's payload).
        body = wire.ErrorBody(code="invalid_data", message="data the database cannot store")
        return JSONResponse(status_code=422, content=body.model_dump(mode="json"))

    @app.post(
        wire.ENROLL_PATH,
        response_model=wire.EnrollResponse,
        responses={403: {"model": wire.ErrorBody}, 409: {"model": wire.ErrorBody}},
        summary="Enroll a counter with a one-time code; returns its secret",
    )
    def enroll(req: wire.EnrollRequest) -> wire.EnrollResponse:
        return service.enroll(req)

    @app.post(
        wire.PUSH_PATH,
        response_model=wire.PushResponse,
        responses={**_ERRORS, 409: {"model": wire.ErrorBody}, 422: {"model": wire.ErrorBody}},
        summary="Push outbox events in device_seq order; each is applied once",
    )
    def push(req: wire.PushRequest, device: Device) -> wire.PushResponse:
        paced(device, "push")
        return service.push(device.device_id, req)

    @app.get(
        wire.PULL_PATH,
        response_model=wire.PullResponse,
        responses=_ERRORS,
        summary="Changes after a cursor, up to the committed watermark",
    )
    async def pull(
        signed: Signed,
        since: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=wire.MAX_PULL)] = 500,
    ) -> Response:
        # The key: kept in the counter's memory only (app.persistence.phone_keys).
        content, key = await signed.run(lambda device: service.pull_json(device, since, limit))
        return Response(
            content=content, media_type="application/json", headers={wire.PHONE_KEY_HEADER: key}
        )

    @app.get(
        wire.SNAPSHOT_PATH,
        responses={**_ERRORS, 200: {"content": {"application/x-ndjson": {}}}},
        summary="The device's store scope now (rules, staff, members with their rows), "
        "as NDJSON lines read in one transaction, and the stream position to follow from",
    )
    def snapshot(device: Device) -> LinesResponse:
        paced(device, "snapshot")
        return LinesResponse(service.snapshot_lines(device), media_type="application/x-ndjson")

    @app.post(
        wire.FETCH_PATH,
        responses={**_ERRORS, 404: {"model": wire.ErrorBody}},
        summary="Hold a member of another store at the device's store from now on; "
        "returns the member as HQ has them (one snapshot line)",
    )
    def fetch(req: wire.FetchRequest, device: Device) -> Response:
        paced(device, "fetch")
        return Response(content=service.fetch(device, req), media_type="application/json")

    @app.post(
        wire.HISTORY_PATH,
        response_model=wire.HistoryResponse,
        responses={**_ERRORS, 404: {"model": wire.ErrorBody}},
        summary="A member's transactions older than a counter keeps (its home store's "
        "devices and those of stores holding the member)",
    )
    def history(req: wire.HistoryRequest, device: Device) -> wire.HistoryResponse:
        paced(device, "lookup")
        return service.history(device, req)

    @app.post(
        wire.LOOKUP_PATH,
        response_model=wire.LookupResponse,
        responses=_ERRORS,
        summary="Find a member at HQ by phone, card number or id (before the counter pulls)",
    )
    def lookup(req: wire.LookupRequest, device: Device) -> wire.LookupResponse:
        paced(device, "lookup")
        return service.lookup(req.query, device)

    @app.post(
        wire.SALE_GET_PATH,
        response_model=wire.SaleAnswer,
        responses={**_ERRORS, 404: {"model": wire.ErrorBody}},
        summary="A cart sale of the chain by its whole 单号, with the refunds HQ accepted for "
        "it, for a refund at another store or counter (paced like a member lookup)",
    )
    def sale_get(req: wire.SaleGetRequest, device: Device) -> wire.SaleAnswer:
        paced(device, "lookup")
        return service.sale(device, req.number)

    @app.post(
        wire.VERIFY_PAY_PASSWORD_PATH,
        response_model=wire.PayPasswordResult,
        responses={**_ERRORS, 404: {"model": wire.ErrorBody}},
        summary="Check the payment password of another store's member (whose verifier stays "
        "at HQ) for a stored-value payment; wrong tries are counted and lock it",
    )
    def verify_pay_password(req: wire.PayPasswordRequest, device: Device) -> wire.PayPasswordResult:
        paced(device, "lookup")
        return service.verify_pay_password(device, req.member_id, req.password)

    @app.post(
        wire.MEMBER_PHONE_PATH,
        response_model=wire.PhoneAnswer,
        responses={**_ERRORS, 400: {"model": wire.ErrorBody}},
        summary="The full phone number of a member the counter holds masked (another store's), "
        "for staff there whose role may see full numbers; never kept at the counter",
    )
    def member_phone(req: wire.PhoneRequest, device: Device) -> wire.PhoneAnswer:
        paced(device, "phone")
        return service.member_phone(device, req)

    @app.post(
        wire.MEMBER_CHANGES_PATH,
        response_model=wire.PullResponse,
        responses=_ERRORS,
        summary="Every change about one member, for a counter repairing what it misses",
    )
    def member_changes(req: wire.MemberChangesRequest, device: Device) -> wire.PullResponse:
        paced(device, "lookup")
        return service.member_changes(req.member_id, device.store_code)

    @app.get(wire.HEALTH_PATH, response_model=wire.Health, summary="Liveness and database kind")
    def health() -> wire.Health:
        return wire.Health(
            status="ok",
            version="1.0",
            server_time=service.clock(),
            database=service.database_name(),
        )

    return app


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory`` worker processes: the database URL is in
    ``MEMBER_HQ_DB`` (``member-hq serve --workers N`` sets it)."""
    import os
    from pathlib import Path

    from server.db import make_engine
    from server.device_secrets import KEY_FILE_ENV, load_keyring

    keyring = load_keyring(Path(os.environ.get(KEY_FILE_ENV, "")))
    return create_app(
        HQService(make_engine(os.environ["MEMBER_HQ_DB"]), keyring=keyring),
        **limits_from(os.environ),
    )


def limits_from(values: Any) -> dict[str, Any]:
    """``max_body`` and ``rates`` from ``serve``'s settings (MEMBER_HQ_MAX_BODY_BYTES, ...)."""
    rates = dict(gate.DEFAULT_RATES)
    for route in ("push", "lookup", "phone"):
        value = values.get(f"MEMBER_HQ_{route.upper()}_RATE")
        if value is not None:
            rate = float(value)
            rates[route] = gate.Rate(rate, max(1, int(rate * 10)))
    size = values.get("MEMBER_HQ_MAX_BODY_BYTES")
    return {"max_body": int(size) if size else gate.DEFAULT_MAX_BODY, "rates": rates}
