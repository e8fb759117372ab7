"""What the counter screen needs to show before an operation: rules, quotes' inputs, the outbox."""

from __future__ import annotations

import datetime as dt
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
            has_payment_password=(
                member.pay_password_hash is not None or member.pay_password_at_hq
            ),
        )


@dataclass(frozen=True)
class BusinessDay:
    """The date operations go into now, beside the calendar's (they differ before the day's
    start time, and after a daily close until the next date starts)."""

    business_date: dt.date
    calendar_date: dt.date
    clock_date: dt.date  # the business date by the clock alone (the day before, before 04:00)
    day_start: dt.time

    @property
    def differs(self) -> bool:
        return self.business_date != self.calendar_date

    @property
    def started(self) -> bool:
        """False after a daily close, until the next date's start time: the date closed last
        is then ``clock_date`` and the next one cannot be closed yet."""
        return self.business_date <= self.clock_date


def business_day_now(ctx: CounterContext) -> BusinessDay:
    with ctx.reader() as uow:
        return BusinessDay(
            business_date=ctx.business_date(uow),
            calendar_date=ctx.local_date(uow),
            clock_date=ctx.clock_date(uow),
            day_start=ctx.day_start(uow),
        )


def free_disk_bytes(ctx: CounterContext) -> int | None:
    try:
        return shutil.disk_usage(ctx.db.path.parent).free
    except OSError:
        return None


@dataclass(frozen=True)
class CounterStatus:
    """What the status bar shows besides the store and the cashier."""

    pending_events: int  # outbox events HQ has not accepted yet
    printer_configured: bool
    printer_address: str
    jobs_waiting: int  # receipts queued or being retried
    jobs_failed: int  # receipts given up on until someone retries them
    free_bytes: int | None = None  # free space on the database's disk (None: unknown)
    day: BusinessDay | None = None


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
        day=business_day_now(ctx),
    )
