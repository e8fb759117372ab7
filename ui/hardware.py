"""The window's view of the counter's devices: Qt signals for their threads' events, and the
few controls the screens need. ``ui/wiring.py`` (the composition root) fills them in from
``devices``; tests fill them in with fakes. Nothing here imports ``devices``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:  # the sign-in screen shows before the core is imported (ui/main.py)
    from app.ports import CustomerDisplay
    from app.services.history_window import OlderTxn
    from app.services.printing import PrintJob
    from app.services.security import Actor
    from app.services.settings import PrinterSettings
    from app.services.syncstate import SyncStatus


class DeviceEvents(QObject):
    """Device threads call the plain methods; the window connects to the signals, which Qt
    delivers on the UI thread (Electrum's QtEventListener idea)."""

    job_changed = Signal(object)  # PrintJob
    printer_changed = Signal(bool, str)  # online, detail
    scanned = Signal(str)
    scanner_changed = Signal(str, str)  # state, detail

    def on_job(self, job: PrintJob) -> None:
        self.job_changed.emit(job)

    def on_printer(self, online: bool, detail: str | None) -> None:
        self.printer_changed.emit(online, detail or "")

    def on_scan(self, text: str) -> None:
        self.scanned.emit(text)

    def on_scanner_state(self, state: str, detail: str | None) -> None:
        self.scanner_changed.emit(state, detail or "")


def _nothing() -> None:
    return None


@dataclass
class Devices:
    """What the window asks of its devices. Every call is quick or runs on a device thread."""

    events: DeviceEvents = field(default_factory=DeviceEvents)
    wake_printer: Callable[[], None] = _nothing  # a job was queued: print it now
    reload: Callable[[], None] = _nothing  # settings changed: reopen scanner and display
    # Prints the test page: (whether the printer confirmed it, what to tell the person); or
    # raises PrinterError (PrintUnconfirmedError: its bytes went out, it may have printed).
    test_page: Callable[[PrinterSettings], tuple[bool, str]] | None = None
    serial_ports: Callable[[], list[tuple[str, str]]] = list  # (port, description)
    display: Callable[[], CustomerDisplay | None] = lambda: None
    close: Callable[[], None] = _nothing


class SyncEvents(QObject):
    """The sync worker's thread calls ``on_status``; the window gets ``status_changed``."""

    status_changed = Signal(object)  # SyncStatus

    def on_status(self, status: SyncStatus) -> None:
        self.status_changed.emit(status)


@dataclass
class SyncLink:
    """What the window asks of the sync with HQ (``ui/wiring.py`` fills it in)."""

    events: SyncEvents = field(default_factory=SyncEvents)
    trigger: Callable[[], None] = _nothing  # sync now (after a sale, or on request)
    # Find a member at HQ not held here, fetching them at once (how many; -1: HQ could not be
    # reached); runs on a worker thread.
    lookup: Callable[[str], int] | None = None
    # Enroll with HQ: (server URL, enrollment code, CA file or None); raises on refusal.
    enroll: Callable[[str, str, str | None], None] | None = None
    # A member's transactions older than this counter keeps, asked of HQ: (member id) ->
    # (rows newest first, whether HQ has more); raises CounterError; runs on a worker thread.
    older_history: Callable[[str], tuple[list[OlderTxn], bool]] | None = None
    # Another store's member's full number, asked of HQ for the signed-in staff: (staff,
    # member id) -> the number (never stored); raises CounterError; runs on a worker thread.
    full_phone: Callable[[Actor, str], str] | None = None
    close: Callable[[], None] = _nothing
