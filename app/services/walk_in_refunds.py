"""The refund of an amount-only walk-in sale (散客按金额结账, no lines): all of it, at once.

Such a sale (:func:`app.services.sale.walk_in`) has no member and no lines; what it was paid
is its tenders. Its refund pays each tender back by its own method (cash net of the change
given), with a reason from the store's list and a manager's approval, like every refund.

On the wire it is a ``sale.refunded`` of the sale's one implicit line (line 0, quantity 1,
its parts the tenders): HQ checks it with the same rule as a sale of goods
(:func:`server.sale_refunds.sold_of`), so a second refund of it is more than remains. Here it
is one ``kind="refund"`` transaction linked to the sale, its tenders, the audit entry and
the event; no refund lines (there are no goods to name), so its receipt is an amount
refund's.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.errors import NotFoundError, RuleError
from app.persistence import sale_store
from app.persistence.tables import Txn, TxnTender
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext
from app.services.ledger import new_txn
from app.services.partial_refunds import EVENT, PartialRefundResult, check_reason
from app.services.recording import record
from app.services.refunds import refundable_once
from app.services.security import Actor, Approval, Permission, approve, require


@dataclass(frozen=True)
class AmountSale:
    """An amount-only walk-in sale as its refund dialog shows it."""

    txn_id: str
    due_fen: int
    paid: tuple[tuple[str, int], ...]  # (method, fen net of change)
    refunded: bool


def is_amount_sale(uow: UnitOfWork, txn: Txn) -> bool:
    return (
        txn.kind == "checkout" and txn.member_id is None and sale_store.cart_of(uow, txn.id) is None
    )


def _paid(uow: UnitOfWork, txn: Txn) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in uow.tenders(txn.id):
        out[t.method] = out.get(t.method, 0) + t.amount_fen - t.change_fen
    return out


def _original(uow: UnitOfWork, txn_id: str) -> Txn:
    original = uow.txn((txn_id or "").strip())
    if original is None:
        raise NotFoundError("txn_not_found", txn_id=txn_id)
    if not is_amount_sale(uow, original):
        raise RuleError("txn_not_amount_walk_in", txn_id=original.id)
    refundable_once(uow, original.id)
    return original


def amount_sale(ctx: CounterContext, txn_id: str) -> AmountSale:
    """The sale ``txn_id`` as its refund shows it (refused when it is not an amount-only
    walk-in sale)."""
    with ctx.reader() as uow:
        original = uow.txn((txn_id or "").strip())
        if original is None:
            raise NotFoundError("txn_not_found", txn_id=txn_id)
        if not is_amount_sale(uow, original):
            raise RuleError("txn_not_amount_walk_in", txn_id=original.id)
        paid = tuple(_paid(uow, original).items())
        return AmountSale(
            original.id, original.due_fen, paid, uow.refund_of(original.id) is not None
        )


def refund(
    ctx: CounterContext, actor: Actor, txn_id: str, reason: str, approval: Approval | None
) -> PartialRefundResult:
    """Refund the whole of the amount-only walk-in sale ``txn_id``."""
    require(actor, Permission.REFUND)
    reason = check_reason(ctx, reason)
    with ctx.reader() as uow:  # refuse what is wrong before asking for a manager's PIN
        _original(uow, txn_id)
    approver = approve(ctx, approval, Permission.REFUND)
    with ctx.uow() as uow:
        original = _original(uow, txn_id)
        paid = _paid(uow, original)
        txn = new_txn(
            ctx, uow, "refund", None, actor, approver, original_txn_id=original.id,
            amount_fen=-original.amount_fen, due_fen=-original.due_fen, note=reason,
        )  # fmt: skip
        tenders = []
        for method, fen in paid.items():
            if fen:
                uow.add(TxnTender(txn_id=txn.id, method=method, amount_fen=-fen, change_fen=0))
                tenders.append({"method": method, "amount_fen": -fen, "change_fen": 0})
        line = {"line_no": 0, "quantity": 1, "list_fen": original.amount_fen,
                "parts": {m: f for m, f in paid.items() if f}, "points_used": 0,
                "points_earned": 0}  # fmt: skip
        record(
            ctx,
            uow,
            actor,
            action="sale.refund",
            entity="txn",
            entity_id=txn.id,
            before=None,
            after={"due_fen": txn.due_fen},
            event_type=EVENT,
            approver=approver,
            payload={
                "txn_id": txn.id,
                "original_txn_id": original.id,
                "member_id": None,
                "business_date": txn.business_date.isoformat(),
                "reason": reason,
                "lines": [line],
                "tenders": tenders,
                "cumulative_spend_delta_fen": 0,
                "points_shortfall": 0,
                "tier_changes": [],
                "sv_entries": [],
                "points_entries": [],
            },
        )
        uow.commit()
        return PartialRefundResult(
            txn_id=txn.id,
            original_txn_id=original.id,
            member_id=None,
            reason=reason,
            lines=(),
            money_back=tuple((t["method"], -t["amount_fen"]) for t in tenders),
            points_restored=0,
            points_clawed_back=0,
            points_shortfall=0,
            all_refunded=True,
            approved_by=approver.staff_no,
        )
