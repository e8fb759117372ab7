"""Properties of a cart sale on the wire (app.domain.sale): whatever the cart, its discounts,
points and tenders, the event a counter sends passes HQ's strict schema and HQ, pricing its
inputs again, comes to the very same figures; one fen moved between two lines' shares, or a
list price changed, and HQ's pricing refuses it."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.audit import canonical_json
from app.domain.cart import OrderDiscount, allocate_payment, price_cart
from app.domain.pricing import Tender
from app.domain.sale import discount_wire, line_wire, payment_parts, priced_again
from server.schemas import SaleCart
from tests.unit.test_cart_pricing import RULES, cart_lines


@st.composite
def sales(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    lines = draw(st.lists(cart_lines(), min_size=1, max_size=12))
    tier = draw(st.none() | st.sampled_from(RULES.tiers))
    probe = price_cart(RULES, lines, tier)
    discount = draw(
        st.none()
        | st.builds(OrderDiscount, st.integers(1, 10000), st.none())
        | (
            st.builds(OrderDiscount, st.none(), st.integers(1, probe.subtotal_fen))
            if probe.subtotal_fen
            else st.none()
        )
    )
    rounding = draw(st.sampled_from(["none", "jiao", "yuan"]))
    probe = price_cart(RULES, lines, tier, discount, rounding)
    points = draw(st.integers(0, probe.max_points if tier is not None else 0)) if tier else 0
    cart = price_cart(RULES, lines, tier, discount, rounding, points, points)
    cut = draw(st.integers(0, cart.due_fen))
    methods = ["stored_value", "cash"] if tier is not None else ["wechat", "cash"]
    tenders = [Tender(m, a) for m, a in zip(methods, (cut, cart.due_fen - cut), strict=True) if a]
    sv = cut if tier is not None else 0
    bonus = draw(st.integers(0, sv))
    parts = payment_parts(tenders, (sv - bonus, bonus))
    payment = allocate_payment(cart, parts)
    wire = {
        "rounding": rounding,
        "order_discount": discount_wire(discount),
        "lines": [line_wire(src, f"商品{i}", ln, paid, tier)
                  for i, (src, ln, paid) in enumerate(zip(lines, cart.lines, payment,
                                                          strict=True))],
    }  # fmt: skip
    return tier, points, parts, cart, json.loads(canonical_json(wire))


@settings(max_examples=200, deadline=None)
@given(sales())
def test_hq_prices_what_the_counter_sent_to_the_same_figures(sale) -> None:  # type: ignore[no-untyped-def]
    tier, points, parts, cart, wire = sale
    checked = SaleCart.model_validate(wire).model_dump()  # HQ's strict schema takes it
    again = priced_again(RULES, tier, checked, points, parts)
    assert again == cart


@settings(max_examples=200, deadline=None)
@given(sales(), st.data())
def test_one_fen_moved_or_a_price_changed_is_refused(sale, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    tier, points, parts, _cart, wire = sale
    lines = wire["lines"]
    if len(lines) >= 2:
        i, j = data.draw(st.permutations(range(len(lines))))[:2]
        key = data.draw(st.sampled_from(["order_discount_fen", "round_off_fen", "due_fen",
                                         "points_earned", "points_used"]))  # fmt: skip
        if lines[i][key] > 0:
            moved = json.loads(json.dumps(wire))
            moved["lines"][i][key] -= 1
            moved["lines"][j][key] += 1
            assert priced_again(RULES, tier, moved, points, parts) is None
    changed = json.loads(json.dumps(wire))
    first = changed["lines"][0]
    first["unit_price_fen"] += 1000 if first["weighed"] else 1  # the list amount moves
    try:
        again = priced_again(RULES, tier, changed, points, parts)
    except Exception:
        again = None
    assert again is None
