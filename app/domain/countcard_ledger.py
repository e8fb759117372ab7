"""A count card as the fold of its ledger entries, and the entries an operation writes.

Entries carry times per item as ``{item code: [paid, gift]}`` (never negative) and a value
in fen: ``sold`` grants the times (its value is the price paid), ``visit`` uses them (its
value is the revenue it recognises), ``refund`` and ``expire`` end every remaining time
(the amount refunded; the breakage), ``transfer`` moves the card and changes no times.
Folding the entries with :func:`fold` gives the same :class:`~app.domain.countcard.CountCard`
the pure rules of :mod:`app.domain.countcard` produce, so counter and HQ read one state.

An event HQ voided is taken back at the counter that made it by a compensating entry,
never by deleting one: ``void_<kind>`` (:data:`VOIDS`) with the very times and value of the
entry it reverses, which the fold subtracts. A voided sale leaves a card of no times and no
price (status ``voided``); a voided refund or expiry opens the card again; a voided transfer
gives it back. HQ never applied the voided event, so these entries stay at the counter.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from app.domain.countcard import ACTIVE, EXPIRED, REFUNDED, VOIDED, CountCard, ItemTimes

SOLD = "sold"
VISIT = "visit"
REFUND = "refund"
TRANSFER = "transfer"
EXPIRE = "expire"
KINDS = (SOLD, VISIT, REFUND, TRANSFER, EXPIRE)
# The compensating entry of each kind, written when HQ voided its event (app.services.voids).
VOIDS = {kind: f"void_{kind}" for kind in KINDS}
VOIDED_KIND = {void: kind for kind, void in VOIDS.items()}
# How each kind moves what the cards still owe in service (sold: +price; a visit, a refund,
# an expiry: −value; the void of each the opposite).
LIABILITY_SIGN = {SOLD: 1, VISIT: -1, REFUND: -1, EXPIRE: -1, TRANSFER: 0}
LIABILITY_SIGN |= {VOIDS[k]: -sign for k, sign in list(LIABILITY_SIGN.items())}
_VOID_NAMESPACE = uuid.UUID("8f0c2e6a-5b1d-5e47-a3c9-1d72b4e09a61")


def void_entry_id(entry_id: str) -> str:
    """The id of the entry that takes back entry ``entry_id`` (one however often asked)."""
    return str(uuid.uuid5(_VOID_NAMESPACE, entry_id))


Times = dict[str, list[int]]  # item -> [paid, gift]


@dataclass(frozen=True)
class Entry:
    kind: str
    times: Mapping[str, tuple[int, int] | list[int]]
    value_fen: int = 0


def fold(
    product_code: str, sold_on: dt.date, valid_until: dt.date, entries: Iterable[Entry]
) -> CountCard:
    """The card its entries describe (the first must be ``sold``)."""
    card: CountCard | None = None
    for e in entries:
        if e.kind == SOLD:
            items = tuple(ItemTimes(code, int(p), int(g)) for code, (p, g) in e.times.items())
            card = CountCard(product_code, e.value_fen, sold_on, valid_until, items)
            continue
        if card is None:
            raise ValueError("a count card's first entry is its sale")
        kind, sign = VOIDED_KIND.get(e.kind, e.kind), -1 if e.kind in VOIDED_KIND else 1
        if kind == TRANSFER:
            continue
        if kind == SOLD:  # the sale voided: its times and its price go
            card = replace(
                card,
                price_paid_fen=card.price_paid_fen - e.value_fen,
                items=tuple(
                    replace(i, paid=i.paid - e.times.get(i.item_code, (0, 0))[0],
                            gift=i.gift - e.times.get(i.item_code, (0, 0))[1])
                    for i in card.items
                ),
                status=VOIDED,
            )  # fmt: skip
            continue
        items = []
        for i in card.items:
            p, g = (sign * int(n) for n in e.times.get(i.item_code, (0, 0)))
            if kind == VISIT:
                i = replace(i, paid_used=i.paid_used + p, gift_used=i.gift_used + g)
            elif kind == REFUND:
                i = replace(i, paid_refunded=i.paid_refunded + p, gift_refunded=i.gift_refunded + g)
            elif kind == EXPIRE:
                i = replace(i, paid_expired=i.paid_expired + p, gift_expired=i.gift_expired + g)
            items.append(i)
        card = replace(card, items=tuple(items))
        value = sign * e.value_fen
        if kind == VISIT:
            card = replace(card, recognised_fen=card.recognised_fen + value)
        elif kind == REFUND:
            card = replace(card, refunded_fen=card.refunded_fen + value)
        elif kind == EXPIRE:
            card = replace(card, breakage_fen=card.breakage_fen + value)
        if kind in (REFUND, EXPIRE) and card.status != VOIDED:
            # A refund or an expiry closes the card; its void opens it again.
            closed = REFUNDED if kind == REFUND else EXPIRED
            card = replace(card, status=closed if sign > 0 else ACTIVE)
    if card is None:
        raise ValueError("a count card's first entry is its sale")
    return card


def granted(card: CountCard) -> Times:
    """A new card's times, for its ``sold`` entry."""
    return {i.item_code: [i.paid, i.gift] for i in card.items}


def left(card: CountCard) -> Times:
    """The times a refund or an expiry ends."""
    return {i.item_code: [i.paid_left, i.gift_left] for i in card.items if i.left}


def taken(visit_taken: Iterable[tuple[str, int, int]]) -> Times:
    return {code: [paid, gift] for code, paid, gift in visit_taken}


def conserved(card: CountCard) -> bool:
    """paid + gift = used + remaining + refunded + expired per item, and the price paid =
    recognised + refunded + breakage + liability."""
    for i in card.items:
        for granted_, used, refunded, expired, remaining in (
            (i.paid, i.paid_used, i.paid_refunded, i.paid_expired, i.paid_left),
            (i.gift, i.gift_used, i.gift_refunded, i.gift_expired, i.gift_left),
        ):
            if min(used, refunded, expired, remaining) < 0:
                return False
            if granted_ != used + refunded + expired + remaining:
                return False
    total = card.recognised_fen + card.refunded_fen + card.breakage_fen + card.liability_fen
    return card.liability_fen >= 0 and total == card.price_paid_fen


__all__ = [
    "EXPIRED",
    "REFUNDED",
    "VOIDED",
    "Entry",
    "conserved",
    "fold",
    "granted",
    "left",
    "taken",
]
