"""A small HTTP proxy for the sync tests that breaks the network on purpose.

Each request to the proxy takes the next fault from ``plan`` (then passes
through once the plan is empty):

- ``pass``: forward and answer;
- ``drop_response``: forward (HQ commits), then close without answering;
- ``duplicate``: forward the same request twice, answer with the first reply;
- ``reset``: close the connection with a TCP reset, forwarding nothing;
- ``slow``: forward, then wait ``delay`` seconds before answering;
- ``callback``: call ``on_request`` (e.g. to restart HQ) and then forward.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FORWARD = ("content-type", "x-mc-device", "x-mc-timestamp", "x-mc-nonce", "x-mc-signature")


class FaultProxy:
    def __init__(self, upstream_port: int, delay: float = 1.0) -> None:
        self.upstream_port = upstream_port
        self.delay = delay
        self.plan: list[str] = []
        self.seen: list[tuple[str, str, str]] = []  # (method, path, fault)
        self.on_request: Callable[[], None] | None = None
        self.down = False  # the network is cut: every connection is reset
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                proxy._handle(self)

            def do_POST(self) -> None:
                proxy._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _next_fault(self, method: str, path: str) -> str:
        with self._lock:
            fault = "pass"
            if self.down:
                fault = "reset"
            elif self.plan:
                fault = self.plan.pop(0)
            self.seen.append((method, path, fault))
            return fault

    def _forward(self, method: str, path: str, headers: dict[str, str], body: bytes):
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheader("content-type") or "", resp.read()
        finally:
            conn.close()

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        headers = {k: v for k, v in h.headers.items() if k.lower() in FORWARD}
        fault = self._next_fault(h.command, h.path)
        if fault == "reset":
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.close_connection = True
            return
        if fault == "callback" and self.on_request is not None:
            self.on_request()
        try:
            status, ctype, data = self._forward(h.command, h.path, headers, body)
        except OSError:
            h.send_response(502)
            h.send_header("Content-Type", "application/json")
            payload = b'{"code":"bad_gateway","message":"HQ unreachable"}'
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            return
        if fault == "duplicate":
            with contextlib.suppress(OSError):
                self._forward(h.command, h.path, headers, body)
        if fault == "drop_response":
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.close_connection = True
            return
        if fault == "slow":
            time.sleep(self.delay)
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
