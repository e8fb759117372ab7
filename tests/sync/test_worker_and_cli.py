"""The background worker, the sync commands of member-counter, and online lookup."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable

import pytest

from app.services import syncstate
from app.services.lookup import show_member
from app.services.members import Registration, register_member
from app.services.stored_value import top_up
from launcher import main as counter_main
from sync.engine import lookup_and_fetch
from sync.worker import SyncWorker, backoff_delay
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer, hq_counts


def wait_for(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


def test_backoff_grows_and_is_capped() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(n, 1.0, 30.0, rng) for n in range(1, 9)]
    assert 0.5 <= delays[0] <= 1.0
    assert 4.0 <= delays[3] <= 8.0
    assert all(d <= 30.0 for d in delays) and delays[-1] >= 15.0
    assert backoff_delay(0, 1.0, 30.0, rng) == 1.0


def test_worker_pushes_backs_off_and_recovers(hq: HQServer, make_counter) -> None:
    counter: Counter = make_counter("S001")
    register_member(
        counter.ctx, counter.cashier, Registration(name="周八", phone="13900000041", consent=True)
    )
    seen: list = []
    worker = SyncWorker(
        counter.data_dir,
        clock=counter.clock,
        interval=0.2,
        retry_base=0.05,
        retry_max=0.2,
        timeout=(1.0, 2.0),
    )
    worker.add_listener(seen.append)
    worker.start()
    try:
        wait_for(lambda: worker.status is not None and worker.status.pending == 0)
        assert worker.status.online and worker.status.last_error is None
        assert hq_counts(hq)["members"] == 1

        hq.stop()
        top_up(counter.ctx, counter.cashier, "13900000041", 10_000, "cash")  # never blocked
        worker.trigger()
        wait_for(lambda: worker.failures >= 2)
        assert worker.status.pending == 1
        assert worker.status.last_error and "unreachable" in worker.status.last_error
        assert not worker.status.online

        hq.start()
        wait_for(lambda: worker.status.pending == 0 and worker.failures == 0)
        assert worker.status.last_error is None and worker.status.online
    finally:
        worker.stop()
    assert seen and all(s.enrolled for s in seen)
    assert hq_counts(hq)["sv"] == 1


def run_cli(capsys, data_dir, *args: str, actor: bool = True) -> tuple[int, dict]:
    argv = ["--data-dir", str(data_dir), "--json"]
    if actor:
        argv += ["--staff", MANAGER_NO, "--pin", MANAGER_PIN]
    code = counter_main([*argv, *args])
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1]) if out else {}


def test_sync_commands(hq: HQServer, make_counter, capsys) -> None:
    counter: Counter = make_counter("S001", enroll=False)
    d = counter.data_dir
    code, data = run_cli(capsys, d, "sync", "status", actor=False)
    assert code == 0 and data["enrolled"] is False and data["pending"] > 0

    code, data = run_cli(capsys, d, "sync", "now", actor=False)
    assert code == 3 and data["code"] == "sync_not_enrolled"

    enroll_code = hq.new_store("S001")
    code, data = run_cli(
        capsys, d, "sync", "enroll", "--server", hq.base_url, "--code", enroll_code
    )
    assert code == 0 and data["store_code"] == "S001", data
    assert (d / "sync.json").stat().st_mode & 0o077 == 0  # the secret is the owner's only

    # Re-enrolling or resetting would strand the pending events: refused, nothing changes.
    again = hq.new_store("S001")
    code, data = run_cli(capsys, d, "sync", "enroll", "--server", hq.base_url, "--code", again)
    assert code == 3 and data["code"] == "sync_pending"
    code, data = run_cli(capsys, d, "sync", "reset")
    assert code == 3 and data["code"] == "sync_pending"

    code, data = run_cli(capsys, d, "sync", "now", actor=False)
    assert code == 0 and data["pending"] == 0 and data["pushed"] > 0 and data["online"]

    assert counter_main(["--data-dir", str(d), "sync", "now"]) == 0
    assert "已上传 0 条" in capsys.readouterr().out
    code, data = run_cli(capsys, d, "sync", "enroll", "--server", hq.base_url, "--code", again)
    assert code == 0, data
    code, data = run_cli(capsys, d, "sync", "now", actor=False)
    assert code == 0 and data["last_error"] is None

    code, data = run_cli(capsys, d, "sync", "reset")
    assert code == 0 and not (d / "sync.json").exists()
    code, data = run_cli(capsys, d, "sync", "status", actor=False)
    assert data["enrolled"] is False

    # Text output for people.
    assert counter_main(["--data-dir", str(d), "sync", "status"]) == 0
    assert "待上传" in capsys.readouterr().out


def test_cashier_cannot_enroll(hq: HQServer, make_counter, capsys) -> None:
    counter = make_counter("S001", enroll=False)
    code = counter_main(
        [
            "--data-dir",
            str(counter.data_dir),
            "--json",
            "--staff",
            "c01",
            "--pin",
            "1470",
            "sync",
            "enroll",
            "--server",
            hq.base_url,
            "--code",
            hq.new_store("S001"),
        ]
    )
    assert code == 3
    assert json.loads(capsys.readouterr().out)["code"] == "permission_denied"


def test_online_lookup_finds_a_member_not_yet_pulled(
    hq: HQServer, make_counter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    a, b = make_counter("S001"), make_counter("S002")
    phone = "13900000042"
    register_member(a.ctx, a.cashier, Registration(name="吴九", phone=phone, consent=True))
    top_up(a.ctx, a.cashier, phone, 20_000, "alipay")
    a.sync()

    client = b.client()
    try:
        found = client.lookup(phone).members
    finally:
        client.close()
    assert [(m.name, m.phone_masked, m.principal_fen, m.store_code) for m in found] == [
        ("吴九", "139****0042", 20_000, "S001")
    ]
    from app.domain.errors import NotFoundError

    with pytest.raises(NotFoundError):
        show_member(b.ctx, b.cashier, phone)
    client = b.client()
    try:
        assert [m.member_id for m in lookup_and_fetch(b.ctx, client, phone)] == [found[0].member_id]
    finally:
        client.close()
    assert show_member(b.ctx, b.cashier, phone).stored_value_fen == 20_000
    top_up(b.ctx, b.cashier, phone, 5_000, "cash")  # served at B at once
    b.sync()
    a.sync()
    assert show_member(a.ctx, a.cashier, phone).stored_value_fen == 25_000
    assert phone not in caplog.text
    assert syncstate.status(b.ctx).cursor > 0
