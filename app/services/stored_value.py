"""Stored value (储值): top-up with bonus, refund of a top-up, manual adjustment."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.errors import RuleError, ValidationError
from app.domain.pricing import EXTERNAL_METHODS, check_method, topup_bonus
from app.domain.text import check_text
from app.persistence.tables import TxnTender
from app.services import coupon_rules
from app.services.context import CounterContext, load_rules
from app.services.home import ensure_home_member
from app.services.ledger import ensure_can_transact, new_txn, post_stored_value
from app.services.lookup import resolve_member
from app.services.recording import member_state, record
from app.services.security import Actor, Approval, Permission, approve, require


@dataclass(frozen=True)
class TopUpResult:
    txn_id: str
    member_id: str
    amount_fen: int
    bonus_fen: int
    method: str
    principal_fen: int  # balances after
    bonus_balance_fen: int

    @property
    def stored_value_fen(self) -> int:
        return self.principal_fen + self.bonus_balance_fen


def top_up(
    ctx: CounterContext, actor: Actor, query: str, amount_fen: int, method: str
) -> TopUpResult:
    """Add ``amount_fen`` of principal, plus the bonus the store's rules grant."""
    require(actor, Permission.TOPUP)
    check_method(method, EXTERNAL_METHODS)
    with ctx.uow() as uow:
        rules = load_rules(uow)
        if amount_fen <= 0:
            raise ValidationError("amount_not_positive", value=amount_fen)
        if amount_fen > rules.max_topup_fen:
            raise RuleError("topup_too_large", max=rules.max_topup_fen)
        member = resolve_member(ctx, uow, query)
        ensure_can_transact(uow, member)
        before = member_state(member)
        bonus = topup_bonus(rules, amount_fen)
        txn = new_txn(
            ctx,
            uow,
            "topup",
            member,
            actor,
            amount_fen=amount_fen,
            bonus_fen=bonus,
            due_fen=amount_fen,
        )
        uow.add(TxnTender(txn_id=txn.id, method=method, amount_fen=amount_fen, change_fen=0))
        entry = post_stored_value(ctx, uow, member, txn, "topup", amount_fen, bonus)
        record(
            ctx,
            uow,
            actor,
            action="stored_value.topup",
            entity="member",
            entity_id=member.id,
            before=before,
            after=member_state(member),
            event_type="stored_value.topped_up",
            payload={
                "txn_id": txn.id,
                "member_id": member.id,
                "business_date": txn.business_date.isoformat(),
                "amount_fen": amount_fen,
                "bonus_fen": bonus,
                "tenders": [{"method": method, "amount_fen": amount_fen, "change_fen": 0}],
                "sv_entries": [entry],
            },
        )
        coupon_rules.on_topup(ctx, uow, actor, member, txn.id, amount_fen)  # 充值送券
        uow.commit()
        return TopUpResult(
            txn.id, member.id, amount_fen, bonus, method, member.principal_fen, member.bonus_fen
        )


@dataclass(frozen=True)
class AdjustResult:
    txn_id: str
    member_id: str
    principal_fen: int
    bonus_fen: int


def adjust_stored_value(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    *,
    principal_delta_fen: int,
    bonus_delta_fen: int,
    reason: str,
    approval: Approval | None,
) -> AdjustResult:
    """A manual correction of a member's balance, with a reason and a manager's approval."""
    require(actor, Permission.STORED_VALUE_ADJUST)
    reason = check_text((reason or "").strip(), "reason") or ""
    if not reason:
        raise ValidationError("reason_required")
    if principal_delta_fen == 0 and bonus_delta_fen == 0:
        raise ValidationError("adjust_zero")
    with ctx.reader() as uow:
        ensure_home_member(uow, resolve_member(ctx, uow, query))
    approver = approve(ctx, approval, Permission.STORED_VALUE_ADJUST)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, query)
        if member.status != "active":
            raise RuleError("member_cancelled", name=member.name)
        before = member_state(member)
        txn = new_txn(
            ctx,
            uow,
            "sv_adjust",
            member,
            actor,
            approver,
            amount_fen=principal_delta_fen,
            bonus_fen=bonus_delta_fen,
            note=reason,
        )
        entry = post_stored_value(
            ctx, uow, member, txn, "adjust", principal_delta_fen, bonus_delta_fen
        )
        record(
            ctx,
            uow,
            actor,
            action="stored_value.adjust",
            entity="member",
            entity_id=member.id,
            before=before,
            after={**member_state(member), "reason": reason},
            event_type="stored_value.adjusted",
            payload={
                "txn_id": txn.id,
                "member_id": member.id,
                "business_date": txn.business_date.isoformat(),
                "reason": reason,
                "sv_entries": [entry],
            },
            approver=approver,
        )
        uow.commit()
        return AdjustResult(txn.id, member.id, member.principal_fen, member.bonus_fen)
