"""HQ's log: one line per request on stdout (the journal under systemd), nothing personal.

A request's line has its method, path (never the query string or body, where a phone number
could be), status, duration, the device that signed it and the client's address — no member
name, phone or card. uvicorn's own access log is replaced by this line.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("member_hq.request")

LEVELS = ("critical", "error", "warning", "info", "debug")
_DEVICE = re.compile(r"^[0-9a-fA-F-]{1,36}$")
_PATH = re.compile(r"[^A-Za-z0-9/._-]")


def log_config(level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for ``uvicorn.run(log_config=...)``: plain lines on
    stdout, ``member_hq`` and uvicorn's own messages at ``level``."""
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "stream": "ext://sys.stdout",
            },
        },
        "loggers": {
            "member_hq": {"handlers": ["stdout"], "level": upper, "propagate": False},
            "uvicorn": {"handlers": ["stdout"], "level": upper, "propagate": False},
            "uvicorn.error": {"level": upper},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


class RequestLog:
    """ASGI middleware writing the request line when the response has been sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            device = _header(scope, b"x-mc-device") or "-"
            client = scope.get("client")
            log.info(
                "%s %s %d %.1fms device=%s client=%s",
                scope.get("method", "-"),
                _PATH.sub("?", scope.get("path", ""))[:120],
                status,
                (time.perf_counter() - start) * 1000,
                device if _DEVICE.match(device) else "?",
                client[0] if client else "-",
            )
