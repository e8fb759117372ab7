"""Real hardware, run by hand at a counter: ``MEMBER_COUNTER_HARDWARE=1`` plus

- ``MEMBER_COUNTER_HW_PRINTER=ADDRESS`` (e.g. ``usb:0416:5011``, ``tcp:192.168.1.87:9100``),
  optionally ``MEMBER_COUNTER_HW_ENCODING``, ``MEMBER_COUNTER_HW_WIDTH``,
  ``MEMBER_COUNTER_HW_PROFILE``: prints the test page and a sample receipt; look at the paper;
- ``MEMBER_COUNTER_HW_SCANNER=PORT`` (e.g. ``/dev/ttyACM0``, ``COM4``): scan any code within
  30 seconds;
- ``MEMBER_COUNTER_HW_DISPLAY=PORT``: the pole display shows two lines.

Without ``MEMBER_COUNTER_HARDWARE=1`` these are deselected (tests/devices/conftest.py): CI has
no printer. Asked for but not configured, they fail rather than pass silently.
"""

from __future__ import annotations

import os
import queue

import pytest

from app.domain.receipt import Columns, Cut, Qr, Receipt, Rule, Text
from app.services.settings import PrinterSettings
from devices import transports
from devices.escpos_printer import EscposReceiptPrinter
from devices.pole_display import PoleDisplay
from devices.serial_scanner import SerialScanner

pytestmark = pytest.mark.hardware


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"set {name} to run this hardware test")
    return value


def test_real_printer_prints_the_test_page_and_a_receipt() -> None:
    settings = PrinterSettings(
        address=_env("MEMBER_COUNTER_HW_PRINTER"),
        encoding=os.environ.get("MEMBER_COUNTER_HW_ENCODING", "GB18030"),
        width=int(os.environ.get("MEMBER_COUNTER_HW_WIDTH", "80")),
        profile=os.environ.get("MEMBER_COUNTER_HW_PROFILE", "default"),
        enabled=True,
    ).checked()
    transports.check_profile(settings.profile)
    printer = EscposReceiptPrinter(settings)
    data = printer.print_test_page()
    assert data
    printer.print_document(
        Receipt(
            (
                Text("硬件测试门店", align="center", bold=True, double_width=True),
                Rule(),
                Columns("合计 Total 3件", "¥1,234.50"),
                Qr("MC1.S.886000000010.HARDWARETEST0000"),
                Cut(),
            )
        ),
        open_drawer=True,
    )


def test_real_serial_scanner_reads_a_scan() -> None:
    scans: queue.Queue[str] = queue.Queue()
    with SerialScanner(_env("MEMBER_COUNTER_HW_SCANNER"), scans.put):
        print("\nScan any barcode or QR code within 30 seconds...")
        assert scans.get(timeout=30)


def test_real_pole_display_shows_two_lines() -> None:
    display = PoleDisplay.open(_env("MEMBER_COUNTER_HW_DISPLAY"))
    try:
        display.show_due(12_345)
    finally:
        display.close()
