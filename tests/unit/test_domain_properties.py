"""Property tests (hypothesis) of the pure rules in app/domain."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.domain.errors import RuleError, ValidationError
from app.domain.ids import uuid7
from app.domain.money import MAX_AMOUNT_FEN, format_cny, format_yuan, parse_yuan
from app.domain.points import LotBalance, consume_oldest
from app.domain.pricing import (
    CASH,
    TENDER_METHODS,
    max_points_for_bill,
    quote_checkout,
    settle_tenders,
    split_stored_value,
)
from app.domain.rules import default_rules

RULES = default_rules()
fen = st.integers(min_value=0, max_value=10 * MAX_AMOUNT_FEN)
tiers = st.sampled_from(RULES.tiers)


# -- stored value split -------------------------------------------------------


@st.composite
def balances_and_amount(draw: st.DrawFn) -> tuple[int, int, int]:
    principal = draw(fen)
    bonus = draw(fen)
    assume(principal + bonus > 0)
    amount = draw(st.integers(min_value=1, max_value=principal + bonus))
    return amount, principal, bonus


@given(balances_and_amount())
def test_split_parts_sum_to_amount_within_balances(case: tuple[int, int, int]) -> None:
    amount, principal, bonus = case
    p, b = split_stored_value(amount, principal, bonus)
    assert p + b == amount
    assert 0 <= p <= principal
    assert 0 <= b <= bonus
    assert b == amount * bonus // (principal + bonus)


@given(fen, fen, st.integers(min_value=1, max_value=MAX_AMOUNT_FEN))
def test_split_refuses_exactly_when_the_balance_is_short(
    principal: int, bonus: int, over: int
) -> None:
    amount = principal + bonus + over
    try:
        split_stored_value(amount, principal, bonus)
    except RuleError as e:
        assert e.code == "balance_insufficient"
        assert e.params == {"balance": principal + bonus, "amount": amount}
    else:
        raise AssertionError("a spend over the balance was accepted")


# -- tenders ------------------------------------------------------------------


@st.composite
def tender_lists(draw: st.DrawFn) -> list[tuple[str, int]]:
    methods = draw(st.lists(st.sampled_from(TENDER_METHODS), unique=True, min_size=1))
    return [(m, draw(st.integers(min_value=1, max_value=200_000))) for m in methods]


@given(st.integers(min_value=1, max_value=300_000), tender_lists())
def test_settle_tenders_change_only_from_cash(due: int, tenders: list[tuple[str, int]]) -> None:
    non_cash = sum(a for m, a in tenders if m != CASH)
    paid = sum(a for _, a in tenders)
    try:
        settled = settle_tenders(due, tenders)
    except RuleError as e:
        if non_cash > due:
            assert e.code == "tender_overpaid"
        else:
            assert e.code == "tender_short"
            assert paid < due
        assert e.params == {"due": due, "paid": paid}
        return
    assert non_cash <= due <= paid
    assert [(t.method, t.amount_fen) for t in settled] == tenders
    for t in settled:
        if t.method != CASH:
            assert t.change_fen == 0
        assert 0 <= t.change_fen <= t.amount_fen
    assert sum(t.change_fen for t in settled) == paid - due
    assert sum(t.net_fen for t in settled) == due


# -- quote: the 50 % points cap -------------------------------------------------


@given(
    st.integers(min_value=1, max_value=MAX_AMOUNT_FEN),
    tiers,
    st.integers(min_value=0, max_value=10_000_000),
)
def test_quote_with_max_points_leaves_at_least_half_to_pay(
    amount: int, tier: object, balance: int
) -> None:
    probe = quote_checkout(RULES, amount, tier, 0, balance)  # type: ignore[arg-type]
    after = probe.after_discount_fen
    assert probe.discount_fen == amount * tier.discount_bp // 10000  # type: ignore[attr-defined]
    assert probe.due_fen == after
    q = quote_checkout(RULES, amount, tier, probe.max_points, balance)  # type: ignore[arg-type]
    assert q.due_fen == amount - q.discount_fen - q.points_value_fen
    assert q.due_fen * 2 >= after
    assert q.points_used <= balance
    if balance >= max_points_for_bill(RULES, after):
        # 100 points = 1 yuan = 100 fen, so the cap is exactly floor(half) in fen.
        assert q.points_value_fen == after // 2
        assert q.due_fen == after - after // 2
    # One point more is always refused, for the cap or for the balance.
    try:
        quote_checkout(RULES, amount, tier, probe.max_points + 1, balance)  # type: ignore[arg-type]
    except RuleError as e:
        assert e.code in ("points_over_cap", "points_insufficient")
    else:
        raise AssertionError("more points than allowed were accepted")


# -- points lots: oldest first --------------------------------------------------

days = st.integers(min_value=0, max_value=2_000).map(
    lambda d: dt.date(2026, 1, 1) + dt.timedelta(d)
)


@st.composite
def lots_and_points(draw: st.DrawFn) -> tuple[list[LotBalance], int]:
    specs = draw(
        st.lists(
            st.tuples(st.integers(min_value=0, max_value=5_000), days), min_size=1, max_size=12
        )
    )
    lots = [LotBalance(f"lot-{i:03d}", n, exp) for i, (n, exp) in enumerate(specs)]
    available = sum(lot.remaining for lot in lots)
    n = draw(st.integers(min_value=0, max_value=available))
    return lots, n


@given(lots_and_points())
def test_consume_oldest_takes_exactly_n_never_from_a_later_lot_first(
    case: tuple[list[LotBalance], int],
) -> None:
    lots, n = case
    taken = consume_oldest(lots, n)
    by_id = {lot.lot_id: lot for lot in lots}
    took = dict(taken)
    assert len(took) == len(taken)  # each lot at most once
    assert sum(took.values()) == n
    for lot_id, k in taken:
        assert 0 < k <= by_id[lot_id].remaining
    for earlier in lots:
        if earlier.remaining > took.get(earlier.lot_id, 0):  # points left in it
            for later in lots:
                if later.expires_on > earlier.expires_on:
                    assert later.lot_id not in took, (earlier, later, taken)


@given(lots_and_points(), st.integers(min_value=1, max_value=1_000))
def test_consume_oldest_refuses_more_than_available(
    case: tuple[list[LotBalance], int], extra: int
) -> None:
    lots, _ = case
    available = sum(lot.remaining for lot in lots)
    try:
        consume_oldest(lots, available + extra)
    except RuleError as e:
        assert e.code == "points_insufficient"
        assert e.params == {"balance": available, "points": available + extra}
    else:
        raise AssertionError("took more points than the lots hold")


# -- money round trip -----------------------------------------------------------


@given(st.integers(min_value=1, max_value=MAX_AMOUNT_FEN))
def test_parse_format_round_trip(x: int) -> None:
    assert parse_yuan(format_yuan(x)) == x
    assert parse_yuan(format_cny(x), grouping=True) == x  # as an imported file shows it


@given(st.integers(min_value=-MAX_AMOUNT_FEN, max_value=MAX_AMOUNT_FEN))
def test_format_yuan_shape(x: int) -> None:
    text = format_yuan(x)
    whole, _, part = text.lstrip("-").partition(".")
    assert len(part) == 2
    assert (int(whole) * 100 + int(part)) * (-1 if x < 0 else 1) == x
    assert format_cny(x).replace("¥", "").replace(",", "") == text


@given(st.text(max_size=30))
@settings(max_examples=300)
def test_parse_yuan_returns_fen_or_refuses_readably(text: str) -> None:
    try:
        result = parse_yuan(text)
    except ValidationError as e:
        assert e.code in (
            "amount_invalid",
            "amount_not_positive",
            "amount_too_precise",
            "amount_too_large",
        )
    else:
        assert isinstance(result, int)
        assert 0 < result <= MAX_AMOUNT_FEN


# -- ids ------------------------------------------------------------------------


def test_uuid7_unique_and_sorted_in_creation_order() -> None:
    ids = [uuid7() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    for text in (ids[0], ids[-1]):
        u = uuid.UUID(text)
        assert u.version == 7
        assert u.variant == uuid.RFC_4122
        assert str(u) == text


def test_uuid7_carries_the_current_time() -> None:
    import time

    before = time.time_ns() // 1_000_000
    u = uuid.UUID(uuid7())
    after = time.time_ns() // 1_000_000
    ms = u.int >> 80
    # monotonic ids may run a little ahead of the wall clock, never behind it
    assert before <= ms <= after + 1_000
