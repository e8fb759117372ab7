"""A full disk is a refusal, not a crash: a real, small tmpfs filled to the last byte
(tests/diskkit.py: mounted by the test as root, as CI runs; skipped elsewhere, failed in CI)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.domain.errors import StorageError
from app.ports import FixedClock
from app.services.context import open_counter
from app.services.counter_info import counter_status
from app.services.hashing import Hasher
from app.services.importing import import_members
from app.services.lookup import show_member
from app.services.members import Registration, register_member
from app.services.security import sign_in
from app.services.store import init_store
from tests.conftest import START, db_snapshot
from tests.diskkit import fill
from tests.helpers import query
from tests.integration.test_cli import Cli

ADMIN = ("admin", "2580")
PHONE = "13900000001"


def snapshot(db: Path) -> dict[str, list[tuple]]:
    class _Ctx:
        class db:
            path = db

    return db_snapshot(_Ctx())  # type: ignore[arg-type]


def test_cli_operations_are_refused_on_a_full_disk_and_work_again_after(small_disk: Path):
    cli = Cli(small_disk / "data")
    cli.ok("init", "--store-code", "S1", "--store-name", "满盘店", "--admin-pin", ADMIN[1])
    cli.ok("member", "register", "--name", "张三", "--phone", PHONE, "--consent", staff=ADMIN)
    cli.ok("topup", PHONE, "--amount", "500", "--method", "cash", staff=ADMIN)
    db = cli.data_dir / "counter.sqlite3"
    before = snapshot(db)
    filler = fill(small_disk)

    attempts = {
        "topup": ("topup", PHONE, "--amount", "100", "--method", "cash"),
        "checkout": ("checkout", PHONE, "--amount", "50"),
        "register": ("member", "register", "--name", "李四", "--phone", "13900000002", "--consent"),
        "export": ("export", "members", "--out", str(small_disk / "members.xlsx")),
    }
    for name, args in attempts.items():
        code, data, err = cli.run(*args, staff=ADMIN)
        assert code == 3, (name, code, data, err)
        assert data["code"] == "storage_full", (name, data)
        assert data["error"].startswith("磁盘已满"), (name, data)
        assert err == "", (name, err)  # no traceback, no logging error
    assert not list(small_disk.glob("members.xlsx*"))  # no half-written export left

    filler.unlink()
    assert snapshot(db) == before  # nothing of the refused operations was written
    assert cli.ok("topup", PHONE, "--amount", "100", "--method", "cash",
                  staff=ADMIN)["stored_value"]["total"] == "650.00"  # fmt: skip
    assert cli.ok("checkout", PHONE, "--amount", "50", staff=ADMIN)["stored_value"]["total"] == (
        "600.00"
    )
    cli.ok("member", "register", "--name", "李四", "--phone", "13900000002", "--consent",
           staff=ADMIN)  # fmt: skip
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM member").fetchone() == (2,)
    finally:
        conn.close()


def test_the_window_keeps_reading_and_refuses_writes_whole(small_disk: Path, tmp_path: Path):
    """Like the window: a long-running process whose connection stays open."""
    data_dir = small_disk / "data"
    ctx = open_counter(data_dir, clock=FixedClock(START), hasher=Hasher.fast())
    try:
        init_store(ctx, code="S1", name="满盘店", admin_pin=ADMIN[1])
        admin = sign_in(ctx, *ADMIN)
        register_member(ctx, admin, Registration(name="张三", phone=PHONE, consent=True))
        big = tmp_path / "many.csv"  # on the test's own disk, not the full one
        big.write_text("姓名,手机号\n" + "".join(f"会员{i},139{i:08d}\n" for i in range(10, 1510)))
        filler = fill(small_disk)

        assert show_member(ctx, admin, PHONE).name == "张三"  # reads keep working
        assert counter_status(ctx).free_bytes == 0
        with pytest.raises(StorageError) as exc:
            import_members(ctx, admin, big)
        assert exc.value.code == "storage_full"
        filler.unlink()
        assert query(ctx, "SELECT count(*) FROM member") == [(1,)]  # none of the 1,500
        assert import_members(ctx, admin, big).imported
    finally:
        ctx.close()
