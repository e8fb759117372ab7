"""The price order of a cart sale (app.domain.cart), its allocation and the role limits."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.allocation import allocate, allocate_columns
from app.domain.cart import (
    POINTS_COLUMN,
    STEP_LIST,
    STEP_MEMBER_PRICE,
    STEP_ORDER_DISCOUNT,
    STEP_PRICE_CHANGE,
    STEP_ROUND_OFF,
    STEP_TIER_DISCOUNT,
    CartLine,
    MemberPrice,
    OrderDiscount,
    PriceChange,
    allocate_payment,
    line_amount,
    price_cart,
)
from app.domain.errors import RuleError, ValidationError
from app.domain.price_limits import (
    DEFAULT_LIMITS,
    LINE_CHANGE,
    ORDER_DISCOUNT,
    ROUNDING,
    OverLimit,
    PriceLimits,
    limits_for,
    needs_approval,
    over_limits,
)
from app.domain.pricing import points_earned, quote_checkout, split_stored_value
from app.domain.rules import default_rules

RULES = default_rules()
SILVER = RULES.tier("silver")  # 2 % off, points ×1.2


# -- largest remainder ----------------------------------------------------------


def test_allocate_gives_the_leftover_fen_to_the_largest_remainders() -> None:
    # 10 over 1:1:1 -> 3.33 each, the 1 fen left to the first (equal remainders and weights)
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]
    # 5 over 300:200:100 -> 2.5, 1.67, 0.83: floors 2, 1, 0; remainders .5 .67 .83 -> two fen
    # to the third and the second
    assert allocate(5, [300, 200, 100]) == [2, 2, 1]
    # equal remainders: the larger weight first, then the earlier line
    assert allocate(1, [1, 3]) == [0, 1]
    assert allocate(1, [2, 2]) == [1, 0]
    assert allocate(0, [5, 0]) == [0, 0]
    assert allocate(7, [7, 0, 0]) == [7, 0, 0]
    assert allocate(0, []) == []


def test_allocate_refuses_what_it_cannot_split() -> None:
    for total, weights in ((-1, [1]), (1, [0, 0]), (1, [2, -1]), (1, [])):
        with pytest.raises(ValueError):
            allocate(total, weights)


amounts = st.lists(st.integers(min_value=0, max_value=10_000_000), min_size=1, max_size=30)


@given(amounts, st.data())
def test_allocation_sums_exactly_never_negative_never_over_a_line(
    weights: list[int], data: st.DataObject
) -> None:
    whole = sum(weights)
    total = data.draw(st.integers(min_value=0, max_value=whole))
    shares = allocate(total, weights)
    assert sum(shares) == total
    for share, w in zip(shares, weights, strict=True):
        assert 0 <= share <= w
        # within one fen of the exact proportion
        if whole:
            assert abs(share - Fraction(total * w, whole)) < 1
    if total == whole:
        assert shares == weights
    assert allocate(total, weights) == shares  # deterministic


@given(amounts, st.data())
def test_allocated_columns_sum_to_rows_and_columns(rows: list[int], data: st.DataObject) -> None:
    total = sum(rows)
    cuts = sorted(data.draw(st.lists(st.integers(0, total), max_size=4)))
    columns = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    table = allocate_columns(rows, columns)
    assert [sum(r) for r in table] == rows
    assert [sum(c) for c in zip(*table, strict=True)] == columns
    assert all(v >= 0 for r in table for v in r)


# -- a 12-line member sale, checked by hand ------------------------------------------


def twelve_lines() -> list[CartLine]:
    return [
        CartLine("cola", 3, 350, member_price=MemberPrice(300)),
        CartLine("bread", 2, 800),
        CartLine("milk", 1, 1290, member_price=MemberPrice(per_tier={"silver": 1280})),
        CartLine("apple", 1234, 1280, weighed=True),  # 1.234 kg at 12.80/kg
        CartLine("cigarettes", 1, 2500, points_eligible=False),
        CartLine(
            "detergent",
            1,
            3990,
            member_price=MemberPrice(3500),
            price_change=PriceChange(None, 3000),
        ),
        CartLine("tissues", 4, 1250),
        CartLine("eggs", 1, 1580, points_multiplier_permille=2000),
        CartLine("yoghurt", 6, 450, member_price=MemberPrice(400)),
        CartLine("gum", 2, 150),
        CartLine("batteries", 1, 1999),
        CartLine("water", 10, 200),
    ]


def twelve_line_sale():  # type: ignore[no-untyped-def]
    return price_cart(
        RULES,
        twelve_lines(),
        SILVER,
        OrderDiscount(percent_bp=500),  # 5 % off (九五折)
        rounding="yuan",
        points=1000,
        points_balance=5000,
    )


def test_twelve_line_sale_line_by_line() -> None:
    cart = twelve_line_sale()
    lines = cart.lines
    # list: 3×3.50, 2×8.00, 12.90, 1.234×12.80 = 15.7952 -> 15.79 (floored), 25.00, 39.90,
    # 4×12.50, 15.80, 6×4.50, 2×1.50, 19.99, 10×2.00
    assert [ln.list_fen for ln in lines] == [
        1050, 1600, 1290, 1579, 2500, 3990, 5000, 1580, 2700, 300, 1999, 2000,
    ]  # fmt: skip
    assert cart.list_fen == 25588
    # member price or silver's 2 % (floored), the better, never both:
    # cola 9.00 < 10.50-0.21; milk: tier 12.90-0.25 = 12.65 beats the member price 12.80;
    # detergent 35.00 < 39.90-0.79; yoghurt 24.00 < 27.00-0.54
    assert [ln.member_basis for ln in lines] == [
        STEP_MEMBER_PRICE, STEP_TIER_DISCOUNT, STEP_TIER_DISCOUNT, STEP_TIER_DISCOUNT,
        STEP_TIER_DISCOUNT, STEP_MEMBER_PRICE, STEP_TIER_DISCOUNT, STEP_TIER_DISCOUNT,
        STEP_MEMBER_PRICE, STEP_TIER_DISCOUNT, STEP_TIER_DISCOUNT, STEP_TIER_DISCOUNT,
    ]  # fmt: skip
    assert [ln.member_fen for ln in lines] == [
        900, 1568, 1265, 1548, 2450, 3500, 4900, 1549, 2400, 294, 1960, 1960,
    ]  # fmt: skip
    assert cart.member_discount_fen == 25588 - 24294
    # 改价: the detergent's line to 30.00
    assert lines[5].changed_fen == 3000 and lines[5].change_fen == -500
    assert cart.change_fen == -500
    assert cart.subtotal_fen == 23794
    # order discount 5 % of 237.94 = 11.897 -> 11.89; floors 1181 fen, the 8 left go to the
    # largest remainders 1189×w mod 23794: lines 1, 9, 11 and 12 (22422, equal weights: the
    # earlier first), 6, 7, 10, 5
    assert cart.order_discount_fen == 1189
    assert [ln.order_discount_fen for ln in lines] == [
        45, 78, 63, 77, 123, 150, 245, 77, 120, 15, 98, 98,
    ]  # fmt: skip
    assert [ln.after_order_fen for ln in lines] == [
        855, 1490, 1202, 1471, 2327, 2850, 4655, 1472, 2280, 279, 1862, 1862,
    ]  # fmt: skip
    # 抹零 to the yuan: 226.05 -> 226.00; 5 fen: tissues 5×4655/22605 floors to 1, then the
    # remainders 14250 (detergent), 11635 (cigarettes), 11400 (yoghurt), 9310 (batteries and
    # water tie on remainder and weight: batteries, the earlier line)
    assert cart.round_off_fen == 5
    assert [ln.round_off_fen for ln in lines] == [0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0]
    assert cart.after_round_fen == 22600
    # 1000 points = 10.00 over the lines' 226.00
    assert [ln.points_value_fen for ln in lines] == [
        38, 66, 53, 65, 103, 126, 206, 65, 101, 12, 82, 83,
    ]  # fmt: skip
    assert [ln.points_used for ln in lines] == [ln.points_value_fen for ln in lines]
    assert [ln.due_fen for ln in lines] == [
        817, 1424, 1149, 1406, 2223, 2723, 4448, 1407, 2178, 267, 1779, 1779,
    ]  # fmt: skip
    assert cart.due_fen == 21600
    # points earned: the cigarettes earn none, the eggs ×2: 207.84 weighted yuan -> 207 ×1 ×1.2
    assert cart.points_earned == 248
    assert [ln.points_earned for ln in lines] == [
        10, 17, 14, 17, 0, 32, 53, 34, 26, 3, 21, 21,
    ]  # fmt: skip


def test_why_this_price_names_each_step_that_changed_the_line() -> None:
    detergent = twelve_line_sale().lines[5]
    assert [(s.kind, s.delta_fen, s.after_fen) for s in detergent.why] == [
        (STEP_LIST, 0, 3990),
        (STEP_MEMBER_PRICE, -490, 3500),
        (STEP_PRICE_CHANGE, -500, 3000),
        (STEP_ORDER_DISCOUNT, -150, 2850),
        (STEP_ROUND_OFF, -1, 2849),
        ("points", -126, 2723),
    ]
    assert detergent.why[1].detail == {"unit_fen": 3500, "tier": "silver"}
    assert detergent.why[3].detail == {"percent_bp": 500}
    milk = twelve_line_sale().lines[2]
    assert milk.why[1].kind == STEP_TIER_DISCOUNT
    assert milk.why[1].detail == {"discount_bp": 200, "tier": "silver"}
    bread = twelve_line_sale().lines[1]
    assert STEP_ROUND_OFF not in [s.kind for s in bread.why]  # it lost no fen to 抹零


def test_twelve_line_sale_needs_a_manager_for_the_price_change_only() -> None:
    cart = twelve_line_sale()
    # the detergent: 5.00 off 35.00 = 14.29 % > a cashier's 10 %; the order's 5 % is within
    # 10 %, and 抹零 dropped 0.05, no more than rounding off the jiao could
    assert over_limits(DEFAULT_LIMITS["cashier"], cart) == (OverLimit(LINE_CHANGE, 5, 1429, 1000),)
    assert needs_approval(limits_for("cashier"), cart)
    assert not needs_approval(limits_for("manager"), cart)
    strict = PriceLimits(max_line_change_bp=2000, max_order_discount_bp=400, max_rounding="none")
    assert over_limits(strict, cart) == (
        OverLimit(ORDER_DISCOUNT, None, 500, 400),  # 1189/23794 = 4.997 %, read as 5.00 %
        OverLimit(ROUNDING, None, 5, 0),
    )


def test_limits_come_from_the_rules_per_role() -> None:
    extra = {"price_limits": {"cashier": {"max_order_discount_bp": 300}}}
    assert limits_for("cashier", extra) == PriceLimits(max_order_discount_bp=300)
    assert limits_for("manager", extra) == PriceLimits()
    assert limits_for("nobody") == PriceLimits(0, 0, "none")
    for bad in ({"price_limits": []}, {"price_limits": {"cashier": {"max": 1}}}):
        with pytest.raises(ValidationError) as e:
            limits_for("cashier", bad)
        assert e.value.code == "rules_invalid"


def test_the_tenders_are_allocated_to_the_lines() -> None:
    cart = twelve_line_sale()
    principal, bonus = split_stored_value(10000, 30000, 3000)  # 90.91 + 9.09
    parts = [("stored_value.principal", principal), ("stored_value.bonus", bonus)]
    payment = allocate_payment(cart, [*parts, ("cash", 11600)])
    for line, row in zip(cart.lines, payment, strict=True):
        assert sum(row.values()) == line.after_round_fen
        assert row[POINTS_COLUMN] == line.points_value_fen
        assert min(row.values()) >= 0
    assert sum(r["stored_value.principal"] for r in payment) == 9091
    assert sum(r["stored_value.bonus"] for r in payment) == 909
    assert sum(r["cash"] for r in payment) == 11600
    # cola: 9091 × 817 / 21600 = 343.86 -> 344 (a large remainder)
    assert payment[0]["stored_value.principal"] == 344
    with pytest.raises(RuleError) as e:
        allocate_payment(cart, [("cash", 21599)])
    assert e.value.code == "cart_tender_mismatch"


# -- smaller cases -------------------------------------------------------------------


def test_a_one_line_cart_costs_what_the_amount_checkout_charges() -> None:
    for tier in RULES.tiers:
        cart = price_cart(RULES, [CartLine("x", 1, 12345)], tier, points=300, points_balance=500)
        q = quote_checkout(RULES, 12345, tier, 300, 500)
        assert (cart.discount_fen, cart.points_value_fen, cart.due_fen) == (
            q.discount_fen,
            q.points_value_fen,
            q.due_fen,
        )
        assert cart.points_earned == points_earned(RULES, q.due_fen, tier)


def test_walk_in_pays_the_list_price_and_earns_nothing() -> None:
    line = CartLine("cola", 3, 350, member_price=MemberPrice(300))
    cart = price_cart(RULES, [line], None, OrderDiscount(amount_fen=50), rounding="jiao")
    assert cart.lines[0].member_basis == STEP_LIST
    assert (cart.list_fen, cart.order_discount_fen, cart.due_fen) == (1050, 50, 1000)
    assert cart.points_earned == 0 and cart.tier_code is None
    with pytest.raises(RuleError) as e:
        price_cart(RULES, [line], None, points=100, points_balance=100)
    assert e.value.code == "cart_points_walk_in"


def test_a_tier_without_its_own_member_price_falls_back_to_the_common_one() -> None:
    price = MemberPrice(900, per_tier={"gold": 800})
    assert price.for_tier("gold") == 800 and price.for_tier("silver") == 900
    assert MemberPrice(per_tier={"gold": 800}).for_tier("silver") is None
    # a member price above the list price is never used
    cart = price_cart(RULES, [CartLine("x", 1, 1000, member_price=MemberPrice(1200))], SILVER)
    assert cart.lines[0].member_basis == STEP_TIER_DISCOUNT and cart.due_fen == 980


def test_a_price_change_by_unit_price_and_weighed_goods() -> None:
    line = CartLine("beef", 500, 8800, weighed=True, price_change=PriceChange(unit_fen=7999))
    cart = price_cart(RULES, [line], None)
    assert cart.lines[0].list_fen == 4400  # 0.5 kg × 88.00
    assert cart.lines[0].changed_fen == 3999  # 0.5 × 79.99 = 39.995 -> 39.99
    assert line_amount(1, 1999, weighed=True) == 1  # 1 g at 19.99/kg is 0.01999 -> 0.01


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"lines": []}, "cart_empty"),
        ({"lines": [CartLine("x", 0, 100)]}, "cart_quantity_invalid"),
        ({"lines": [CartLine("x", 1, -1)]}, "cart_price_invalid"),
        (
            {"lines": [CartLine("x", 1, 100, price_change=PriceChange())]},
            "cart_price_change_invalid",
        ),
        ({"order_discount": OrderDiscount(amount_fen=101)}, "cart_order_discount_invalid"),
        ({"order_discount": OrderDiscount(1, 1)}, "cart_order_discount_invalid"),
        ({"order_discount": OrderDiscount(percent_bp=10001)}, "cart_order_discount_percent"),
        ({"rounding": "fen"}, "cart_rounding_invalid"),
        ({"points": 51, "points_balance": 100}, "points_over_cap"),
        ({"points": 10, "points_balance": 5}, "points_insufficient"),
    ],
)
def test_bad_carts_are_refused_with_their_reason(kwargs: dict, code: str) -> None:  # type: ignore[type-arg]
    args = {"lines": [CartLine("x", 1, 100)], **kwargs}
    with pytest.raises((ValidationError, RuleError)) as e:
        price_cart(RULES, args.pop("lines"), RULES.base_tier, **args)
    assert e.value.code == code
    assert e.value.message  # it reads in the UI's language


# -- any cart --------------------------------------------------------------------------


@st.composite
def cart_lines(draw: st.DrawFn) -> CartLine:
    weighed = draw(st.booleans())
    quantity = draw(st.integers(1, 5000) if weighed else st.integers(1, 30))
    unit = draw(st.integers(0, 100_000))
    member = draw(
        st.none()
        | st.builds(
            MemberPrice,
            st.none() | st.integers(0, 100_000),
            st.dictionaries(
                st.sampled_from([t.code for t in RULES.tiers]), st.integers(0, 100_000)
            ),
        )
    )
    change = draw(
        st.none()
        | st.builds(PriceChange, st.integers(0, 100_000), st.none())
        | st.builds(PriceChange, st.none(), st.integers(0, 1_000_000))
    )
    return CartLine(
        "i",
        quantity,
        unit,
        weighed,
        member,
        draw(st.booleans()),
        draw(st.sampled_from([0, 500, 1000, 1500, 2000])),
        change,
    )


@st.composite
def priced_carts(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    lines = draw(st.lists(cart_lines(), min_size=1, max_size=15))
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
    balance = draw(st.integers(0, 2_000_000))
    points = draw(st.integers(0, min(probe.max_points, balance))) if tier is not None else 0
    return price_cart(RULES, lines, tier, discount, rounding, points, balance)


@settings(max_examples=300, deadline=None)
@given(priced_carts())
def test_any_discounts_over_any_lines_sum_exactly_and_never_go_negative(cart) -> None:  # type: ignore[no-untyped-def]
    lines = cart.lines
    assert sum(ln.order_discount_fen for ln in lines) == cart.order_discount_fen
    assert sum(ln.round_off_fen for ln in lines) == cart.round_off_fen
    assert sum(ln.points_value_fen for ln in lines) == cart.points_value_fen
    assert sum(ln.points_used for ln in lines) == cart.points_used
    assert sum(ln.points_earned for ln in lines) == cart.points_earned
    assert sum(ln.due_fen for ln in lines) == cart.due_fen
    assert cart.round_off_fen < {"none": 1, "jiao": 10, "yuan": 100}[cart.rounding]
    assert cart.after_round_fen % {"none": 1, "jiao": 10, "yuan": 100}[cart.rounding] == 0
    for ln in lines:
        assert 0 <= ln.member_fen <= ln.list_fen
        assert 0 <= ln.order_discount_fen <= ln.changed_fen
        assert 0 <= ln.round_off_fen <= ln.after_order_fen
        assert 0 <= ln.points_value_fen <= ln.after_round_fen
        assert ln.due_fen >= 0 and ln.points_earned >= 0
        # the steps of "why this price" add up to the price paid
        assert ln.why[0].after_fen == ln.list_fen and ln.why[-1].after_fen == ln.due_fen
        assert sum(s.delta_fen for s in ln.why) == ln.due_fen - ln.list_fen
        kinds = [s.kind for s in ln.why]
        assert not (STEP_MEMBER_PRICE in kinds and STEP_TIER_DISCOUNT in kinds)
        if ln.points_weight == 0:
            assert ln.points_earned == 0


@settings(deadline=None)
@given(st.lists(cart_lines(), min_size=1, max_size=10), st.sampled_from(RULES.tiers))
def test_the_member_step_is_the_better_of_member_price_and_tier_discount(
    lines: list[CartLine], tier: object
) -> None:
    cart = price_cart(RULES, lines, tier)  # type: ignore[arg-type]
    for line, priced in zip(lines, cart.lines, strict=True):
        tiered = priced.list_fen - priced.list_fen * tier.discount_bp // 10000  # type: ignore[attr-defined]
        unit = line.member_price.for_tier(tier.code) if line.member_price else None  # type: ignore[attr-defined]
        candidates = [priced.list_fen, tiered]
        if unit is not None:
            candidates.append(line_amount(line.quantity, unit, line.weighed))
        assert priced.member_fen == min(candidates)


@settings(deadline=None)
@given(priced_carts(), st.data())
def test_any_tenders_are_allocated_exactly(cart, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    cuts = sorted(data.draw(st.lists(st.integers(0, cart.due_fen), max_size=3)))
    amounts = [b - a for a, b in zip([0, *cuts], [*cuts, cart.due_fen], strict=True)]
    parts = [(f"m{i}", a) for i, a in enumerate(amounts)]
    payment = allocate_payment(cart, parts)
    for line, row in zip(cart.lines, payment, strict=True):
        assert sum(row.values()) == line.after_round_fen and min(row.values()) >= 0
    for key, amount in parts:
        assert sum(r[key] for r in payment) == amount
