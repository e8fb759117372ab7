"""The lines of a partial refund's receipt (退货): the original sale and the reason, each line
refunded with its quantity of the quantity sold, what it gave back and what remains to be
refunded — as it was after this refund, so a reprint is the same — then the money, stored
value and points given back. Labels come from app.domain.messages in the counter's language."""

from __future__ import annotations

from app.domain.cart import POINTS_COLUMN, WEIGHED_SCALE
from app.domain.messages import render
from app.domain.money import format_cny
from app.domain.receipt import Block, Columns, Text
from app.persistence import refund_store, sale_store
from app.persistence.refund_tables import TxnRefundLine
from app.persistence.sale_tables import TxnLine
from app.persistence.tables import Txn
from app.persistence.uow import UnitOfWork
from app.services import voids


def is_partial(uow: UnitOfWork, txn: Txn) -> bool:
    return txn.kind == "refund" and bool(refund_store.rows_of_refund(uow, txn.id))


def _done_by(uow: UnitOfWork, txn: Txn, mine: list[TxnRefundLine]) -> dict[int, int]:
    """Line number → the quantity refunded once this refund was made (with this one; a
    refund HQ voided gave nothing back, as the refunds after it counted)."""
    last = max(r.id for r in mine)
    rows = {r.id: r for r in refund_store.rows_of_sale(uow, txn.original_txn_id or "", voids.VOID)}
    rows.update((r.id, r) for r in mine)
    done: dict[int, int] = {}
    for r in rows.values():
        if r.id <= last:
            done[r.line_no] = done.get(r.line_no, 0) + r.quantity
    return done


def refund_blocks(uow: UnitOfWork, txn: Txn, tenders: list[Block]) -> list[Block]:
    """``tenders``: the receipt's own lines of the money paid back by method."""
    mine = list(refund_store.rows_of_refund(uow, txn.id))
    sold = {x.line_no: x for x in sale_store.lines_of(uow, txn.original_txn_id or "")}
    done = _done_by(uow, txn, mine)
    blocks: list[Block] = [
        Columns(render("receipt_refund_original"), txn.original_txn_id or "-"),
        Columns(render("receipt_refund_reason"), txn.note or "-"),
    ]
    value = points_value = 0
    for r in mine:
        line = sold[r.line_no]
        parts = refund_store.refund_line(r)
        value += parts.value_fen
        points_value += parts.parts.get(POINTS_COLUMN, 0)
        quantity = render("receipt_refund_quantity", quantity=_quantity_of(line, r.quantity),
                          sold=_quantity_of(line, line.quantity))  # fmt: skip
        left = line.quantity - done.get(r.line_no, 0)
        blocks += [
            Text(f"{line.line_no + 1}. {line.item_name} ({line.item_code})"),
            Columns(f"  {quantity}", format_cny(parts.value_fen)),
            Text(f"  {render('receipt_refund_left', left=_quantity_of(line, left))}"),
        ]
    blocks.append(Columns(render("receipt_refund_value"), format_cny(value)))
    if points_value:
        blocks.append(Columns(render("receipt_refund_points_value"), format_cny(points_value)))
    blocks.append(Columns(render("receipt_refund_money"), format_cny(-txn.due_fen), bold=True))
    sv_back = sum(e.principal_fen + e.bonus_fen for e in uow.sv_entries(txn.id))
    if sv_back:
        blocks.append(Columns(render("receipt_refund_stored_value"), format_cny(sv_back)))
    blocks += tenders
    entries = uow.points_entries(txn.id)
    restored = sum(e.points for e in entries if e.points > 0)
    clawed = -sum(e.points for e in entries if e.points < 0)
    if restored:
        blocks.append(Columns(render("receipt_refund_points_back"), f"+{restored}"))
    if clawed:
        blocks.append(Columns(render("receipt_refund_points_clawed"), f"-{clawed}"))
    if txn.points_shortfall:
        blocks.append(Columns(render("receipt_refund_points_short"), str(txn.points_shortfall)))
    if all(x.quantity == done.get(n, 0) for n, x in sold.items()):
        blocks.append(Text(render("receipt_refund_all_done"), align="center"))
    return blocks


def _quantity_of(line: TxnLine, quantity: int) -> str:
    return f"{quantity / WEIGHED_SCALE:.3f}" if line.weighed else str(quantity)
