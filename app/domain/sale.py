"""A cart sale on the wire (event ``sale.completed``) and its payment parts.

The counter prices a cart (:func:`app.domain.cart.price_cart`) and sends, per line, what it
priced from (item, quantity, list price, the member price of the member's tier, the price
change, points eligibility and multiplier) and every figure it came to (each step's amount,
each allocated share, the line's payment parts). HQ prices the same inputs again with the
rules it holds and refuses the sale unless every figure is the same (:func:`priced_again`).

A walk-in customer (散客) has no member: no member price, no tier discount, no points, and
pays by cash, WeChat, Alipay or bank card only (:data:`WALK_IN_METHODS`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.domain.cart import (
    CartLine,
    MemberPrice,
    OrderDiscount,
    PriceChange,
    PricedCart,
    PricedLine,
    allocate_payment,
    price_cart,
)
from app.domain.coupons import CouponUse, terms_of_wire, terms_wire
from app.domain.pricing import EXTERNAL_METHODS, STORED_VALUE, Tender
from app.domain.rules import Rules, Tier

WALK_IN_METHODS = EXTERNAL_METHODS
SV_PRINCIPAL = f"{STORED_VALUE}.principal"
SV_BONUS = f"{STORED_VALUE}.bonus"
# The figures of a priced line, as the event carries them and txn_line keeps them.
LINE_FIGURES = (
    "list_fen",
    "member_basis",
    "member_fen",
    "changed_fen",
    "coupon_fen",
    "order_discount_fen",
    "round_off_fen",
    "after_round_fen",
    "points_used",
    "points_value_fen",
    "due_fen",
    "points_earned",
)


def payment_parts(tenders: Sequence[Tender], sv_split: tuple[int, int]) -> list[tuple[str, int]]:
    """The parts a sale was paid by, in tender order: each tender net of change, stored
    value as its principal and bonus parts (``sv_split``, both ≥ 0)."""
    parts: list[tuple[str, int]] = []
    for t in tenders:
        if t.method == STORED_VALUE:
            parts += [(SV_PRINCIPAL, sv_split[0]), (SV_BONUS, sv_split[1])]
        else:
            parts.append((t.method, t.net_fen))
    return parts


def member_unit(line: CartLine, tier: Tier | None) -> int | None:
    """The member price of one unit for the member's tier (None: none, or a walk-in)."""
    if tier is None or line.member_price is None:
        return None
    return line.member_price.for_tier(tier.code)


def line_wire(
    line: CartLine, name: str, priced: PricedLine, parts: Mapping[str, int], tier: Tier | None
) -> dict[str, Any]:
    change = line.price_change
    return {
        "item_code": line.item_code,
        "name": name,
        "quantity": line.quantity,
        "weighed": line.weighed,
        "unit_price_fen": line.unit_price_fen,
        "member_unit_fen": member_unit(line, tier),
        "points_eligible": line.points_eligible,
        "points_multiplier_permille": line.points_multiplier_permille,
        "price_change": None
        if change is None
        else {"unit_fen": change.unit_fen, "line_fen": change.line_fen},
        **{k: getattr(priced, k) for k in LINE_FIGURES},
        "parts": dict(parts),
    }


def discount_wire(discount: OrderDiscount | None) -> dict[str, int | None] | None:
    if discount is None:
        return None
    return {"percent_bp": discount.percent_bp, "amount_fen": discount.amount_fen}


def coupons_wire(uses: Sequence[tuple[CouponUse, str]], cart: PricedCart) -> list[dict[str, Any]]:
    """The coupons of a sale in the order applied: each with its template (``uses`` pairs a
    coupon with its template id), its terms, the lines it covers and what it took off."""
    template = {u.coupon_id: (u, tid) for u, tid in uses}
    out = []
    for share in cart.coupons:
        use, template_id = template[share.coupon_id]
        out.append(
            {
                "coupon_id": use.coupon_id,
                "code": use.code,
                "template_id": template_id,
                "terms": terms_wire(use.terms),
                "lines": list(use.lines),
                "discount_fen": share.discount_fen,
                "shares": list(share.shares),
            }
        )
    return out


def coupon_uses_of_wire(cart: Mapping[str, Any]) -> list[CouponUse]:
    return [
        CouponUse(c["coupon_id"], c["code"], terms_of_wire(c["terms"]), tuple(c["lines"]))
        for c in cart.get("coupons") or ()
    ]


def line_of_wire(w: Mapping[str, Any]) -> CartLine:
    """The inputs of a line as the event carries them."""
    change = w["price_change"]
    unit = w["member_unit_fen"]
    return CartLine(
        item_code=w["item_code"],
        quantity=w["quantity"],
        unit_price_fen=w["unit_price_fen"],
        weighed=w["weighed"],
        member_price=MemberPrice(unit_fen=unit) if unit is not None else None,
        points_eligible=w["points_eligible"],
        points_multiplier_permille=w["points_multiplier_permille"],
        price_change=(
            None if change is None else PriceChange(change["unit_fen"], change["line_fen"])
        ),
    )


def priced_again(
    rules: Rules,
    tier: Tier | None,
    cart: Mapping[str, Any],
    points: int,
    parts: Sequence[tuple[str, int]],
) -> PricedCart | None:
    """The cart priced again from the event's inputs, or None when any figure the event
    gives — a line's step, share or payment part — is not what pricing gives (or it does
    not price at all)."""
    wire = cart["lines"]
    od = cart["order_discount"]
    discount = None if od is None else OrderDiscount(od["percent_bp"], od["amount_fen"])
    priced = price_cart(
        rules,
        [line_of_wire(w) for w in wire],
        tier,
        discount,
        cart["rounding"],
        points,
        points,
        coupon_uses_of_wire(cart),
    )
    sent = cart.get("coupons") or []
    if [(c["coupon_id"], c["discount_fen"], list(c["shares"])) for c in sent] != [
        (c.coupon_id, c.discount_fen, list(c.shares)) for c in priced.coupons
    ]:
        return None
    payment = allocate_payment(priced, parts)
    for w, line, paid in zip(wire, priced.lines, payment, strict=True):
        if any(w.get(k, 0) != getattr(line, k) for k in LINE_FIGURES):
            return None
        if w["parts"] != paid:
            return None
    return priced
