"""What every screen and dialog of a signed-in window shares: the counter, its ops, the cashier.

The counter (``ctx``) may still be opening when the window first shows: ``ui/main.py`` shows
the sign-in screen from a peek at the store and opens the core on the database worker, whose
first job that is. Every operation runs on that same worker, after it, so an operation asked
for early simply waits its turn; ``ctx`` read on any thread waits for the opening too.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.ports import Clock, SystemClock
from ui.hardware import Devices, SyncLink

if TYPE_CHECKING:
    from app.domain.store import StoreInfo
    from app.services.context import CounterContext
    from app.services.counter_info import BusinessDay
    from app.services.security import Actor
    from ui.ops import TaskManager


class Session:
    def __init__(
        self,
        ctx: CounterContext | None = None,
        tasks: TaskManager | None = None,
        store: StoreInfo | None = None,
        actor: Actor | None = None,
        devices: Devices | None = None,
        sync: SyncLink | None = None,
        *,
        opening: Future[CounterContext] | None = None,
    ) -> None:
        if (ctx is None) == (opening is None):
            raise ValueError("a session needs its counter, or the future that opens it")
        if tasks is None:
            raise ValueError("a session needs its task manager")
        self._ctx = ctx
        self._opening = opening
        self.tasks = tasks
        self.store = store
        self.actor = actor
        self.devices = devices or Devices()
        self.sync = sync or SyncLink()
        # The business date as the status bar last read it (None: not read yet).
        self.business_day: BusinessDay | None = None

    @property
    def ctx(self) -> CounterContext:
        """The open counter; waits for it (and raises its failure) while it is opening."""
        if self._ctx is None:
            assert self._opening is not None
            self._ctx = self._opening.result()
        return self._ctx

    @ctx.setter
    def ctx(self, ctx: CounterContext) -> None:
        self._ctx, self._opening = ctx, None

    @property
    def opened(self) -> bool:
        """Whether the counter is open (reading ``ctx`` would not wait)."""
        opening = self._opening
        if self._ctx is None and opening is not None and opening.done() and not opening.exception():
            self._ctx = opening.result()
        return self._ctx is not None

    def _clock(self) -> Clock:
        return self.ctx.clock if self.opened else SystemClock()

    def today(self) -> dt.date:
        """The store's business date, as last read (every few seconds, by the status bar); the
        calendar date until it has been read."""
        if self.business_day is not None:
            return self.business_day.business_date
        return self.calendar_date()

    def calendar_date(self) -> dt.date:
        """The store's local calendar date (what times such as the audit log's are dated by)."""
        tz = ZoneInfo(self.store.timezone if self.store else "Asia/Shanghai")
        return self._clock().now().astimezone(tz).date()

    def report_day(self) -> dt.date:
        """The date the Z report opens on: the business date, or just after a daily close
        (until the next date starts) the date closed, whose report is the one to reprint."""
        day = self.business_day
        if day is not None and not day.started:
            return day.clock_date
        return self.today()

    def local(self, at: dt.datetime) -> dt.datetime:
        """A stored time (naive UTC) as the store's local time."""
        tz = ZoneInfo(self.store.timezone if self.store else "Asia/Shanghai")
        return at.replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None)

    @property
    def cashier(self) -> Actor:
        if self.actor is None:
            raise RuntimeError("nobody is signed in")
        return self.actor
