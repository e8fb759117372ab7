"""Count cards (app.domain.countcard): times, value per visit, refund of unused, expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.countcard import (
    ACTIVE,
    EXPIRED,
    REFUNDED,
    CardItem,
    CardProduct,
    CountCard,
    expire,
    refund_unused,
    remaining,
    sell,
    use,
    value_of_paid_times,
)
from app.domain.errors import RuleError, ValidationError

DAY = dt.date(2026, 3, 1)
# 10 washes + 2 gift washes, 5 waxes: 15 paid times for 1,000.00 -> 66.66 each, 0.10 on the last
CAR_WASH = CardProduct(
    "wash15", (CardItem("wash", 10, 2), CardItem("wax", 5)), 100_000, validity_days=365
)


def test_a_card_sold_used_three_times_and_refunded() -> None:
    card = sell(CAR_WASH, 100_000, DAY)
    assert card.valid_until == dt.date(2027, 2, 28)  # the day of sale is day 1 of 365
    assert (card.paid_times, card.liability_fen) == (15, 100_000)
    card, v1 = use(card, {"wash": 1}, DAY)
    card, v2 = use(card, {"wash": 1, "wax": 1}, DAY + dt.timedelta(days=7))
    assert (v1.value_fen, v2.value_fen) == (6666, 13332)
    assert v2.taken == (("wash", 1, 0), ("wax", 1, 0))
    assert remaining(card) == [("wash", 10), ("wax", 4)]
    card, refund = refund_unused(card, DAY + dt.timedelta(days=30))
    # 1,000.00 - 3 × 66.66 = 800.02; 12 paid and 2 gift times end with it
    assert (refund.amount_fen, refund.paid_times, refund.gift_times) == (80002, 12, 2)
    assert card.status == REFUNDED and card.liability_fen == 0
    assert card.recognised_fen + card.refunded_fen == 100_000
    with pytest.raises(RuleError) as e:
        use(card, {"wash": 1}, DAY + dt.timedelta(days=31))
    assert e.value.code == "countcard_refunded"


def test_paid_times_go_first_and_the_last_carries_the_remainder() -> None:
    card = sell(CAR_WASH, 100_000, DAY)
    card, visit = use(card, {"wash": 11, "wax": 5}, DAY)  # 10 paid + 1 gift wash, 5 waxes
    assert visit.taken == (("wash", 10, 1), ("wax", 5, 0))
    assert visit.value_fen == 100_000  # every paid time: 15 × 66.66 + 0.10
    card, gift = use(card, {"wash": 1}, DAY)
    assert gift.taken == (("wash", 0, 1),) and gift.value_fen == 0
    card, refund = refund_unused(card, DAY)
    assert refund.amount_fen == 0  # all used: nothing back
    assert value_of_paid_times(100_000, 15, 14, 1) == 6676
    assert value_of_paid_times(100_000, 15, 0, 14) == 14 * 6666


def test_a_discounted_card_is_valued_by_the_price_paid() -> None:
    card = sell(CAR_WASH, 90_000, DAY)  # sold for 900.00
    card, visit = use(card, {"wash": 1}, DAY)
    assert visit.value_fen == 6000
    _, refund = refund_unused(card, DAY)
    assert refund.amount_fen == 84_000


def test_expiry_after_the_last_day_and_its_breakage() -> None:
    product = CardProduct("gym", (CardItem("visit", 8, 2),), 40_000, end_date=dt.date(2026, 3, 31))
    card = sell(product, 40_000, DAY)
    card, _ = use(card, {"visit": 3}, dt.date(2026, 3, 31))  # the last day still counts
    with pytest.raises(RuleError) as e:
        expire(card, dt.date(2026, 3, 31))
    assert e.value.code == "countcard_not_expired"
    with pytest.raises(RuleError) as e:
        use(card, {"visit": 1}, dt.date(2026, 4, 1))
    assert (e.value.code, e.value.params) == ("countcard_expired", {"date": "2026-03-31"})
    with pytest.raises(RuleError):
        refund_unused(card, dt.date(2026, 4, 1))
    card, gone = expire(card, dt.date(2026, 4, 1))
    assert (gone.paid_times, gone.gift_times, gone.breakage_fen) == (5, 2, 25_000)
    assert card.status == EXPIRED and card.liability_fen == 0
    with pytest.raises(RuleError) as e:
        sell(product, 40_000, dt.date(2026, 4, 1))
    assert e.value.code == "countcard_expired"


def test_bad_products_and_visits_are_refused() -> None:
    bad = [
        {"items": ()},
        {"items": (CardItem("a", 1), CardItem("a", 1))},
        {"items": (CardItem("a", 0, 3),)},  # gift times only
        {"items": (CardItem("a", 1), CardItem("b", 0))},
        {"price_fen": -1},
        {"validity_days": None},
        {"validity_days": 30, "end_date": DAY},
        {"validity_days": 0},
    ]
    for changes in bad:
        fields = {"code": "p", "items": (CardItem("a", 1),), "price_fen": 100, "validity_days": 30}
        with pytest.raises(ValidationError) as e:
            CardProduct(**{**fields, **changes})  # type: ignore[arg-type]
        assert e.value.code == "countcard_product_invalid"
    card = sell(CAR_WASH, 100_000, DAY)
    refused = [
        ({}, "countcard_times_invalid"),
        ({"wash": 0}, "countcard_times_invalid"),
        ({"cut": 1}, "countcard_item_unknown"),
        ({"wax": 6}, "countcard_times_insufficient"),
    ]
    for uses, code in refused:
        with pytest.raises((ValidationError, RuleError)) as e:
            use(card, uses, DAY)
        assert e.value.code == code and e.value.message


# -- any card, any visits ---------------------------------------------------------


@st.composite
def products(draw: st.DrawFn) -> CardProduct:
    n = draw(st.integers(1, 4))
    items = [CardItem(f"i{k}", draw(st.integers(0, 30)), draw(st.integers(0, 5))) for k in range(n)]
    if sum(i.times for i in items) == 0:
        items[0] = CardItem("i0", 1, items[0].gift_times)
    items = [i if i.times + i.gift_times else CardItem(i.item_code, 1) for i in items]
    return CardProduct("p", tuple(items), draw(st.integers(0, 1_000_000)), validity_days=90)


def _conserved(card: CountCard, product: CardProduct) -> None:
    for item, sold in zip(card.items, product.items, strict=True):
        used = item.paid_used + item.gift_used
        refunded = item.paid_refunded + item.gift_refunded
        expired = item.paid_expired + item.gift_expired
        assert sold.times + sold.gift_times == used + item.left + refunded + expired
        assert min(item.paid_left, item.gift_left) >= 0
        # gift times are taken only once the item's paid times are gone
        assert item.gift_used == 0 or item.paid_used == sold.times
    assert card.price_paid_fen == (
        card.recognised_fen + card.liability_fen + card.refunded_fen + card.breakage_fen
    )
    assert card.liability_fen >= 0


@settings(max_examples=300, deadline=None)
@given(products(), st.data())
def test_times_and_money_are_conserved_and_a_refund_never_exceeds_the_price(
    product: CardProduct, data: st.DataObject
) -> None:
    paid = data.draw(st.integers(0, product.price_fen))
    card = sell(product, paid, DAY)
    day = DAY
    while card.status == ACTIVE:
        action = data.draw(st.sampled_from(["use", "use", "use", "refund", "expire"]))
        if action == "use":
            open_items = [i for i in card.items if i.left]
            if not open_items:
                action = data.draw(st.sampled_from(["refund", "expire"]))
            else:
                chosen = data.draw(st.lists(st.sampled_from(open_items), min_size=1, unique=True))
                uses = {i.item_code: data.draw(st.integers(1, i.left)) for i in chosen}
                before = card.recognised_fen
                card, visit = use(card, uses, day)
                assert visit.value_fen == card.recognised_fen - before >= 0
                day += dt.timedelta(days=data.draw(st.integers(0, 10)))
                day = min(day, card.valid_until)
        if action == "refund":
            card, refund = refund_unused(card, day)
            assert 0 <= refund.amount_fen <= paid
            assert refund.amount_fen == paid - card.recognised_fen
        elif action == "expire":
            card, gone = expire(card, card.valid_until + dt.timedelta(days=1))
            assert gone.breakage_fen == paid - card.recognised_fen
        _conserved(card, product)
    assert card.liability_fen == 0
    if card.paid_used == card.paid_times:
        assert card.recognised_fen == paid  # every paid time used: the whole price is revenue
