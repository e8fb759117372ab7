"""Manual tier override (with approval) and the member's tier change log."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.errors import ValidationError
from app.domain.text import check_text
from app.services import coupon_rules
from app.services.context import CounterContext, load_rules
from app.services.home import ensure_home_member
from app.services.ledger import change_tier, ensure_can_transact, new_txn
from app.services.lookup import resolve_member
from app.services.recording import member_state, record
from app.services.security import Actor, Approval, Permission, approve, require


@dataclass(frozen=True)
class TierResult:
    txn_id: str
    member_id: str
    tier_before: str
    tier: str


def override_tier(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    tier: str,
    reason: str,
    approval: Approval | None,
) -> TierResult:
    require(actor, Permission.TIER_OVERRIDE)
    reason = check_text((reason or "").strip(), "reason") or ""
    if not reason:
        raise ValidationError("reason_required")
    with ctx.reader() as uow:
        load_rules(uow).tier(tier)  # refuse an unknown tier before asking for approval
        member = resolve_member(ctx, uow, query)
        ensure_home_member(uow, member)
        if member.tier_code == tier:
            raise ValidationError("tier_unchanged", tier=tier)
    approver = approve(ctx, approval, Permission.TIER_OVERRIDE)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, query)
        ensure_can_transact(uow, member)
        before = member_state(member)
        tier_before = member.tier_code
        txn = new_txn(
            ctx,
            uow,
            "tier_override",
            member,
            actor,
            approver,
            tier_before=tier_before,
            tier_after=tier,
            note=reason,
        )
        change = change_tier(ctx, uow, member, txn, tier, "override", actor, approver)
        member.tier_overridden = True
        record(
            ctx,
            uow,
            actor,
            action="tier.override",
            entity="member",
            entity_id=member.id,
            before=before,
            after={**member_state(member), "reason": reason},
            event_type="tier.overridden",
            payload={
                "txn_id": txn.id,
                "member_id": member.id,
                "reason": reason,
                "tier_changes": [change],
            },
            approver=approver,
        )
        coupon_rules.on_tier_change(ctx, uow, actor, member, tier_before)
        uow.commit()
        return TierResult(txn.id, member.id, tier_before, tier)
