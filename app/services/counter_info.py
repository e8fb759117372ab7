"""What the counter screen needs to show before an operation: rules, quotes' inputs, the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.errors import NotFoundError
from app.domain.rules import Rules, Tier
from app.services import printing
from app.services.context import CounterContext, load_rules
from app.services.ledger import usable_points
from app.services.security import Actor, Permission, require
from app.services.settings import printer_settings


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


@dataclass(frozen=True)
class CounterStatus:
    """What the status bar shows besides the store and the cashier."""

    pending_events: int  # outbox events HQ has not accepted yet
    printer_configured: bool
    printer_address: str
    jobs_waiting: int  # receipts queued or being retried
    jobs_failed: int  # receipts given up on until someone retries them


def counter_status(ctx: CounterContext) -> CounterStatus:
    settings = printer_settings(ctx)
    waiting = printing.list_jobs(ctx, states=(printing.QUEUED, printing.PRINTING), limit=1000)
    failed = printing.list_jobs(ctx, states=(printing.FAILED,), limit=1000)
    return CounterStatus(
        pending_events=pending_events(ctx),
        printer_configured=settings.configured,
        printer_address=settings.address,
        jobs_waiting=len(waiting),
        jobs_failed=len(failed),
    )
