"""The customer pole display: a 2×20 VFD on a serial port, ESC/POS display commands.

Off unless the store turns it on (``DisplaySettings``). Shows the amount due, then what was
paid and the change, then the member's stored-value balance after the sale. The common VFD
has no Chinese font, so the lines are ASCII (amounts as ``CNY 12.50``).
"""

from __future__ import annotations

import contextlib
from typing import Any, Protocol

import serial

from app.domain.money import format_yuan
from app.ports import PrinterError
from app.services.settings import DisplaySettings

COLUMNS = 20
ESC_INIT = b"\x1b\x40"  # ESC @: initialise the display
CLEAR = b"\x0c"  # CLR: clear the screen, cursor home
HOME = b"\x0b"  # HOM: cursor to the top-left corner
OVERWRITE = b"\x1f\x01"  # US MD1: overwrite mode (no scrolling)
CURSOR_OFF = b"\x1f\x43\x00"  # US C 0: hide the cursor


def move_to(column: int, row: int) -> bytes:
    """US $ x y: the cursor to column ``column``, row ``row`` (both from 1)."""
    return b"\x1f\x24" + bytes((column, row))


def ascii_line(text: str, width: int = COLUMNS) -> bytes:
    clean = "".join(c if " " <= c <= "~" else "?" for c in text)
    return clean[:width].ljust(width).encode("ascii")


def amount_line(label: str, fen: int) -> bytes:
    value = f"CNY {format_yuan(fen)}"
    gap = max(COLUMNS - len(label) - len(value), 1)
    return ascii_line(label + " " * gap + value)


class _Port(Protocol):
    def write(self, data: bytes) -> Any: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class PoleDisplay:
    """The :class:`app.ports.CustomerDisplay` for ESC/POS pole displays."""

    def __init__(self, port: _Port) -> None:
        self._port = port
        self._write(ESC_INIT + OVERWRITE + CURSOR_OFF + CLEAR)

    @classmethod
    def open(cls, url: str, *, baudrate: int = 9600, timeout: float = 1.0) -> PoleDisplay:
        try:
            port = serial.serial_for_url(url, baudrate=baudrate, write_timeout=timeout)
        except (OSError, ValueError, serial.SerialException) as exc:
            raise PrinterError(f"display {url}: {exc}") from exc
        return cls(port)

    def _write(self, data: bytes) -> None:
        try:
            self._port.write(data)
            self._port.flush()
        except (OSError, serial.SerialException) as exc:
            raise PrinterError(f"display: {exc}") from exc

    def _lines(self, first: bytes, second: bytes) -> None:
        self._write(HOME + first + move_to(1, 2) + second)

    def show(self, line1: str, line2: str = "") -> None:
        self._lines(ascii_line(line1), ascii_line(line2))

    def clear(self) -> None:
        self._write(CLEAR)

    def show_due(self, due_fen: int) -> None:
        self._lines(ascii_line("TOTAL DUE"), amount_line("", due_fen))

    def show_paid(self, paid_fen: int, change_fen: int) -> None:
        self._lines(amount_line("PAID", paid_fen), amount_line("CHANGE", change_fen))

    def show_balance(self, balance_fen: int, points: int | None = None) -> None:
        second = ascii_line(f"POINTS {points}") if points is not None else ascii_line("")
        self._lines(amount_line("BALANCE", balance_fen), second)

    def close(self) -> None:
        with contextlib.suppress(OSError, serial.SerialException):
            self._port.close()


def display_from_settings(settings: DisplaySettings) -> PoleDisplay | None:
    """The store's pole display, or None when it is off (the default) or has no port."""
    if not settings.enabled or not settings.address:
        return None
    return PoleDisplay.open(settings.address, baudrate=settings.baudrate)
