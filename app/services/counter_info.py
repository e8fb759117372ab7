"""What the counter screen needs to show before an operation: rules, quotes' inputs, the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.errors import NotFoundError
from app.domain.rules import Rules, Tier
from app.services.context import CounterContext, load_rules
from app.services.ledger import usable_points
from app.services.security import Actor, Permission, require


@dataclass(frozen=True)
class CheckoutInfo:
    """Everything a checkout dialog needs to quote as the cashier types, without a round trip."""

    rules: Rules
    tier: Tier
    usable_points: int  # points in lots that have not expired
    principal_fen: int
    bonus_fen: int
    has_payment_password: bool


def current_rules(ctx: CounterContext) -> Rules:
    with ctx.reader() as uow:
        return load_rules(uow)


def checkout_info(ctx: CounterContext, actor: Actor, member_id: str) -> CheckoutInfo:
    require(actor, Permission.CHECKOUT)
    with ctx.reader() as uow:
        member = uow.member(member_id)
        if member is None:
            raise NotFoundError("member_not_found", query=member_id)
        rules = load_rules(uow)
        return CheckoutInfo(
            rules=rules,
            tier=rules.tier(member.tier_code),
            usable_points=usable_points(uow, member.id, ctx.business_date(uow)),
            principal_fen=member.principal_fen,
            bonus_fen=member.bonus_fen,
            has_payment_password=member.pay_password_hash is not None,
        )


def pending_events(ctx: CounterContext) -> int:
    """Outbox events not yet accepted by HQ."""
    with ctx.reader() as uow:
        return uow.pending_events()
