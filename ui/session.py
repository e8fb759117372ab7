"""What every screen and dialog of a signed-in window shares: the counter, its ops, the cashier."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from app.services.context import CounterContext
from app.services.security import Actor
from app.services.store import StoreInfo
from ui.hardware import Devices, SyncLink
from ui.ops import TaskManager


@dataclass
class Session:
    ctx: CounterContext
    tasks: TaskManager
    store: StoreInfo | None
    actor: Actor | None = None
    devices: Devices = field(default_factory=Devices)
    sync: SyncLink = field(default_factory=SyncLink)

    def today(self) -> dt.date:
        """The store's business date."""
        return (
            self.ctx.clock.now()
            .astimezone(ZoneInfo(self.store.timezone if self.store else "Asia/Shanghai"))
            .date()
        )

    def local(self, at: dt.datetime) -> dt.datetime:
        """A stored time (naive UTC) as the store's local time."""
        tz = ZoneInfo(self.store.timezone if self.store else "Asia/Shanghai")
        return at.replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None)

    @property
    def cashier(self) -> Actor:
        if self.actor is None:
            raise RuntimeError("nobody is signed in")
        return self.actor
