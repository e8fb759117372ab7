"""What the counter screen needs to show before an operation: rules, quotes' inputs, the outbox."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from app.domain.errors import NotFoundError
from app.domain.rules import Rules, Tier
from app.services import printing, syncstate
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


@dataclass(frozen=True)
class CounterStatus:
    """What the status bar shows besides the store and the cashier."""

    pending_events: int  # outbox events HQ has not accepted yet
    printer_configured: bool
    printer_address: str
    jobs_waiting: int  # receipts queued or being retried
    jobs_failed: int  # receipts given up on until someone retries them
    free_bytes: int | None = None  # free space on the database's disk (None: unknown)


def free_disk_bytes(ctx: CounterContext) -> int | None:
    try:
        return shutil.disk_usage(ctx.db.path.parent).free
    except OSError:
        return None


def counter_status(ctx: CounterContext) -> CounterStatus:
    settings = printer_settings(ctx)
    jobs = printing.job_counts(ctx)
    return CounterStatus(
        free_bytes=free_disk_bytes(ctx),
        pending_events=syncstate.pending_count(ctx),
        printer_configured=settings.configured,
        printer_address=settings.address,
        jobs_waiting=jobs.get(printing.QUEUED, 0) + jobs.get(printing.PRINTING, 0),
        jobs_failed=jobs.get(printing.FAILED, 0),
    )
