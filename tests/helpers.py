"""Assertions shared by the service tests."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import exists, func, select

from app.domain.errors import CounterError
from app.persistence.tables import Member, Txn
from app.services.context import CounterContext

Snapshot = Callable[[], dict[str, list[tuple]]]


def refused(snapshot: Snapshot, code: str, fn: Callable[..., Any], *args: Any, **kw: Any):
    """Call ``fn``; it must raise a CounterError with ``code`` and leave every table unchanged."""
    before = snapshot()
    with pytest.raises(CounterError) as exc:
        fn(*args, **kw)
    assert exc.value.code == code, exc.value.code
    assert snapshot() == before
    return exc.value


def query(ctx: CounterContext, sql: str, *params: Any) -> list[tuple]:
    conn = sqlite3.connect(str(ctx.db.path))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def ledger_checked(ctx: CounterContext, member_id: str) -> tuple[int, int, int]:
    """(principal, bonus, points) cached on the member, asserted equal to the ledger sums."""
    cached = query(
        ctx, "SELECT principal_fen, bonus_fen, points FROM member WHERE id = ?", member_id
    )[0]
    sv = query(
        ctx,
        "SELECT COALESCE(SUM(principal_fen), 0), COALESCE(SUM(bonus_fen), 0) FROM sv_entry "
        "WHERE member_id = ?",
        member_id,
    )[0]
    pts = query(
        ctx, "SELECT COALESCE(SUM(points), 0) FROM points_entry WHERE member_id = ?", member_id
    )[0][0]
    assert cached == (*sv, pts), "cached balance differs from its ledger"
    return cached


def reference_churn(ctx: CounterContext, cutoff: dt.date, as_of: dt.date) -> int:
    """Churn as the range report first counted it: two correlated EXISTS per member (9 s at
    1,000,000 members); the figures of the indexed version must equal it."""
    recent = exists().where(
        Txn.member_id == Member.id,
        Txn.kind == "checkout",
        Txn.business_date >= cutoff,
        Txn.business_date <= as_of,
    )
    joined = exists().where(
        Txn.member_id == Member.id,
        Txn.kind.in_(("register", "import")),
        Txn.business_date < cutoff,
    )
    with ctx.reader() as uow:
        stmt = select(func.count()).where(Member.status == "active", joined, ~recent)
        return int(uow.session.execute(stmt).scalar_one())
