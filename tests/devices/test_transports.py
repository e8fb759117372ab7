"""Printer transports by address: bytes arrive unchanged, failures are readable PrinterErrors."""

from __future__ import annotations

import os
import select
from pathlib import Path

import pytest

from app.ports import PrinterError
from devices import transports


def test_file_and_serial_transports_deliver_the_bytes(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4
    out = tmp_path / "out.bin"
    transports.send(f"file:{out}", data)
    assert out.read_bytes() == data

    master, slave = os.openpty()  # the test keeps the slave open: the pty outlives the send
    port = os.ttyname(slave)
    try:
        received = b""

        def drain() -> None:
            nonlocal received
            while select.select([master], [], [], 0.5)[0]:
                received += os.read(master, 4096)

        transports.send(f"serial:{port}?baudrate=19200", data[:200])
        drain()
        assert received == data[:200]
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.parametrize(
    "address",
    ["tcp:127.0.0.1:9", "serial:/dev/no-such-port", "file:/no/such/dir/x", "usb:0416:5011",
     "win:XP-80C"],
)  # fmt: skip
def test_an_unreachable_printer_is_a_printer_error(address: str) -> None:
    with pytest.raises(PrinterError) as exc:
        transports.send(address, b"x", timeout=1)
    assert str(exc.value).startswith("打印机无法打印:")
    assert address.split(":")[0] in str(exc.value)


def test_profiles_come_from_python_escpos() -> None:
    names = transports.profile_names()
    assert {"default", "TM-T88V", "POS-5890"} <= set(names)
    assert transports.check_profile("TM-T88V") == "TM-T88V"


def test_printer_discovery_never_fails() -> None:
    # No libusb and no Windows on a CI machine: empty lists, not errors. Each found printer
    # comes with an address the settings accept.
    from app.domain.printer_address import parse_printer_address

    for found in transports.usb_printers() + transports.windows_printers():
        assert parse_printer_address(found.address).kind in ("usb", "win")


def test_the_fake_printer_records_and_fails_on_demand() -> None:
    from app.domain.receipt import Receipt, Text
    from devices.fake import FakeDisplay, FakePrinter

    printer, doc = FakePrinter(), Receipt((Text("x"),))
    printer.print_document(doc, open_drawer=True)
    assert printer.printed == [(doc, True)]
    printer.failure = "out of paper"
    with pytest.raises(PrinterError, match="out of paper"):
        printer.print_document(doc)
    display = FakeDisplay()
    display.show_paid(15_000, 2_655)
    assert display.lines == ("PAID 150.00", "CHANGE 26.55")
