"""A count card's ledger (app.domain.countcard_ledger): folding the entries the services
write gives the card the pure rules made, for any sequence of visits ending in a refund,
an expiry or neither; times and money are conserved and a refund never exceeds the price.
A void (HQ voided the entry's event) takes its entry back exactly: the fold is the card
without that entry, still conserved."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import countcard as cc
from app.domain.countcard_ledger import (
    EXPIRE,
    REFUND,
    SOLD,
    VISIT,
    VOIDS,
    Entry,
    conserved,
    fold,
    granted,
    left,
    taken,
)
from app.domain.errors import CounterError
from tests.unit.test_countcard import products

DAY = dt.date(2026, 3, 1)


@settings(max_examples=300)
@given(products(), st.data())
def test_the_folded_ledger_is_the_card_and_times_are_conserved(
    product: cc.CardProduct, data: st.DataObject
) -> None:
    price = data.draw(st.integers(0, product.price_fen), label="price paid")
    card = cc.sell(product, price, DAY)
    entries = [Entry(SOLD, granted(card), price)]
    codes = [i.item_code for i in card.items]
    for _ in range(data.draw(st.integers(0, 12), label="visits")):
        uses = data.draw(st.dictionaries(st.sampled_from(codes), st.integers(1, 6), min_size=1))
        try:
            card, visit = cc.use(card, uses, DAY)
        except CounterError:
            continue  # more than is left: refused, nothing written
        entries.append(Entry(VISIT, taken(visit.taken), visit.value_fen))
    end = data.draw(st.sampled_from(["open", "refund", "expire"]), label="end")
    if end == "refund":
        before = card
        card, back = cc.refund_unused(card, DAY)
        entries.append(Entry(REFUND, left(before), back.amount_fen))
        assert 0 <= back.amount_fen <= price  # never more than was paid, never negative
    elif end == "expire":
        before = card
        card, gone = cc.expire(card, card.valid_until + dt.timedelta(days=1))
        entries.append(Entry(EXPIRE, left(before), gone.breakage_fen))
    folded = fold(card.product_code, card.sold_on, card.valid_until, entries)
    assert folded == card
    assert conserved(folded)
    assert folded.recognised_fen + folded.refunded_fen + folded.breakage_fen <= price
    if end != "open":
        assert all(i.left == 0 for i in folded.items) and folded.liability_fen == 0


@settings(max_examples=300)
@given(products(), st.data())
def test_a_void_takes_its_entry_back_exactly(product: cc.CardProduct, data: st.DataObject) -> None:
    card = cc.sell(product, product.price_fen, DAY)
    entries = [Entry(SOLD, granted(card), product.price_fen)]
    codes = [i.item_code for i in card.items]
    for _ in range(data.draw(st.integers(0, 8), label="visits")):
        uses = data.draw(st.dictionaries(st.sampled_from(codes), st.integers(1, 4), min_size=1))
        try:
            card, visit = cc.use(card, uses, DAY)
        except CounterError:
            continue
        entries.append(Entry(VISIT, taken(visit.taken), visit.value_fen))
    if data.draw(st.booleans(), label="refunded"):
        before = card
        card, back = cc.refund_unused(card, DAY)
        entries.append(Entry(REFUND, left(before), back.amount_fen))
    voided = data.draw(st.sets(st.integers(1, len(entries) - 1)) if len(entries) > 1
                       else st.just(set()), label="voided")  # fmt: skip
    kept = [e for n, e in enumerate(entries) if n not in voided]
    voids = [Entry(VOIDS[entries[n].kind], entries[n].times, entries[n].value_fen)
             for n in sorted(voided)]  # fmt: skip
    expect = fold(card.product_code, card.sold_on, card.valid_until, kept)
    got = fold(card.product_code, card.sold_on, card.valid_until, entries + voids)
    assert got == expect and conserved(got)
    # The sale voided as well: no times, no price, nothing owed.
    all_void = [Entry(VOIDS[e.kind], e.times, e.value_fen) for e in entries]
    gone = fold(card.product_code, card.sold_on, card.valid_until, entries + all_void)
    assert gone.status == cc.VOIDED and conserved(gone) and gone.liability_fen == 0
    assert gone.price_paid_fen == 0 and all(i.paid == i.gift == i.left == 0 for i in gone.items)
