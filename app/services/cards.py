"""Card lifecycle: report lost (挂失), replace (补卡), freeze, unfreeze, cancel (注销)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.cards import normalise_card_no
from app.domain.errors import RuleError
from app.domain.ids import uuid7
from app.domain.pricing import EXTERNAL_METHODS, check_method
from app.persistence.tables import Card, Member, TxnTender
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext, load_rules
from app.services.home import ensure_home_member
from app.services.ledger import new_txn, post_points, post_stored_value
from app.services.lookup import resolve_member
from app.services.members import unique_card_no
from app.services.recording import member_state, record
from app.services.security import Actor, Approval, Permission, approve, require


@dataclass(frozen=True)
class CardResult:
    txn_id: str
    member_id: str
    card_no: str
    status: str
    fee_fen: int = 0
    refunded_principal_fen: int = 0
    voided_bonus_fen: int = 0
    voided_points: int = 0


def _current_card(uow: UnitOfWork, member: Member) -> Card:
    card = uow.card(member.card_id) if member.card_id else None
    if card is None:
        raise RuleError("card_none", name=member.name)
    return card


def _set_status(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    member: Member,
    card: Card,
    status: str,
    action: str,
    event_type: str,
    approver: Actor | None = None,
    extra: dict[str, Any] | None = None,
) -> CardResult:
    before = card.status
    card.status = status
    txn = new_txn(ctx, uow, action.replace(".", "_"), member, actor, approver)
    record(
        ctx,
        uow,
        actor,
        action=action,
        entity="card",
        entity_id=card.id,
        before={"status": before},
        after={"status": status},
        event_type=event_type,
        payload={
            "txn_id": txn.id,
            "member_id": member.id,
            "card_id": card.id,
            "card_no": card.card_no,
            "status": status,
            **(extra or {}),
        },
        approver=approver,
    )
    return CardResult(txn.id, member.id, card.card_no, status)


def _member_for_card_op(
    ctx: CounterContext, uow: UnitOfWork, query: str, *, home_only: bool = True
) -> Member:
    """Card operations identify the member by phone (the card may be lost) or the card;
    all but reporting a loss are the member's home store's."""
    member = resolve_member(ctx, uow, query)
    if member.status != "active":
        raise RuleError("member_cancelled", name=member.name)
    if home_only:
        ensure_home_member(uow, member)
    return member


def report_lost(ctx: CounterContext, actor: Actor, query: str) -> CardResult:
    """The card stops working at once; the member, balances and points stay."""
    require(actor, Permission.CARD_LOST)
    with ctx.uow() as uow:
        member = _member_for_card_op(ctx, uow, query, home_only=False)
        card = _current_card(uow, member)
        if card.status == "frozen":  # a freeze is lifted by a manager, not by reporting loss
            raise RuleError("card_frozen", card_no=card.card_no)
        if card.status != "active":
            raise RuleError("card_state", card_no=card.card_no, status=card.status)
        result = _set_status(
            ctx, uow, actor, member, card, "lost", "card.lost", "card.reported_lost"
        )
        uow.commit()
        return result


def freeze_card(ctx: CounterContext, actor: Actor, query: str) -> CardResult:
    require(actor, Permission.CARD_FREEZE)
    with ctx.uow() as uow:
        member = _member_for_card_op(ctx, uow, query)
        card = _current_card(uow, member)
        if card.status != "active":
            raise RuleError("card_state", card_no=card.card_no, status=card.status)
        result = _set_status(ctx, uow, actor, member, card, "frozen", "card.freeze", "card.frozen")
        uow.commit()
        return result


def unfreeze_card(ctx: CounterContext, actor: Actor, query: str) -> CardResult:
    require(actor, Permission.CARD_UNFREEZE)
    with ctx.uow() as uow:
        member = _member_for_card_op(ctx, uow, query)
        card = _current_card(uow, member)
        if card.status != "frozen":
            raise RuleError("card_state", card_no=card.card_no, status=card.status)
        result = _set_status(
            ctx, uow, actor, member, card, "active", "card.unfreeze", "card.unfrozen"
        )
        uow.commit()
        return result


def replace_card(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    *,
    new_card_no: str | None = None,
    fee_method: str = "cash",
) -> CardResult:
    """A new card for the member; balances and points carry over; the store's fee is charged."""
    require(actor, Permission.CARD_REPLACE)
    check_method(fee_method, EXTERNAL_METHODS)
    card_no = normalise_card_no(new_card_no) if new_card_no else None
    with ctx.uow() as uow:
        rules = load_rules(uow)
        member = _member_for_card_op(ctx, uow, query)
        old = _current_card(uow, member)
        if old.status == "frozen":
            raise RuleError("card_frozen", card_no=old.card_no)
        if card_no is not None and uow.card_by_no(card_no) is not None:
            taken = uow.card_by_no(card_no)
            owner = uow.member(taken.member_id) if taken else None
            raise RuleError(
                "card_duplicate",
                card_no=card_no,
                name=owner.name if owner else "",
                member_id=taken.member_id if taken else "",
            )
        fee = rules.card_replace_fee_fen
        now = ctx.now()
        new = Card(
            id=uuid7(),
            card_no=card_no or unique_card_no(uow),
            member_id=member.id,
            status="active",
            issued_at=now,
        )
        before = {"card_id": old.id, "card_no": old.card_no, "status": old.status}
        old.status = "replaced"
        old.replaced_by = new.id
        member.card_id = new.id
        member.updated_at = now
        uow.add(new)
        txn = new_txn(ctx, uow, "card_replace", member, actor, amount_fen=fee, due_fen=fee)
        tenders = []
        if fee > 0:
            uow.add(TxnTender(txn_id=txn.id, method=fee_method, amount_fen=fee, change_fen=0))
            tenders.append({"method": fee_method, "amount_fen": fee, "change_fen": 0})
        record(
            ctx,
            uow,
            actor,
            action="card.replace",
            entity="card",
            entity_id=new.id,
            before=before,
            after={"card_id": new.id, "card_no": new.card_no, "status": "active", "fee_fen": fee},
            event_type="card.replaced",
            payload={
                "txn_id": txn.id,
                "member_id": member.id,
                "old_card_id": old.id,
                "card": {"card_id": new.id, "card_no": new.card_no},
                "fee_fen": fee,
                "tenders": tenders,
                "business_date": txn.business_date.isoformat(),
            },
        )
        uow.commit()
        return CardResult(txn.id, member.id, new.card_no, "active", fee_fen=fee)


def cancel_card(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    approval: Approval | None,
    *,
    refund_method: str = "cash",
) -> CardResult:
    """注销: principal paid back, bonus and points voided, the membership ends."""
    require(actor, Permission.CARD_CANCEL)
    check_method(refund_method, EXTERNAL_METHODS)
    with ctx.reader() as uow:
        _member_for_card_op(ctx, uow, query)
    approver = approve(ctx, approval, Permission.CARD_CANCEL)
    with ctx.uow() as uow:
        member = _member_for_card_op(ctx, uow, query)
        card = _current_card(uow, member)
        before = member_state(member)
        principal, bonus, points = member.principal_fen, member.bonus_fen, member.points
        txn = new_txn(
            ctx,
            uow,
            "card_cancel",
            member,
            actor,
            approver,
            amount_fen=-principal,
            bonus_fen=-bonus,
            due_fen=-principal,
        )
        sv_entries = []
        if principal or bonus:
            sv_entries.append(
                post_stored_value(ctx, uow, member, txn, "cancel", -principal, -bonus)
            )
        tenders = []
        if principal:
            uow.add(TxnTender(txn_id=txn.id, method=refund_method, amount_fen=-principal))
            tenders.append({"method": refund_method, "amount_fen": -principal, "change_fen": 0})
        uow.flush()
        points_entries = [
            post_points(ctx, uow, member, txn, lot.lot_id, "void", -lot.remaining)
            for lot in uow.lot_balances(member.id)
            if lot.remaining > 0
        ]
        card.status = "cancelled"
        member.status = "cancelled"
        member.updated_at = ctx.now()
        record(
            ctx,
            uow,
            actor,
            action="card.cancel",
            entity="member",
            entity_id=member.id,
            before=before,
            after=member_state(member),
            event_type="card.cancelled",
            payload={
                "txn_id": txn.id,
                "member_id": member.id,
                "card_id": card.id,
                "business_date": txn.business_date.isoformat(),
                "tenders": tenders,
                "sv_entries": sv_entries,
                "points_entries": points_entries,
            },
            approver=approver,
        )
        uow.commit()
        return CardResult(
            txn.id,
            member.id,
            card.card_no,
            "cancelled",
            refunded_principal_fen=principal,
            voided_bonus_fen=bonus,
            voided_points=points,
        )
