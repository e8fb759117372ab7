"""Composition root of the window: the real devices behind ``ui.hardware.Devices``.

With ``ui/main.py`` this is the only part of ``ui`` that imports ``devices`` (an import
contract in pyproject.toml holds it to that).
"""

from __future__ import annotations

import logging
import threading

from app.ports import CustomerDisplay, PrinterError
from app.services.context import CounterContext
from app.services.settings import PrinterSettings, display_settings, scanner_settings
from devices import transports
from devices.escpos_printer import RenderOptions, render_test_page
from devices.pole_display import display_from_settings
from devices.print_queue import PrintQueueWorker
from devices.serial_scanner import SerialScanner, list_serial_ports, scanner_from_settings
from devices.wedge import WedgeDetector, detector_from_settings
from ui.hardware import DeviceEvents, Devices

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
            self.scanner = scanner_from_settings(
                scanner_settings(self.ctx),
                self.events.on_scan,
                on_state=self.events.on_scanner_state,
            )
            if self.scanner is not None:
                self.scanner.start()
            self._display = None
            try:
                self._display = display_from_settings(display_settings(self.ctx))
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
            serial_ports=lambda: [
                (p.device, f"{p.description} {p.vid_pid}".strip()) for p in list_serial_ports()
            ],
            display=self.display,
            close=self.close,
        )


def print_test_page(settings: PrinterSettings) -> None:
    """A line in every encoding, so the store can see which one its printer reads."""
    data = render_test_page(RenderOptions.of(settings))
    transports.send(settings.address, data)


def wedge_detector(ctx: CounterContext) -> tuple[WedgeDetector, float]:
    """The keyboard-wedge detector with this counter's timing; and its gap in seconds."""
    settings = scanner_settings(ctx)
    return detector_from_settings(settings), settings.max_gap_ms / 1000
