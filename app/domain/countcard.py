"""Count cards (次卡 / 计次卡 / 期限卡 / 套餐卡): times per service item, value per visit, refunds.

* A product has one or more items, each with paid times and gift times, a price and a
  validity: days from the day of sale (that day is day 1) or an end date.
* The value of a paid time is price paid ÷ paid times of the whole card, floored; the
  remainder goes to the last paid time used. Gift times carry no value.
* A visit takes an item's paid times first, then its gift times: the gift is the reward for
  using what was paid for, so a refund forfeits the unused gifts and the customer is never
  charged more than the value of the times they used.
* Refund of the unused times = price paid − value of the paid times used (each visit's
  recognised value), never below zero; all remaining times, paid and gift, end with it.
* After the last valid day the remaining times expire; the value not yet recognised is the
  store's (breakage).
* Conservation, per item and for the card: paid + gift = used + remaining + refunded +
  expired; in money: price paid = recognised + refunded + breakage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from app.domain.errors import RuleError, ValidationError
from app.domain.money import MAX_AMOUNT_FEN

ACTIVE = "active"
REFUNDED = "refunded"
EXPIRED = "expired"
VOIDED = "voided"  # HQ voided its sale (app.domain.countcard_ledger.VOIDS)
# A store's copy of a card given to a member that store does not hold (never a card's own state).
TRANSFERRED = "transferred"
MAX_TIMES = 10_000


@dataclass(frozen=True)
class CardItem:
    item_code: str
    times: int  # paid times
    gift_times: int = 0


@dataclass(frozen=True)
class CardProduct:
    code: str
    items: tuple[CardItem, ...]
    price_fen: int
    validity_days: int | None = None
    end_date: dt.date | None = None

    def __post_init__(self) -> None:
        codes = [i.item_code for i in self.items]
        if not self.items or len(set(codes)) != len(codes):
            raise ValidationError("countcard_product_invalid", detail="items")
        for i in self.items:
            if not (0 <= i.times <= MAX_TIMES and 0 <= i.gift_times <= MAX_TIMES):
                raise ValidationError("countcard_product_invalid", detail=i.item_code)
            if i.times + i.gift_times == 0:
                raise ValidationError("countcard_product_invalid", detail=i.item_code)
        if self.paid_times == 0:
            raise ValidationError("countcard_product_invalid", detail="paid times")
        if not (0 <= self.price_fen <= MAX_AMOUNT_FEN):
            raise ValidationError("countcard_product_invalid", detail="price")
        if (self.validity_days is None) == (self.end_date is None):
            raise ValidationError("countcard_product_invalid", detail="validity")
        if self.validity_days is not None and not (0 < self.validity_days <= 36600):
            raise ValidationError("countcard_product_invalid", detail="validity")

    @property
    def paid_times(self) -> int:
        return sum(i.times for i in self.items)

    @property
    def gift_times(self) -> int:
        return sum(i.gift_times for i in self.items)

    def valid_until(self, sold_on: dt.date) -> dt.date:
        """The last day the card can be used."""
        if self.end_date is not None:
            return self.end_date
        assert self.validity_days is not None
        return sold_on + dt.timedelta(days=self.validity_days - 1)


@dataclass(frozen=True)
class ItemTimes:
    """One item's times on a card; each count is paid or gift separately."""

    item_code: str
    paid: int
    gift: int
    paid_used: int = 0
    gift_used: int = 0
    paid_refunded: int = 0
    gift_refunded: int = 0
    paid_expired: int = 0
    gift_expired: int = 0

    @property
    def paid_left(self) -> int:
        return self.paid - self.paid_used - self.paid_refunded - self.paid_expired

    @property
    def gift_left(self) -> int:
        return self.gift - self.gift_used - self.gift_refunded - self.gift_expired

    @property
    def left(self) -> int:
        return self.paid_left + self.gift_left


@dataclass(frozen=True)
class CountCard:
    product_code: str
    price_paid_fen: int
    sold_on: dt.date
    valid_until: dt.date
    items: tuple[ItemTimes, ...]
    status: str = ACTIVE
    recognised_fen: int = 0  # value of the paid times used: revenue
    refunded_fen: int = 0
    breakage_fen: int = 0  # value that expired unused

    @property
    def paid_times(self) -> int:
        return sum(i.paid for i in self.items)

    @property
    def paid_used(self) -> int:
        return sum(i.paid_used for i in self.items)

    @property
    def liability_fen(self) -> int:
        """What the store still owes in service: paid for, not yet used, refunded or expired."""
        return self.price_paid_fen - self.recognised_fen - self.refunded_fen - self.breakage_fen

    def item(self, code: str) -> ItemTimes:
        for i in self.items:
            if i.item_code == code:
                return i
        raise ValidationError("countcard_item_unknown", item=code)


@dataclass(frozen=True)
class Visit:
    taken: tuple[tuple[str, int, int], ...]  # (item, paid times, gift times)
    value_fen: int  # revenue recognised by this visit


@dataclass(frozen=True)
class CardRefund:
    amount_fen: int
    paid_times: int
    gift_times: int


@dataclass(frozen=True)
class Expiry:
    paid_times: int
    gift_times: int
    breakage_fen: int


def sell(product: CardProduct, price_paid_fen: int, sold_on: dt.date) -> CountCard:
    """A new card; ``price_paid_fen`` is what the customer paid (the product's price, or less
    after a discount)."""
    if not (0 <= price_paid_fen <= MAX_AMOUNT_FEN):
        raise ValidationError("countcard_product_invalid", detail="price")
    until = product.valid_until(sold_on)
    if until < sold_on:
        raise RuleError("countcard_expired", date=until.isoformat())
    items = tuple(ItemTimes(i.item_code, i.times, i.gift_times) for i in product.items)
    return CountCard(product.code, price_paid_fen, sold_on, until, items)


def value_of_paid_times(price_fen: int, paid_times: int, used_before: int, used: int) -> int:
    """The value of paid times ``used_before + 1 .. used_before + used``: price ÷ paid times
    floored each, the remainder on the last one."""
    base, rest = divmod(price_fen, paid_times)
    value = base * used
    if used and used_before + used == paid_times:
        value += rest
    return value


def use(card: CountCard, uses: Mapping[str, int], on: dt.date) -> tuple[CountCard, Visit]:
    """One visit: ``uses`` maps items to times; each item's paid times go first."""
    _check_active(card, on)
    if not uses or any(t <= 0 for t in uses.values()):
        raise ValidationError("countcard_times_invalid")
    items = list(card.items)
    taken = []
    paid_total = 0
    for code, times in uses.items():
        current = card.item(code)
        if times > current.left:
            raise RuleError("countcard_times_insufficient", item=code, left=current.left)
        paid = min(times, current.paid_left)
        gift = times - paid
        i = items.index(current)
        items[i] = replace(
            current, paid_used=current.paid_used + paid, gift_used=current.gift_used + gift
        )
        taken.append((code, paid, gift))
        paid_total += paid
    value = value_of_paid_times(card.price_paid_fen, card.paid_times, card.paid_used, paid_total)
    new = replace(card, items=tuple(items), recognised_fen=card.recognised_fen + value)
    return new, Visit(tuple(taken), value)


def refund_unused(card: CountCard, on: dt.date) -> tuple[CountCard, CardRefund]:
    """Refund every remaining time: price paid − value of the paid times used, never below 0."""
    _check_active(card, on)
    amount = max(0, card.price_paid_fen - card.recognised_fen)
    items = tuple(
        replace(i, paid_refunded=i.paid_left, gift_refunded=i.gift_left) for i in card.items
    )
    paid = sum(i.paid_left for i in card.items)
    gift = sum(i.gift_left for i in card.items)
    new = replace(card, items=items, status=REFUNDED, refunded_fen=amount)
    return new, CardRefund(amount, paid, gift)


def expire(card: CountCard, on: dt.date) -> tuple[CountCard, Expiry]:
    """After the last valid day: the remaining times expire, their value is breakage."""
    if card.status == REFUNDED:
        raise RuleError("countcard_refunded")
    if card.status == EXPIRED:
        raise RuleError("countcard_expired", date=card.valid_until.isoformat())
    if on <= card.valid_until:
        raise RuleError("countcard_not_expired", date=card.valid_until.isoformat())
    items = tuple(
        replace(i, paid_expired=i.paid_left, gift_expired=i.gift_left) for i in card.items
    )
    paid = sum(i.paid_left for i in card.items)
    gift = sum(i.gift_left for i in card.items)
    breakage = card.liability_fen
    new = replace(card, items=items, status=EXPIRED, breakage_fen=breakage)
    return new, Expiry(paid, gift, breakage)


def remaining(card: CountCard) -> Sequence[tuple[str, int]]:
    """(item, times left) for the member panel and receipts."""
    return [(i.item_code, i.left) for i in card.items]


def _check_active(card: CountCard, on: dt.date) -> None:
    if card.status == REFUNDED:
        raise RuleError("countcard_refunded")
    if card.status == VOIDED:
        raise RuleError("countcard_voided")
    if card.status == EXPIRED or on > card.valid_until:
        raise RuleError("countcard_expired", date=card.valid_until.isoformat())
