"""The aggregate reads behind shift, day and range reports: plain tuples out, no ORM rows.

Every figure is summed in SQLite over indexed ranges (``txn.business_date``,
``txn(staff_id, created_at)``), so a day of 100,000 transactions is a few
statements, not a loop in Python.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, distinct, exists, func, literal, or_, select

from app.persistence.tables import (
    AuditEntry,
    Card,
    DayClose,
    Member,
    PointsEntry,
    Shift,
    Staff,
    StoredValueEntry,
    Txn,
    TxnTender,
)
from app.persistence.uow import UnitOfWork

FAR_FUTURE = dt.datetime(9999, 12, 31)
# Whether the daily close reads its passes at the same time (on more than one core).
PARALLEL = (os.cpu_count() or 1) > 1

_TXN_SUMS = (
    func.count(),
    func.coalesce(func.sum(Txn.amount_fen), 0),
    func.coalesce(func.sum(Txn.discount_fen), 0),
    func.coalesce(func.sum(Txn.points_used), 0),
    func.coalesce(func.sum(Txn.points_value_fen), 0),
    func.coalesce(func.sum(Txn.due_fen), 0),
    func.coalesce(func.sum(Txn.bonus_fen), 0),
    func.coalesce(func.sum(Txn.points_earned), 0),
)
TXN_SUM_FIELDS = (
    "count",
    "amount_fen",
    "discount_fen",
    "points_used",
    "points_value_fen",
    "due_fen",
    "bonus_fen",
    "points_earned",
)


def _rows(uow: UnitOfWork, stmt: Any) -> Sequence[Any]:
    return uow.session.connection().execute(stmt).all()


PULLED = "remote"  # the kind of a transaction pulled from HQ (app.services.remote)


def _dates(start: dt.date, end: dt.date) -> Any:
    return Txn.business_date.between(start, end)


def _window(staff_id: str, start: dt.datetime, end: dt.datetime | None) -> Any:
    return and_(
        Txn.staff_id == staff_id,
        Txn.created_at >= start,
        Txn.created_at <= (end or FAR_FUTURE),
    )


# -- by kind -----------------------------------------------------------------------------


def _kinds_stmt(where: Any) -> Any:
    return select(Txn.kind, *_TXN_SUMS).where(where).group_by(Txn.kind)


def _kinds(rows: Sequence[Any]) -> dict[str, dict[str, int]]:
    return {r[0]: dict(zip(TXN_SUM_FIELDS, map(int, r[1:]), strict=True)) for r in rows}


def txn_sums_by_kind(uow: UnitOfWork, where: Any) -> dict[str, dict[str, int]]:
    """{kind: {count, amount_fen, discount_fen, ...}} over the transactions ``where`` picks."""
    return _kinds(_rows(uow, _kinds_stmt(where)))


def _tenders_stmt(where: Any, shifts: Sequence[Shift] | None) -> Any:
    if shifts is None:
        flag: Any = literal(True)
    elif not shifts:
        flag = literal(False)
    else:
        # CASE on the staff member, then their windows: cheaper per row than an OR of all.
        windows: dict[str, list[Any]] = {}
        for s in shifts:
            windows.setdefault(s.staff_id, []).append(
                Txn.created_at.between(s.opened_at, s.ended_at or FAR_FUTURE)
            )
        flag = case(
            {staff: or_(*conds) for staff, conds in windows.items()},
            value=Txn.staff_id,
            else_=literal(False),
        )
    return (
        select(
            Txn.kind,
            TxnTender.method,
            flag.label("in_shift"),
            func.count(),
            func.coalesce(func.sum(TxnTender.amount_fen), 0),
            func.coalesce(func.sum(TxnTender.change_fen), 0),
        )
        .join(TxnTender, TxnTender.txn_id == Txn.id)
        .where(where)
        .group_by(Txn.kind, TxnTender.method, "in_shift")
    )


def _tenders(rows: Sequence[Any]) -> list[tuple[str, str, bool, int, int, int]]:
    return [(k, m, bool(f), int(n), int(a), int(c)) for k, m, f, n, a, c in rows]


def tender_sums(
    uow: UnitOfWork, where: Any, *, shifts: Sequence[Shift] | None = None
) -> list[tuple[str, str, bool, int, int, int]]:
    """(txn kind, method, in a shift, tenders, amount, change) of the picked transactions.

    "In a shift" is tested against ``shifts`` (the few that overlap the period, each
    inlined as a staff-and-time condition); without them it is always True.
    """
    return _tenders(_rows(uow, _tenders_stmt(where, shifts)))


def shifts_overlapping(uow: UnitOfWork, start: dt.datetime, end: dt.datetime) -> list[Shift]:
    """Shifts whose time (opening to count, or to now if not counted) meets [start, end)."""
    return list(
        uow.session.scalars(
            select(Shift).where(
                Shift.opened_at < end,
                func.coalesce(Shift.ended_at, literal(FAR_FUTURE)) >= start,
            )
        )
    )


def _sv_stmt(where: Any) -> Any:
    return (
        select(
            StoredValueEntry.kind,
            func.coalesce(func.sum(StoredValueEntry.principal_fen), 0),
            func.coalesce(func.sum(StoredValueEntry.bonus_fen), 0),
        )
        .join(Txn, Txn.id == StoredValueEntry.txn_id)
        .where(where)
        .group_by(StoredValueEntry.kind)
    )


def _sv(rows: Sequence[Any]) -> dict[str, tuple[int, int]]:
    return {k: (int(p), int(b)) for k, p, b in rows}


def sv_sums(uow: UnitOfWork, where: Any) -> dict[str, tuple[int, int]]:
    """{entry kind: (principal, bonus)} of stored-value entries of the picked transactions."""
    return _sv(_rows(uow, _sv_stmt(where)))


def _points_stmt(where: Any) -> Any:
    # Points a manager adds by hand are the earn entry of a new lot: "adjust_in", reported
    # as adjusted beside the points taken away by hand ("adjust"), not as earned by spending.
    kind = case(
        (and_(PointsEntry.kind == "earn", Txn.kind == "points_adjust"), literal("adjust_in")),
        else_=PointsEntry.kind,
    )
    return (
        select(kind, func.coalesce(func.sum(PointsEntry.points), 0))
        .join(Txn, Txn.id == PointsEntry.txn_id)
        .where(where)
        .group_by(kind)
    )


def _points(rows: Sequence[Any]) -> dict[str, int]:
    return {k: int(n) for k, n in rows}


def points_sums(uow: UnitOfWork, where: Any) -> dict[str, int]:
    """{entry kind: points} of points entries of the picked transactions."""
    return _points(_rows(uow, _points_stmt(where)))


@dataclass(frozen=True)
class Sums:
    kinds: dict[str, dict[str, int]]
    tenders: list[tuple[str, str, bool, int, int, int]]
    sv: dict[str, tuple[int, int]]
    points: dict[str, int]


def all_sums(uow: UnitOfWork, where: Any, *, shifts: Sequence[Shift] | None = None) -> Sums:
    """The four sums of the picked transactions: by kind, tenders, stored value, points.

    In a unit of work that holds the write lock (BEGIN IMMEDIATE, as the daily close
    does) nothing can commit meanwhile, so the three passes besides the first run at
    the same time on their own read connections and see the very same data (so call it
    before the unit of work has written anything). A read-only unit of work runs them
    one after the other in its one snapshot.

    Transactions pulled from HQ (``remote``: another counter's or store's, whose ledger rows
    this counter holds) are not this counter's operations and are left out; they move the
    liability, which is read from the ledgers as a whole.
    """
    where = and_(where, Txn.kind != PULLED)
    stmts = [_kinds_stmt(where), _tenders_stmt(where, shifts), _sv_stmt(where), _points_stmt(where)]
    if uow.writable and PARALLEL:
        engine = uow.session.get_bind().execution_options(counter_readonly=True)

        def read(stmt: Any) -> Sequence[Any]:
            with engine.connect() as conn:
                return conn.execute(stmt).all()

        with ThreadPoolExecutor(len(stmts) - 1) as pool:
            futures = [pool.submit(read, stmt) for stmt in stmts[1:]]
            first = _rows(uow, stmts[0])
            results = [first, *(f.result() for f in futures)]
    else:
        results = [_rows(uow, stmt) for stmt in stmts]
    return Sums(_kinds(results[0]), _tenders(results[1]), _sv(results[2]), _points(results[3]))


def on_dates(start: dt.date, end: dt.date | None = None) -> Any:
    return _dates(start, end or start)


def in_window(staff_id: str, start: dt.datetime, end: dt.datetime | None) -> Any:
    return _window(staff_id, start, end)


# -- per day and per cashier ---------------------------------------------------------------


def txn_sums_by_day_and_staff(
    uow: UnitOfWork, start: dt.date, end: dt.date
) -> list[tuple[dt.date, str | None, str, dict[str, int]]]:
    """(day, staff id, kind, sums) over the range: the range report's days and cashiers from
    one pass over the range's transactions instead of one each."""
    rows = _rows(
        uow,
        select(Txn.business_date, Txn.staff_id, Txn.kind, *_TXN_SUMS)
        .where(_dates(start, end))
        .group_by(Txn.business_date, Txn.staff_id, Txn.kind),
    )
    return [
        (r[0], r[1], r[2], dict(zip(TXN_SUM_FIELDS, map(int, r[3:]), strict=True))) for r in rows
    ]


def sv_delta_by_day(
    uow: UnitOfWork, start: dt.date, end: dt.date
) -> dict[dt.date, tuple[int, int]]:
    stmt = (
        select(
            Txn.business_date,
            func.coalesce(func.sum(StoredValueEntry.principal_fen), 0),
            func.coalesce(func.sum(StoredValueEntry.bonus_fen), 0),
        )
        .join(Txn, Txn.id == StoredValueEntry.txn_id)
        .where(_dates(start, end))
        .group_by(Txn.business_date)
    )
    return {d: (int(p), int(b)) for d, p, b in _rows(uow, stmt)}


def points_delta_by_day(uow: UnitOfWork, start: dt.date, end: dt.date) -> dict[dt.date, int]:
    stmt = (
        select(Txn.business_date, func.coalesce(func.sum(PointsEntry.points), 0))
        .join(Txn, Txn.id == PointsEntry.txn_id)
        .where(_dates(start, end))
        .group_by(Txn.business_date)
    )
    return {d: int(n) for d, n in _rows(uow, stmt)}


# -- balances as of a date ---------------------------------------------------------------


def liability_through(
    uow: UnitOfWork, after: dt.date | None, through: dt.date
) -> tuple[int, int, int]:
    """(principal, bonus, points) posted by transactions dated in (``after``, ``through``].

    After a daily close the dates are few: the transactions of those dates are read and their
    entries looked up. With no close before (``after`` None) every entry counts but one: the
    ledgers are read once, each entry's date checked by its transaction's key, rather than
    every transaction of the store probed for entries it mostly does not have.
    """
    where = Txn.business_date <= through
    if after is not None:
        where = and_(where, Txn.business_date > after)

    def posted(*sums: Any, entry: Any) -> Any:
        if after is None:
            dated = exists().where(Txn.id == entry.txn_id, where)
            return select(*sums).select_from(entry).where(dated)
        return select(*sums).join(Txn, Txn.id == entry.txn_id).where(where)

    sv = _rows(
        uow,
        posted(
            func.coalesce(func.sum(StoredValueEntry.principal_fen), 0),
            func.coalesce(func.sum(StoredValueEntry.bonus_fen), 0),
            entry=StoredValueEntry,
        ),
    )[0]
    pts = _rows(uow, posted(func.coalesce(func.sum(PointsEntry.points), 0), entry=PointsEntry))[0]
    return int(sv[0]), int(sv[1]), int(pts[0])


def ledger_totals(uow: UnitOfWork) -> tuple[int, int, int]:
    """(principal, bonus, points) of every ledger entry here."""
    sv = _rows(
        uow,
        select(
            func.coalesce(func.sum(StoredValueEntry.principal_fen), 0),
            func.coalesce(func.sum(StoredValueEntry.bonus_fen), 0),
        ),
    )[0]
    pts = _rows(uow, select(func.coalesce(func.sum(PointsEntry.points), 0)))[0]
    return int(sv[0]), int(sv[1]), int(pts[0])


def last_close_before(uow: UnitOfWork, day: dt.date) -> DayClose | None:
    return uow.session.scalar(
        select(DayClose)
        .where(DayClose.business_date < day)
        .order_by(DayClose.business_date.desc())
        .limit(1)
    )


def day_close(uow: UnitOfWork, day: dt.date) -> DayClose | None:
    return uow.session.get(DayClose, day)


def closed_days(uow: UnitOfWork, start: dt.date, end: dt.date) -> list[DayClose]:
    return list(
        uow.session.scalars(
            select(DayClose)
            .where(DayClose.business_date.between(start, end))
            .order_by(DayClose.business_date)
        )
    )


# -- shifts ------------------------------------------------------------------------------


def open_shift_of(uow: UnitOfWork, staff_id: str) -> Shift | None:
    """The staff member's shift that is not closed yet (open or counted), if any."""
    return uow.session.scalar(
        select(Shift).where(Shift.staff_id == staff_id, Shift.status != "closed").limit(1)
    )


def shift(uow: UnitOfWork, shift_id: str) -> Shift | None:
    return uow.session.get(Shift, shift_id)


def shifts_on(uow: UnitOfWork, day: dt.date) -> list[Shift]:
    return list(
        uow.session.scalars(
            select(Shift).where(Shift.business_date == day).order_by(Shift.opened_at)
        )
    )


def shifts_between(uow: UnitOfWork, start: dt.date, end: dt.date) -> list[Shift]:
    return list(
        uow.session.scalars(
            select(Shift).where(Shift.business_date.between(start, end)).order_by(Shift.opened_at)
        )
    )


def unfinished_shifts(uow: UnitOfWork) -> list[Shift]:
    return list(
        uow.session.scalars(select(Shift).where(Shift.status != "closed").order_by(Shift.opened_at))
    )


def staff_names(uow: UnitOfWork) -> dict[str, tuple[str, str]]:
    """{staff id: (staff number, name)} of every staff member."""
    return {
        i: (no, name) for i, no, name in _rows(uow, select(Staff.id, Staff.staff_no, Staff.name))
    }


# -- members -----------------------------------------------------------------------------


def tier_distribution(uow: UnitOfWork) -> dict[str, int]:
    stmt = (
        select(Member.tier_code, func.count())
        .where(Member.status == "active")
        .group_by(Member.tier_code)
    )
    return {t: int(n) for t, n in _rows(uow, stmt)}


def purchase_counts(uow: UnitOfWork, start: dt.date, end: dt.date) -> dict[int, int]:
    """{checkouts in the range: members with that many} for members who bought at all (a
    walk-in customer's sale is no member's)."""
    per_member = (
        select(Txn.member_id, func.count().label("n"))
        .where(_dates(start, end), Txn.kind == "checkout", Txn.member_id.is_not(None))
        .group_by(Txn.member_id)
        .subquery()
    )
    stmt = select(per_member.c.n, func.count()).group_by(per_member.c.n)
    return {int(n): int(m) for n, m in _rows(uow, stmt)}


def churned_members(uow: UnitOfWork, cutoff: dt.date, as_of: dt.date) -> int:
    """Active members who were members before ``cutoff`` and have had no checkout from
    ``cutoff`` up to ``as_of`` (the range's last day).

    Those who joined before ``cutoff`` (``member.joined_on``, an index range) less those of
    them who bought in the window, found from the window's checkouts: one primary-key read per
    buyer, never a pass over every member.
    """
    joined = and_(Member.status == "active", Member.joined_on < cutoff)
    members = int(_rows(uow, select(func.count()).select_from(Member).where(joined))[0][0])
    buyers = (
        select(Txn.member_id)
        .where(Txn.kind == "checkout", Txn.business_date.between(cutoff, as_of))
        .distinct()
        .subquery()
    )
    member_then = exists().where(Member.id == buyers.c.member_id, joined)
    bought = select(func.count()).select_from(buyers).where(member_then)
    return members - int(_rows(uow, bought)[0][0])


def distinct_members(uow: UnitOfWork, start: dt.date, end: dt.date, kinds: Sequence[str]) -> int:
    stmt = select(func.count(distinct(Txn.member_id))).where(
        _dates(start, end), Txn.kind.in_(kinds)
    )
    return int(_rows(uow, stmt)[0][0])


def card_status_counts(uow: UnitOfWork) -> dict[str, int]:
    return {
        s: int(n) for s, n in _rows(uow, select(Card.status, func.count()).group_by(Card.status))
    }


def member_rows(uow: UnitOfWork, after_id: str | None, limit: int) -> Sequence[Any]:
    """A page of members (with card number and status), in id order after ``after_id``."""
    stmt = (
        select(
            Member.id,
            Member.name,
            Member.phone,
            Card.card_no,
            Card.status,
            Member.status,
            Member.tier_code,
            Member.principal_fen,
            Member.bonus_fen,
            Member.points,
            Member.cumulative_spend_fen,
            Member.birthday,
            Member.birthday_md,
            Member.gender,
            Member.created_at,
        )
        .outerjoin(Card, Card.id == Member.card_id)
        .order_by(Member.id)
        .limit(limit)
    )
    if after_id is not None:
        stmt = stmt.where(Member.id > after_id)
    return _rows(uow, stmt)


# -- audit -------------------------------------------------------------------------------


def audit_page(
    uow: UnitOfWork,
    *,
    start: dt.datetime | None,
    end: dt.datetime | None,
    staff_id: str | None,
    action: str | None,
    entity: str | None,
    entity_id: str | None,
    limit: int,
    offset: int,
) -> tuple[int, list[AuditEntry]]:
    conds = []
    if start is not None:
        conds.append(AuditEntry.at >= start)
    if end is not None:
        conds.append(AuditEntry.at < end)
    if staff_id is not None:
        conds.append(or_(AuditEntry.staff_id == staff_id, AuditEntry.approved_by == staff_id))
    if action:
        conds.append(or_(AuditEntry.action == action, AuditEntry.action.startswith(action + ".")))
    if entity:
        conds.append(AuditEntry.entity == entity)
    if entity_id:
        conds.append(AuditEntry.entity_id == entity_id)
    total = int(_rows(uow, select(func.count()).select_from(AuditEntry).where(*conds))[0][0])
    entries = list(
        uow.session.scalars(
            select(AuditEntry)
            .where(*conds)
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    return total, entries
