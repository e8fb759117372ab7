"""The later terms of a coupon template (issue 17, point 1): 兑换券, time-of-day and weekday
windows, the stores that honour it, exclusivity groups; their wire form, old and new."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.cart import CartLine, MemberPrice, price_cart
from app.domain.coupons import (
    EXCHANGE,
    PERCENT,
    SCOPE_ITEMS,
    THRESHOLD,
    VOUCHER,
    CouponUse,
    Terms,
    apply_coupons,
    check_terms,
    check_when_where,
    exchange_off,
    new_code,
    terms_of_wire,
    terms_wire,
)
from app.domain.errors import RuleError, ValidationError
from app.domain.messages import render_in
from app.domain.rules import default_rules

RULES = default_rules()
CAKE = frozenset({"CAKE"})


def use(cid: str, terms: Terms, lines: tuple[int, ...]) -> CouponUse:
    return CouponUse(cid, new_code(), check_terms(terms), lines)


def exchange(**more: object) -> Terms:
    return check_terms(Terms(EXCHANGE, scope=SCOPE_ITEMS, items=CAKE, **more))  # type: ignore[arg-type]


# -- 兑换券 -------------------------------------------------------------------------------


def test_an_exchange_coupon_takes_one_unit_of_its_item_off_its_first_line() -> None:
    # 3 cakes at 10.00 member price 9.00 → 27.00; one cake (9.00) comes off
    lines = [CartLine("TEA", 1, 1500), CartLine("CAKE", 3, 1000, member_price=MemberPrice(900)),
             CartLine("CAKE", 1, 1000)]  # fmt: skip
    ex = use("x", exchange(), (1, 2))
    cart = price_cart(RULES, lines, RULES.tier("silver"), coupons=[ex])
    assert [ln.coupon_fen for ln in cart.lines] == [0, 900, 0]
    assert cart.coupons[0].discount_fen == 900
    # a line of 3 pieces coming to 10.00: the unit wholly free, rounded up (3.34)
    assert exchange_off(1000, 3) == 334 and exchange_off(5, 10) == 1 and exchange_off(0, 2) == 0


def test_an_exchange_coupon_needs_its_item_sold_by_the_piece() -> None:
    ex = use("x", exchange(), (0,))
    with pytest.raises(RuleError) as e:
        price_cart(RULES, [CartLine("CAKE", 500, 2000, weighed=True)], None, coupons=[ex])
    assert e.value.code == "coupon_no_lines"
    with pytest.raises(RuleError) as e:
        apply_coupons([use("y", exchange(), ())], [1000], [1])
    assert e.value.code == "coupon_no_lines"


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        (Terms(EXCHANGE, scope=SCOPE_ITEMS, items=frozenset({"A", "B"})), "coupon_exchange_item"),
        (Terms(EXCHANGE, scope=SCOPE_ITEMS, categories=CAKE), "coupon_exchange_item"),
        (Terms(EXCHANGE), "coupon_exchange_item"),
        (Terms(EXCHANGE, scope=SCOPE_ITEMS, items=CAKE, amount_fen=100), "coupon_terms_invalid"),
        (Terms(EXCHANGE, scope=SCOPE_ITEMS, items=CAKE, cap_fen=100), "coupon_terms_invalid"),
        (Terms(VOUCHER, amount_fen=1, hours=(600, 600)), "coupon_hours_invalid"),
        (Terms(VOUCHER, amount_fen=1, hours=(600, 1441)), "coupon_hours_invalid"),
        (Terms(VOUCHER, amount_fen=1, hours=(-1, 60)), "coupon_hours_invalid"),
        (Terms(VOUCHER, amount_fen=1, weekdays=frozenset({0})), "coupon_weekdays_invalid"),
        (Terms(VOUCHER, amount_fen=1, weekdays=frozenset({8})), "coupon_weekdays_invalid"),
        (Terms(VOUCHER, amount_fen=1, stores=frozenset({""})), "coupon_terms_invalid"),
        (Terms(VOUCHER, amount_fen=1, group=""), "coupon_terms_invalid"),
        (Terms(VOUCHER, amount_fen=1, group="x" * 33), "coupon_terms_invalid"),
    ],
)
def test_later_terms_that_make_no_coupon_are_refused(terms: Terms, code: str) -> None:
    with pytest.raises(ValidationError) as e:
        check_terms(terms)
    assert e.value.code == code


# -- when and where ----------------------------------------------------------------------

SUNDAY_10 = dt.datetime(2026, 3, 15, 10, 0)  # a Sunday, local time


def test_hours_weekdays_and_stores_refuse_with_a_clear_message() -> None:
    code = new_code()
    t = check_terms(Terms(VOUCHER, amount_fen=100, hours=(9 * 60, 11 * 60 + 30),
                          weekdays=frozenset({6, 7}),
                          stores=frozenset({"S001", "S002"})))  # fmt: skip
    check_when_where(t, SUNDAY_10, "S001", code)  # 10:00 Sunday at S001: taken
    check_when_where(t, SUNDAY_10.replace(hour=9, minute=0), "S002", code)  # start included
    cases = [
        (SUNDAY_10.replace(hour=11, minute=30), "S001", "coupon_wrong_hours", "09:00-11:30"),
        (SUNDAY_10 - dt.timedelta(days=2), "S001", "coupon_wrong_day", "6,7"),
        (SUNDAY_10, "S003", "coupon_wrong_store", "S001,S002"),
        (SUNDAY_10, None, "coupon_wrong_store", "S001,S002"),
    ]
    for at, store, wanted, shown in cases:
        with pytest.raises(RuleError) as e:
            check_when_where(t, at, store, code)
        assert e.value.code == wanted and shown in e.value.message
    with pytest.raises(RuleError) as e:
        check_when_where(t, SUNDAY_10, "S003", code)
    assert render_in("en", e.value.code, **e.value.params).startswith("Coupon ")
    check_when_where(check_terms(Terms(VOUCHER, amount_fen=1)), SUNDAY_10, None, code)


def test_never_two_coupons_of_one_group_even_stackable() -> None:
    a = use("a", Terms(VOUCHER, amount_fen=100, stackable=True, group="新春"), (0,))
    b = use("b", Terms(PERCENT, percent_bp=500, stackable=True, group="新春"), (0,))
    c = use("c", Terms(VOUCHER, amount_fen=100, stackable=True, group="会员日"), (0,))
    with pytest.raises(RuleError) as e:
        apply_coupons([a, b], [10_000])
    assert e.value.code == "coupon_same_group" and "新春" in e.value.message
    _shares, left = apply_coupons([a, c], [10_000])
    assert left == [9_800]
    solo = use("s", Terms(VOUCHER, amount_fen=100), (0,))  # one order coupon unless stackable
    with pytest.raises(RuleError) as e:
        apply_coupons([solo, c], [10_000])
    assert e.value.code == "coupon_not_stackable"


# -- the wire ----------------------------------------------------------------------------


def test_later_terms_travel_and_come_back_the_same() -> None:
    t = check_terms(Terms(THRESHOLD, amount_fen=500, threshold_fen=5000, hours=(600, 1440),
                          weekdays=frozenset({1, 3}), stores=frozenset({"S001"}),
                          group="g", stackable=True))  # fmt: skip
    w = terms_wire(t)
    assert (w["hours"], w["weekdays"], w["stores"], w["group"]) == ([600, 1440], [1, 3],
                                                                    ["S001"], "g")  # fmt: skip
    assert terms_of_wire(w) == t
    ex = exchange()
    assert terms_of_wire(terms_wire(ex)) == ex


def test_terms_written_before_the_later_keys_still_parse_and_travel_as_before() -> None:
    old = {"kind": "voucher", "amount_fen": 500, "threshold_fen": 0, "percent_bp": 0,
           "cap_fen": None, "floor_fen": 0, "min_spend_fen": 0, "scope": "order", "items": [],
           "categories": [], "stackable": False}  # fmt: skip
    t = terms_of_wire(old)
    assert (t.hours, t.weekdays, t.stores, t.group) == (None, frozenset(), frozenset(), None)
    assert terms_wire(t) == old  # a coupon without the later terms: the same wire as before


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"surprise": 1}, "coupon_terms_invalid"),
        ({"amount_fen": "500"}, "coupon_terms_invalid"),
        ({"amount_fen": True}, "coupon_terms_invalid"),
        ({"stackable": 1}, "coupon_terms_invalid"),
        ({"items": "A"}, "coupon_terms_invalid"),
        ({"hours": [600]}, "coupon_hours_invalid"),
        ({"hours": ["10:00", "11:00"]}, "coupon_hours_invalid"),
        ({"weekdays": [1, 1]}, "coupon_weekdays_invalid"),
        ({"stores": [1]}, "coupon_terms_invalid"),
        ({"group": 7}, "coupon_terms_invalid"),
        ({"kind": "gift"}, "coupon_kind_invalid"),
    ],
)
def test_a_forged_or_broken_wire_is_refused_by_name(change: dict, code: str) -> None:
    w = terms_wire(check_terms(Terms(VOUCHER, amount_fen=500)))
    with pytest.raises(ValidationError) as e:
        terms_of_wire({**w, **change})
    assert e.value.code == code
    missing = dict(w)
    del missing["scope"]
    with pytest.raises(ValidationError) as e:
        terms_of_wire(missing)
    assert e.value.params["field"] == "scope"


# -- properties ------------------------------------------------------------------------

LINE = st.tuples(st.sampled_from(["CAKE", "TEA"]), st.integers(1, 20), st.integers(0, 50_000),
                 st.booleans())  # fmt: skip
OTHER = st.one_of(
    st.builds(lambda a: Terms(VOUCHER, amount_fen=a, stackable=True), st.integers(1, 100_000)),
    st.builds(lambda p: Terms(PERCENT, percent_bp=p, stackable=True), st.integers(1, 9999)),
    st.builds(lambda a: Terms(VOUCHER, amount_fen=a, scope=SCOPE_ITEMS, items=CAKE,
                              stackable=True), st.integers(1, 100_000)),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LINE, min_size=1, max_size=6), exchanges=st.integers(1, 3),
       others=st.lists(OTHER, max_size=2))  # fmt: skip
def test_exchange_coupons_are_allocated_exactly_never_negative_never_above_the_lines(
    lines: list[tuple[str, int, int, bool]], exchanges: int, others: list[Terms]
) -> None:
    cart_lines = [CartLine(code, q * 100 if w else q, p, weighed=w) for code, q, p, w in lines]
    cakes = tuple(i for i, (code, *_rest) in enumerate(lines) if code == "CAKE")
    every = tuple(range(len(lines)))
    uses = [use(f"x{k}", exchange(stackable=True), cakes) for k in range(exchanges)]
    uses += [use(f"o{k}", t, cakes if t.item_level else every) for k, t in enumerate(others)]
    try:
        cart = price_cart(RULES, cart_lines, None, coupons=uses)
    except RuleError as e:
        assert e.code in ("coupon_no_lines", "coupon_threshold", "coupon_min_spend")
        return
    changed = [ln.changed_fen for ln in cart.lines]
    assert sum(c.discount_fen for c in cart.coupons) == cart.coupon_fen
    for c in cart.coupons:
        assert sum(c.shares) == c.discount_fen >= 0
        if c.coupon_id.startswith("x"):  # all of it on one cake line sold by the piece
            (hit,) = [i for i, s in enumerate(c.shares) if s]
            assert hit in cakes and not cart_lines[hit].weighed
            assert c.discount_fen <= -(-changed[hit] // cart_lines[hit].quantity)
    for ln in cart.lines:
        assert 0 <= ln.coupon_fen <= ln.changed_fen
    assert 0 <= cart.due_fen <= cart.list_fen
