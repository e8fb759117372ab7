"""Rows a sale writes without the session's bookkeeping (UnitOfWork.add_new, update_plainly,
the plain INSERTs of append-only rows) are the rows the session would have written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

import pytest

from app.persistence.tables import Member, Txn
from app.services.context import CounterContext
from app.services.lookup import MemberView
from app.services.security import Actor


def _rows(ctx: CounterContext, sql: str, *args: object) -> list[tuple]:
    con = sqlite3.connect(ctx.db.path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def _txn(member_id: str, txn_id: str, staff_id: str) -> Txn:
    at = dt.datetime(2026, 5, 4, 10, 30, 15, 123456)
    # bonus_fen, points_shortfall (column defaults) and note (no default) left unset
    return Txn(id=txn_id, kind="checkout", member_id=member_id, staff_id=staff_id,
               created_at=at, business_date=at.date(), amount_fen=1234, discount_fen=None,
               due_fen=1234, points_earned=12, tier_before="normal")  # fmt: skip


def test_a_txn_written_plainly_is_the_row_the_session_writes(
    ctx: CounterContext, cashier: Actor, register: Callable[..., MemberView]
) -> None:
    member = register(name="李四")
    by_session = _txn(member.member_id, "00000000-0000-7000-8000-000000000001", cashier.staff_id)
    plainly = _txn(member.member_id, "00000000-0000-7000-8000-000000000002", cashier.staff_id)
    with ctx.uow() as uow:
        uow.add(by_session)
        uow.add_new(plainly)
        plainly.tier_after = by_session.tier_after = "silver"  # complete by the flush
        uow.commit()
    rows = _rows(ctx, "SELECT * FROM txn WHERE id LIKE '00000000-0000-7000-8000-%' ORDER BY id")
    assert len(rows) == 2
    assert rows[0][1:] == rows[1][1:]
    assert rows[1][1:8] == ("checkout", member.member_id, cashier.staff_id, None,
                            "2026-05-04 10:30:15.123456", "2026-05-04", 1234)  # fmt: skip


def test_a_plain_row_changed_after_it_was_written_is_refused_and_nothing_is_kept(
    ctx: CounterContext, cashier: Actor, register: Callable[..., MemberView]
) -> None:
    member = register(name="赵六")
    txn = _txn(member.member_id, "00000000-0000-7000-8000-000000000003", cashier.staff_id)
    with ctx.uow() as uow, pytest.raises(RuntimeError, match="txn row changed after"):
        uow.add_new(txn)
        uow.flush()
        txn.points_earned = 99  # too late: the row is written
        uow.commit()
    assert _rows(ctx, "SELECT id FROM txn WHERE id = ?", txn.id) == []


def test_a_member_updated_plainly_gets_the_changes_and_later_ones_too(
    ctx: CounterContext, register: Callable[..., MemberView]
) -> None:
    member = register(name="钱七")
    with ctx.uow() as uow:
        row = uow.member(member.member_id)
        assert row is not None
        uow.update_plainly(row)
        row.cumulative_spend_fen += 500
        row.points = row.points  # set, unchanged: not written
        uow.flush()
        assert row not in uow.session.dirty  # written: nothing left for the session
        row.tier_code = "silver"  # after the flush: written by the next one
        uow.commit()
    assert _rows(
        ctx, "SELECT cumulative_spend_fen, tier_code FROM member WHERE id = ?", member.member_id
    ) == [(500, "silver")]
    with ctx.reader() as uow:
        assert uow.ledger_mismatches() == []


def test_a_member_updated_plainly_and_rolled_back_is_unchanged(
    ctx: CounterContext, register: Callable[..., MemberView]
) -> None:
    member = register(name="孙八")
    with ctx.uow() as uow:
        row = uow.session.get(Member, member.member_id)
        assert row is not None
        uow.update_plainly(row)
        row.cumulative_spend_fen += 700
        uow.flush()  # not committed: the unit of work ends and rolls back
    assert _rows(ctx, "SELECT cumulative_spend_fen FROM member WHERE id = ?", member.member_id) == [
        (0,)
    ]
