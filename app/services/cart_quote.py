"""What the cart screen needs to price a cart as the cashier scans, without a round trip.

The screen prices every change itself with :func:`app.domain.cart.price_cart` from what
these functions read once: the rules and the cashier's price limits (:func:`cart_rules`),
and each item as a cart line of quantity 1 (:func:`cart_item`, :func:`cart_items`). The sale
itself (:func:`app.services.sale.sell`) prices the cart again in its own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.domain.cart import CartLine, OrderDiscount, PriceChange, PricedCart, price_cart
from app.domain.catalogue import lookup_forms
from app.domain.coupons import CouponUse
from app.domain.held import CartDraft, DraftLine
from app.domain.price_limits import OverLimit, PriceLimits, limits_for, over_limits
from app.domain.rules import Rules
from app.persistence import catalogue_store
from app.services.context import CounterContext, load_rules
from app.services.held import draft_lines
from app.services.security import Actor, Permission, require


@dataclass(frozen=True)
class CartItem:
    """One catalogue item as the cart prices it: ``line`` has quantity 1 and no change."""

    code: str
    name: str
    unit: str
    line: CartLine
    category: str | None = None  # what a coupon for some categories looks at

    def at(self, quantity: int, change: PriceChange | None = None) -> CartLine:
        return replace(self.line, quantity=quantity, price_change=change)


@dataclass(frozen=True)
class CartRules:
    rules: Rules
    limits: PriceLimits  # what the signed-in cashier may give alone


def cart_rules(ctx: CounterContext, actor: Actor) -> CartRules:
    require(actor, Permission.CHECKOUT)
    with ctx.reader() as uow:
        rules = load_rules(uow)
    return CartRules(rules, limits_for(actor.role, rules.extra))


def _items(ctx: CounterContext, codes: Sequence[str]) -> list[CartItem]:
    with ctx.reader() as uow:
        lines = draft_lines(uow, CartDraft(tuple(DraftLine(c, 1) for c in codes)))
        found = []
        for line in lines:
            row = catalogue_store.item_by_code(uow, line.item_code)
            assert row is not None
            found.append(CartItem(row.code, row.name, row.unit or "", line, row.category_code))
        return found


def cart_item(ctx: CounterContext, actor: Actor, scanned: str) -> CartItem | None:
    """The active item a scanned barcode or a typed item code belongs to, else None."""
    require(actor, Permission.CHECKOUT)
    forms = lookup_forms(scanned)
    if not forms:
        return None
    with ctx.reader() as uow:
        row = catalogue_store.item_by_barcode(uow, forms)
        if row is None:
            row = catalogue_store.item_by_code(uow, forms[-1])
        if row is None or not row.active:
            return None
        code = row.code
    return _items(ctx, [code])[0]


def cart_items(ctx: CounterContext, actor: Actor, codes: Sequence[str]) -> list[CartItem]:
    """The items of a recalled cart, in its order (an item gone since is refused)."""
    require(actor, Permission.CHECKOUT)
    return _items(ctx, codes)


def has_catalogue(ctx: CounterContext) -> bool:
    """Whether the store sells goods from its catalogue (F3 opens the cart) or only takes
    amounts (F3 opens the amount checkout)."""
    with ctx.reader() as uow:
        return catalogue_store.has_active_items(uow)


def price(
    cart_rules: CartRules,
    lines: Sequence[CartLine],
    tier_code: str | None,
    discount: OrderDiscount | None,
    rounding: str,
    points: int = 0,
    points_balance: int = 0,
    coupons: Sequence[CouponUse] = (),
) -> tuple[PricedCart, tuple[OverLimit, ...]]:
    """The cart priced as the sale will price it, and what of it needs a manager."""
    rules = cart_rules.rules
    tier = rules.tier(tier_code) if tier_code is not None else None
    cart = price_cart(rules, lines, tier, discount, rounding, points, points_balance, coupons)
    return cart, over_limits(cart_rules.limits, cart)
