"""Requests are bounded before they are read (issue 11): a body over the limit is refused
from its Content-Length or while it streams — before parsing and the signature check — and
HQ keeps answering others at once; each device's pace is bounded; errors never echo input."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import requests

from server.gate import Rate
from sync import signing, wire
from tests.hqkit import Counter, Database, HQServer, signed_post

MB = 1024 * 1024


@pytest.fixture
def gated(hq_db: Database) -> Iterator[HQServer]:
    server = HQServer(hq_db.url, rates={"lookup": Rate(1.0, 3), "push": Rate(1.0, 2)})
    server.start()
    yield server
    server.close()


class HealthProbe:
    """GET /v1/health in a loop on its own thread; the slowest answer, in seconds."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.times: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        # A connection per probe: a kept-alive one adds the kernel's delayed ACK (~40 ms)
        # to every answer, which measures TCP, not HQ.
        while not self._stop.is_set():
            start = time.perf_counter()
            answer = requests.get(self.base_url + wire.HEALTH_PATH, timeout=5)
            self.times.append(time.perf_counter() - start)
            assert answer.status_code == 200
            time.sleep(0.005)

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


def _answer(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def send_big(
    port: int, headers: dict[str, str], size: int, *, chunked: bool = False
) -> tuple[float, bytes]:
    """Send a POST announcing (or streaming) ``size`` bytes; (seconds until HQ answered, the
    answer's head). Stops sending once HQ has answered."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        lines = [f"POST {wire.PUSH_PATH} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}")
        start = time.perf_counter()
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        block = b"x" * (256 * 1024)
        sent = 0
        while sent < size:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            piece = (f"{len(block):x}\r\n".encode() + block + b"\r\n") if chunked else block
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(block)
        head = _answer(sock)
        return time.perf_counter() - start, head
    finally:
        sock.close()


def test_huge_bodies_are_refused_before_they_are_read(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    counter = make_counter("S001")
    config = counter.client().config
    big = 50 * MB
    signed = signing.sign_request(
        config.device_id, config.secret, "POST", wire.PUSH_PATH, b"x" * big
    )
    with HealthProbe(hq.base_url) as probe:
        time.sleep(0.1)
        took = []
        for headers, size, chunked in (
            ({"Content-Type": "application/json"}, 300 * MB, False),  # unsigned, announced
            ({"Content-Type": "application/json"}, 300 * MB, True),  # unsigned, streamed
            ({**signed, "Content-Type": "application/json"}, big, False),  # signed
        ):
            seconds, head = send_big(hq.port, headers, size, chunked=chunked)
            assert head.startswith(b"HTTP/1.1 413"), head[:80]
            took.append(seconds)
        time.sleep(0.1)
    assert max(took) < 0.1, took
    assert probe.times and max(probe.times) < 0.05, (max(probe.times), len(probe.times))
    # A body under the limit is still read and answered as before.
    small = json.dumps({"events": []}).encode()
    ok = signed_post(hq.base_url, config.device_id, config.secret, wire.PUSH_PATH, small)
    assert ok.status_code == 200, ok.text


def test_each_device_is_paced_and_errors_never_echo_input(
    gated: HQServer, make_counter: Callable[..., Counter]
) -> None:
    counter = make_counter("S001", enroll=False)  # (the hq fixture shares the database)
    counter.enroll(gated.base_url, gated.new_store("S001"))
    config = counter.client().config
    lookup = json.dumps({"query": "13900000001"}).encode()
    answers = [
        signed_post(gated.base_url, config.device_id, config.secret, wire.LOOKUP_PATH, lookup)
        for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1
    assert answers[-1].json()["code"] == "rate_limited"

    probe = "13912345678" + "<script>" * 10
    bad = json.dumps({"query": probe}).encode()
    time.sleep(1.1)  # a token again
    answer = signed_post(gated.base_url, config.device_id, config.secret, wire.LOOKUP_PATH, bad)
    assert answer.status_code == 422
    assert "13912345678" not in answer.text and "script" not in answer.text
    assert answer.json()["code"] == "invalid_request" and "query" in answer.json()["message"]
