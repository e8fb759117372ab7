"""Reads and writes of members' lifecycle stages and RFM (tables: app.persistence.value_tables)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select

from app.domain.lifecycle import Edges
from app.persistence.tables import Txn
from app.persistence.tag_store import SPEND_KINDS, VISIT_KINDS
from app.persistence.uow import UnitOfWork
from app.persistence.value_tables import MemberStageEntry, MemberValue, RfmEdges

Queries = UnitOfWork


def _kinds(kinds: Sequence[str]) -> str:
    return ", ".join(f"'{k}'" for k in kinds)  # our own constants, never input


def _rows(uow: Queries, sql: str, params: tuple) -> list[tuple]:
    """A read through the driver: a recompute reads a million rows, plain values suffice."""
    return list(uow.session.connection().exec_driver_sql(sql, params))


def members(uow: Queries) -> list[tuple[str, str]]:
    """Every member not cancelled, with the day they registered (ISO text)."""
    rows = _rows(uow, "SELECT id, substr(created_at, 1, 10) FROM member"
                      " WHERE status != 'cancelled'", ())  # fmt: skip
    return [(m, day) for m, day in rows]


def visits(uow: Queries, since: dt.date, member_id: str | None = None) -> dict[str, tuple]:
    """{member: (last visit day as ISO text, visit days ever, visit days since ``since``)},
    in one pass over the transactions."""
    sql = (
        "SELECT member_id, MAX(business_date), COUNT(DISTINCT business_date),"
        " COUNT(DISTINCT CASE WHEN business_date >= ? THEN business_date END) FROM txn"
        f" WHERE member_id IS NOT NULL AND kind IN ({_kinds(VISIT_KINDS)})"
    )
    params: tuple = (since.isoformat(),)
    if member_id is not None:
        sql += " AND member_id = ?"
        params += (member_id,)
    rows = _rows(uow, sql + " GROUP BY member_id", params)
    return {m: (last, ever, recent) for m, last, ever, recent in rows}


def visit_days(uow: Queries, member_id: str | None = None) -> dict[str, list[dt.date]]:
    """Each member's visit days, oldest first (for the median gap)."""
    stmt = (
        select(Txn.member_id, Txn.business_date)
        .where(Txn.member_id.is_not(None), Txn.kind.in_(VISIT_KINDS))
        .group_by(Txn.member_id, Txn.business_date)
        .order_by(Txn.member_id, Txn.business_date)
    )
    if member_id is not None:
        stmt = stmt.where(Txn.member_id == member_id)
    out: dict[str, list[dt.date]] = {}
    for m, day in uow.session.execute(stmt):
        out.setdefault(m, []).append(day)
    return out


def spend(uow: Queries, since: dt.date, member_id: str | None = None) -> dict[str, int]:
    """{member: spend since ``since``, refunds taken off}."""
    sql = (
        "SELECT member_id, COALESCE(SUM(due_fen), 0) FROM txn WHERE member_id IS NOT NULL"
        f" AND kind IN ({_kinds(SPEND_KINDS)}) AND business_date >= ?"
    )
    params: tuple = (since.isoformat(),)
    if member_id is not None:
        sql += " AND member_id = ?"
        params += (member_id,)
    return {m: int(f) for m, f in _rows(uow, sql + " GROUP BY member_id", params)}


def edges(uow: Queries, month: str) -> Edges | None:
    row = uow.session.get(RfmEdges, month)
    if row is None:
        return None
    return Edges(row.month, tuple(json.loads(row.recency)), tuple(json.loads(row.frequency)),
                 tuple(json.loads(row.monetary)), row.members)  # type: ignore[arg-type]  # fmt: skip


def save_edges(uow: UnitOfWork, e: Edges, now: dt.datetime) -> None:
    uow.session.add(RfmEdges(month=e.month, recency=json.dumps(list(e.recency)),
                             frequency=json.dumps(list(e.frequency)),
                             monetary=json.dumps(list(e.monetary)), members=e.members,
                             computed_at=now))  # fmt: skip
    uow.session.flush()


def values(uow: Queries) -> dict[str, tuple[str, str]]:
    """{member: (stage, since as ISO text)} as of the last recompute."""
    rows = _rows(uow, "SELECT member_id, stage, stage_since FROM member_value", ())
    return {m: (stage, since) for m, stage, since in rows}


def value(uow: Queries, member_id: str) -> MemberValue | None:
    return uow.session.get(MemberValue, member_id)


_COLUMNS = ("member_id", "stage", "stage_since", "last_visit", "visits_12m", "spend_12m_fen",
            "r", "f", "m", "month", "computed_on")  # fmt: skip
_UPSERT = (
    f"INSERT INTO member_value ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    " ON CONFLICT (member_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])
)


def write_values(uow: UnitOfWork, rows: Sequence[tuple]) -> None:
    """Insert or replace members' figures: tuples in :data:`_COLUMNS` order, dates as ISO
    text (as SQLite's ``Date`` type stores them). One driver statement for many rows: a
    million members are rewritten at each recompute."""
    if rows:
        uow.session.connection().exec_driver_sql(_UPSERT, list(rows))


def move_stages(uow: UnitOfWork, moves: Iterable[tuple[str, str, bool]], today: dt.date) -> None:
    """Each (member, new stage, had one before): the open entry left today, the new one opened."""
    moves = list(moves)
    conn = uow.session.connection()
    day = today.isoformat()
    left = [(day, m) for m, _stage, had in moves if had]
    if left:
        conn.exec_driver_sql(
            "UPDATE member_stage_entry SET left_on = ? WHERE member_id = ? AND left_on IS NULL",
            left,
        )
    if moves:
        conn.exec_driver_sql(
            "INSERT INTO member_stage_entry (member_id, stage, entered_on) VALUES (?, ?, ?)",
            [(m, s, day) for m, s, _had in moves],
        )


def stage_counts(uow: Queries) -> dict[str, int]:
    rows = uow.session.execute(select(MemberValue.stage, func.count()).group_by(MemberValue.stage))
    return {s: int(n) for s, n in rows}


def last_computed(uow: Queries) -> dt.date | None:
    return uow.session.scalar(select(func.max(MemberValue.computed_on)))


def history(uow: Queries, member_id: str) -> Sequence[MemberStageEntry]:
    return uow.session.scalars(
        select(MemberStageEntry)
        .where(MemberStageEntry.member_id == member_id)
        .order_by(MemberStageEntry.entered_on, MemberStageEntry.id)
    ).all()
