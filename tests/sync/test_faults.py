"""Faults between counter and HQ: whatever the network does, no event is lost or applied twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from app.services import syncstate
from app.services.checkout import checkout
from app.services.members import Registration, register_member
from app.services.stored_value import top_up
from server import admin
from sync.client import SyncError
from sync.config import load_config, save_config
from tests.faultproxy import FaultProxy
from tests.hqkit import Counter, HQServer, hq_counts

PHONE = "13900000031"


@pytest.fixture
def proxy(hq: HQServer) -> Iterator[FaultProxy]:
    p = FaultProxy(hq.port, delay=1.0)
    yield p
    p.close()


def via(counter: Counter, url: str) -> None:
    """Point the counter at ``url`` (the proxy) instead of HQ itself."""
    config = load_config(counter.data_dir)
    assert config is not None
    save_config(counter.data_dir, config.__class__(**{**config.__dict__, "server_url": url}))


def activity(counter: Counter, topups: int = 3) -> int:
    """A member with some top-ups and a checkout; returns the expected stored value."""
    register_member(
        counter.ctx, counter.cashier, Registration(name="孙七", phone=PHONE, consent=True)
    )
    for _ in range(topups):
        top_up(counter.ctx, counter.cashier, PHONE, 10_000, "cash")
    checkout(counter.ctx, counter.cashier, PHONE, 3_000)
    return topups * 10_000 - 3_000


def assert_exactly_once(hq: HQServer, counter: Counter, stored_value: int) -> None:
    assert syncstate.pending_count(counter.ctx) == 0
    with counter.ctx.reader() as uow:
        n_events = len(uow.outbox())
    assert hq_counts(hq)["events"] == n_events
    (balance,) = admin.member_balances(hq.engine).values()
    assert balance[0] + balance[1] == stored_value


@pytest.mark.parametrize("fault", ["drop_response", "duplicate", "reset", "slow"])
def test_push_survives_network_faults(hq: HQServer, make_counter, proxy, fault: str) -> None:
    counter = make_counter("S001")
    via(counter, proxy.base_url)
    expected = activity(counter)
    proxy.plan = [fault]
    if fault in ("drop_response", "reset", "slow"):
        with pytest.raises(SyncError) as exc:
            counter.sync(timeout=(2.0, 0.5))
        assert exc.value.kind == "unreachable"
        status = syncstate.status(counter.ctx)
        assert status.last_error and status.pending > 0
        if fault == "slow":
            time.sleep(proxy.delay)  # let HQ's answer arrive at the proxy and be dropped
    counter.sync(timeout=(2.0, 5.0))
    assert proxy.seen[0][2] == fault
    assert_exactly_once(hq, counter, expected)
    assert syncstate.status(counter.ctx).last_error is None


def test_a_dropped_answer_after_commit_is_acknowledged_on_retry(
    hq: HQServer, make_counter, proxy
) -> None:
    counter = make_counter("S001")
    via(counter, proxy.base_url)
    expected = activity(counter)
    proxy.plan = ["drop_response"]
    with pytest.raises(SyncError):
        counter.sync()
    applied = hq_counts(hq)
    assert applied["events"] > 0  # HQ committed although the counter never heard back
    assert syncstate.pending_count(counter.ctx) == applied["events"]
    counter.sync()
    assert hq_counts(hq) == applied
    assert_exactly_once(hq, counter, expected)


def test_hq_restarted_between_batches(hq: HQServer, make_counter, proxy) -> None:
    counter = make_counter("S001")
    via(counter, proxy.base_url)
    expected = activity(counter, topups=30)
    restarted = threading.Event()

    def restart() -> None:
        hq.restart()
        restarted.set()

    proxy.on_request = restart
    proxy.plan = ["pass", "callback"]
    from sync import engine

    client = counter.client()
    try:
        engine.push_all(counter.ctx, client, batch=10)
    finally:
        client.close()
    assert restarted.is_set()
    counter.sync()
    assert_exactly_once(hq, counter, expected)


def _serve(url: str, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "server", "--db", url, "serve", "--port", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _wait_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("HQ did not come up")


def test_hq_killed_mid_push_loses_nothing(hq: HQServer, make_counter, tmp_path: Path) -> None:
    """A separate HQ process, SIGKILLed while it handles a push, then started again."""
    hq.stop()  # the same database, served by a process we can kill
    port = hq.port
    proc = _serve(hq.url, port, tmp_path / "hq1.log")
    try:
        _wait_up(port)
        counter = make_counter("S001", url=f"http://127.0.0.1:{port}")
        expected = activity(counter, topups=200)
        proxy = FaultProxy(port)
        via(counter, proxy.base_url)

        def kill_soon() -> None:
            threading.Timer(0.02, lambda: os.kill(proc.pid, signal.SIGKILL)).start()

        proxy.on_request = kill_soon
        proxy.plan = ["pass", "callback"]
        from sync import engine

        client = counter.client(timeout=(2.0, 5.0))
        with pytest.raises(SyncError):
            engine.push_all(counter.ctx, client, batch=50)
        client.close()
        proc.wait(10)
        proc = _serve(hq.url, port, tmp_path / "hq2.log")
        _wait_up(port)
        counter.sync()
        assert_exactly_once(hq, counter, expected)
        proxy.close()
    finally:
        proc.kill()
        proc.wait(10)
