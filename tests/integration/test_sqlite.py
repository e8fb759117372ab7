"""The SQLite file: PRAGMAs, migrations, write locking, online backup, append-only ledgers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.domain.errors import PermissionDeniedError
from app.persistence import migrate
from app.persistence.db import DB_FILENAME, Database, make_engine
from app.persistence.tables import Base
from app.ports import FixedClock
from app.services.backups import backup
from app.services.checkout import checkout
from app.services.context import CounterContext, open_counter
from app.services.hashing import Hasher
from app.services.lookup import MemberView, show_member
from app.services.maintenance import verify_audit
from app.services.security import Actor, sign_in
from app.services.stored_value import top_up
from tests.conftest import CASHIER_NO, CASHIER_PIN, MANAGER_NO, MANAGER_PIN, db_snapshot

APPEND_ONLY = ("sv_entry", "points_entry", "points_lot", "txn_tender", "tier_change", "audit_log")


def _schema(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        con.close()


def _second_counter(ctx: CounterContext, clock: FixedClock) -> CounterContext:
    """Another counter context (engine, connections) over the same database file."""
    assert ctx.data_dir is not None
    return open_counter(ctx.data_dir, clock=clock, hasher=Hasher.fast())


# -- PRAGMAs -------------------------------------------------------------------------------


def test_every_new_connection_gets_wal_full_sync_foreign_keys_and_busy_timeout(
    ctx: CounterContext,
) -> None:
    ctx.db.engine.dispose()  # nothing pooled: the next connections are new ones
    first = ctx.db.engine.raw_connection()
    second = ctx.db.engine.raw_connection()  # checked out together, so a different connection
    try:
        for raw in (first, second):
            con = raw.driver_connection
            assert isinstance(con, sqlite3.Connection)

            def pragma(name: str, con: sqlite3.Connection = con) -> object:
                return con.execute(f"PRAGMA {name}").fetchone()[0]

            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 2  # FULL
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") >= 1000
        assert first.driver_connection is not second.driver_connection
    finally:
        first.close()
        second.close()
    # WAL is a property of the file: a plain connection sees it too.
    con = sqlite3.connect(ctx.db.path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()


# -- migrations ----------------------------------------------------------------------------


def test_a_fresh_database_is_migrated_to_alembic_head(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    blank = make_engine(path)
    try:
        assert not migrate.is_current(blank)  # the check can say no
    finally:
        blank.dispose()

    db = Database(path)
    try:
        assert migrate.is_current(db.engine)
        head = ScriptDirectory.from_config(migrate._config()).get_current_head()
        assert migrate.head_revision() == head  # read from the files without Alembic
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head
            # The migrations build exactly the tables, columns and indexes the models declare.
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        db.dispose()
    tables = {row[1] for row in _schema(path) if row[0] == "table"}
    assert set(Base.metadata.tables) | {"alembic_version"} <= tables


def test_opening_a_current_database_does_not_import_alembic(ctx: CounterContext) -> None:
    probe = (
        "import sys; from pathlib import Path; from app.services.context import open_counter; "
        f"open_counter(Path({str(ctx.data_dir)!r})).close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_running_the_upgrade_again_is_a_no_op(
    ctx: CounterContext, cashier: Actor, register: Callable[..., MemberView]
) -> None:
    member = register(name="张三")
    top_up(ctx, cashier, member.card_no or "", 10_000, "cash")
    schema, rows = _schema(ctx.db.path), db_snapshot(ctx)

    migrate.upgrade(ctx.db.engine)
    migrate.upgrade(ctx.db.engine)
    reopened = open_counter(ctx.data_dir or Path(), hasher=Hasher.fast())  # migrates on open
    reopened.close()

    assert migrate.is_current(ctx.db.engine)
    assert _schema(ctx.db.path) == schema
    assert db_snapshot(ctx) == rows


# -- BEGIN IMMEDIATE -----------------------------------------------------------------------


def test_a_write_unit_of_work_takes_the_write_lock_at_once_and_a_reader_does_not(
    ctx: CounterContext,
) -> None:
    other = sqlite3.connect(ctx.db.path, timeout=0, isolation_level=None)
    try:
        with ctx.uow(), pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released when the unit of work ends
        other.execute("ROLLBACK")
        with ctx.reader() as uow:
            assert uow.store() is not None  # a read transaction is open ...
            other.execute("BEGIN IMMEDIATE")  # ... and a writer still gets in
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_two_counters_topping_up_the_same_member_concurrently_all_commit(
    ctx: CounterContext, clock: FixedClock, register: Callable[..., MemberView]
) -> None:
    member = register(name="并发测试")
    counters = [_second_counter(ctx, clock) for _ in range(2)]
    errors: list[BaseException] = []
    results: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def work(i: int) -> None:
        try:
            c = counters[i]
            actor = sign_in(c, CASHIER_NO, CASHIER_PIN)
            barrier.wait(timeout=10)
            for n in range(50):
                res = top_up(c, actor, member.member_id, 100 * (n + 1) + i, "cash")
                results[i].append(res.amount_fen)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        for c in counters:
            c.close()

    assert errors == []  # in particular no "database is locked"
    assert all(len(r) == 50 for r in results)
    expected = sum(results[0]) + sum(results[1])  # all under the bonus threshold
    with ctx.reader() as uow:
        topups = uow.session.connection().exec_driver_sql(
            "SELECT COUNT(*), SUM(amount_fen) FROM txn WHERE kind = 'topup' AND member_id = ?",
            (member.member_id,),
        )
        assert tuple(topups.one()) == (100, expected)
        assert uow.sv_ledger_balance(member.member_id) == (expected, 0)
        assert uow.ledger_mismatches() == []
        row = uow.member(member.member_id)
        assert row is not None and (row.principal_fen, row.bonus_fen) == (expected, 0)
        seqs = [e.device_seq for e in uow.outbox()]
        assert seqs == list(range(1, len(seqs) + 1))


# -- backup --------------------------------------------------------------------------------


def test_backup_while_another_counter_writes_is_consistent(
    ctx: CounterContext,
    clock: FixedClock,
    manager: Actor,
    cashier: Actor,
    register: Callable[..., MemberView],
    tmp_path: Path,
) -> None:
    members = [register(name=name) for name in ("赵一", "钱二", "孙三", "李四")]
    writer = _second_counter(ctx, clock)
    stop = threading.Event()
    writes: list[str] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            actor = sign_in(writer, CASHIER_NO, CASHIER_PIN)
            n = 0
            while not stop.is_set():
                m = members[n // 2 % len(members)]  # top up, then spend, member by member
                if n % 2:
                    res = checkout(writer, actor, m.member_id, 1_000)
                    writes.append(res.txn_id)
                else:
                    writes.append(top_up(writer, actor, m.member_id, 60_000, "wechat").txn_id)
                n += 1
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    targets = []
    try:
        while len(writes) < 5 and thread.is_alive():
            threading.Event().wait(0.005)
        for i in range(3):
            before = len(writes)
            targets.append(Path(backup(ctx, manager, tmp_path / f"backup{i}" / DB_FILENAME).path))
            while len(writes) < before + 5 and thread.is_alive():
                threading.Event().wait(0.005)  # let the writer commit between backups
    finally:
        stop.set()
        thread.join(timeout=60)
        writer.close()
    assert errors == []
    assert len(writes) >= 20

    with ctx.reader() as uow:
        rows = [uow.member(m.member_id) for m in members]
        live = {(r.id, r.name, r.phone, r.card_id) for r in rows if r is not None}
    for target in targets:
        con = sqlite3.connect(target)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            copied = set(con.execute("SELECT id, name, phone, card_id FROM member").fetchall())
            txn_ids = {r[0] for r in con.execute("SELECT id FROM txn")}
        finally:
            con.close()
        assert copied == live
        assert 5 <= len(txn_ids & set(writes)) < len(writes)  # a snapshot taken mid-stream
        restored = open_counter(target.parent, hasher=Hasher.fast())
        try:
            for m in members:
                assert show_member(restored, manager, m.card_no or "").name == m.name
            report = verify_audit(restored, sign_in(restored, MANAGER_NO, MANAGER_PIN))
            assert report.ok and report.ledger_mismatches == []
            with restored.reader() as uow:
                seqs = [e.device_seq for e in uow.outbox()]
            assert seqs == list(range(1, len(seqs) + 1))
        finally:
            restored.close()

    with pytest.raises(PermissionDeniedError) as refused:
        backup(ctx, cashier, tmp_path / "cashier" / DB_FILENAME)
    assert refused.value.code == "permission_denied"
    assert not (tmp_path / "cashier" / DB_FILENAME).exists()


# -- append-only ledgers -------------------------------------------------------------------

TAMPER = {
    "sv_entry": "principal_fen = principal_fen + 100",
    "points_entry": "points = points + 100",
    "points_lot": "expires_on = '2099-12-31'",
    "txn_tender": "amount_fen = 0",
    "tier_change": "to_tier = 'diamond'",
    "audit_log": "after = NULL",
}


@pytest.fixture
def ledgers(ctx: CounterContext, cashier: Actor, register: Callable[..., MemberView]) -> None:
    """A member with rows in every append-only table (crossing 银卡 adds a tier change)."""
    member = register(name="王五")
    top_up(ctx, cashier, member.member_id, 200_000, "alipay")
    res = checkout(ctx, cashier, member.member_id, 120_000)
    assert res.tier == "silver" and res.points_earned > 0
    checkout(ctx, cashier, member.member_id, 10_000, points=500)  # a redemption entry too


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE"])
def test_ledger_tables_refuse_update_and_delete(
    ctx: CounterContext,
    ledgers: None,
    snapshot: Callable[[], dict[str, list[tuple]]],
    table: str,
    verb: str,
) -> None:
    before = snapshot()
    assert before[table], f"{table} needs rows for its row triggers to fire"
    sql = f"UPDATE {table} SET {TAMPER[table]}" if verb == "UPDATE" else f"DELETE FROM {table}"
    con = sqlite3.connect(ctx.db.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match=f"{table} is append-only"):
            con.execute(sql)
        con.rollback()
    finally:
        con.close()
    assert snapshot() == before
    # Appending is still allowed: the services keep writing these tables.
    with ctx.reader() as uow:
        assert uow.ledger_mismatches() == []


# What each scan-box statement must search: a new index that SQLite prefers for one of them
# turns a 1 ms search into a pass over every member (an index led by member.status once did).
LOOKUP_PLANS = {
    "_MEMBER": "sqlite_autoindex_member_1 (id=?)",
    "_MEMBER_BY_PHONE": "uq_member_active_phone (phone=?)",
    "_MEMBERS_BY_LAST4": "ix_member_phone_last4 (phone_last4=?)",
    "_MEMBERS_BY_NAME_RANGE": "ix_member_name (name>? AND name<?)",
    "_MEMBERS_BY_KEY_RANGE": "ix_member_search_key_key (key>? AND key<?)",
    "_CARD_BY_NO": "sqlite_autoindex_card_2 (card_no=?)",
}


def test_the_scan_box_statements_search_the_indexes_meant_for_them(ctx: CounterContext) -> None:
    import re

    from app.persistence import reader

    con = sqlite3.connect(ctx.db.path)
    try:
        for name, index in LOOKUP_PLANS.items():
            sql = re.sub(r"__\[POSTCOMPILE_\w+\]", "?", getattr(reader, name).sql)
            plan = [r[-1] for r in con.execute("EXPLAIN QUERY PLAN " + sql, ["x"] * sql.count("?"))]
            assert any(index in line for line in plan), (name, plan)
            member_lines = [line for line in plan if re.match(r"(SCAN|SEARCH) member\b", line)]
            assert all("(id=?)" in line or index in line for line in member_lines), (name, plan)
    finally:
        con.close()
