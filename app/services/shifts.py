"""Shifts (交班): open with a cash float, blind count at handover, over/short with a reason.

Which operations belong to a shift: every transaction at this counter whose staff
member is the shift's cashier and whose time lies from the moment the shift was
opened to the moment of its first count, both included. A cashier has at most one
shift that is not closed; several cashiers may each have one (each with their own
drawer). Operations done with no shift open belong to no shift; the daily close
shows their cash separately.

Expected cash = float + cash handed over − change given − cash paid back. The
count is blind: counting shows the cashier the amount counted, never the amount
expected; the over/short appears when the shift is closed, and is recorded as it
is — a reason is required when it is not zero, a match is never forced.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from app.domain.errors import NotFoundError, PermissionDeniedError, RuleError, ValidationError
from app.domain.ids import uuid7
from app.domain.money import MAX_AMOUNT_FEN
from app.domain.text import check_text
from app.persistence import reporting
from app.persistence.tables import Shift
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext
from app.services.figures import figures
from app.services.recording import record
from app.services.security import Actor, Approval, Permission, approve, require

# Renminbi notes and coins, in fen.
DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1)
MAX_REASON = 200


@dataclass(frozen=True)
class ShiftView:
    shift_id: str
    staff_id: str
    staff_no: str
    staff_name: str
    business_date: dt.date
    status: str  # open, counted, closed
    float_fen: int
    opened_at: dt.datetime  # UTC
    ended_at: dt.datetime | None
    counted_fen: int | None
    count_detail: dict[int, int] | None
    # Shown once the shift is closed (the count is blind).
    expected_fen: int | None
    over_short_fen: int | None
    reason: str | None
    closed_at: dt.datetime | None
    closed_by: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "shift_id": self.shift_id,
            "staff_no": self.staff_no,
            "staff_name": self.staff_name,
            "business_date": self.business_date.isoformat(),
            "status": self.status,
            "float_fen": self.float_fen,
            "opened_at": utc_iso(self.opened_at),
            "ended_at": utc_iso(self.ended_at),
            "counted_fen": self.counted_fen,
            "count_detail": (
                {str(k): v for k, v in self.count_detail.items()} if self.count_detail else None
            ),
            "expected_fen": self.expected_fen,
            "over_short_fen": self.over_short_fen,
            "reason": self.reason,
            "closed_at": utc_iso(self.closed_at),
        }


def utc_iso(value: dt.datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with its offset."""
    return value.replace(tzinfo=dt.UTC).isoformat() if value else None


def shift_view(uow: UnitOfWork, s: Shift, *, blind: bool = False) -> ShiftView:
    names = reporting.staff_names(uow)
    no, name = names.get(s.staff_id, ("?", "?"))
    detail = json.loads(s.count_detail) if s.count_detail else None
    closed = s.status == "closed"
    return ShiftView(
        shift_id=s.id,
        staff_id=s.staff_id,
        staff_no=no,
        staff_name=name,
        business_date=s.business_date,
        status=s.status,
        float_fen=s.float_fen,
        opened_at=s.opened_at,
        ended_at=s.ended_at,
        counted_fen=s.counted_fen,
        count_detail={int(k): int(v) for k, v in detail.items()} if detail else None,
        expected_fen=s.expected_fen if closed or not blind else None,
        over_short_fen=s.over_short_fen if closed or not blind else None,
        reason=s.reason,
        closed_at=s.closed_at,
        closed_by=names.get(s.closed_by, (None,))[0] if s.closed_by else None,
    )


def shift_figures(uow: UnitOfWork, s: Shift) -> dict[str, Any]:
    """The figures of the shift's operations and its expected cash."""
    data = figures(uow, reporting.in_window(s.staff_id, s.opened_at, s.ended_at))
    data["float_fen"] = s.float_fen
    data["expected_cash_fen"] = s.float_fen + data["cash"]["net_fen"]
    return data


def _check_amount(fen: int) -> int:
    if not isinstance(fen, int) or fen < 0:
        raise ValidationError("amount_invalid", value=str(fen))
    if fen > MAX_AMOUNT_FEN:
        raise ValidationError("amount_too_large", value=str(fen))
    return fen


def open_shift(ctx: CounterContext, actor: Actor, float_fen: int) -> ShiftView:
    """Open the actor's shift with ``float_fen`` of change in the drawer (may be 0)."""
    require(actor, Permission.SHIFT)
    _check_amount(float_fen)
    with ctx.uow() as uow:
        day = ctx.business_date(uow)  # refuses a closed date
        current = reporting.open_shift_of(uow, actor.staff_id)
        if current is not None:
            store = uow.store()
            tz = ZoneInfo(store.timezone if store else "Asia/Shanghai")
            local = current.opened_at.replace(tzinfo=dt.UTC).astimezone(tz)
            raise RuleError("shift_already_open", opened_at=f"{local:%Y-%m-%d %H:%M}")
        now = ctx.now()
        s = Shift(
            id=uuid7(),
            staff_id=actor.staff_id,
            business_date=day,
            status="open",
            float_fen=float_fen,
            opened_at=now,
        )
        uow.add(s)
        uow.flush()
        info = {
            "shift_id": s.id,
            "staff_id": actor.staff_id,
            "business_date": day.isoformat(),
            "float_fen": float_fen,
            "opened_at": now.isoformat(),
        }
        record(ctx, uow, actor, action="shift.open", entity="shift", entity_id=s.id,
               before=None, after=info, event_type="shift.opened", payload=info)  # fmt: skip
        view = shift_view(uow, s)
        uow.commit()
        return view


def _target(uow: UnitOfWork, actor: Actor, shift_id: str | None) -> Shift:
    """The actor's own unfinished shift, or (with shift.manage) the one named."""
    if shift_id is None:
        s = reporting.open_shift_of(uow, actor.staff_id)
        if s is None:
            raise RuleError("shift_none")
        return s
    s = reporting.shift(uow, shift_id.strip())
    if s is None:
        raise NotFoundError("shift_not_found", shift_id=shift_id)
    if s.staff_id != actor.staff_id and not actor.can(Permission.SHIFT_MANAGE):
        raise PermissionDeniedError("permission_denied", action=Permission.SHIFT_MANAGE.value)
    return s


def count_total(
    total_fen: int | None = None, denominations: Mapping[int, int] | None = None
) -> tuple[int, dict[int, int] | None]:
    """The counted cash from a total or from pieces per denomination (fen → pieces)."""
    if (total_fen is None) == (not denominations):
        raise ValidationError("count_missing")
    if denominations:
        detail: dict[int, int] = {}
        for denom, pieces in denominations.items():
            if denom not in DENOMINATIONS:
                raise ValidationError("denomination_invalid", value=str(denom))
            if not isinstance(pieces, int) or pieces < 0:
                raise ValidationError("pieces_invalid", value=str(pieces))
            if pieces:
                detail[denom] = detail.get(denom, 0) + pieces
        total = sum(d * n for d, n in detail.items())
        return _check_amount(total), dict(sorted(detail.items(), reverse=True))
    assert total_fen is not None
    return _check_amount(total_fen), None


def count_shift(
    ctx: CounterContext,
    actor: Actor,
    *,
    total_fen: int | None = None,
    denominations: Mapping[int, int] | None = None,
    shift_id: str | None = None,
    approval: Approval | None = None,
) -> ShiftView:
    """Record the blind count of the drawer. The first count ends the shift's operations
    and is final: once committed, the expected cash may be known (it is shown at close), so
    a recount needs a manager (the actor, or ``approval``) and is audited as a recount
    with both counts."""
    require(actor, Permission.SHIFT)
    counted, detail = count_total(total_fen, denominations)
    with ctx.reader() as uow:
        recount = _target(uow, actor, shift_id).status == "counted"
    approver: Actor | None = None
    if recount:  # checked outside the write: approving signs the manager in
        approver = actor if actor.can(Permission.SHIFT_MANAGE) else None
        approver = approver or approve(ctx, approval, Permission.SHIFT_MANAGE)
    with ctx.uow() as uow:
        s = _target(uow, actor, shift_id)
        if s.status == "closed":
            raise RuleError("shift_closed")
        if s.status == "counted" and approver is None:
            raise PermissionDeniedError("approval_required", action=Permission.SHIFT_MANAGE.value)
        recount = s.status == "counted"
        before = {"status": s.status, "counted_fen": s.counted_fen, "detail": s.count_detail}
        if s.ended_at is None:
            s.ended_at = ctx.now()
        s.status = "counted"
        s.counted_fen = counted
        s.count_detail = json.dumps({str(k): v for k, v in detail.items()}) if detail else None
        after: dict[str, Any] = {
            "status": "counted", "counted_fen": counted, "detail": s.count_detail,
        }  # fmt: skip
        record(ctx, uow, actor, action="shift.recount" if recount else "shift.count",
               entity="shift", entity_id=s.id, before=before, after=after,
               event_type=None, payload={}, approver=approver)  # fmt: skip
        view = shift_view(uow, s, blind=True)
        uow.commit()
        return view


def close_shift(
    ctx: CounterContext, actor: Actor, *, reason: str | None = None, shift_id: str | None = None
) -> ShiftView:
    """Close a counted shift: expected cash is computed and the over/short recorded as it is.

    A difference needs a reason; the count is never adjusted to match.
    """
    require(actor, Permission.SHIFT)
    reason = check_text((reason or "").strip(), "reason") or None
    if reason and len(reason) > MAX_REASON:
        raise ValidationError("reason_too_long", max=MAX_REASON)
    with ctx.uow() as uow:
        s = _target(uow, actor, shift_id)
        if s.status == "closed":
            raise RuleError("shift_closed")
        if s.status != "counted" or s.counted_fen is None:
            raise RuleError("shift_not_counted")
        data = shift_figures(uow, s)
        expected = data["expected_cash_fen"]
        over_short = s.counted_fen - expected
        if over_short != 0 and not reason:
            raise ValidationError("over_short_reason_required", amount=over_short)
        now = ctx.now()
        s.status = "closed"
        s.expected_fen = expected
        s.over_short_fen = over_short
        s.reason = reason
        s.closed_at = now
        s.closed_by = actor.staff_id
        summary = {
            "shift_id": s.id,
            # Whose shift it was: the event's staff_id is who closed it (a manager may).
            "cashier_id": s.staff_id,
            "business_date": s.business_date.isoformat(),
            "float_fen": s.float_fen,
            "expected_fen": expected,
            "counted_fen": s.counted_fen,
            "over_short_fen": over_short,
            "reason": reason,
            "opened_at": s.opened_at.isoformat(),
            "ended_at": s.ended_at.isoformat() if s.ended_at else None,
            "net_sales_fen": data["net_sales_fen"],
            "sales_by_tender": data["sales_by_tender"],
            "topups_fen": data["topups"]["amount_fen"],
        }
        record(ctx, uow, actor, action="shift.close", entity="shift", entity_id=s.id,
               before={"status": "counted"}, after=summary,
               event_type="shift.closed", payload=summary)  # fmt: skip
        view = shift_view(uow, s)
        uow.commit()
        return view


def current_shift(ctx: CounterContext, actor: Actor) -> ShiftView | None:
    """The actor's unfinished shift (blind: no expected cash), or None."""
    require(actor, Permission.SHIFT)
    with ctx.reader() as uow:
        s = reporting.open_shift_of(uow, actor.staff_id)
        return shift_view(uow, s, blind=True) if s else None


def x_report(
    ctx: CounterContext, actor: Actor, *, shift_id: str | None = None, staff_no: str | None = None
) -> dict[str, Any]:
    """The X report: a shift's figures so far (default: every unfinished shift). Reads only.

    It shows the expected cash, so it is for managers (the cashier's count stays blind).
    """
    require(actor, Permission.REPORT_VIEW)
    with ctx.reader() as uow:
        if shift_id is not None:
            s = reporting.shift(uow, shift_id.strip())
            if s is None:
                raise NotFoundError("shift_not_found", shift_id=shift_id)
            chosen = [s]
        else:
            chosen = reporting.unfinished_shifts(uow)
            if staff_no is not None:
                staff = uow.staff_by_no(staff_no.strip())
                if staff is None:
                    raise NotFoundError("staff_unknown", staff_no=staff_no)
                chosen = [s for s in chosen if s.staff_id == staff.id]
        store = uow.store()
        return {
            "report": "X",
            "store": {"code": store.code, "name": store.name} if store else None,
            "printed_at": utc_iso(ctx.now()),
            "business_date": ctx.business_date(uow).isoformat(),
            "shifts": [
                {**shift_view(uow, s).as_dict(), "figures": shift_figures(uow, s)} for s in chosen
            ],
        }


def shifts_of_day(ctx: CounterContext, actor: Actor, day: dt.date) -> list[ShiftView]:
    require(actor, Permission.REPORT_VIEW)
    with ctx.reader() as uow:
        return [shift_view(uow, s) for s in reporting.shifts_on(uow, day)]
