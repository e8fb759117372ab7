"""How far a role may lower a price alone (改价, 整单折扣, 抹零); beyond it, a manager approves.

Limits are per role, stored in the rules' ``extra["price_limits"]`` as
``{"cashier": {"max_line_change_bp": 1000, "max_order_discount_bp": 1000,
"max_rounding": "jiao"}}``; a key left out (or ``null``) is unlimited. A role missing from
the rules has the defaults below: a cashier may take 10 % off a line's price, 10 % off the
order and round off the jiao; a manager and an admin are unlimited.

A price change is measured against the price it replaces (after the member price or tier
discount); an order discount against the subtotal it applies to; 抹零 by the fen it drops
(rounding to the yuan that drops 0.05 is within a limit of "jiao"). Raising a price needs
no approval.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.cart import ROUNDING_UNITS, PricedCart
from app.domain.errors import ValidationError

LINE_CHANGE = "line_change"
ORDER_DISCOUNT = "order_discount"
ROUNDING = "rounding"


@dataclass(frozen=True)
class PriceLimits:
    max_line_change_bp: int | None = None  # None: unlimited
    max_order_discount_bp: int | None = None
    max_rounding: str | None = None  # "none", "jiao" or "yuan"; None: unlimited

    def __post_init__(self) -> None:
        for bp in (self.max_line_change_bp, self.max_order_discount_bp):
            if bp is not None and not (0 <= bp <= 10000):
                raise ValidationError("rules_invalid", detail="price limits")
        if self.max_rounding is not None and self.max_rounding not in ROUNDING_UNITS:
            raise ValidationError("rules_invalid", detail="price limits")


UNLIMITED = PriceLimits()
DEFAULT_LIMITS: Mapping[str, PriceLimits] = {
    "cashier": PriceLimits(
        max_line_change_bp=1000, max_order_discount_bp=1000, max_rounding="jiao"
    ),
    "manager": UNLIMITED,
    "admin": UNLIMITED,
}


@dataclass(frozen=True)
class OverLimit:
    """One reason a sale needs approval: what, on which line (order-wide: None), how much
    it asks and what the role may do alone (basis points; for 抹零, fen dropped)."""

    kind: str
    line: int | None
    asked: int
    allowed: int


def limits_for(role: str, extra: Mapping[str, Any] | None = None) -> PriceLimits:
    """The role's limits from the rules' ``extra`` (see the module docstring), or the default."""
    configured = (extra or {}).get("price_limits", {})
    if not isinstance(configured, Mapping):
        raise ValidationError("rules_invalid", detail="price limits")
    raw = configured.get(str(role))
    if raw is None:
        return DEFAULT_LIMITS.get(str(role), PriceLimits(0, 0, "none"))
    if not isinstance(raw, Mapping) or set(raw) - set(PriceLimits.__dataclass_fields__):
        raise ValidationError("rules_invalid", detail="price limits")
    return PriceLimits(**raw)


def over_limits(limits: PriceLimits, cart: PricedCart) -> tuple[OverLimit, ...]:
    """Everything in the priced cart beyond the role's limits; empty: no approval needed."""
    found = []
    if limits.max_line_change_bp is not None:
        cap = limits.max_line_change_bp
        for line in cart.lines:
            taken = line.member_fen - line.changed_fen
            if taken > 0 and taken * 10000 > cap * line.member_fen:
                found.append(OverLimit(LINE_CHANGE, line.index, _bp(taken, line.member_fen), cap))
    if limits.max_order_discount_bp is not None:
        cap = limits.max_order_discount_bp
        taken = cart.order_discount_fen
        if taken > 0 and taken * 10000 > cap * cart.subtotal_fen:
            found.append(OverLimit(ORDER_DISCOUNT, None, _bp(taken, cart.subtotal_fen), cap))
    if limits.max_rounding is not None:
        most = ROUNDING_UNITS[limits.max_rounding] - 1  # what that rounding can drop at most
        if cart.round_off_fen > most:
            found.append(OverLimit(ROUNDING, None, cart.round_off_fen, most))
    return tuple(found)


def needs_approval(limits: PriceLimits, cart: PricedCart) -> bool:
    return bool(over_limits(limits, cart))


def _bp(part: int, whole: int) -> int:
    """part / whole in basis points, rounded up (so 10.01 % never reads as 10 %)."""
    return -(-part * 10000 // whole)
