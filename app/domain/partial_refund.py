"""Partial refunds of a cart sale: chosen lines and quantities, exactly by the allocation.

A sold line carries its price after every discount as *parts* — the value of the points it
was paid with (``points``) and its share of each tender (``cash``, ``stored_value.principal``,
...) — and its share of the points redeemed and earned (:func:`sold_lines`).

Refunding ``m`` of a line's ``n`` units when ``k`` were refunded before gives back, of each
figure ``a`` (the line's value, points redeemed, points earned),
``floor(a × (k + m) / n) − what earlier refunds gave back``: never more than was sold, the
same whatever the sequence of refunds, and the last refund of the line takes the remainder.
The value given back is split over the parts still unrefunded by the largest remainder
(:func:`app.domain.allocation.allocate`), in the order the parts were recorded; when the last
unit goes every part comes back to the fen. The money given back (value less points) is
also the cumulative spend to reverse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.domain.allocation import allocate
from app.domain.cart import POINTS_COLUMN, PricedCart
from app.domain.errors import RuleError, ValidationError

STORED_VALUE_PREFIX = "stored_value"


@dataclass(frozen=True)
class SoldLine:
    index: int
    quantity: int
    parts: Mapping[str, int]  # POINTS_COLUMN and the tender parts; they sum to its value
    points_used: int
    points_earned: int

    @property
    def value_fen(self) -> int:
        return sum(self.parts.values())


@dataclass(frozen=True)
class RefundLine:
    index: int
    quantity: int
    parts: Mapping[str, int]
    points_used: int  # redeemed points to give back
    points_earned: int  # earned points to take back

    @property
    def value_fen(self) -> int:
        return sum(self.parts.values())

    @property
    def money_fen(self) -> int:
        """Money back by the tenders; also the cumulative spend to reverse."""
        return self.value_fen - self.parts.get(POINTS_COLUMN, 0)


@dataclass(frozen=True)
class Refund:
    lines: tuple[RefundLine, ...]
    remaining: Mapping[int, int]  # line index → quantity still refundable after this refund

    def part(self, key: str) -> int:
        return sum(line.parts.get(key, 0) for line in self.lines)

    @property
    def parts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for line in self.lines:
            for key, v in line.parts.items():
                out[key] = out.get(key, 0) + v
        return out

    @property
    def money_fen(self) -> int:
        return sum(line.money_fen for line in self.lines)

    @property
    def stored_value_fen(self) -> int:
        return sum(v for k, v in self.parts.items() if k.startswith(STORED_VALUE_PREFIX))

    @property
    def points_used(self) -> int:
        return sum(line.points_used for line in self.lines)

    @property
    def points_earned(self) -> int:
        return sum(line.points_earned for line in self.lines)


def sold_lines(cart: PricedCart, payment: Sequence[Mapping[str, int]]) -> tuple[SoldLine, ...]:
    """The lines of a priced cart with how each was paid (``cart.allocate_payment``)."""
    if len(payment) != len(cart.lines):
        raise ValueError("one payment row per line")
    return tuple(
        SoldLine(line.index, line.quantity, dict(parts), line.points_used, line.points_earned)
        for line, parts in zip(cart.lines, payment, strict=True)
    )


def remaining_quantities(
    sold: Sequence[SoldLine], earlier: Iterable[RefundLine] = ()
) -> dict[int, int]:
    """Line index → quantity not yet refunded."""
    left = {line.index: line.quantity for line in sold}
    for r in earlier:
        if r.index not in left:
            raise ValueError(f"an earlier refund names line {r.index}, which was not sold")
        left[r.index] -= r.quantity
        if left[r.index] < 0:
            raise ValueError(f"earlier refunds of line {r.index} exceed what was sold")
    return left


def refund_lines(
    sold: Sequence[SoldLine], earlier: Iterable[RefundLine], request: Mapping[int, int]
) -> Refund:
    """Refund ``request`` (line index → quantity) given the sale and its earlier refunds."""
    earlier = list(earlier)
    left = remaining_quantities(sold, earlier)
    if not request or not any(request.values()):
        raise ValidationError("refund_nothing")
    by_index = {line.index: line for line in sold}
    out = []
    for index, quantity in sorted(request.items()):
        if index not in by_index:
            raise ValidationError("refund_line_unknown", line=index + 1)
        if quantity < 0:
            raise ValidationError("refund_quantity_invalid", line=index + 1, value=quantity)
        if quantity > left[index]:
            raise RuleError("refund_quantity_over", line=index + 1, remaining=left[index])
        if quantity:
            before = [r for r in earlier if r.index == index]
            out.append(_refund_line(by_index[index], before, quantity))
            left[index] -= quantity
    return Refund(tuple(out), left)


def _refund_line(line: SoldLine, before: Sequence[RefundLine], quantity: int) -> RefundLine:
    done = sum(r.quantity for r in before)
    upto = done + quantity

    def back(total: int, given: int) -> int:
        if not (0 <= given <= total):
            raise ValueError(f"earlier refunds of line {line.index} exceed what was sold")
        return max(0, total * upto // line.quantity - given)

    given_parts = {k: sum(r.parts.get(k, 0) for r in before) for k in line.parts}
    unrefunded = [line.parts[k] - given_parts[k] for k in line.parts]
    if any(u < 0 for u in unrefunded):
        raise ValueError(f"earlier refunds of line {line.index} exceed what was sold")
    value = back(line.value_fen, sum(given_parts.values()))
    shares = allocate(value, unrefunded)
    return RefundLine(
        index=line.index,
        quantity=quantity,
        parts=dict(zip(line.parts, shares, strict=True)),
        points_used=back(line.points_used, sum(r.points_used for r in before)),
        points_earned=back(line.points_earned, sum(r.points_earned for r in before)),
    )
