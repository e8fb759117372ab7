"""Coupons' arithmetic, codes, validity and ledger states (app.domain.coupons), and their
place in the price order of a cart (app.domain.cart)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.cart import (
    STEP_COUPON,
    STEP_MEMBER_PRICE,
    CartLine,
    MemberPrice,
    OrderDiscount,
    PriceChange,
    price_cart,
)
from app.domain.coupons import (
    ALPHABET,
    PER_EACH,
    PERCENT,
    SCOPE_ITEMS,
    THRESHOLD,
    VOUCHER,
    CouponUse,
    Terms,
    Validity,
    apply_coupons,
    check_char,
    check_terms,
    check_validity,
    discount_of,
    display_code,
    eligible_lines,
    new_code,
    parse_code,
    state_of,
    terms_of_wire,
    terms_wire,
    usable_state,
    validity_on_issue,
)
from app.domain.errors import RuleError, ValidationError
from app.domain.ids import uuid7
from app.domain.rules import default_rules

RULES = default_rules()
SILVER = RULES.tier("silver")  # 2 % off


def use(cid: str, terms: Terms, lines: tuple[int, ...]) -> CouponUse:
    return CouponUse(cid, new_code(), check_terms(terms), lines)


# -- each kind, to the fen ------------------------------------------------------------


def test_threshold_takes_its_amount_once_the_threshold_is_reached() -> None:
    t = check_terms(Terms(THRESHOLD, amount_fen=2000, threshold_fen=10000))
    assert discount_of(t, 9999) == 0
    assert discount_of(t, 10000) == 2000
    assert discount_of(t, 35000) == 2000


def test_per_each_takes_its_amount_for_each_whole_step_up_to_the_cap() -> None:
    t = check_terms(Terms(PER_EACH, amount_fen=1000, threshold_fen=10000))
    assert [discount_of(t, a) for a in (9999, 10000, 29999, 30000)] == [0, 1000, 2000, 3000]
    capped = check_terms(Terms(PER_EACH, amount_fen=1000, threshold_fen=10000, cap_fen=2500))
    assert discount_of(capped, 90000) == 2500


def test_percent_is_floored_capped_and_keeps_the_floor() -> None:
    t = check_terms(Terms(PERCENT, percent_bp=1200))  # 12 % off, 八八折
    assert discount_of(t, 999) == 119  # 119.88 floored
    capped = check_terms(Terms(PERCENT, percent_bp=5000, cap_fen=3000))
    assert discount_of(capped, 4000) == 2000
    assert discount_of(capped, 10000) == 3000
    floored = check_terms(Terms(PERCENT, percent_bp=5000, floor_fen=3000))
    assert discount_of(floored, 4000) == 1000  # 4000 − 2000 would be below 3000
    assert discount_of(floored, 2000) == 0


def test_a_voucher_takes_its_amount_never_more_than_the_goods() -> None:
    t = check_terms(Terms(VOUCHER, amount_fen=5000))
    assert discount_of(t, 12000) == 5000
    assert discount_of(t, 3000) == 3000
    with_min = check_terms(Terms(VOUCHER, amount_fen=500, min_spend_fen=2000))
    assert discount_of(with_min, 1999) == 0
    assert discount_of(with_min, 2000) == 500


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        (Terms("gift"), "coupon_kind_invalid"),
        (Terms(THRESHOLD, amount_fen=2000, threshold_fen=1000), "coupon_amount_over_threshold"),
        (Terms(THRESHOLD, amount_fen=0, threshold_fen=1000), "coupon_terms_invalid"),
        (Terms(PER_EACH, amount_fen=100, threshold_fen=0), "coupon_terms_invalid"),
        (Terms(PERCENT, percent_bp=10000), "coupon_percent_invalid"),
        (Terms(PERCENT, percent_bp=0), "coupon_percent_invalid"),
        (Terms(VOUCHER, amount_fen=-1), "coupon_terms_invalid"),
        (Terms(VOUCHER, amount_fen=100, scope=SCOPE_ITEMS), "coupon_scope_empty"),
        (Terms(VOUCHER, amount_fen=100, items=frozenset({"A"})), "coupon_terms_invalid"),
    ],
)
def test_terms_that_make_no_coupon_are_refused(terms: Terms, code: str) -> None:
    with pytest.raises(ValidationError) as e:
        check_terms(terms)
    assert e.value.code == code


def test_terms_travel_and_come_back_the_same() -> None:
    t = check_terms(
        Terms(PERCENT, percent_bp=800, cap_fen=500, floor_fen=100, min_spend_fen=2000,
              scope=SCOPE_ITEMS, items=frozenset({"A", "B"}), categories=frozenset({"TEA"}),
              stackable=True)
    )  # fmt: skip
    assert terms_of_wire(terms_wire(t)) == t


# -- allocation over lines -------------------------------------------------------------


def test_an_item_coupon_applies_to_its_items_and_categories_only() -> None:
    t = check_terms(
        Terms(VOUCHER, amount_fen=300, scope=SCOPE_ITEMS, items=frozenset({"TEA1"}),
              categories=frozenset({"CAKE"}))
    )  # fmt: skip
    lines = [("TEA1", "TEA"), ("TEA2", "TEA"), ("C1", "CAKE"), ("X", None)]
    assert eligible_lines(t, lines) == (0, 2)
    shares, left = apply_coupons([CouponUse("c1", new_code(), t, (0, 2))], [1000, 800, 500, 700])
    # 300 over 1000:500 → 200, 100; the other lines untouched
    assert shares[0].shares == (200, 0, 100, 0)
    assert left == [800, 800, 400, 700]


def test_item_coupons_come_before_order_coupons_whatever_order_they_were_given() -> None:
    order = use("o", Terms(THRESHOLD, amount_fen=1000, threshold_fen=2000, stackable=True),
                (0, 1))  # fmt: skip
    item = use("i", Terms(VOUCHER, amount_fen=500, scope=SCOPE_ITEMS, items=frozenset({"A"}),
                          stackable=True), (0,))  # fmt: skip
    # 2400 of goods: the item coupon first leaves 1900, below the order coupon's threshold
    with pytest.raises(RuleError) as e:
        apply_coupons([order, item], [1400, 1000])
    assert e.value.code == "coupon_threshold"
    shares, left = apply_coupons([order, item], [1600, 1000])
    assert [s.coupon_id for s in shares] == ["i", "o"]
    assert shares[0].shares == (500, 0)
    assert shares[1].shares == (524, 476)  # 1000 over 1100:1000
    assert left == [576, 524]


def test_a_coupon_not_marked_stackable_is_the_only_one() -> None:
    a = use("a", Terms(VOUCHER, amount_fen=100), (0,))
    b = use("b", Terms(VOUCHER, amount_fen=100, stackable=True), (0,))
    with pytest.raises(RuleError) as e:
        apply_coupons([a, b], [1000])
    assert e.value.code == "coupon_not_stackable"
    with pytest.raises(RuleError) as e:
        apply_coupons([b, b], [1000])
    assert e.value.code == "coupon_twice"


def test_a_coupon_below_its_minimum_spend_or_without_lines_is_refused() -> None:
    a = use("a", Terms(VOUCHER, amount_fen=100, min_spend_fen=5000), (0,))
    with pytest.raises(RuleError) as e:
        apply_coupons([a], [4999])
    assert e.value.code == "coupon_min_spend"
    assert "¥49.99" in e.value.message and "¥50.00" in e.value.message
    b = use("b", Terms(VOUCHER, amount_fen=100, scope=SCOPE_ITEMS, items=frozenset({"Z"})), ())
    with pytest.raises(RuleError) as e:
        apply_coupons([b], [4999])
    assert e.value.code == "coupon_no_lines"


TERMS = st.one_of(
    st.builds(lambda t, a: Terms(THRESHOLD, amount_fen=min(a, t), threshold_fen=t,
                                 stackable=True),
              st.integers(1, 50_000), st.integers(1, 50_000)),
    st.builds(lambda t, a, c: Terms(PER_EACH, amount_fen=a, threshold_fen=t, cap_fen=c,
                                    stackable=True),
              st.integers(1, 50_000), st.integers(1, 50_000),
              st.none() | st.integers(1, 100_000)),
    st.builds(lambda p, c, f: Terms(PERCENT, percent_bp=p, cap_fen=c, floor_fen=f,
                                    stackable=True),
              st.integers(1, 9999), st.none() | st.integers(1, 100_000), st.integers(0, 20_000)),
    st.builds(lambda a, m: Terms(VOUCHER, amount_fen=a, min_spend_fen=m, stackable=True),
              st.integers(1, 100_000), st.integers(0, 20_000)),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(terms=TERMS, eligible=st.integers(0, 2_000_000))
def test_a_discount_is_never_negative_nor_more_than_the_eligible_amount(
    terms: Terms, eligible: int
) -> None:
    off = discount_of(check_terms(terms), eligible)
    assert 0 <= off <= eligible
    if terms.cap_fen is not None:
        assert off <= terms.cap_fen
    if terms.kind == PERCENT and off:
        assert eligible - off >= terms.floor_fen


@settings(max_examples=300, deadline=None)
@given(
    amounts=st.lists(st.integers(0, 200_000), min_size=1, max_size=8),
    coupons=st.lists(st.tuples(TERMS, st.lists(st.integers(0, 7), max_size=8)), max_size=3),
)
def test_coupon_shares_add_up_stay_on_their_lines_and_never_go_below_zero(
    amounts: list[int], coupons: list[tuple[Terms, list[int]]]
) -> None:
    uses = [
        CouponUse(f"c{k}", new_code(), check_terms(t), tuple(sorted({i % len(amounts)
                                                                      for i in lines})))
        for k, (t, lines) in enumerate(coupons)
    ]  # fmt: skip
    try:
        shares, left = apply_coupons(uses, amounts)
    except RuleError as e:
        assert e.code in ("coupon_threshold", "coupon_min_spend", "coupon_no_lines")
        return
    assert all(x >= 0 for x in left)
    assert sum(amounts) - sum(left) == sum(s.discount_fen for s in shares)
    by_id = {u.coupon_id: u for u in uses}
    for s in shares:
        assert sum(s.shares) == s.discount_fen > 0
        covered = set(by_id[s.coupon_id].lines)
        assert all(x == 0 for i, x in enumerate(s.shares) if i not in covered)


# -- in the price order of a cart -----------------------------------------------------


def test_a_coupons_threshold_is_judged_after_the_member_price() -> None:
    lines = [
        CartLine("A", 2, 3000, member_price=MemberPrice(unit_fen=2600)),  # 6000 → 5200
        CartLine("B", 1, 5000),  # 5000, silver 2 % off → 4900
    ]
    mj = use("m", Terms(THRESHOLD, amount_fen=2000, threshold_fen=10000), (0, 1))
    cart = price_cart(RULES, lines, SILVER, coupons=[mj])
    # after member prices 5200 + 4900 = 10100 ≥ 10000: 2000 off, split 5200:4900 → 1030, 970
    assert [ln.member_fen for ln in cart.lines] == [5200, 4900]
    assert [ln.coupon_fen for ln in cart.lines] == [1030, 970]
    assert cart.coupon_fen == 2000 and cart.subtotal_fen == 8100
    assert cart.after_round_fen == 8100 and cart.discount_fen == 11000 - 8100
    steps = [s.kind for s in cart.lines[0].why]
    assert steps == ["list", STEP_MEMBER_PRICE, STEP_COUPON]
    assert cart.lines[0].why[-1].detail == {"code": mj.code, "level": "order"}
    # a list price of 11000 would pass, the member price of 9800 does not
    lower = [CartLine("A", 2, 3000, member_price=MemberPrice(unit_fen=2450)), lines[1]]
    with pytest.raises(RuleError) as e:
        price_cart(RULES, lower, SILVER, coupons=[mj])
    assert e.value.code == "coupon_threshold"


def test_the_order_discount_applies_to_what_the_coupons_leave_then_points() -> None:
    lines = [CartLine("A", 1, 6000), CartLine("B", 1, 4000, price_change=PriceChange(3000))]
    item = use("i", Terms(VOUCHER, amount_fen=1000, scope=SCOPE_ITEMS, items=frozenset({"A"}),
                          stackable=True), (0,))  # fmt: skip
    order = use("o", Terms(PERCENT, percent_bp=1000, stackable=True), (0, 1))
    cart = price_cart(RULES, lines, None, OrderDiscount(amount_fen=700), coupons=[order, item])
    # A 6000 − 1000 = 5000; B changed to 3000; order coupon 10 % of 8000 = 800 (500, 300)
    assert [ln.changed_fen for ln in cart.lines] == [6000, 3000]
    assert [ln.coupon_fen for ln in cart.lines] == [1500, 300]
    assert cart.subtotal_fen == 7200
    # 整单折扣 700 over 4500:2700 → 437.5, 262.5: the tie to the larger line
    assert [ln.order_discount_fen for ln in cart.lines] == [438, 262]
    assert cart.due_fen == 6500
    assert [c.coupon_id for c in cart.coupons] == ["i", "o"]


# -- codes ----------------------------------------------------------------------------


def test_swapping_0_and_z_is_the_one_transposition_not_caught() -> None:
    body = "0Z123456789"
    code = body + check_char(body)
    assert parse_code("Z0123456789" + code[-1]) == "Z0123456789" + code[-1]


def test_codes_are_read_leniently_and_checked() -> None:
    code = new_code()
    assert len(code) == 12 and set(code) <= set(ALPHABET)
    assert parse_code(display_code(code).lower()) == code
    body = "0123456789A"
    good = body + check_char(body)
    assert parse_code("o1234-56789a" + good[-1]) == good  # O read as 0
    with pytest.raises(ValidationError) as e:
        parse_code("123")
    assert e.value.code == "coupon_code_invalid"
    assert "12" in e.value.message


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_one_wrong_character_or_two_swapped_neighbours_are_caught(data: st.DataObject) -> None:
    code = new_code()
    i = data.draw(st.integers(0, len(code) - 1))
    other = data.draw(st.sampled_from([c for c in ALPHABET if c != code[i]]))
    typo = code[:i] + other + code[i + 1 :]
    with pytest.raises(ValidationError):
        parse_code(typo)
    j = data.draw(st.integers(0, len(code) - 2))
    if code[j] != code[j + 1] and {code[j], code[j + 1]} != {"0", "Z"}:  # Luhn's blind pair
        swapped = code[:j] + code[j + 1] + code[j] + code[j + 2 :]
        with pytest.raises(ValidationError):
            parse_code(swapped)


# -- validity and the ledger's states -------------------------------------------------


def test_validity_as_dates_or_days_from_issue() -> None:
    d = dt.date(2026, 3, 1)
    assert validity_on_issue(check_validity(Validity(days=30)), d) == (d, dt.date(2026, 3, 30))
    fixed = check_validity(Validity(dt.date(2026, 1, 1), dt.date(2026, 1, 31)))
    assert validity_on_issue(fixed, d) == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    for bad in (Validity(), Validity(d, d - dt.timedelta(days=1)), Validity(d, d, 3),
                Validity(days=0)):  # fmt: skip
        with pytest.raises(ValidationError):
            check_validity(bad)


def test_state_is_the_fold_of_the_entries() -> None:
    assert state_of(["issued"]) == "usable"
    assert state_of(["issued", "redeemed"]) == "redeemed"
    assert state_of(["issued", "redeemed", "restored"]) == "usable"
    assert state_of(["issued", "voided"]) == "voided"
    # Two stores took it offline: one refund gives back one redemption, in either order.
    assert state_of(["issued", "redeemed", "redeemed", "restored"]) == "redeemed"
    assert state_of(["issued", "redeemed", "restored", "redeemed"]) == "redeemed"
    assert state_of(["issued", "redeemed", "redeemed", "restored", "restored"]) == "usable"
    for bad in ([], ["redeemed"], ["issued", "restored"], ["issued", "issued"],
                ["issued", "redeemed", "restored", "restored"]):  # fmt: skip
        with pytest.raises(ValueError):
            state_of(bad)


def test_a_used_expired_or_early_coupon_is_refused_in_chinese() -> None:
    code = new_code()
    f, u = dt.date(2026, 1, 1), dt.date(2026, 1, 31)
    usable_state("usable", f, u, dt.date(2026, 1, 31), code)
    cases = [("redeemed", dt.date(2026, 1, 5), "coupon_used", "已使用"),
             ("usable", dt.date(2026, 2, 1), "coupon_expired", "已过期"),
             ("usable", dt.date(2025, 12, 31), "coupon_not_yet", "尚未生效"),
             ("voided", dt.date(2026, 1, 5), "coupon_voided", "已作废")]  # fmt: skip
    for state, today, want, text in cases:
        with pytest.raises(RuleError) as e:
            usable_state(state, f, u, today, code)
        assert e.value.code == want and text in e.value.message
        assert display_code(code) in e.value.message


def test_hq_prices_a_sale_with_coupons_again_and_refuses_a_share_moved() -> None:
    from app.domain.cart import allocate_payment
    from app.domain.sale import coupons_wire, line_wire, priced_again
    from server.schemas import SaleCart

    lines = [CartLine("A", 1, 6000), CartLine("B", 2, 1500)]
    item = use(uuid7(), Terms(VOUCHER, amount_fen=1000, scope=SCOPE_ITEMS,
               items=frozenset({"A"}), stackable=True), (0,))  # fmt: skip
    order = use(
        uuid7(), Terms(THRESHOLD, amount_fen=500, threshold_fen=5000, stackable=True), (0, 1)
    )
    cart = price_cart(RULES, lines, None, coupons=[order, item])
    paid = allocate_payment(cart, [("cash", cart.due_fen)])
    wire = {
        "rounding": "none",
        "order_discount": None,
        "lines": [line_wire(src, src.item_code, ln, p, None)
                  for src, ln, p in zip(lines, cart.lines, paid, strict=True)],
        "coupons": coupons_wire([(item, uuid7()),
                                 (order, uuid7())], cart),
    }  # fmt: skip
    dumped = SaleCart.model_validate(wire).model_dump()
    again = priced_again(RULES, None, dumped, 0, [("cash", cart.due_fen)])
    assert again is not None and again.due_fen == 9000 - 1500
    moved = SaleCart.model_validate(wire).model_dump()
    moved["coupons"][1]["shares"] = [251, 249]
    assert priced_again(RULES, None, moved, 0, [("cash", cart.due_fen)]) is None
