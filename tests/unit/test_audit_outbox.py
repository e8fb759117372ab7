"""Audit hash chain and outbox: one entry and one event per operation; append-only ledgers."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.domain.audit import canonical_json
from app.domain.errors import CounterError
from app.persistence.tables import APPEND_ONLY_TABLES
from app.services import cards, members, points, refunds, staff, stored_value, tiers
from app.services.backups import backup
from app.services.checkout import checkout
from app.services.context import CounterContext
from app.services.maintenance import verify_audit
from tests.helpers import Snapshot, query


def counts(ctx: CounterContext) -> tuple[int, int]:
    return (
        query(ctx, "SELECT count(*) FROM outbox")[0][0],
        query(ctx, "SELECT count(*) FROM audit_log")[0][0],
    )


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, value) of every leaf of a JSON document."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")
    else:
        yield path, value


@pytest.fixture
def busy(ctx: CounterContext, admin, manager, cashier, approval, clock) -> list[str]:
    """Run every kind of operation once, each checked to add exactly one event and audit entry.

    Returns the event types in the order the operations ran.
    """
    done: list[str] = []
    q = "13800138000"
    q2 = "13900139000"
    state: dict[str, Any] = {}

    def one(expected_type: str, fn: Callable[[], Any]) -> Any:
        before = counts(ctx)
        result = fn()
        assert counts(ctx) == (before[0] + 1, before[1] + 1), expected_type
        last = query(ctx, "SELECT type FROM outbox ORDER BY device_seq DESC LIMIT 1")[0][0]
        assert last == expected_type
        done.append(expected_type)
        return result

    reg = members.Registration
    one("member.registered", lambda: members.register_member(ctx, cashier, reg("张三", q, True)))
    one("member.registered", lambda: members.register_member(ctx, cashier, reg("李四", q2, True)))
    one(
        "member.payment_password_set",
        lambda: members.set_payment_password(ctx, cashier, q, "123456"),
    )
    one(
        "member.payment_password_set",
        lambda: members.reset_payment_password(ctx, cashier, q, "654321", approval),
    )
    t = one(
        "stored_value.topped_up", lambda: stored_value.top_up(ctx, cashier, q, 100_000, "wechat")
    )
    state["topup"] = t.txn_id
    c = one(
        "checkout.completed",
        lambda: checkout(
            ctx,
            cashier,
            q,
            30_000,
            tenders=[("stored_value", 20_000), ("cash", 10_050)],
            payment_password="654321",
        ),
    )
    one("checkout.refunded", lambda: refunds.refund(ctx, cashier, c.txn_id, approval))
    one("stored_value.topup_refunded", lambda: refunds.refund(ctx, cashier, t.txn_id, approval))
    one(
        "stored_value.adjusted",
        lambda: stored_value.adjust_stored_value(
            ctx,
            cashier,
            q2,
            principal_delta_fen=12_345,
            bonus_delta_fen=0,
            reason="补录",
            approval=approval,
        ),
    )
    one("points.adjusted", lambda: points.adjust_points(ctx, cashier, q2, 500, "活动", approval))
    one(
        "tier.overridden", lambda: tiers.override_tier(ctx, cashier, q2, "gold", "大客户", approval)
    )
    one("checkout.completed", lambda: checkout(ctx, cashier, q2, 10_000, pay="alipay"))
    one("card.frozen", lambda: cards.freeze_card(ctx, cashier, q2))
    one("card.unfrozen", lambda: cards.unfreeze_card(ctx, manager, q2))
    one("card.reported_lost", lambda: cards.report_lost(ctx, cashier, q2))
    one("card.replaced", lambda: cards.replace_card(ctx, cashier, q2))
    clock.set(dt.datetime(2028, 1, 2, 2, 0, tzinfo=dt.UTC))
    one("points.expired", lambda: points.expire_points(ctx, manager, dt.date(2028, 1, 1)))
    one("card.cancelled", lambda: cards.cancel_card(ctx, cashier, q, approval))
    one(
        "staff.added",
        lambda: staff.add_staff(
            ctx, admin, staff_no="c02", name="新收银", role="cashier", pin="2739"
        ),
    )
    one("staff.unlocked", lambda: staff.unlock_staff(ctx, manager, "c02"))
    return done


def test_every_operation_writes_one_event_in_gapless_order(ctx: CounterContext, busy) -> None:
    rows = query(
        ctx, "SELECT device_seq, event_id, type, device_id FROM outbox ORDER BY device_seq"
    )
    # The fixture's store initialisation and two staff come first.
    assert [r[2] for r in rows] == ["store.initialised", "staff.added", "staff.added", *busy]
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    ids = [r[1] for r in rows]
    assert len(set(ids)) == len(ids)
    for event_id in ids:
        assert uuid.UUID(event_id).version == 7
        assert uuid.UUID(event_id).variant == uuid.RFC_4122
    assert ids == sorted(ids)  # UUIDv7 ids are time-ordered like the sequence
    device_id = query(ctx, "SELECT device_id FROM store")[0][0]
    assert {r[3] for r in rows} == {device_id}


def test_payload_hash_and_amounts_in_fen(ctx: CounterContext, busy) -> None:
    rows = query(ctx, "SELECT type, payload, payload_hash FROM outbox ORDER BY device_seq")
    fen_fields = 0
    for event_type, payload, digest in rows:
        body = json.loads(payload)
        assert canonical_json(body) == payload  # stored in canonical form
        assert hashlib.sha256(canonical_json(body).encode()).hexdigest() == digest
        for key, value in walk(body):
            assert not isinstance(value, float), (event_type, key)
            leaf = key.rsplit(".", 1)[-1].split("[")[0]
            if leaf.endswith("_fen") or leaf in ("points", "points_used", "points_earned"):
                assert type(value) is int, (event_type, key, value)
                fen_fields += 1
    assert fen_fields > 40
    by_type = {t: json.loads(p) for t, p, _ in rows}
    assert by_type["stored_value.topped_up"]["amount_fen"] == 100_000
    assert by_type["stored_value.topped_up"]["bonus_fen"] == 15_000
    first_checkout = next(json.loads(p) for t, p, _ in rows if t == "checkout.completed")
    assert first_checkout["tenders"] == [
        {"method": "stored_value", "amount_fen": 20_000, "change_fen": 0},
        {"method": "cash", "amount_fen": 10_050, "change_fen": 50},
    ]


def test_audit_entries_chain_and_record_who(ctx: CounterContext, busy, manager) -> None:
    rows = query(
        ctx,
        "SELECT seq, prev_hash, hash, action, staff_id, approved_by FROM audit_log ORDER BY seq",
    )
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0][1] == "0" * 64
    for prev, row in itertools.pairwise(rows):
        assert row[1] == prev[2]
    refund = next(r for r in rows if r[3] == "checkout.refund")
    assert refund[5] == manager.staff_id
    report = verify_audit(ctx, manager)
    assert (report.ok, report.broken_at, report.ledger_mismatches) == (True, None, [])
    assert report.entries == len(rows)


def test_refusals_write_no_event(
    ctx: CounterContext, cashier, register, snapshot: Snapshot
) -> None:
    register(phone="13800138000")
    before = snapshot()
    for call in (
        lambda: stored_value.top_up(ctx, cashier, "13800138000", 10_000, "bitcoin"),
        lambda: checkout(ctx, cashier, "13800138000", 10_000),
        lambda: refunds.refund(ctx, cashier, "nope", None),
        lambda: points.adjust_points(ctx, cashier, "13800138000", 5, "x", None),
    ):
        with pytest.raises(CounterError):
            call()
    assert snapshot() == before


def _raw(ctx: CounterContext) -> sqlite3.Connection:
    return sqlite3.connect(str(ctx.db.path), isolation_level=None)


def test_tampered_audit_row_breaks_the_chain(ctx: CounterContext, busy, manager) -> None:
    target = 7
    conn = _raw(ctx)
    try:
        conn.execute("DROP TRIGGER audit_log_no_update")
        original = conn.execute("SELECT after FROM audit_log WHERE seq = ?", (target,)).fetchone()
        assert original[0] is not None
        conn.execute(
            "UPDATE audit_log SET after = ? WHERE seq = ?",
            (original[0].replace("0", "1", 1) + " ", target),
        )
    finally:
        conn.close()
    report = verify_audit(ctx, manager)
    assert (report.ok, report.broken_at) == (False, target)


def test_rehashed_tampering_is_caught_at_the_next_entry(ctx: CounterContext, busy, manager) -> None:
    """Recomputing the tampered row's own hash does not help: the next entry no longer chains."""
    from app.domain.audit import chain_hash

    target = 5
    conn = _raw(ctx)
    try:
        conn.execute("DROP TRIGGER audit_log_no_update")
        at, staff_id, approved_by, action, entity, entity_id, before, prev = conn.execute(
            "SELECT at, staff_id, approved_by, action, entity, entity_id, before, prev_hash "
            "FROM audit_log WHERE seq = ?",
            (target,),
        ).fetchone()
        forged_after = canonical_json({"principal_fen": 99_999_999})
        content = {
            "at": dt.datetime.fromisoformat(at).isoformat(),
            "staff_id": staff_id,
            "approved_by": approved_by,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": before,
            "after": forged_after,
        }
        conn.execute(
            "UPDATE audit_log SET after = ?, hash = ? WHERE seq = ?",
            (forged_after, chain_hash(prev, content), target),
        )
    finally:
        conn.close()
    report = verify_audit(ctx, manager)
    assert (report.ok, report.broken_at) == (False, target + 1)


def test_balance_edited_behind_the_ledger_is_reported(ctx: CounterContext, busy, manager) -> None:
    conn = _raw(ctx)
    try:
        member_id = conn.execute("SELECT id FROM member WHERE name = '李四'").fetchone()[0]
        conn.execute(
            "UPDATE member SET principal_fen = principal_fen + 1 WHERE id = ?", (member_id,)
        )
    finally:
        conn.close()
    report = verify_audit(ctx, manager)
    assert (report.ok, report.broken_at, report.ledger_mismatches) == (False, None, [member_id])


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_ledgers_refuse_update_and_delete(ctx: CounterContext, busy, table: str) -> None:
    conn = _raw(ctx)
    try:
        n = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert n > 0, f"{table} has no rows to protect"
        rowid = conn.execute(f"SELECT rowid FROM {table} LIMIT 1").fetchone()[0]
        before = conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(f"DELETE FROM {table}")
        first_col = conn.execute(f"SELECT * FROM {table} LIMIT 1").description[0][0]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(f"UPDATE {table} SET {first_col} = {first_col} WHERE rowid = ?", (rowid,))
        assert conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() == before
    finally:
        conn.close()


def test_backup_is_a_consistent_copy(ctx: CounterContext, busy, manager, tmp_path) -> None:
    target = backup(ctx, manager, tmp_path / "copy" / "counter.sqlite3").path
    conn = sqlite3.connect(str(target))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    finally:
        conn.close()
    assert copied == counts(ctx)[0]
    assert ctx.db.integrity_check() == "ok"
