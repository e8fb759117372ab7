"""The counter's service context: where its database is, what time it is, how it hashes."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from app.domain import business_day
from app.domain.errors import ClockError, RuleError
from app.domain.rules import Rules
from app.persistence.db import DB_FILENAME, Database
from app.persistence.reader import Reader
from app.persistence.uow import UnitOfWork
from app.ports import ChainSales, Clock, PayPasswordAuthority, SystemClock
from app.private_files import private_dir, private_file, tighten_tree
from app.services.hashing import Hasher

# How far the clock may seem to go back (an NTP correction) before operations are refused.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)


@dataclass
class CounterContext:
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    hasher: Hasher = field(default_factory=Hasher)
    data_dir: Path | None = None
    # Where a payment password whose verifier is not here is checked (HQ, when enrolled).
    pay_passwords: PayPasswordAuthority | None = None
    # Where a sale made at another store or counter is read to refund it here (HQ).
    chain_sales: ChainSales | None = None

    def uow(self) -> UnitOfWork:
        """A write unit of work (BEGIN IMMEDIATE)."""
        return self.db.uow()

    def reader(self) -> UnitOfWork:
        """A read-only unit of work (deferred BEGIN, never takes the write lock)."""
        return self.db.reader()

    def lookup(self) -> Reader:
        """Read-only lookups without an ORM session: the scan box's hot path."""
        return self.db.lookup()

    def now(self) -> dt.datetime:
        """Current UTC time as stored in the database (naive UTC)."""
        return self.clock.now().astimezone(dt.UTC).replace(tzinfo=None)

    def local_date(self, uow: UnitOfWork | Reader) -> dt.date:
        """The store's local calendar date (Asia/Shanghai unless the store says otherwise)."""
        return self.local_now(uow).date()

    def local_now(self, uow: UnitOfWork | Reader) -> dt.datetime:
        store = uow.store()
        return self.clock.now().astimezone(ZoneInfo(store.timezone if store else "Asia/Shanghai"))

    def day_start(self, uow: UnitOfWork | Reader) -> dt.time:
        """The store's business-day start (营业日切换时间, default 04:00)."""
        return business_day.stored_day_start(uow.business_day_marks()[1])

    def clock_date(self, uow: UnitOfWork | Reader) -> dt.date:
        """The business date by the clock alone: the local date, less a day before the store's
        day-start time (01:30 belongs to the day before)."""
        return business_day.clock_date(self.local_now(uow), self.day_start(uow))

    def business_date(self, uow: UnitOfWork | Reader) -> dt.date:
        """The date an operation is dated into: the clock's business date, or, once that date
        has been closed (日结), the next date at once (app.domain.business_day).

        This is the one place every dated write asks for its date, so it is also the
        one place the daily close's lock is kept: nothing is dated into a closed date (and
        should one be asked for, a write unit of work refuses it before anything is
        written). It is also where the clock is held to never running backwards: see
        check_clock.
        """
        by_clock = self.clock_date(uow)
        last_closed = uow.business_day_marks()[0]
        today = business_day.business_date(by_clock, last_closed)
        if isinstance(uow, UnitOfWork) and uow.writable:
            self.check_clock(uow, by_clock)
            if uow.day_closed(today):
                raise RuleError("day_closed", date=today.isoformat())
        return today

    def check_clock(self, uow: UnitOfWork, today: dt.date) -> None:
        """Refuse a clock set back: earlier than the last operation by more than
        CLOCK_TOLERANCE, or with a business date (by the clock, ``today``) before the last
        closed one: a date is closed only once the clock has reached it. The refusal is
        audited (after this unit of work rolls back) and tells the cashier to fix the clock."""
        last_at, last_closed = uow.clock_marks()
        now = self.now()
        behind = last_at is not None and now < last_at - CLOCK_TOLERANCE
        before_close = last_closed is not None and today < last_closed
        if not (behind or before_close):
            return
        store = uow.store()
        tz = ZoneInfo(store.timezone if store else "Asia/Shanghai")

        def local(at: dt.datetime) -> str:
            return f"{at.replace(tzinfo=dt.UTC).astimezone(tz):%Y-%m-%d %H:%M}"

        facts = {
            "clock": local(now),
            "last_operation": local(last_at) if last_at else None,
            "last_closed": last_closed.isoformat() if last_closed else None,
        }
        uow.after_rollback(lambda: _audit_clock(self, facts))
        if behind and last_at is not None:
            raise ClockError("clock_behind", now=facts["clock"], last=facts["last_operation"])
        raise ClockError("clock_before_close", today=today.isoformat(), closed=facts["last_closed"])

    def close(self) -> None:
        self.db.dispose()


def _audit_clock(ctx: CounterContext, facts: dict[str, str | None]) -> None:
    from app.services.recording import record  # recording imports this module

    with ctx.uow() as uow:
        record(ctx, uow, None, action="clock.behind", entity="clock", entity_id=None,
               before=None, after=facts, event_type=None, payload={})  # fmt: skip
        uow.commit()


def open_counter(
    data_dir: Path, *, clock: Clock | None = None, hasher: Hasher | None = None
) -> CounterContext:
    """Open (creating and migrating as needed) the counter database in ``data_dir``.

    The data directory is the owner's only (0700, its files 0600): it holds full phone
    numbers and the hashes of short PINs. Anything found wider is tightened, with a log line.
    """
    private_dir(data_dir)
    tighten_tree(data_dir)
    return CounterContext(
        db=Database(private_file(data_dir / DB_FILENAME)),
        clock=clock or SystemClock(),
        hasher=hasher or Hasher(),
        data_dir=data_dir,
    )


@functools.lru_cache(maxsize=8)
def _parse_rules(rules_json: str) -> Rules:
    return Rules.from_dict(json.loads(rules_json))


def load_rules(uow: UnitOfWork | Reader) -> Rules:
    """The store's rules (parsed once per distinct JSON text; Rules is immutable)."""
    store = uow.store()
    if store is None:
        raise RuleError("store_not_initialised")
    return _parse_rules(store.rules_json)
