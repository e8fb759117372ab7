"""HQ's API seen from the counter: signed requests over ``requests``, answers checked
against the wire schemas. Every failure becomes a :class:`SyncError` whose ``kind`` says
whether to retry (``unreachable``, ``server``) or to stop and tell someone (``refused``)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests
from pydantic import ValidationError

from app.services.syncstate import OutboxItem
from app.version import __version__
from sync import handover, signing, wire
from sync.config import SyncConfig, save_config

DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read
EPOCH_HEADER = "X-MC-HQ-Epoch"  # server.backup: "epoch:the store stream at the restore"
USER_AGENT = wire.user_agent(__version__)
log = logging.getLogger("member_counter.sync")


class SyncError(Exception):
    def __init__(
        self,
        kind: str,
        detail: str,
        *,
        code: str | None = None,
        status: int | None = None,
        acked_seq: int | None = None,
    ) -> None:
        self.kind = kind  # "unreachable", "server" or "refused"
        self.detail = detail
        self.code = code
        self.status = status
        self.acked_seq = acked_seq
        super().__init__(f"{kind}: {detail}")


def _dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _unreachable(exc: requests.RequestException) -> str:
    """Why HQ could not be reached, in words (never an exception's class name)."""
    if isinstance(exc, requests.exceptions.Timeout):
        return "no answer in time"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "cannot connect"
    return "request failed"


def _send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    body: bytes | None,
    headers: dict[str, str],
    verify: bool | str,
    timeout: float | tuple[float, float],
    raw: bool = False,
    on_epoch: Callable[[str], None] | None = None,
    on_next_secret: Callable[[str], None] | None = None,
    on_phone_key: Callable[[str], None] | None = None,
) -> Any:
    """The answer's JSON (or, with ``raw``, its bytes) — or a SyncError saying what failed."""
    try:
        resp = session.request(
            method, url, data=body, headers=headers, verify=verify, timeout=timeout
        )
    except requests.exceptions.SSLError as exc:
        raise SyncError("refused", f"TLS: {exc}", code="tls") from None
    except requests.RequestException as exc:
        raise SyncError("unreachable", _unreachable(exc)) from None
    if on_epoch is not None and EPOCH_HEADER in resp.headers:
        on_epoch(resp.headers[EPOCH_HEADER])
    if on_next_secret is not None and handover.HEADER in resp.headers:
        on_next_secret(resp.headers[handover.HEADER])
    key = resp.headers.get(wire.PHONE_KEY_HEADER) if resp.status_code < 400 else None
    if on_phone_key is not None and key:
        on_phone_key(key)
    if resp.status_code >= 500:
        raise SyncError("server", f"HTTP {resp.status_code}", status=resp.status_code)
    if raw and resp.status_code < 400:
        return resp.content
    try:
        data = resp.json()
    except ValueError:
        raise SyncError("server", f"HTTP {resp.status_code}: not JSON") from None
    if resp.status_code >= 400:
        code = data.get("code") if isinstance(data, dict) else None
        message = data.get("message") if isinstance(data, dict) else None
        if message is None and isinstance(data, dict) and isinstance(data.get("detail"), list):
            message = "; ".join(
                f"{'.'.join(str(p) for p in d.get('loc', ()))}: {d.get('msg')}"
                for d in data["detail"][:3]
                if isinstance(d, dict)
            )
        raise SyncError(
            "refused",
            message or f"HTTP {resp.status_code}",
            code=code or "http_" + str(resp.status_code),
            status=resp.status_code,
            acked_seq=data.get("acked_seq") if isinstance(data, dict) else None,
        )
    return data


def enroll(
    server_url: str,
    req: wire.EnrollRequest,
    *,
    verify: bool | str = True,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
) -> wire.EnrollResponse:
    with requests.Session() as session:
        data = _send(
            session,
            "POST",
            server_url.rstrip("/") + wire.ENROLL_PATH,
            body=_dumps(req.model_dump(mode="json")),
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
            verify=verify,
            timeout=timeout,
        )
    return _parse(wire.EnrollResponse, data)


def wire_events(items: Sequence[OutboxItem]) -> list[dict[str, Any]]:
    """Outbox rows as the push request carries them."""
    return [
        {
            "event_id": i.event_id,
            "device_seq": i.device_seq,
            "type": i.type,
            "payload": json.loads(i.payload),
            "payload_hash": i.payload_hash,
            "created_at": i.created_at.isoformat(),
        }
        for i in items
    ]


def _parse(model: type[Any], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SyncError("server", f"unexpected answer: {exc.error_count()} errors") from None


class HQClient:
    def __init__(
        self,
        config: SyncConfig,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.time,
        data_dir: Path | None = None,
    ) -> None:
        self.config = config
        self.data_dir = data_dir  # where a secret HQ rotated is saved (sync.json)
        self.base = config.server_url.rstrip("/")
        self.timeout = timeout
        self.clock = clock  # the system clock: HQ refuses one more than 5 minutes off
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.epoch: str | None = None  # the last epoch HQ named in an answer
        # The chain's phone key as the last pull's answer named it (memory only).
        self.phone_key: str | None = None

    def _saw_epoch(self, value: str) -> None:
        self.epoch = value

    def _saw_next_secret(self, sealed: str) -> None:
        """HQ rotated this counter's secret: keep the new one (saved before it is used, so a
        crash in between leaves the old one, which HQ still takes) and sign with it."""
        try:
            secret = handover.unseal(self.config.secret, self.config.device_id, sealed)
        except handover.HandoverError:
            log.warning("HQ sent a new device secret that does not open; kept the current one")
            return
        if secret == self.config.secret:
            return
        config = replace(self.config, secret=secret)
        if self.data_dir is not None:
            save_config(self.data_dir, config)
        self.config = config
        log.info("took the device secret HQ rotated")

    def close(self) -> None:
        self.session.close()

    def _signed(
        self, method: str, path: str, payload: Any | None = None, *, raw: bool = False
    ) -> Any:
        body = b"" if payload is None else _dumps(payload)
        headers = signing.sign_request(
            self.config.device_id, self.config.secret, method, path, body, now=self.clock()
        )
        if payload is not None:
            headers["Content-Type"] = "application/json"
        return _send(
            self.session,
            method,
            self.base + path,
            body=body if payload is not None else None,
            headers=headers,
            verify=self.config.verify,
            timeout=self.timeout,
            raw=raw,
            on_epoch=self._saw_epoch,
            on_next_secret=self._saw_next_secret,
            on_phone_key=self._saw_phone_key,
        )

    def _saw_phone_key(self, value: str) -> None:
        self.phone_key = value

    def push(self, items: Sequence[OutboxItem]) -> wire.PushResponse:
        body = {"events": wire_events(items)}
        return _parse(wire.PushResponse, self._signed("POST", wire.PUSH_PATH, body))

    def pull(self, since: int, limit: int = 500) -> wire.PullResponse:
        path = f"{wire.PULL_PATH}?since={int(since)}&limit={int(limit)}"
        content = self._signed("GET", path, raw=True)
        try:
            return wire.PullResponse.model_validate_json(content)
        except ValidationError as exc:
            raise SyncError("server", f"unexpected answer: {exc.error_count()} errors") from None

    def lookup(self, query: str) -> wire.LookupResponse:
        return _parse(wire.LookupResponse, self._signed("POST", wire.LOOKUP_PATH, {"query": query}))

    def member_changes(self, member_id: str) -> wire.PullResponse:
        """Every change HQ holds about one member (``sync repair``)."""
        body = {"member_id": member_id}
        return _parse(wire.PullResponse, self._signed("POST", wire.MEMBER_CHANGES_PATH, body))

    def history(self, member_id: str, before: dt.date, limit: int = 100) -> wire.HistoryResponse:
        """The member's transactions before ``before`` as HQ has them (older than the
        counter keeps: :mod:`app.domain.window`)."""
        body = {"member_id": member_id, "before": before.isoformat(), "limit": limit}
        return _parse(wire.HistoryResponse, self._signed("POST", wire.HISTORY_PATH, body))

    def sale(self, number: str) -> wire.SaleAnswer:
        """A cart sale HQ holds, by its whole 单号, with the refunds HQ accepted for it
        (``SyncError`` with status 404: HQ holds no such sale)."""
        body = {"number": number}
        return _parse(wire.SaleAnswer, self._signed("POST", wire.SALE_GET_PATH, body))

    def verify_pay_password(self, member_id: str, password: str) -> wire.PayPasswordResult:
        """HQ's check of the payment password of a member whose verifier stays there."""
        body = {"member_id": member_id, "password": password}
        return _parse(
            wire.PayPasswordResult, self._signed("POST", wire.VERIFY_PAY_PASSWORD_PATH, body)
        )

    def member_phone(self, member_id: str, staff_id: str, staff_no: str | None) -> str:
        """The full number of a member this counter holds masked, for the staff named (HQ
        checks their role); never stored here."""
        body: dict[str, Any] = {"member_id": member_id, "staff_id": staff_id}
        if staff_no is not None:
            body["staff_no"] = staff_no
        answer = _parse(wire.PhoneAnswer, self._signed("POST", wire.MEMBER_PHONE_PATH, body))
        if answer.member_id != member_id:
            raise SyncError("server", "unexpected answer to a phone request")
        return str(answer.phone)

    def fetch(
        self, member_id: str, *, query: str | None = None, server_seq: int | None = None
    ) -> dict[str, Any]:
        """Hold ``member_id`` at this counter's store from now on; the member as HQ has them
        (one snapshot line, :mod:`server.snapshot`). ``query`` or ``server_seq``: the reason
        HQ checks (:class:`sync.wire.FetchRequest`)."""
        body: dict[str, Any] = {"member_id": member_id}
        if query is not None:
            body["query"] = query
        if server_seq is not None:
            body["server_seq"] = server_seq
        data = self._signed("POST", wire.FETCH_PATH, body)
        if not isinstance(data, dict) or not isinstance(data.get("member"), dict):
            raise SyncError("server", "unexpected answer to a member fetch")
        return data

    def snapshot(self) -> Iterator[bytes]:
        """The lines of HQ's snapshot of this counter's store scope, as they arrive; a
        SyncError when HQ cannot be reached or refuses (``status`` 404: an HQ before
        scoped replication)."""
        path = wire.SNAPSHOT_PATH
        headers = signing.sign_request(
            self.config.device_id, self.config.secret, "GET", path, b"", now=self.clock()
        )
        try:
            resp = self.session.get(
                self.base + path, headers=headers, verify=self.config.verify,
                timeout=self.timeout, stream=True,
            )  # fmt: skip
        except requests.exceptions.SSLError as exc:
            raise SyncError("refused", f"TLS: {exc}", code="tls") from None
        except requests.RequestException as exc:
            raise SyncError("unreachable", _unreachable(exc)) from None
        with resp:
            if EPOCH_HEADER in resp.headers:
                self._saw_epoch(resp.headers[EPOCH_HEADER])
            if handover.HEADER in resp.headers:
                self._saw_next_secret(resp.headers[handover.HEADER])
            if resp.status_code >= 400:
                code = "http_" + str(resp.status_code)
                kind = "server" if resp.status_code >= 500 else "refused"
                raise SyncError(kind, f"HTTP {resp.status_code}", code=code,
                                status=resp.status_code)  # fmt: skip
            try:
                for line in resp.iter_lines(chunk_size=65536):
                    if line:
                        yield line
            except requests.RequestException as exc:
                raise SyncError("unreachable", _unreachable(exc)) from None

    def health(self) -> wire.Health:
        data = _send(
            self.session,
            "GET",
            self.base + wire.HEALTH_PATH,
            body=None,
            headers={},
            verify=self.config.verify,
            timeout=self.timeout,
        )
        return _parse(wire.Health, data)
