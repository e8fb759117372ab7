"""Points (积分): the expiry run and manual adjustments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from app.domain.errors import RuleError, ValidationError
from app.domain.text import check_text
from app.persistence import syncstore
from app.services.context import CounterContext
from app.services.home import ensure_home_member
from app.services.ledger import (
    earn_points,
    new_txn,
    post_points,
    spend_points,
    usable_points,
)
from app.services.lookup import resolve_member
from app.services.recording import member_state, record
from app.services.security import Actor, Approval, Permission, approve, require


@dataclass(frozen=True)
class ExpiryResult:
    as_of: dt.date
    members: int
    points: int


def expire_points(ctx: CounterContext, actor: Actor, as_of: dt.date | None = None) -> ExpiryResult:
    """Expire what is left of every lot whose last valid day is before ``as_of`` (default today).

    Running it twice expires nothing the second time.
    """
    require(actor, Permission.POINTS_EXPIRE)
    total = 0
    members = 0
    with ctx.uow() as uow:
        today = ctx.business_date(uow)
        as_of = as_of or today
        if as_of > today:  # a future date would take points that are still valid
            raise ValidationError("expiry_date_future", as_of=as_of.isoformat())
        due = uow.expired_lots(as_of)
        # Each member's points are expired by the counter that registered them, so two
        # stores never expire the same lot twice (the other stores receive it through HQ).
        elsewhere = syncstore.members_registered_elsewhere(uow, {r[0] for r in due})
        for member_id, rows in groupby(due, key=lambda r: r[0]):
            if member_id in elsewhere:
                continue
            member = uow.member(member_id)
            assert member is not None
            before = member_state(member)
            txn = new_txn(ctx, uow, "points_expire", member, actor, note=as_of.isoformat())
            entries = [
                post_points(ctx, uow, member, txn, lot_id, "expire", -n) for _, lot_id, n in rows
            ]
            expired = -sum(e["points"] for e in entries)
            txn.points_used = expired
            total += expired
            members += 1
            record(
                ctx,
                uow,
                actor,
                action="points.expire",
                entity="member",
                entity_id=member.id,
                before=before,
                after=member_state(member),
                event_type="points.expired",
                payload={
                    "txn_id": txn.id,
                    "member_id": member.id,
                    "as_of": as_of.isoformat(),
                    "points_entries": entries,
                },
            )
        uow.commit()
    return ExpiryResult(as_of, members, total)


@dataclass(frozen=True)
class PointsAdjustResult:
    txn_id: str
    member_id: str
    delta: int
    points: int


def adjust_points(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    delta: int,
    reason: str,
    approval: Approval | None,
) -> PointsAdjustResult:
    """Add points (a new lot) or take them (oldest lots first), with a reason and approval."""
    require(actor, Permission.POINTS_ADJUST)
    reason = check_text((reason or "").strip(), "reason") or ""
    if not reason:
        raise ValidationError("reason_required")
    if delta == 0:
        raise ValidationError("adjust_zero")
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, query)
        ensure_home_member(uow, member)
        usable = usable_points(uow, member.id, ctx.business_date(uow))
        if delta < 0 and usable < -delta:
            raise RuleError("points_insufficient", balance=usable, points=-delta)
    approver = approve(ctx, approval, Permission.POINTS_ADJUST)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, query)
        if member.status != "active":
            raise RuleError("member_cancelled", name=member.name)
        before = member_state(member)
        txn = new_txn(
            ctx, uow, "points_adjust", member, actor, approver, points_earned=delta, note=reason
        )
        lots = []
        if delta > 0:
            lot, entry = earn_points(ctx, uow, member, txn, delta, "adjust", txn.business_date)
            lots.append(lot)
            entries = [entry]
        else:
            entries = spend_points(ctx, uow, member, txn, "adjust", -delta)
        record(
            ctx,
            uow,
            actor,
            action="points.adjust",
            entity="member",
            entity_id=member.id,
            before=before,
            after={**member_state(member), "reason": reason},
            event_type="points.adjusted",
            payload={
                "txn_id": txn.id,
                "member_id": member.id,
                "reason": reason,
                "points_lots": lots,
                "points_entries": entries,
            },
            approver=approver,
        )
        uow.commit()
        return PointsAdjustResult(txn.id, member.id, delta, member.points)
