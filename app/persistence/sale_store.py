"""Reads and writes of a cart sale's lines (app.persistence.sale_tables)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import or_, select

from app.domain.partial_refund import SoldLine
from app.domain.sale import LINE_FIGURES
from app.persistence.sale_tables import TxnCart, TxnLine
from app.persistence.tables import Txn
from app.persistence.uow import UnitOfWork


@functools.lru_cache(maxsize=64)
def _parts_format(keys: tuple[str, ...]) -> str:
    return "{" + ", ".join(json.dumps(k).replace("%", "%%") + ": %d" for k in keys) + "}"


def parts_json(parts: Mapping[str, int]) -> str:
    """``json.dumps(parts)``, character for character, for a line's parts (method -> fen):
    formatted from one template per set of methods (fifty lines, the same methods)."""
    values = tuple(parts.values())
    if all(type(v) is int for v in values):
        return _parts_format(tuple(parts)) % values
    return json.dumps(parts)


def line_rows(txn_id: str, wire: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``txn_line`` rows of a sale's lines in their wire form (``sale.completed``'s
    ``cart.lines``): written as they go out, whether sold here or copied from HQ."""
    rows = []
    for i, w in enumerate(wire):
        change = w.get("price_change") or {}
        row = {
            "txn_id": txn_id,
            "line_no": i,
            "item_code": w["item_code"],
            "item_name": w["name"],
            "quantity": w["quantity"],
            "weighed": w["weighed"],
            "unit_price_fen": w["unit_price_fen"],
            "member_unit_fen": w["member_unit_fen"],
            "change_unit_fen": change.get("unit_fen"),
            "change_line_fen": change.get("line_fen"),
            "parts": parts_json(w["parts"]),
        }
        for k in LINE_FIGURES:
            row[k] = w.get(k, 0)  # coupon_fen: 0 before coupons
        rows.append(row)
    return rows


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
