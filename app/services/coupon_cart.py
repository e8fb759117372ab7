"""What the cart screen needs of coupons to price a cart as the sale will (app.services.sale
redeems them in its own transaction and checks them again there).

:func:`cart_wallet` lists the member's coupons that can be presented now (the member panel's
wallet and the cart's choice), :func:`cart_coupon` checks one code typed or scanned. Each
comes with its terms, so the screen prices the cart itself: :meth:`CartCoupon.use` names the
lines it covers (by item and category, as the sale does)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.coupons import CouponUse, Terms, display_code, eligible_lines, parse_code
from app.domain.errors import CounterError, ValidationError
from app.persistence import coupon_store
from app.services.context import CounterContext
from app.services.coupons import USABLE, presented, shown_state
from app.services.lookup import resolve_member
from app.services.security import Actor, Permission, require


@dataclass(frozen=True)
class CartCoupon:
    coupon_id: str
    code: str
    name: str
    terms: Terms
    valid_until: dt.date
    member_id: str | None  # None: a bearer coupon

    @property
    def shown_code(self) -> str:
        return display_code(self.code)

    @property
    def bearer(self) -> bool:
        return self.member_id is None

    def use(self, lines: Sequence[tuple[str, str | None]]) -> CouponUse:
        """The coupon on a cart of (item code, category) lines."""
        return CouponUse(self.coupon_id, self.code, self.terms, eligible_lines(self.terms, lines))


def looks_like_coupon(text: str) -> bool:
    """Whether ``text`` is a coupon's code (its check character matches), as scanned or typed."""
    try:
        parse_code(text)
    except ValidationError:
        return False
    return True


def cart_coupon(ctx: CounterContext, actor: Actor, member_id: str | None, text: str) -> CartCoupon:
    """The coupon ``text`` names, checked as the sale will (the member's own, usable now, here);
    a refusal (CounterError) in the user's language otherwise."""
    require(actor, Permission.CHECKOUT)
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, member_id) if member_id else None
        (p,) = presented(ctx, uow, member, [text], [])
        t = coupon_store.template(uow, p.row.template_id)
        name = t.name if t is not None else ""
        return CartCoupon(p.row.id, p.row.code, name, p.use.terms, p.row.valid_until,
                          p.row.member_id)  # fmt: skip


def cart_wallet(ctx: CounterContext, actor: Actor, member_id: str) -> list[CartCoupon]:
    """The member's coupons that can be presented now, soonest to expire first."""
    require(actor, Permission.CHECKOUT)
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, member_id)
        today = ctx.business_date(uow)
        out = []
        for row in coupon_store.coupons_of(uow, member.id):
            state = shown_state(coupon_store.state(uow, row.id), row.valid_until, today)
            if state != USABLE or row.valid_from > today:
                continue
            try:
                (p,) = presented(ctx, uow, member, [row.code], [])
            except CounterError:  # not here, not now: not offered
                continue
            t = coupon_store.template(uow, row.template_id)
            out.append(CartCoupon(row.id, row.code, t.name if t else "", p.use.terms,
                                  row.valid_until, row.member_id))  # fmt: skip
        out.sort(key=lambda c: (c.valid_until, c.code))
        return out
