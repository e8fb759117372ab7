"""Printer transports by address string: python-escpos printers that only move bytes.

``usb:`` → escpos ``Usb``, ``tcp:`` → ``Network``, ``win:`` → ``Win32Raw``, ``file:`` →
``File``; ``serial:`` → :class:`SerialUrl`, which opens the port with pyserial's
``serial_for_url`` (so ``loop://`` and ``socket://`` work too). Every failure to reach the
printer comes out as :class:`app.ports.PrinterError` with a readable reason.

Printers that can answer (network, serial, USB) are asked for their real-time status (ESC/POS
``DLE EOT n``): for the paper sensor before a job (when the settings ask for it) and, to
confirm the job, after it. A job whose bytes went out but that the printer did not confirm —
the connection dropped or was reset, no answer came in time, the printer says it is offline —
is a :class:`app.ports.PrintUnconfirmedError`: it may have printed.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import Any

import serial
from escpos import printer as escpos_printers
from escpos.capabilities import CAPABILITIES
from escpos.constants import RT_MASK_NOPAPER, RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError

from app.domain.errors import ValidationError
from app.domain.messages import render
from app.domain.printer_address import ANSWERING, PrinterAddress, parse_printer_address
from app.ports import PrinterError, PrintUnconfirmedError

DEFAULT_TIMEOUT = 5.0
# A real-time status byte (DLE EOT n) has bit 1 and bit 4 set, bits 0 and 7 clear; the
# automatic status back (ASB) of some printers has bit 1 clear and is not taken for one.
_STATUS_BITS, _STATUS_FIXED = 0x93, 0x12
_OFFLINE = 0x08  # DLE EOT 1: offline (cover open, paper out, an error)


def profile_names() -> list[str]:
    """The printer profiles python-escpos knows (what a printer can do: cut, native QR, ...)."""
    return sorted(CAPABILITIES["profiles"])


def check_profile(name: str) -> str:
    if name not in CAPABILITIES["profiles"]:
        raise ValidationError("printer_profile_invalid", value=name)
    return name


class SerialUrl(Escpos):
    """A serial printer opened with ``serial.serial_for_url`` (a port name or a URL)."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, **options: Any) -> None:
        Escpos.__init__(self)
        self.url = url
        self.options = {"baudrate": 9600, **options}
        self.timeout = timeout
        self._device = False

    def open(self, raise_not_found: bool = True) -> None:
        # Errors (no such port, busy, bad options) are reported by open_transport.
        self.device = serial.serial_for_url(
            self.url, timeout=self.timeout, write_timeout=self.timeout, **self.options
        )

    def _raw(self, msg: bytes) -> None:
        assert self.device
        self.device.write(msg)  # type: ignore[attr-defined]
        self.device.flush()  # type: ignore[attr-defined]

    def _read(self) -> bytes:
        # What has arrived, once a byte has (read(16) would wait out the timeout for 16).
        assert self.device
        device: Any = self.device
        first = bytes(device.read(1))
        return first + bytes(device.read(device.in_waiting)) if first else first

    def close(self) -> None:
        if not self._device:
            return
        try:
            self._device.close()  # type: ignore[attr-defined]
        finally:
            self._device = False


def _transport(address: PrinterAddress, timeout: float, profile: str | None) -> Escpos:
    kw: dict[str, Any] = {"profile": profile} if profile else {}
    if address.kind == "usb":
        return escpos_printers.Usb(
            address.vendor_id, address.product_id, timeout=int(timeout * 1000), **kw
        )
    if address.kind == "tcp":
        return escpos_printers.Network(address.target, address.port or 9100, timeout, **kw)
    if address.kind == "win":
        return escpos_printers.Win32Raw(address.target, **kw)
    if address.kind == "file":
        return escpos_printers.File(address.target, **kw)
    options = dict(address.options)
    options.pop("timeout", None)
    transport = SerialUrl(address.target, timeout=timeout, **options)
    if profile:
        transport.profile = escpos_printers.Dummy(profile=profile).profile
    return transport


def open_transport(
    address: str | PrinterAddress, *, timeout: float = DEFAULT_TIMEOUT, profile: str | None = None
) -> Escpos:
    """The printer at ``address``, opened; raises PrinterError if it cannot be reached."""
    parsed = address if isinstance(address, PrinterAddress) else parse_printer_address(address)
    try:
        transport = _transport(parsed, timeout, profile)
        transport.open()
    except PrinterError:
        raise
    except (EscposError, OSError, RuntimeError, ValueError, serial.SerialException) as exc:
        detail = " ".join(f"{parsed}: {exc}".split())
        raise PrinterError(render("printer_unavailable", detail=detail)) from exc
    return transport


def ask_status(transport: Escpos, query: bytes, timeout: float) -> int | None:
    """Send a real-time status query (``DLE EOT n``) and wait up to ``timeout`` seconds for
    its answer byte; None when none came (the printer said nothing or closed the connection).

    Raises NotImplementedError for a transport that cannot read, OSError (and the transport's
    own errors) when the connection fails.
    """
    transport._raw(query)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = transport._read()
        except TimeoutError:  # a socket's timeout
            return None
        if not data:  # the connection closed, or a serial read waited out its timeout
            return None
        for byte in data:  # bytes that are no status answer (ASB) are passed over
            if byte & _STATUS_BITS == _STATUS_FIXED:
                return byte
    return None


def check_paper(transport: Escpos, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Refuse to print on a printer whose paper sensor says the roll is out."""
    try:
        status = ask_status(transport, RT_STATUS_PAPER, timeout)
    except NotImplementedError:
        return  # a transport that cannot read (file, Windows queue): nothing to ask
    if status is not None and status & RT_MASK_NOPAPER == RT_MASK_NOPAPER:
        raise PrinterError(render("printer_no_paper"))


def confirm_printed(transport: Escpos, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Ask the printer for its status after a job; PrintUnconfirmedError unless it answers
    that it is online."""
    status = ask_status(transport, RT_STATUS_ONLINE, timeout)
    if status is None:
        detail = render("printer_no_status", seconds=f"{timeout:g}")
    elif status & _OFFLINE:
        detail = render("printer_offline")
    else:
        return
    raise PrintUnconfirmedError(render("printer_not_confirmed", detail=detail), detail)


def send(
    address: str | PrinterAddress,
    data: bytes,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    paper_check: bool = False,
    confirm: bool = False,
) -> bool:
    """Open the printer, (check its paper,) write ``data`` in one go, (wait for the printer
    to confirm it,) close it. True when the printer confirmed it; False when it was not asked.

    ``confirm`` applies to printers that can answer (:data:`ANSWERING`); a failure once the
    bytes started to go out is a PrintUnconfirmedError (the job may have printed).
    """
    parsed = address if isinstance(address, PrinterAddress) else parse_printer_address(address)
    transport = open_transport(parsed, timeout=timeout)
    sending = False
    try:
        if paper_check and parsed.kind in ANSWERING:
            check_paper(transport, timeout)
        sending = True
        transport._raw(data)
        asked = confirm and parsed.kind in ANSWERING
        if asked:
            confirm_printed(transport, timeout)
        return asked
    except PrinterError:
        raise
    except (EscposError, OSError, serial.SerialException) as exc:
        detail = " ".join(f"{parsed}: {exc}".split())
        if sending:
            raise PrintUnconfirmedError(
                render("printer_not_confirmed", detail=detail), detail
            ) from exc
        raise PrinterError(render("printer_unavailable", detail=detail)) from exc
    finally:
        with contextlib.suppress(EscposError, OSError, RuntimeError, serial.SerialException):
            transport.close()


@dataclass(frozen=True)
class FoundPrinter:
    """A printer the settings screen can offer, with the address that reaches it."""

    address: str
    description: str


USB_PRINTER_CLASS = 7


def usb_printers() -> list[FoundPrinter]:
    """USB devices with a printer interface (empty when libusb is not available)."""
    try:
        import usb.core
    except ImportError:
        return []
    try:
        devices = list(usb.core.find(find_all=True))
    except (ValueError, OSError, usb.core.USBError):  # no libusb backend, no permission
        return []
    found = []
    for dev in devices:
        try:
            classes = {i.bInterfaceClass for cfg in dev for i in cfg}
        except (ValueError, OSError, usb.core.USBError):
            continue
        if USB_PRINTER_CLASS in classes or dev.bDeviceClass == USB_PRINTER_CLASS:
            address = f"usb:{dev.idVendor:04x}:{dev.idProduct:04x}"
            found.append(FoundPrinter(address, f"USB {dev.idVendor:04X}:{dev.idProduct:04X}"))
    return found


def windows_printers() -> list[FoundPrinter]:
    """The Windows printer queues (empty elsewhere)."""
    try:
        import win32print  # type: ignore[import-not-found]
    except ImportError:
        return []
    names = [p[2] for p in win32print.EnumPrinters(win32print.PRINTER_ENUM_LOCAL, None, 1)]
    return [FoundPrinter(f"win:{name}", name) for name in sorted(names)]
