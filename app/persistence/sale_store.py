"""Reads and writes of a cart sale's lines (app.persistence.sale_tables)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from sqlalchemy import or_, select

from app.domain.partial_refund import SoldLine
from app.persistence.sale_tables import TxnCart, TxnLine
from app.persistence.tables import Txn
from app.persistence.uow import UnitOfWork


def cart_of(uow: UnitOfWork, txn_id: str) -> TxnCart | None:
    return uow.session.get(TxnCart, txn_id)


def lines_of(uow: UnitOfWork, txn_id: str) -> Sequence[TxnLine]:
    stmt = select(TxnLine).where(TxnLine.txn_id == txn_id).order_by(TxnLine.line_no)
    return uow.session.scalars(stmt).all()


def parts_of(line: TxnLine) -> dict[str, int]:
    """The line's price after every discount as points value and tender parts, in the
    order they were recorded."""
    parts: Mapping[str, int] = json.loads(line.parts)
    return dict(parts)


def sold_lines(uow: UnitOfWork, txn_id: str) -> tuple[SoldLine, ...]:
    """The sale's lines as a partial refund reads them (app.domain.partial_refund)."""
    return tuple(
        SoldLine(r.line_no, r.quantity, parts_of(r), r.points_used, r.points_earned)
        for r in lines_of(uow, txn_id)
    )


def sales_numbered(uow: UnitOfWork, number: str, limit: int = 2) -> Sequence[str]:
    """The sales whose id is ``number`` or ends with it (the receipt's 单号, or its last
    characters typed), newest first: the sales of goods, and the amount-only sales to walk-in
    customers (a member's amount checkout is found by the member)."""
    stmt = (
        select(Txn.id)
        .outerjoin(TxnCart, TxnCart.txn_id == Txn.id)
        .where(Txn.kind == "checkout", or_(TxnCart.txn_id.is_not(None), Txn.member_id.is_(None)))
        .order_by(Txn.created_at.desc())
        .limit(limit)
    )
    if len(number) == 36:
        stmt = stmt.where(Txn.id == number)
    else:
        stmt = stmt.where(Txn.id.like(f"%{number}"))
    return uow.session.scalars(stmt).all()
