"""Composition root of the window: the real devices behind ``ui.hardware.Devices``.

With ``ui/main.py`` this is the only part of ``ui`` that imports ``devices`` (an import
contract in pyproject.toml holds it to that).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.domain.errors import CounterError
from app.domain.window import window_start
from app.ports import Clock, CustomerDisplay, PrinterError
from app.services.context import CounterContext
from app.services.history_window import OlderTxn
from app.services.security import Actor
from app.services.settings import PrinterSettings, display_settings, scanner_settings
from devices.print_queue import PrintQueueWorker
from devices.wedge import WedgeDetector, detector_from_settings
from sync.config import load_config
from sync.worker import SyncWorker
from ui.hardware import DeviceEvents, Devices, SyncEvents, SyncLink

if TYPE_CHECKING:
    from devices.serial_scanner import SerialScanner

# What only some counters use, or only later, loads when first used: pyserial with a serial
# scanner or display, python-escpos with the first print, the HTTP client with the first
# talk to HQ. The window's start needs none of them.

log = logging.getLogger(__name__)


class CounterDevices:
    """Starts the print worker, the serial scanner and the pole display the settings name."""

    def __init__(self, ctx: CounterContext, events: DeviceEvents | None = None) -> None:
        self.ctx = ctx
        self.events = events or DeviceEvents()
        self.worker = PrintQueueWorker(
            ctx, on_job=self.events.on_job, on_printer=self.events.on_printer
        )
        self.scanner: SerialScanner | None = None
        self._display: CustomerDisplay | None = None
        self._lock = threading.Lock()

    def start(self) -> CounterDevices:
        self.worker.start()
        self.reload()
        return self

    def reload(self) -> None:
        """(Re)open the serial scanner and the display from the current settings."""
        with self._lock:
            if self.scanner is not None:
                self.scanner.stop()
                self.scanner = None
            settings = scanner_settings(self.ctx)
            display = display_settings(self.ctx)
            if settings.serial_port or (display.enabled and display.address):
                from devices.pole_display import display_from_settings
                from devices.serial_scanner import scanner_from_settings
            else:  # neither is set up: pyserial need not load
                self._display = None
                return
            self.scanner = scanner_from_settings(
                settings,
                self.events.on_scan,
                on_state=self.events.on_scanner_state,
            )
            if self.scanner is not None:
                self.scanner.start()
            self._display = None
            try:
                self._display = display_from_settings(display)
            except PrinterError as exc:
                log.warning("customer display not available: %s", exc)

    def display(self) -> CustomerDisplay | None:
        return self._display

    def close(self) -> None:
        with self._lock:
            if self.scanner is not None:
                self.scanner.stop()
                self.scanner = None
        self.worker.stop()

    def as_devices(self) -> Devices:
        return Devices(
            events=self.events,
            wake_printer=self.worker.wake,
            reload=self.reload,
            test_page=print_test_page,
            serial_ports=serial_ports,
            display=self.display,
            close=self.close,
        )


def serial_ports() -> list[tuple[str, str]]:
    from devices.serial_scanner import list_serial_ports

    return [(p.device, f"{p.description} {p.vid_pid}".strip()) for p in list_serial_ports()]


def print_test_page(settings: PrinterSettings) -> tuple[bool, str]:
    """A line in every encoding, so the store can see which one its printer reads: whether
    the printer confirmed it (as receipt jobs are confirmed), and the words saying so (or why
    it cannot be confirmed). A printer that did not confirm raises PrintUnconfirmedError."""
    from devices.escpos_printer import send_test_page

    sent = send_test_page(settings)
    return sent.confirmed, sent.words


def wedge_detector(ctx: CounterContext) -> tuple[WedgeDetector, float]:
    """The keyboard-wedge detector with this counter's timing; and its gap in seconds."""
    settings = scanner_settings(ctx)
    return detector_from_settings(settings), settings.max_gap_ms / 1000


class CounterSync:
    """The background sync with HQ: its worker thread, online lookup and enrollment."""

    def __init__(
        self,
        ctx: CounterContext,
        *,
        clock: Clock | None = None,
        interval: float = 15.0,
        events: SyncEvents | None = None,
    ) -> None:
        assert ctx.data_dir is not None
        self.ctx = ctx
        self.data_dir = ctx.data_dir
        self.events = events or SyncEvents()
        self.worker = SyncWorker(self.data_dir, clock=clock, interval=interval)
        self.worker.add_listener(self.events.on_status)
        from sync.pay_passwords import HQPayPasswords

        # Stored value of another store's member with a payment password: HQ checks it.
        ctx.pay_passwords = HQPayPasswords(self.data_dir)
        from sync.chain_sales import HQChainSales

        # F7 with the 单号 of a sale made at another store or counter: read from HQ.
        ctx.chain_sales = HQChainSales(self.data_dir)

    def start(self) -> CounterSync:
        self.worker.start()
        return self

    def lookup(self, query: str) -> int:
        """Members HQ knows by ``query``, fetched here at once; -1 when HQ cannot be reached
        (or refuses), 0 when it finds no one."""
        config = load_config(self.data_dir)
        if config is None:
            return 0
        from sync.client import HQClient, SyncError
        from sync.engine import lookup_and_fetch

        client = HQClient(config, timeout=(3.0, 10.0))
        try:
            return len(lookup_and_fetch(self.ctx, client, query))
        except SyncError as exc:
            log.info("online lookup failed: %s", exc)
            return -1
        finally:
            client.close()

    def older_history(self, member_id: str) -> tuple[list[OlderTxn], bool]:
        """The member's transactions before the history window, as HQ has them (newest
        first, up to 200), and whether HQ has more; CounterError when HQ cannot answer."""
        config = load_config(self.data_dir)
        if config is None:
            raise CounterError("sync_not_enrolled")
        from sync.client import HQClient, SyncError

        with self.ctx.reader() as uow:
            since = window_start(self.ctx.local_date(uow))
            store = uow.store()
            tz = ZoneInfo(store.timezone if store else "Asia/Shanghai")
        client = HQClient(config, timeout=(3.0, 10.0))
        try:
            answer = client.history(member_id, since, limit=200)
        except SyncError as exc:
            raise CounterError("sync_failed", detail=str(exc)) from None
        finally:
            client.close()
        rows = [
            OlderTxn(at=x.created_at.replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None),
                     kind=x.type, store_code=x.store_code, principal_fen=x.principal_fen,
                     bonus_fen=x.bonus_fen, points=x.points)
            for x in answer.txns
        ]  # fmt: skip
        return rows, answer.has_more

    def full_phone(self, actor: Actor, member_id: str) -> str:
        """Another store's member's full number, asked of HQ for ``actor`` (who may see full
        numbers); never stored. CounterError when HQ cannot answer or refuses."""
        from app.services.phone_view import full_phone
        from sync.phones import HQPhones

        return full_phone(self.ctx, actor, member_id, HQPhones(self.data_dir).ask)

    def enroll(self, server_url: str, code: str, ca_bundle: str | None) -> None:
        from sync import enrollment
        from sync.client import SyncError

        try:
            enrollment.enroll(self.ctx, self.data_dir, server_url, code, ca_bundle=ca_bundle)
        except SyncError as exc:
            raise CounterError("sync_failed", detail=str(exc)) from None
        self.worker.trigger()

    def close(self) -> None:
        self.worker.stop()

    def as_link(self) -> SyncLink:
        return SyncLink(
            events=self.events,
            trigger=self.worker.trigger,
            lookup=self.lookup,
            enroll=self.enroll,
            older_history=self.older_history,
            full_phone=self.full_phone,
            close=self.close,
        )
