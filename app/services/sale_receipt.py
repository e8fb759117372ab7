"""The lines of a cart sale's receipt: each line with its quantity, price and, in short,
"why this price" (会员价 or 等级折扣, 改价, its share of 整单折扣, 抹零 and points), then the
order's totals — read from what was committed (txn_line, txn_cart), so a reprint is the same.
Labels come from app.domain.messages in the language the counter runs in."""

from __future__ import annotations

from app.domain.cart import STEP_MEMBER_PRICE, STEP_TIER_DISCOUNT, WEIGHED_SCALE
from app.domain.messages import render
from app.domain.money import format_cny
from app.domain.receipt import Block, Columns, Text
from app.persistence.sale_tables import TxnCart, TxnLine


def _off(fen: int) -> str:
    """A discount (fen taken off) as −¥x; a price raised as +¥x."""
    return f"-{format_cny(fen)}" if fen >= 0 else f"+{format_cny(-fen)}"


def _quantity(line: TxnLine) -> str:
    if not line.weighed:
        return str(line.quantity)
    return f"{line.quantity / WEIGHED_SCALE:.3f}"


def line_blocks(line: TxnLine) -> list[Block]:
    """One line: the item, quantity × list price, and each step that changed its price."""
    blocks: list[Block] = [
        Text(f"{line.line_no + 1}. {line.item_name} ({line.item_code})"),
        Columns(f"  {_quantity(line)} × {format_cny(line.unit_price_fen)}",
                format_cny(line.list_fen)),
    ]  # fmt: skip
    if line.member_basis == STEP_MEMBER_PRICE and line.member_unit_fen is not None:
        label = render("receipt_sale_member_price", unit=line.member_unit_fen)
        blocks.append(Columns(f"  {label}", _off(line.list_fen - line.member_fen)))
    elif line.member_basis == STEP_TIER_DISCOUNT:
        label = render("receipt_sale_tier_discount")
        blocks.append(Columns(f"  {label}", _off(line.list_fen - line.member_fen)))
    if line.changed_fen != line.member_fen:
        label = render("receipt_sale_price_change")
        blocks.append(Columns(f"  {label}", _off(line.member_fen - line.changed_fen)))
    for code, fen in (
        ("receipt_sale_coupon", line.coupon_fen),
        ("receipt_sale_order_discount", line.order_discount_fen),
        ("receipt_sale_round_off", line.round_off_fen),
        ("receipt_sale_points", line.points_value_fen),
    ):
        if fen:
            blocks.append(Columns(f"  {render(code)}", _off(fen)))
    if line.due_fen != line.list_fen:
        blocks.append(Columns(f"  {render('receipt_sale_line_paid')}", format_cny(line.due_fen)))
    return blocks


def totals_blocks(
    cart: TxnCart, points_used: int, points_value_fen: int, coupon_fen: int = 0
) -> list[Block]:
    """The order: list total, member prices, price changes, coupons, order discount, 抹零,
    points."""
    blocks: list[Block] = [Columns(render("receipt_sale_list_total"), format_cny(cart.list_fen))]
    if cart.member_discount_fen:
        blocks.append(Columns(render("receipt_sale_member_total"), _off(cart.member_discount_fen)))
    if cart.change_fen:
        blocks.append(Columns(render("receipt_sale_price_change"), _off(-cart.change_fen)))
    if coupon_fen:
        blocks.append(Columns(render("receipt_sale_coupon"), _off(coupon_fen)))
    if cart.order_discount_fen:
        if cart.order_discount_bp is not None:
            how = render("receipt_sale_percent", percent=f"{cart.order_discount_bp / 100:g}")
        else:
            how = ""
        label = render("receipt_sale_order_discount") + how
        blocks.append(Columns(label, _off(cart.order_discount_fen)))
    if cart.round_off_fen:
        label = render("receipt_sale_round_off") + render(f"receipt_sale_rounding_{cart.rounding}")
        blocks.append(Columns(label, _off(cart.round_off_fen)))
    if points_used:
        label = render("receipt_sale_points_used", points=points_used)
        blocks.append(Columns(label, _off(points_value_fen)))
    return blocks


def sale_blocks(
    cart: TxnCart, lines: list[TxnLine], points_used: int, points_value_fen: int
) -> list[Block]:
    blocks: list[Block] = []
    for line in lines:
        blocks += line_blocks(line)
    coupon_fen = sum(line.coupon_fen or 0 for line in lines)
    return blocks + totals_blocks(cart, points_used, points_value_fen, coupon_fen)
