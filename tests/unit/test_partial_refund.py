"""Partial refunds of a cart sale (app.domain.partial_refund): exact by the allocation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.cart import (
    POINTS_COLUMN,
    CartLine,
    MemberPrice,
    OrderDiscount,
    PriceChange,
    allocate_payment,
    price_cart,
)
from app.domain.errors import RuleError, ValidationError
from app.domain.partial_refund import (
    RefundLine,
    SoldLine,
    refund_lines,
    remaining_quantities,
    sold_lines,
)
from app.domain.price_limits import DEFAULT_LIMITS, LINE_CHANGE, OverLimit, over_limits
from app.domain.pricing import split_stored_value
from tests.unit.test_cart_pricing import RULES, SILVER, priced_carts, twelve_line_sale

PRINCIPAL, BONUS = "stored_value.principal", "stored_value.bonus"


def twelve_line_sold() -> tuple[SoldLine, ...]:
    cart = twelve_line_sale()
    principal, bonus = split_stored_value(10000, 30000, 3000)
    payment = allocate_payment(cart, [(PRINCIPAL, principal), (BONUS, bonus), ("cash", 11600)])
    return sold_lines(cart, payment)


def test_a_partial_refund_of_two_lines_then_the_rest() -> None:
    sold = twelve_line_sold()
    cola, tissues = sold[0], sold[6]
    assert (cola.quantity, cola.value_fen, cola.points_used, cola.points_earned) == (3, 855, 38, 10)
    first = refund_lines(sold, [], {0: 1, 6: 4})  # one cola of three, all four tissues
    back_cola, back_tissues = first.lines
    # one of three colas: floor(8.55 / 3) = 2.85, floor(38 / 3) = 12 points back,
    # floor(10 / 3) = 3 earned points taken back
    assert (back_cola.value_fen, back_cola.points_used, back_cola.points_earned) == (285, 12, 3)
    # every tissue: the line's own shares, to the fen
    assert dict(back_tissues.parts) == dict(tissues.parts)
    assert (back_tissues.points_used, back_tissues.points_earned) == (206, 53)
    assert first.remaining[0] == 2 and first.remaining[6] == 0
    assert first.money_fen == 285 + 4654 - back_cola.parts[POINTS_COLUMN] - 206
    assert first.stored_value_fen == first.part(PRINCIPAL) + first.part(BONUS)

    # the other two colas: the remainder, 8.55 - 2.85 = 5.70, 26 points, 7 earned
    second = refund_lines(sold, first.lines, {0: 2})
    assert (second.lines[0].value_fen, second.points_used, second.points_earned) == (570, 26, 7)
    for key, amount in cola.parts.items():
        assert back_cola.parts[key] + second.lines[0].parts[key] == amount
    assert remaining_quantities(sold, [*first.lines, *second.lines])[0] == 0


def test_never_more_than_was_sold() -> None:
    sold = twelve_line_sold()
    first = refund_lines(sold, [], {0: 2})
    with pytest.raises(RuleError) as e:
        refund_lines(sold, first.lines, {0: 2})
    assert (e.value.code, e.value.params) == ("refund_quantity_over", {"line": 1, "remaining": 1})
    assert "1" in e.value.message
    refused = [
        ({}, "refund_nothing"),
        ({0: 0}, "refund_nothing"),
        ({12: 1}, "refund_line_unknown"),
        ({0: -1}, "refund_quantity_invalid"),
    ]
    for request, code in refused:
        with pytest.raises(ValidationError) as v:
            refund_lines(sold, first.lines, request)
        assert v.value.code == code
    # earlier refunds that exceed the sale are a broken history, not a request
    over = RefundLine(0, 4, {POINTS_COLUMN: 0}, 0, 0)
    with pytest.raises(ValueError):
        refund_lines(sold, [over], {1: 1})


def test_weighed_goods_refund_by_the_gram() -> None:
    cart = price_cart(RULES, [CartLine("apple", 1234, 1280, weighed=True)], None)
    sold = sold_lines(cart, allocate_payment(cart, [("cash", cart.due_fen)]))
    half = refund_lines(sold, [], {0: 617})
    assert half.money_fen == 1579 * 617 // 1234 == 789
    rest = refund_lines(sold, half.lines, {0: 617})
    assert half.money_fen + rest.money_fen == 1579


@st.composite
def sales_and_refund_sequences(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    cart = draw(priced_carts())
    sv = draw(st.integers(0, cart.due_fen))
    balances = draw(st.sampled_from([(sv, 0), (30000 + sv, 3000), (7 * sv, 11 * sv)]))
    principal, bonus = split_stored_value(sv, *balances) if sv else (0, 0)
    parts = [(PRINCIPAL, principal), (BONUS, bonus), ("cash", cart.due_fen - sv)]
    sold = sold_lines(cart, allocate_payment(cart, parts))
    # a random order of refunding single units or chunks, until everything is back
    requests = []
    left = {ln.index: ln.quantity for ln in sold}
    while any(left.values()):
        open_lines = [i for i, q in left.items() if q]
        chosen = draw(st.lists(st.sampled_from(open_lines), min_size=1, max_size=3, unique=True))
        request = {i: draw(st.integers(1, left[i])) for i in chosen}
        for i, q in request.items():
            left[i] -= q
        requests.append(request)
    return cart, sold, requests


@settings(max_examples=200, deadline=None)
@given(sales_and_refund_sequences())
def test_any_sequence_of_partial_refunds_restores_the_sale_exactly(case) -> None:  # type: ignore[no-untyped-def]
    cart, sold, requests = case
    done: list[RefundLine] = []
    for request in requests:
        refund = refund_lines(sold, done, request)
        done.extend(refund.lines)
        # never more than was sold, in any part, at any point
        for line in sold:
            mine = [r for r in done if r.index == line.index]
            assert sum(r.quantity for r in mine) <= line.quantity
            for key, amount in line.parts.items():
                assert 0 <= sum(r.parts[key] for r in mine) <= amount
            assert 0 <= sum(r.points_used for r in mine) <= line.points_used
            assert 0 <= sum(r.points_earned for r in mine) <= line.points_earned
        assert refund.remaining == remaining_quantities(sold, done)
    # everything refunded: stored value, points redeemed and earned, spend, to the fen
    assert sum(r.parts[PRINCIPAL] for r in done) == sum(ln.parts[PRINCIPAL] for ln in sold)
    assert sum(r.parts[BONUS] for r in done) == sum(ln.parts[BONUS] for ln in sold)
    assert sum(r.parts["cash"] for r in done) == sum(ln.parts["cash"] for ln in sold)
    assert sum(r.points_used for r in done) == cart.points_used
    assert sum(r.points_earned for r in done) == cart.points_earned
    assert sum(r.money_fen for r in done) == cart.due_fen  # the cumulative spend reversed
    assert sum(r.value_fen for r in done) == cart.after_round_fen
    with pytest.raises((RuleError, ValidationError)):
        refund_lines(sold, done, {0: 1})


def test_the_worked_example_of_docs_pricing() -> None:
    lines = [
        CartLine("cola", 3, 350, member_price=MemberPrice(300)),
        CartLine("milk", 1, 1290, member_price=MemberPrice(per_tier={"silver": 1280})),
        CartLine(
            "detergent",
            1,
            3990,
            member_price=MemberPrice(3500),
            price_change=PriceChange(None, 3000),
        ),
    ]
    cart = price_cart(RULES, lines, SILVER, OrderDiscount(percent_bp=500), "yuan", 500, 1000)
    assert [ln.member_fen for ln in cart.lines] == [900, 1265, 3500]
    assert [ln.order_discount_fen for ln in cart.lines] == [45, 63, 150]
    assert [ln.round_off_fen for ln in cart.lines] == [1, 2, 4]
    assert [ln.points_value_fen for ln in cart.lines] == [87, 123, 290]
    assert [ln.due_fen for ln in cart.lines] == [767, 1077, 2556]
    assert [ln.points_earned for ln in cart.lines] == [9, 13, 30]
    assert (cart.list_fen, cart.subtotal_fen, cart.after_round_fen, cart.due_fen) == (
        6330,
        5165,
        4900,
        4400,
    )
    principal, bonus = split_stored_value(3000, 30000, 3000)
    assert (principal, bonus) == (2728, 272)
    payment = allocate_payment(cart, [(PRINCIPAL, principal), (BONUS, bonus), ("cash", 1400)])
    assert [(r[PRINCIPAL], r[BONUS], r["cash"]) for r in payment] == [
        (475, 47, 245),
        (668, 67, 342),
        (1585, 158, 813),
    ]
    assert over_limits(DEFAULT_LIMITS["cashier"], cart) == (OverLimit(LINE_CHANGE, 2, 1429, 1000),)
    sold = sold_lines(cart, payment)
    one = refund_lines(sold, [], {0: 1})
    assert dict(one.lines[0].parts) == {POINTS_COLUMN: 29, PRINCIPAL: 158, BONUS: 16, "cash": 81}
    assert (one.points_used, one.points_earned, one.money_fen, one.stored_value_fen) == (
        29,
        3,
        255,
        174,
    )
    rest = refund_lines(sold, one.lines, {0: 2})
    assert (rest.lines[0].value_fen, rest.points_used, rest.points_earned) == (570, 58, 6)
