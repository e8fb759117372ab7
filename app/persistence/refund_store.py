"""Reads and writes of a cart sale's partial refunds (app.persistence.refund_tables)."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence

from sqlalchemy import func, select

from app.domain.partial_refund import RefundLine
from app.persistence.refund_tables import TxnRefundLine
from app.persistence.tables import PointsEntry, Txn
from app.persistence.uow import UnitOfWork


def rows_of_sale(
    uow: UnitOfWork, original_txn_id: str, unless_reversed_by: str | None = None
) -> Sequence[TxnRefundLine]:
    """Every refunded line of the sale, by every refund, in the order they were written;
    with ``unless_reversed_by`` (a txn kind: HQ's void), not those of a refund reversed so."""
    stmt = (
        select(TxnRefundLine)
        .where(TxnRefundLine.original_txn_id == original_txn_id)
        .order_by(TxnRefundLine.id)
    )
    if unless_reversed_by is not None:
        reversed_ = select(Txn.original_txn_id).where(
            Txn.kind == unless_reversed_by, Txn.original_txn_id.is_not(None)
        )
        stmt = stmt.where(TxnRefundLine.txn_id.not_in(reversed_))
    return uow.session.scalars(stmt).all()


def rows_of_refund(uow: UnitOfWork, refund_txn_id: str) -> Sequence[TxnRefundLine]:
    stmt = (
        select(TxnRefundLine)
        .where(TxnRefundLine.txn_id == refund_txn_id)
        .order_by(TxnRefundLine.line_no)
    )
    return uow.session.scalars(stmt).all()


def refund_line(row: TxnRefundLine) -> RefundLine:
    parts: dict[str, int] = json.loads(row.parts)
    return RefundLine(row.line_no, row.quantity, parts, row.points_used, row.points_earned)


def earlier_refunds(
    uow: UnitOfWork, original_txn_id: str, unless_reversed_by: str | None = None
) -> list[RefundLine]:
    """What earlier refunds of the sale gave back (app.domain.partial_refund's ``earlier``)."""
    return [refund_line(r) for r in rows_of_sale(uow, original_txn_id, unless_reversed_by)]


def listed_earlier(
    uow: UnitOfWork, original_txn_id: str, unless_reversed_by: str | None = None
) -> dict[int, int]:
    """Line number → the list amount earlier refunds took back."""
    out: dict[int, int] = {}
    for r in rows_of_sale(uow, original_txn_id, unless_reversed_by):
        out[r.line_no] = out.get(r.line_no, 0) + r.list_fen
    return out


def restored_by_entry(
    uow: UnitOfWork, entry_ids: Collection[str], kind: str, unless_reversed_by: str | None = None
) -> dict[str, int]:
    """Entry id → the points earlier entries of ``kind`` reversing it came to (with
    ``unless_reversed_by``, not those of a transaction reversed by one of that kind)."""
    if not entry_ids:
        return {}
    stmt = select(PointsEntry.reverses_entry_id, func.sum(PointsEntry.points)).where(
        PointsEntry.reverses_entry_id.in_(list(entry_ids)), PointsEntry.kind == kind
    )
    if unless_reversed_by is not None:
        reversed_ = select(Txn.original_txn_id).where(
            Txn.kind == unless_reversed_by, Txn.original_txn_id.is_not(None)
        )
        stmt = stmt.where(PointsEntry.txn_id.not_in(reversed_))
    stmt = stmt.group_by(PointsEntry.reverses_entry_id)
    return {str(i): int(n) for i, n in uow.session.execute(stmt)}
