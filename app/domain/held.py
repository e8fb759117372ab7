"""A held cart (挂单): what the cashier had entered, kept to be recalled (取单).

A held cart keeps what was entered — the member, each line's item and quantity, a line's
price change, the order discount and 抹零 — not the prices: a recalled cart is priced again
by :func:`app.domain.cart.price_cart` at that time, so a price changed meanwhile applies,
and a line price change or discount beyond the cashier's limits is approved when the cart is
paid, as for any cart. Its total when held is kept for the list only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.cart import MAX_QUANTITY, ROUNDING_UNITS, OrderDiscount, PriceChange
from app.domain.errors import ValidationError
from app.domain.money import MAX_AMOUNT_FEN

MAX_HELD_LINES = 500
MAX_NOTE = 40
# The states of a held cart: held → recalled → sold; a recalled cart not paid goes back to
# held (the open cart was cancelled, or the counter restarted); held → discarded (作废).
HELD, RECALLED, SOLD, DISCARDED = "held", "recalled", "sold", "discarded"
OPEN_STATES = (HELD, RECALLED)


@dataclass(frozen=True)
class DraftLine:
    item_code: str
    quantity: int  # pieces, or thousandths of the unit for a weighed item
    price_change: PriceChange | None = None


@dataclass(frozen=True)
class CartDraft:
    lines: tuple[DraftLine, ...]
    member_id: str | None = None  # None: a walk-in customer (散客)
    order_discount: OrderDiscount | None = None
    rounding: str = "none"


def _fen(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT_FEN:
        raise ValidationError("held_cart_invalid", field=what)
    return value


def check(draft: CartDraft) -> CartDraft:
    """Refuses a draft that cannot be held: no lines, too many, a quantity or price out of
    range, an unknown rounding, an order discount given both ways."""
    if not draft.lines:
        raise ValidationError("held_cart_empty")
    if len(draft.lines) > MAX_HELD_LINES:
        raise ValidationError("held_cart_too_long", limit=MAX_HELD_LINES)
    for line in draft.lines:
        if not isinstance(line.item_code, str) or not 0 < len(line.item_code) <= 32:
            raise ValidationError("held_cart_invalid", field="item_code")
        q = line.quantity
        if isinstance(q, bool) or not isinstance(q, int) or not 0 < q <= MAX_QUANTITY:
            raise ValidationError("held_cart_invalid", field="quantity")
        change = line.price_change
        if change is not None:
            given = [v for v in (change.unit_fen, change.line_fen) if v is not None]
            if len(given) != 1:
                raise ValidationError("held_cart_invalid", field="price_change")
            _fen(given[0], "price_change")
    if draft.rounding not in ROUNDING_UNITS:
        raise ValidationError("held_cart_invalid", field="rounding")
    discount = draft.order_discount
    if discount is not None:
        given = [v for v in (discount.percent_bp, discount.amount_fen) if v is not None]
        if len(given) != 1:
            raise ValidationError("held_cart_invalid", field="order_discount")
        if discount.percent_bp is not None and not 0 <= discount.percent_bp <= 10_000:
            raise ValidationError("held_cart_invalid", field="order_discount")
        _fen(given[0], "order_discount")
    if draft.member_id is not None and not (
        isinstance(draft.member_id, str) and 0 < len(draft.member_id) <= 36
    ):
        raise ValidationError("held_cart_invalid", field="member_id")
    return draft


def _change_dict(change: PriceChange | None) -> dict[str, int] | None:
    if change is None:
        return None
    return {"unit_fen": change.unit_fen} if change.unit_fen is not None else {
        "line_fen": change.line_fen}  # fmt: skip


def to_json(draft: CartDraft) -> str:
    discount = draft.order_discount
    body: dict[str, Any] = {
        "lines": [
            {
                "item": line.item_code,
                "qty": line.quantity,
                "change": _change_dict(line.price_change),
            }
            for line in draft.lines
        ],
        "member_id": draft.member_id,
        "rounding": draft.rounding,
        "order_discount": None
        if discount is None
        else {"percent_bp": discount.percent_bp, "amount_fen": discount.amount_fen},
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


def _change(data: Mapping[str, Any] | None) -> PriceChange | None:
    if data is None:
        return None
    return PriceChange(unit_fen=data.get("unit_fen"), line_fen=data.get("line_fen"))


def from_json(text: str) -> CartDraft:
    data = json.loads(text)
    discount = data.get("order_discount")
    draft = CartDraft(
        lines=tuple(
            DraftLine(line["item"], line["qty"], _change(line.get("change")))
            for line in data["lines"]
        ),
        member_id=data.get("member_id"),
        order_discount=None if discount is None else OrderDiscount(**discount),
        rounding=data.get("rounding", "none"),
    )
    return check(draft)
