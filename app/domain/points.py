"""Points lots: expiry dates and oldest-first consumption."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.domain.errors import RuleError


@dataclass(frozen=True)
class LotBalance:
    lot_id: str
    remaining: int
    expires_on: dt.date


def expiry_for(earned_on: dt.date) -> dt.date:
    """Points expire at the end of the calendar year after the year they were earned."""
    return dt.date(earned_on.year + 1, 12, 31)


def consume_oldest(lots: Iterable[LotBalance], points: int) -> list[tuple[str, int]]:
    """Take ``points`` from the lots that expire first; [(lot_id, taken), ...]."""
    ordered: Sequence[LotBalance] = sorted(
        (lot for lot in lots if lot.remaining > 0), key=lambda lot: (lot.expires_on, lot.lot_id)
    )
    available = sum(lot.remaining for lot in ordered)
    if points > available:
        raise RuleError("points_insufficient", balance=available, points=points)
    taken: list[tuple[str, int]] = []
    left = points
    for lot in ordered:
        if left == 0:
            break
        n = min(lot.remaining, left)
        taken.append((lot.lot_id, n))
        left -= n
    return taken
