"""Backups that cannot destroy, a restore that keeps what it replaces, backups at each close."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.errors import CounterError
from app.instance import InstanceLock
from app.persistence import syncstore
from app.services import backups, closing
from app.services.context import open_counter
from app.services.security import sign_in
from app.services.settings import BackupSettings, set_backup_settings
from app.services.store import init_store
from app.services.stored_value import top_up
from tests.conftest import ADMIN_PIN, CASHIER_NO, CASHIER_PIN, MANAGER_NO, MANAGER_PIN
from tests.helpers import query
from tests.integration.test_cli import REPO, Cli

PHONE = "13900000101"
STREAM = """
import sys
from pathlib import Path
from app.services.context import open_counter
from app.services.security import sign_in
from app.services.store import init_store
from app.services.stored_value import top_up
ctx = open_counter(Path(sys.argv[1]))
cashier = sign_in(ctx, sys.argv[2], sys.argv[3])
for _ in range(40):
    print(top_up(ctx, cashier, sys.argv[4], 1000, "cash").txn_id, flush=True)
ctx.close()
"""


def _cli(data_dir: Path) -> Cli:
    return Cli(data_dir)


MANAGER = (MANAGER_NO, MANAGER_PIN)


def topups(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM txn WHERE kind = 'topup'")}
    finally:
        conn.close()


def test_backup_onto_the_live_database_during_top_ups_loses_nothing(
    ctx, register, data_dir: Path, tmp_path: Path
) -> None:
    register(name="张三", phone=PHONE)
    ctx.close()
    cli = _cli(data_dir)
    live = data_dir / "counter.sqlite3"
    link = tmp_path / "link.sqlite3"
    link.symlink_to(live)
    stream = subprocess.Popen(
        [sys.executable, "-c", STREAM, str(data_dir), CASHIER_NO, CASHIER_PIN, PHONE],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    copies = []
    try:
        while stream.poll() is None or not copies:
            for target in (live, data_dir / "counter.sqlite3-wal", link, data_dir):
                code, err, _ = cli.run("backup", str(target), "--overwrite", staff=MANAGER)
                assert code == 3, (target, err)
                assert err["code"] in ("backup_target_live", "backup_target_special"), err
            copy = tmp_path / f"copy-{len(copies)}.sqlite3"
            assert cli.ok("backup", str(copy), staff=MANAGER)["integrity"] == "ok"
            copies.append(copy)
        acknowledged = set(stream.stdout.read().split()) if stream.stdout else set()
    finally:
        stream.wait(60)
    assert stream.returncode == 0
    assert len(acknowledged) == 40
    assert acknowledged <= topups(live)  # every acknowledged top-up is on disk
    assert len(topups(live)) == 40
    for copy in copies:  # each copy: a whole database as of one moment
        conn = sqlite3.connect(copy)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            (principal,) = conn.execute("SELECT principal_fen FROM member").fetchone()
            (n,) = conn.execute("SELECT count(*) FROM txn WHERE kind = 'topup'").fetchone()
            assert principal == n * 1000  # the balance and its top-ups agree
        finally:
            conn.close()
        assert topups(copy) <= topups(live)
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_devices_fifos_and_existing_files_are_refused_and_left_as_they_were(
    ctx, manager, tmp_path: Path, data_dir: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    old = tmp_path / "old.sqlite3"
    old.write_bytes(b"an earlier backup")
    folder = tmp_path / "dir"
    folder.mkdir()
    cases = {
        Path("/dev/null"): "backup_target_special",
        fifo: "backup_target_special",
        folder: "backup_target_special",
        old: "backup_target_exists",
        data_dir / "elsewhere.sqlite3": "backup_target_live",
        data_dir / "logs" / "x.sqlite3": "backup_target_live",
    }
    for target, code in cases.items():
        with pytest.raises(CounterError) as exc:
            backups.backup(ctx, manager, target)
        assert exc.value.code == code, target
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert old.read_bytes() == b"an earlier backup"
    assert not (data_dir / "elsewhere.sqlite3").exists()
    assert not list(tmp_path.glob(".*partial")) and not list(data_dir.glob(".*partial"))
    result = backups.backup(ctx, manager, old, overwrite=True)
    assert query_file(old, "SELECT code FROM store") == [("S001",)]
    assert result.integrity == "ok"
    inside = backups.backup(ctx, manager, data_dir / "backups" / "mine.sqlite3")
    assert Path(inside.path).is_file()
    default = backups.backup(ctx, manager)  # no path: the backup folder
    assert Path(default.path).parent == data_dir / "backups"


def query_file(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_restore_round_trip(ctx, register, cashier, manager, data_dir: Path, tmp_path) -> None:
    member = register(name="张三", phone=PHONE)
    top_up(ctx, cashier, member.member_id, 10_000, "cash")
    saved = tmp_path / "before.sqlite3"
    backups.backup(ctx, manager, saved)
    later = top_up(ctx, cashier, member.member_id, 20_000, "cash")
    ctx.close()
    cli = _cli(data_dir)

    code, err, _ = cli.run("restore", str(saved), staff=(CASHIER_NO, CASHIER_PIN))
    assert code == 3 and err["code"] == "permission_denied"
    with InstanceLock(data_dir) as window:  # the window is running
        assert window.acquire()
        code, err, _ = cli.run("restore", str(saved), staff=MANAGER)
        assert code == 3 and err["code"] == "restore_window_open"
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(os.urandom(8192))
    code, err, _ = cli.run("restore", str(garbage), staff=MANAGER)
    assert code == 3 and err["code"] == "restore_not_backup"
    assert later.txn_id in topups(data_dir / "counter.sqlite3")  # nothing changed so far

    done = cli.ok("restore", str(saved), staff=MANAGER)
    assert done["store_code"] == "S001" and done["members"] == 1
    live = data_dir / "counter.sqlite3"
    assert later.txn_id not in topups(live)
    assert query_file(live, "SELECT principal_fen FROM member") == [(10_000,)]
    aside = Path(done["kept_aside"])
    assert later.txn_id in topups(aside)  # what it replaced is kept
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    audit = cli.ok("audit", "list", "--action", "backup", staff=MANAGER)
    assert audit["chain_ok"] and audit["rows"][0]["action"] == "backup.restore"
    # The counter works on: a top-up after the restore.
    cli.ok("topup", PHONE, "--amount", "10", "--method", "cash", staff=(CASHIER_NO, CASHIER_PIN))


def test_restore_over_a_damaged_database_and_refusals(
    ctx, register, manager, data_dir: Path, tmp_path
) -> None:
    register(name="张三", phone=PHONE)
    saved = tmp_path / "ok.sqlite3"
    backups.backup(ctx, manager, saved)
    ctx.close()
    # Another store's backup is refused.
    other_dir = tmp_path / "other"
    other = open_counter(other_dir)
    init_store(other, code="S999", name="别的店", admin_pin=ADMIN_PIN)
    other_backup = tmp_path / "other.sqlite3"
    backups.backup(other, sign_in(other, "admin", ADMIN_PIN), other_backup)
    other.close()
    with pytest.raises(CounterError) as exc:
        backups.restore_backup(data_dir, other_backup, MANAGER_NO, MANAGER_PIN)
    assert exc.value.code == "restore_other_store"
    # The damaged live database: signed in against the backup, moved aside as files.
    (data_dir / "counter.sqlite3").write_bytes(b"\x00garbage" * 1000)
    done = backups.restore_backup(data_dir, saved, MANAGER_NO, MANAGER_PIN)
    assert Path(done.kept_aside or "").is_dir()
    assert (Path(done.kept_aside or "") / "counter.sqlite3").read_bytes().startswith(b"\x00garb")
    assert query_file(data_dir / "counter.sqlite3", "SELECT count(*) FROM member") == [(1,)]


def test_restore_of_a_backup_older_than_hq_is_refused(
    ctx, register, manager, data_dir: Path, tmp_path
) -> None:
    saved = tmp_path / "early.sqlite3"
    backups.backup(ctx, manager, saved)
    register(name="张三", phone=PHONE)
    with ctx.uow() as uow:  # HQ has acknowledged everything so far (as a sync leaves it)
        syncstore.mark_pushed(uow, 10**6, ctx.now())
        uow.commit()
    ctx.close()
    with pytest.raises(CounterError) as exc:
        backups.restore_backup(data_dir, saved, MANAGER_NO, MANAGER_PIN)
    assert exc.value.code == "restore_behind_hq"


def test_a_backup_after_each_close_keeping_the_last_n(
    ctx, clock, manager, data_dir: Path, tmp_path
) -> None:
    set_backup_settings(ctx, manager, BackupSettings(keep=2))
    made = []
    for _ in range(3):
        report = closing.close_day(ctx, manager)
        made.append(Path(report["backup"]["path"]))
        clock.advance(days=1)
    kept = sorted((data_dir / "backups").iterdir())
    assert kept == made[1:]  # the oldest went
    assert all(query_file(p, "PRAGMA integrity_check") == [("ok",)] for p in kept)
    # A backup that cannot be written does not undo the close: it is reported.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    set_backup_settings(ctx, manager, BackupSettings(folder=str(blocked)))
    report = closing.close_day(ctx, manager)
    assert report["closed"] and "error" in report["backup"]
    set_backup_settings(ctx, manager, BackupSettings(auto=False))
    clock.advance(days=1)
    assert closing.close_day(ctx, manager)["backup"] is None
    assert query(ctx, "SELECT count(*) FROM day_close") == [(5,)]
