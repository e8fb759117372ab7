"""Refunds: compensating entries linked to the original, each original refunded at most once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.errors import NotFoundError, RuleError
from app.domain.points import consume_oldest
from app.domain.pricing import STORED_VALUE, tier_for_spend, tier_rank
from app.domain.rules import Rules
from app.persistence import sale_store
from app.persistence.tables import Member, Txn, TxnTender
from app.persistence.uow import UnitOfWork
from app.services import voids
from app.services.context import CounterContext, load_rules
from app.services.ledger import change_tier, new_txn, post_points, post_stored_value
from app.services.recording import member_state, record
from app.services.security import Actor, Approval, Permission, approve, require


@dataclass(frozen=True)
class RefundResult:
    txn_id: str
    original_txn_id: str
    kind: str  # "refund" (of a checkout) or "topup_refund"
    member_id: str
    money_back: tuple[tuple[str, int], ...]  # (method, fen) paid back to the member
    points_restored: int
    points_clawed_back: int
    points_shortfall: int
    principal_fen: int  # balances after
    bonus_fen: int
    points: int
    tier: str


def refund(
    ctx: CounterContext, actor: Actor, txn_id: str, approval: Approval | None
) -> RefundResult:
    """Refund a checkout or a top-up, with a manager's approval."""
    require(actor, Permission.REFUND)
    with ctx.reader() as uow:
        original = uow.txn((txn_id or "").strip())
        if original is None:
            raise NotFoundError("txn_not_found", txn_id=txn_id)
        if original.kind not in ("checkout", "topup"):
            raise RuleError("txn_not_refundable", txn_id=txn_id)
        if sale_store.cart_of(uow, original.id) is not None:
            # A cart sale (a member's or a walk-in's) is refunded by its lines, with a
            # reason (app.services.partial_refunds).
            raise RuleError("refund_by_lines", txn_id=original.id)
        if original.member_id is None:
            raise RuleError("refund_amount_only_walk_in", txn_id=original.id)
        refundable_once(uow, original.id)
    approver = approve(ctx, approval, Permission.REFUND)
    with ctx.uow() as uow:
        original = uow.txn(txn_id.strip())
        assert original is not None and original.member_id is not None
        refundable_once(uow, original.id)
        member = uow.member(original.member_id)
        assert member is not None
        if member.status != "active":
            raise RuleError("member_cancelled", name=member.name)
        if original.kind == "checkout":
            result = _refund_checkout(ctx, uow, actor, approver, original, member)
        else:
            result = _refund_topup(ctx, uow, actor, approver, original, member)
        uow.commit()
        return result


def refundable_once(uow: UnitOfWork, txn_id: str) -> None:
    """A checkout or top-up is refunded once (uq_txn_refund_once): not again, not after
    HQ voided it, and not after HQ voided its refund (the refund is reversed here, but it
    keeps the one refund the transaction has: HQ settles it)."""
    done = uow.refund_of(txn_id)
    if done is not None and voids.voided(uow, done.id):
        raise RuleError("refund_voided_at_hq", txn_id=txn_id)
    if done is not None:
        raise RuleError("already_refunded", txn_id=txn_id)
    if voids.voided(uow, txn_id):
        raise RuleError("txn_voided_at_hq", txn_id=txn_id)


def _money_back(uow: UnitOfWork, original: Txn, refund_txn: Txn) -> list[dict[str, Any]]:
    """Pay back every non-stored-value tender by its own method (cash net of change)."""
    back = []
    for t in uow.tenders(original.id):
        if t.method == STORED_VALUE:
            continue
        net = t.amount_fen - t.change_fen
        uow.add(TxnTender(txn_id=refund_txn.id, method=t.method, amount_fen=-net, change_fen=0))
        back.append({"method": t.method, "amount_fen": -net, "change_fen": 0})
    return back


def _refund_checkout(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    approver: Actor,
    original: Txn,
    member: Member,
) -> RefundResult:
    rules = load_rules(uow)
    before = member_state(member)
    txn = new_txn(
        ctx,
        uow,
        "refund",
        member,
        actor,
        approver,
        original_txn_id=original.id,
        amount_fen=-original.amount_fen,
        discount_fen=-original.discount_fen,
        points_used=-original.points_used,
        points_value_fen=-original.points_value_fen,
        due_fen=-original.due_fen,
        tier_before=member.tier_code,
    )
    tenders = _money_back(uow, original, txn)
    sv_entries = [
        post_stored_value(
            ctx, uow, member, txn, "spend_reversal", -e.principal_fen, -e.bonus_fen, e.entry_id
        )
        for e in uow.sv_entries(original.id)
        if e.kind == "spend"
    ]
    # Redeemed points go back to the lots they came from, before any clawback.
    points_entries = []
    restored = 0
    earned_entries = []
    for e in uow.points_entries(original.id):
        if e.kind == "redeem":
            points_entries.append(
                post_points(
                    ctx, uow, member, txn, e.lot_id, "redeem_reversal", -e.points, e.entry_id
                )
            )
            restored += -e.points
        elif e.kind == "earn":
            earned_entries.append(e)
    # Earned points are clawed back: first from their own lot, then from the oldest
    # lots; never below zero — what cannot be taken is recorded as the shortfall.
    clawed = 0
    shortfall = 0
    for earn in earned_entries:
        uow.flush()
        lots = uow.lot_balances(member.id)
        own = next((lot for lot in lots if lot.lot_id == earn.lot_id), None)
        take_own = min(own.remaining if own else 0, earn.points)
        if take_own:
            points_entries.append(
                post_points(
                    ctx, uow, member, txn, earn.lot_id, "clawback", -take_own, earn.entry_id
                )
            )
        rest = earn.points - take_own
        others = [lot for lot in lots if lot.lot_id != earn.lot_id]
        available = sum(lot.remaining for lot in others if lot.remaining > 0)
        take_rest = min(rest, available)
        for lot_id, n in consume_oldest(others, take_rest):
            points_entries.append(
                post_points(ctx, uow, member, txn, lot_id, "clawback", -n, earn.entry_id)
            )
        clawed += take_own + take_rest
        shortfall += rest - take_rest
    member.cumulative_spend_fen -= original.due_fen
    tier_changes = undo_upgrade(ctx, uow, rules, member, txn, original, actor, approver)
    txn.points_earned = -clawed
    txn.points_shortfall = shortfall
    txn.tier_after = member.tier_code
    record(
        ctx,
        uow,
        actor,
        action="checkout.refund",
        entity="member",
        entity_id=member.id,
        before=before,
        after=member_state(member),
        event_type="checkout.refunded",
        payload={
            "txn_id": txn.id,
            "original_txn_id": original.id,
            "member_id": member.id,
            "business_date": txn.business_date.isoformat(),
            "tenders": tenders,
            "cumulative_spend_delta_fen": -original.due_fen,
            "points_shortfall": shortfall,
            "tier_changes": tier_changes,
            "sv_entries": sv_entries,
            "points_entries": points_entries,
        },
        approver=approver,
    )
    return RefundResult(
        txn_id=txn.id,
        original_txn_id=original.id,
        kind="refund",
        member_id=member.id,
        money_back=tuple((t["method"], -t["amount_fen"]) for t in tenders)
        + tuple((STORED_VALUE, e["principal_fen"] + e["bonus_fen"]) for e in sv_entries),
        points_restored=restored,
        points_clawed_back=clawed,
        points_shortfall=shortfall,
        principal_fen=member.principal_fen,
        bonus_fen=member.bonus_fen,
        points=member.points,
        tier=member.tier_code,
    )


def _refund_topup(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    approver: Actor,
    original: Txn,
    member: Member,
) -> RefundResult:
    """Principal goes back by the original method; the bonus it granted is voided."""
    before = member_state(member)
    principal, bonus = original.amount_fen, original.bonus_fen
    if member.principal_fen < principal or member.bonus_fen < bonus:
        raise RuleError(
            "topup_refund_insufficient",
            principal=member.principal_fen,
            bonus=member.bonus_fen,
            need_principal=principal,
            need_bonus=bonus,
        )
    txn = new_txn(
        ctx,
        uow,
        "topup_refund",
        member,
        actor,
        approver,
        original_txn_id=original.id,
        amount_fen=-principal,
        bonus_fen=-bonus,
        due_fen=-principal,
    )
    tenders = _money_back(uow, original, txn)
    topup_entry = next(e for e in uow.sv_entries(original.id) if e.kind == "topup")
    entry = post_stored_value(
        ctx, uow, member, txn, "topup_refund", -principal, -bonus, topup_entry.entry_id
    )
    record(
        ctx,
        uow,
        actor,
        action="stored_value.topup_refund",
        entity="member",
        entity_id=member.id,
        before=before,
        after=member_state(member),
        event_type="stored_value.topup_refunded",
        payload={
            "txn_id": txn.id,
            "original_txn_id": original.id,
            "member_id": member.id,
            "business_date": txn.business_date.isoformat(),
            "tenders": tenders,
            "sv_entries": [entry],
        },
        approver=approver,
    )
    return RefundResult(
        txn_id=txn.id,
        original_txn_id=original.id,
        kind="topup_refund",
        member_id=member.id,
        money_back=tuple((t["method"], -t["amount_fen"]) for t in tenders),
        points_restored=0,
        points_clawed_back=0,
        points_shortfall=0,
        principal_fen=member.principal_fen,
        bonus_fen=member.bonus_fen,
        points=member.points,
        tier=member.tier_code,
    )


def undo_upgrade(
    ctx: CounterContext,
    uow: UnitOfWork,
    rules: Rules,
    member: Member,
    txn: Txn,
    original: Txn,
    actor: Actor,
    approver: Actor | None,
) -> list[Any]:
    """Undo the tier upgrade ``original`` caused, unless other spending still earns it (a
    refund, whole or of some lines); the tier change made, if any, in a list."""
    if original.tier_after == original.tier_before or member.tier_code != original.tier_after:
        return []
    reached = tier_for_spend(rules, member.cumulative_spend_fen)
    target = max(
        (original.tier_before or rules.base_tier.code, reached.code),
        key=lambda code: tier_rank(rules, code),
    )
    change = change_tier(ctx, uow, member, txn, target, "refund", actor, approver)
    return [change] if change else []
