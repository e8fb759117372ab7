"""Daily close (日结): the Z report of a business date, kept for reprint, and the date's lock.

A date can be closed once every shift of it (and of earlier dates) is closed, and once
the clock has reached it (app.domain.business_day). The Z report is computed in the closing
transaction and stored with the close; from then on :meth:`CounterContext.business_date`
dates every operation into the next date (a late customer after a 21:00 close is served
into tomorrow's date and tomorrow's Z report), so nothing is ever added to the closed date
and the stored report stays true. A correction (say the refund of a sale of a closed date)
is an operation of the date it is done on.

Stored-value and points liability at close are the sums of the ledgers over every
transaction dated up to and including the date, whenever it arrived. This counter dates
nothing into a closed date, but another counter of the store may have (it had not closed
that date, or was offline): its transaction reaches this counter by pull, dated as it was
done. The closed date's stored report stays as it was; the next close's liability includes
the late rows and says how much of it they are (``liability.arrived_late``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any
from zoneinfo import ZoneInfo

from app.domain.audit import canonical_json, payload_hash
from app.domain.business_day import business_date, format_day_start
from app.domain.errors import NotFoundError, RuleError
from app.persistence import countcard_store, reporting
from app.persistence.tables import DayClose
from app.persistence.uow import UnitOfWork
from app.services import held, member_value
from app.services.backups import auto_backup
from app.services.context import CounterContext
from app.services.figures import figures
from app.services.recording import record
from app.services.security import Actor, Permission, require
from app.services.shifts import shift_figures, shift_view, utc_iso

log = logging.getLogger(__name__)


def liability_at(uow: UnitOfWork, day: dt.date) -> tuple[int, int, int]:
    """(principal, bonus, points) the ledgers here hold through the end of ``day``: every
    entry of a transaction dated up to it, whenever it arrived. The ledgers' totals less what
    the dates after ``day`` posted (those are few: a close is at most a day behind).

    A transaction another counter dated into a date this counter has closed already (it was
    offline, or pulled late) is in the next close's liability: the closed date's stored
    report never changes, and nothing is lost (:func:`arrived_late`)."""
    total = reporting.ledger_totals(uow)
    after = reporting.liability_through(uow, day, dt.date.max)
    return total[0] - after[0], total[1] - after[1], total[2] - after[2]


def arrived_late(uow: UnitOfWork, day: dt.date, liability: tuple[int, int, int]) -> dict[str, int]:
    """What of ``liability`` (``day``'s) the last close before it has not seen and the dates
    since it did not post: ledger rows that came from HQ after that close dated into dates
    closed here (another counter's operation of that date, a member fetched with their
    balances). Zero when nothing came late."""
    last = reporting.last_close_before(uow, day)
    if last is None:
        p = b = n = 0
    else:
        since = reporting.liability_through(uow, last.business_date, day)
        p = liability[0] - last.principal_fen - since[0]
        b = liability[1] - last.bonus_fen - since[1]
        n = liability[2] - last.points - since[2]
    return {"principal_fen": p, "bonus_fen": b, "points": n}


def day_span(ctx: CounterContext, uow: UnitOfWork, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The time (naive UTC) the operations of business date ``day`` can fall in: from its
    day-start time, or from the close of the date before if that came earlier (21:00), to
    the next date's day-start time."""
    store = uow.store()
    tz = ZoneInfo(store.timezone if store else "Asia/Shanghai")
    begins = ctx.day_start(uow)

    def utc(d: dt.date) -> dt.datetime:
        at = dt.datetime.combine(d, begins, tzinfo=tz)
        return at.astimezone(dt.UTC).replace(tzinfo=None)

    start, end = utc(day), utc(day + dt.timedelta(days=1))
    before = reporting.day_close(uow, day - dt.timedelta(days=1))
    if before is not None and before.closed_at < start:
        start = before.closed_at
    return start, end


def z_figures(ctx: CounterContext, uow: UnitOfWork, day: dt.date) -> dict[str, Any]:
    """The Z report of ``day`` as it stands now."""
    store = uow.store()
    start, end = day_span(ctx, uow, day)
    overlapping = reporting.shifts_overlapping(uow, start, end)
    data = figures(uow, reporting.on_dates(day), shifts=overlapping)
    data.pop("ledger_delta")
    principal, bonus, points = liability_at(uow, day)
    # What the count cards sold up to this close still owe in service (app.services.countcards).
    data["count_cards"]["liability_fen"] = countcard_store.liability_until(uow, day)
    shifts = []
    over_short: dict[str, dict[str, Any]] = {}
    for s in reporting.shifts_on(uow, day):
        view = shift_view(uow, s)
        expected = s.expected_fen
        if expected is None:  # not closed yet (a preview): what it would expect now
            expected = shift_figures(uow, s)["expected_cash_fen"]
        shifts.append(
            {
                "shift_id": s.id,
                "staff_no": view.staff_no,
                "staff_name": view.staff_name,
                "status": s.status,
                "opened_at": utc_iso(s.opened_at),
                "ended_at": utc_iso(s.ended_at),
                "float_fen": s.float_fen,
                "expected_fen": expected,
                "counted_fen": s.counted_fen,
                "over_short_fen": s.over_short_fen,
                "reason": s.reason,
            }
        )
        if s.over_short_fen is not None:
            row = over_short.setdefault(
                view.staff_no, {"staff_name": view.staff_name, "over_short_fen": 0, "shifts": 0}
            )
            row["over_short_fen"] += s.over_short_fen
            row["shifts"] += 1
    return {
        "report": "Z",
        "business_date": day.isoformat(),
        "store": {"code": store.code, "name": store.name} if store else None,
        **data,
        "liability": {
            "principal_fen": principal,
            "bonus_fen": bonus,
            "total_fen": principal + bonus,
            "points": points,
        },
        # Of the liability: rows from HQ dated into dates closed here before (arrived_late).
        "arrived_late": arrived_late(uow, day, (principal, bonus, points)),
        "shifts": shifts,
        "over_short_by_cashier": dict(sorted(over_short.items())),
        "over_short_fen": sum(r["over_short_fen"] for r in over_short.values()),
    }


def close_day(ctx: CounterContext, actor: Actor, day: dt.date | None = None) -> dict[str, Any]:
    """Close ``day`` (default: the current business date) and return its stored Z report.

    A date is closed once, and only once the clock has reached it (its business-day start):
    after the close of D at 21:00 the operations go into D+1, and D+1 can be closed from
    D+1's day-start time on. So closing twice in one evening is refused, and the business
    date is never more than one day ahead of the clock's."""
    require(actor, Permission.DAY_CLOSE)
    with ctx.uow() as uow:
        by_clock = ctx.clock_date(uow)
        ctx.check_clock(uow, by_clock)  # a clock set back closes nothing
        current = business_date(by_clock, uow.clock_marks()[1])
        day = day or current
        if day > current:
            raise RuleError("close_future", date=day.isoformat())
        if day > by_clock:  # the day after the last close, before its day-start time
            start = f"{day.isoformat()} {format_day_start(ctx.day_start(uow))}"
            raise RuleError("close_not_started", date=day.isoformat(), start=start)
        if uow.day_closed(day):
            raise RuleError("day_already_closed", date=day.isoformat())
        last_closed = uow.clock_marks()[1]
        if last_closed is not None and day < last_closed:
            # Its operations are in the later close's figures already; it stays open.
            raise RuleError("close_before_closed", date=day.isoformat(), closed=last_closed)
        names = reporting.staff_names(uow)
        unfinished = [s for s in reporting.unfinished_shifts(uow) if s.business_date <= day]
        if unfinished:
            raise RuleError(
                "shifts_not_closed",
                date=day.isoformat(),
                staff=", ".join(sorted({names.get(s.staff_id, ("?",))[0] for s in unfinished})),
            )
        held.check_none_open(uow, day)  # a held cart is paid or discarded first
        now = ctx.now()
        report = z_figures(ctx, uow, day)
        report.update(
            closed=True,
            closed_at=utc_iso(now),
            closed_by=actor.staff_no,
        )
        text = canonical_json(report)
        liability = report["liability"]
        uow.add(
            DayClose(
                business_date=day,
                closed_at=now,
                closed_by=actor.staff_id,
                report_json=text,
                report_hash=payload_hash(report),
                principal_fen=liability["principal_fen"],
                bonus_fen=liability["bonus_fen"],
                points=liability["points"],
            )
        )
        uow.flush()
        summary = {
            "business_date": day.isoformat(),
            "net_sales_fen": report["net_sales_fen"],
            "topups_fen": report["topups"]["amount_fen"],
            "over_short_fen": report["over_short_fen"],
            "report_hash": payload_hash(report),
        }
        record(ctx, uow, actor, action="day.close", entity="day", entity_id=day.isoformat(),
               before=None, after=summary, event_type="day.closed",
               payload={**summary, "report": report})  # fmt: skip
        uow.commit()
    # The day's automatic backup (on by default): its outcome, not its failure, is reported.
    report["backup"] = auto_backup(ctx, day)
    _recompute_stages(ctx)
    return report


def _recompute_stages(ctx: CounterContext) -> None:
    """The members' stages judged again after the close; the day is closed whatever becomes of
    it (derived figures: the next close, or ``lifecycle recompute``, judges them again)."""
    try:
        member_value.recompute(ctx)
    except Exception:  # the close stands; the failure is logged
        log.exception("lifecycle recompute after the day close failed")


def z_report(ctx: CounterContext, actor: Actor, day: dt.date) -> dict[str, Any]:
    """The stored Z report of a closed date (for reprint), or a preview of an open one."""
    require(actor, Permission.REPORT_VIEW)
    with ctx.reader() as uow:
        closed = reporting.day_close(uow, day)
        if closed is not None:
            return json.loads(closed.report_json)
        if uow.store() is None:
            raise NotFoundError("store_not_initialised")
        report = z_figures(ctx, uow, day)
        report["closed"] = False
        return report


def closed_dates(
    ctx: CounterContext, actor: Actor, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """The closes between two dates: when, by whom, and the liability they recorded."""
    require(actor, Permission.REPORT_VIEW)
    with ctx.reader() as uow:
        names = reporting.staff_names(uow)
        return [
            {
                "business_date": c.business_date.isoformat(),
                "closed_at": utc_iso(c.closed_at),
                "closed_by": names.get(c.closed_by, ("?",))[0],
                "principal_fen": c.principal_fen,
                "bonus_fen": c.bonus_fen,
                "points": c.points,
            }
            for c in reporting.closed_days(uow, start, end)
        ]
