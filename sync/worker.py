"""The background sync worker: its own thread and its own database connection.

It runs a sync round every ``interval`` seconds (or at once when triggered),
backs off exponentially while HQ is unreachable, and never holds the
database longer than one short transaction, so the cashier is never blocked.
Listeners get a :class:`SyncStatus` after every round (on the worker thread: a
UI bridges it to its own thread).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.ports import Clock
from app.services import syncstate
from app.services.context import CounterContext, open_counter
from app.services.syncstate import SyncStatus
from sync.config import load_config

if TYPE_CHECKING:
    from sync.client import HQClient

# The HTTP client (requests, pydantic) loads in the worker's thread when the counter is
# enrolled: a window that never talks to HQ does not pay for it at start.

log = logging.getLogger("member_counter.sync")

Listener = Callable[[SyncStatus], None]


def backoff_delay(failures: int, base: float, maximum: float, rng: random.Random) -> float:
    """Exponential backoff with jitter: base, 2×base, 4×base … up to ``maximum``."""
    if failures <= 0:
        return base
    return min(maximum, base * 2 ** (failures - 1)) * rng.uniform(0.5, 1.0)


class SyncWorker:
    def __init__(
        self,
        data_dir: Path,
        *,
        clock: Clock | None = None,
        interval: float = 15.0,
        retry_base: float = 2.0,
        retry_max: float = 300.0,
        timeout: float | tuple[float, float] = (5.0, 30.0),
    ) -> None:
        self.data_dir = Path(data_dir)
        self.clock = clock
        self.interval = interval
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.timeout = timeout
        self.failures = 0
        self.rounds = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._status: SyncStatus | None = None
        self._thread: threading.Thread | None = None
        self._rng = random.Random()

    # -- what the window reads -----------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    @property
    def status(self) -> SyncStatus | None:
        with self._lock:
            return self._status

    # -- control ----------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="sync-worker", daemon=True)
        self._thread.start()

    def trigger(self) -> None:
        """Run a round now (e.g. after a sale, or the cashier pressed 同步)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    # -- the thread ---------------------------------------------------------
    def _run(self) -> None:
        ctx = open_counter(self.data_dir, clock=self.clock)
        client: HQClient | None = None
        try:
            while not self._stop.is_set():
                delay = self.interval
                config = load_config(self.data_dir)
                if config is not None:
                    if client is None or client.config != config:
                        from sync.client import HQClient

                        client = HQClient(config, timeout=self.timeout, data_dir=self.data_dir)
                    delay = self.run_round(ctx, client)
                self._publish(ctx)
                self._wake.wait(delay)
                self._wake.clear()
        finally:
            if client is not None:
                client.close()
            ctx.close()

    def run_round(self, ctx: CounterContext, client: HQClient) -> float:
        """One round; returns how long to wait before the next."""
        from sync.client import SyncError
        from sync.engine import sync_once

        self.rounds += 1
        try:
            sync_once(ctx, client)
        except SyncError as exc:
            self.failures += 1
            log.warning("sync failed (%s), retry %d", exc.kind, self.failures)
            return backoff_delay(self.failures, self.retry_base, self.retry_max, self._rng)
        except Exception:  # keep the worker alive whatever happened; the status says it
            self.failures += 1
            log.exception("sync round failed")
            syncstate.record_result(ctx, "unexpected error, see the log")
            return backoff_delay(self.failures, self.retry_base, self.retry_max, self._rng)
        self.failures = 0
        return self.interval

    def _publish(self, ctx: CounterContext) -> None:
        status = syncstate.status(ctx)
        with self._lock:
            self._status = status
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(status)
            except Exception:
                log.exception("sync listener failed")
