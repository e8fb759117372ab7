"""HQ's gate: requests are bounded before they are read, and each device's pace is bounded.

:class:`BodyLimit` (ASGI middleware, outermost but for the request log) refuses a body over
the limit from its ``Content-Length`` at once, or — sent without one, chunked — as soon as
the bytes read pass the limit; the body is never parsed, nor its signature checked, and at
most ``limit`` bytes of it are ever held. :class:`RateLimiter` is a token bucket per
(device, route) kept in the process: an authenticated device that asks too fast is answered
429 with ``Retry-After``.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 2 * 1024 * 1024


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"code": code, "message": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = None
        for key, value in scope.get("headers", ()):
            if key == b"content-length":
                length = value
                break
        if length is not None:
            if not length.isdigit() or len(length) > 18:
                await _refuse(send, 400, "bad_length", "malformed Content-Length")
                return
            if int(length) > self.max_bytes:
                await _refuse(send, 413, "body_too_large", "request body too large")
                return
        # Read the body here, up to the limit, and hand the app what was read.
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                await _refuse(send, 413, "body_too_large", "request body too large")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        await self.app(
            scope, _replay([{"type": "http.request", "body": body, "more_body": False}]), send
        )


def _replay(messages: list[Message]) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        return {"type": "http.disconnect"}

    return receive


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: int


# A join (snapshot) is rare: a few at once, then one a minute.
DEFAULT_RATES = {
    "push": Rate(20.0, 200),
    "lookup": Rate(5.0, 50),
    "fetch": Rate(1.0, 30),  # a member taken to be served: a queue's worth, then one a second
    "snapshot": Rate(1 / 60, 5),
    "phone": Rate(0.5, 5),  # a member's full number: a few at once, then one each 2 s
}


class RateLimiter:
    """Token buckets per (device, route); ``check`` returns 0 (go) or the seconds to wait."""

    def __init__(self, rates: dict[str, Rate] | None = None, clock: object = None) -> None:
        self.rates = dict(DEFAULT_RATES if rates is None else rates)
        self._clock = clock or time.monotonic
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, device_id: str, route: str) -> int:
        rate = self.rates.get(route)
        if rate is None or rate.per_second <= 0:
            return 0
        now = self._clock()  # type: ignore[operator]
        with self._lock:
            tokens, at = self._buckets.get((device_id, route), (float(rate.burst), now))
            tokens = min(float(rate.burst), tokens + (now - at) * rate.per_second)
            if tokens >= 1:
                self._buckets[(device_id, route)] = (tokens - 1, now)
                return 0
            self._buckets[(device_id, route)] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / rate.per_second))
