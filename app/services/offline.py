"""Offline limits at checkout: while HQ is unreachable, stored value and points are spent
within the limits HQ's rules set (see :mod:`app.domain.offline`). A counter that was never
enrolled with HQ works alone and has no such limits."""

from __future__ import annotations

import json

from app.domain import offline
from app.persistence import syncstore
from app.persistence.tables import Member
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext, load_rules


def _pending_deltas(uow: UnitOfWork, member_id: str) -> tuple[int, int, int, int]:
    """(stored-value change, stored value spent, points change, points spent) of the member's
    events HQ has not acknowledged yet."""
    sv_delta = sv_spent = pts_delta = pts_spent = 0
    for text in syncstore.pending_payloads_of(uow, member_id):
        payload = json.loads(text)
        owner = payload.get("member_id")
        for e in payload.get("sv_entries") or ():
            if e.get("member_id", owner) != member_id:
                continue
            amount = e["principal_fen"] + e["bonus_fen"]
            sv_delta += amount
            sv_spent += -amount if amount < 0 and e["kind"] == "spend" else 0
        for e in payload.get("points_entries") or ():
            if e.get("member_id", owner) != member_id:
                continue
            pts_delta += e["points"]
            pts_spent += -e["points"] if e["points"] < 0 and e["kind"] == "redeem" else 0
    return sv_delta, sv_spent, pts_delta, pts_spent


def check_spend(
    ctx: CounterContext, uow: UnitOfWork, member: Member, sv_fen: int, points: int
) -> None:
    """Refuse a stored-value or points spend beyond the offline limits, when offline."""
    if sv_fen <= 0 and points <= 0:
        return
    state = syncstore.state(uow)
    if state is None or state.enrolled_at is None:
        return
    limits = offline.OfflineLimits.from_rules_extra(load_rules(uow).extra)
    now = ctx.now()
    if not offline.is_offline(state.last_success_at, now, limits):
        return
    sv_delta, sv_spent, pts_delta, pts_spent = _pending_deltas(uow, member.id)
    offline.check_offline_spend(
        limits,
        now=now,
        last_success=state.last_success_at,
        sv_fen=sv_fen,
        points=points,
        synced_sv_fen=member.principal_fen + member.bonus_fen - sv_delta,
        offline_sv_spent_fen=sv_spent,
        synced_points=member.points - pts_delta,
        offline_points_spent=pts_spent,
    )
