"""Serial barcode/QR scanners on pyserial: a reader thread that survives unplugging.

The port opens with ``serial.serial_for_url`` (a port name, or a URL such as ``loop://`` in
the tests). Each scan is a line ended by CR, LF or CR LF. A line that is not clean text
(garbage bytes from a wrong baud rate, control characters) or that runs past ``max_length``
without a terminator is rejected and reported, never passed on as a scan. When the port
disappears (the scanner is unplugged) the thread closes it, reports the state, and tries to
open it again every ``reconnect_interval`` seconds until the scanner is back.

Callbacks run on the reader thread; the UI bridges them to Qt signals.
"""

from __future__ import annotations

import contextlib
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import serial
from serial.tools import list_ports

from app.services.settings import ScannerSettings
from devices.wedge import clean_scan

TERMINATORS = b"\r\n"
CONNECTED, DISCONNECTED = "connected", "disconnected"


@dataclass(frozen=True)
class PortInfo:
    """A serial port as the settings screen lists it."""

    device: str
    description: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    manufacturer: str | None

    @property
    def vid_pid(self) -> str:
        return (
            f"{self.vid:04X}:{self.pid:04X}"
            if self.vid is not None and self.pid is not None
            else ""
        )


def list_serial_ports() -> list[PortInfo]:
    """Serial ports on this machine, with USB vendor and product ids where known."""
    return [
        PortInfo(p.device, p.description, p.vid, p.pid, p.serial_number, p.manufacturer)
        for p in sorted(list_ports.comports(), key=lambda p: p.device)
    ]


def decode_scan(
    raw: bytes, prefix: str = "", suffix: str = "", *, ascii_only: bool = True
) -> str | None:
    """A line of scanner bytes as a scan, or None if it is not clean printable text.

    Card numbers, member codes and product barcodes are ASCII, and a wrong baud rate turns
    into bytes above 0x7F, which GB18030 would happily read as hanzi: so by default a line
    with any byte above 0x7F is garbage. ``ascii_only=False`` accepts UTF-8 or GB18030 text
    (a scanner reading Chinese QR contents).
    """
    if ascii_only and any(b > 0x7E for b in raw):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # scanners set to a Chinese code page
        except UnicodeDecodeError:
            return None
    if any(unicodedata.category(c)[0] == "C" and c not in "\t" for c in text):
        return None
    scan = clean_scan(text, prefix, suffix)
    return scan or None


class LineSplitter:
    """Bytes in, scans out: CR, LF and CR LF end a line; junk and over-long lines rejected."""

    def __init__(
        self, max_length: int = 256, prefix: str = "", suffix: str = "", ascii_only: bool = True
    ) -> None:
        self.max_length = max_length
        self.prefix, self.suffix = prefix, suffix
        self.ascii_only = ascii_only
        self._buffer = bytearray()
        self._overflow = False

    def feed(self, data: bytes) -> tuple[list[str], list[str]]:
        """(scans, reasons for rejected lines) found in ``data``."""
        scans: list[str] = []
        rejected: list[str] = []
        for byte in data:
            if byte in TERMINATORS:
                if self._overflow:
                    rejected.append("too long")
                elif self._buffer:
                    scan = decode_scan(
                        bytes(self._buffer), self.prefix, self.suffix, ascii_only=self.ascii_only
                    )
                    if scan is None:
                        rejected.append(f"garbage: {bytes(self._buffer)[:32]!r}")
                    else:
                        scans.append(scan)
                self._buffer.clear()
                self._overflow = False
                continue
            if self._overflow:
                continue
            self._buffer.append(byte)
            if len(self._buffer) > self.max_length:
                self._buffer.clear()
                self._overflow = True
        return scans, rejected

    def reset(self) -> None:
        self._buffer.clear()
        self._overflow = False


class SerialScanner:
    """Reads scans from a serial scanner on its own thread and calls ``on_scan`` for each."""

    def __init__(
        self,
        url: str,
        on_scan: Callable[[str], None],
        *,
        baudrate: int = 9600,
        max_length: int = 256,
        prefix: str = "",
        suffix: str = "",
        reconnect_interval: float = 1.0,
        read_timeout: float = 0.1,
        on_state: Callable[[str, str | None], None] | None = None,
        on_reject: Callable[[str], None] | None = None,
        serial_options: dict[str, Any] | None = None,
        ascii_only: bool = True,
    ) -> None:
        self.url = url
        self.on_scan = on_scan
        self.on_state = on_state
        self.on_reject = on_reject
        self.baudrate = baudrate
        self.reconnect_interval = reconnect_interval
        self.read_timeout = read_timeout
        self.serial_options = dict(serial_options or {})
        self._splitter = LineSplitter(max_length, prefix, suffix, ascii_only)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: Any = None
        self.state = DISCONNECTED
        self.connected = threading.Event()

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> SerialScanner:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"scanner {self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._close()

    def __enter__(self) -> SerialScanner:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> Any:
        """The open pyserial port (tests write to ``loop://`` through it)."""
        return self._port

    # -- the reader thread -------------------------------------------------------------------
    def _set_state(self, state: str, detail: str | None = None) -> None:
        if state == self.state:
            return
        self.state = state
        if state == CONNECTED:
            self.connected.set()
        else:
            self.connected.clear()
        if self.on_state is not None:
            self.on_state(state, detail)

    def _open(self) -> bool:
        try:
            self._port = serial.serial_for_url(
                self.url, baudrate=self.baudrate, timeout=self.read_timeout, **self.serial_options
            )
        except (OSError, ValueError, serial.SerialException) as exc:
            self._port = None
            self._set_state(DISCONNECTED, str(exc))
            return False
        self._splitter.reset()
        self._set_state(CONNECTED)
        return True

    def _close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(OSError, serial.SerialException):
                port.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._port is None and not self._open():
                self._stop.wait(self.reconnect_interval)
                continue
            try:
                data = self._port.read(max(1, self._port.in_waiting))
            except (OSError, serial.SerialException, TypeError, AttributeError) as exc:
                # Unplugged: the port is gone. Close it and wait for it to come back.
                self._close()
                self._set_state(DISCONNECTED, str(exc))
                self._stop.wait(self.reconnect_interval)
                continue
            if not data:
                continue
            scans, rejected = self._splitter.feed(data)
            for reason in rejected:
                if self.on_reject is not None:
                    self.on_reject(reason)
            for scan in scans:
                self.on_scan(scan)


def scanner_from_settings(
    settings: ScannerSettings, on_scan: Callable[[str], None], **callbacks: Any
) -> SerialScanner | None:
    """The serial scanner the counter is set up with (not started), or None if it has none."""
    if not settings.serial_port:
        return None
    return SerialScanner(
        settings.serial_port,
        on_scan,
        baudrate=settings.baudrate,
        prefix=settings.prefix,
        suffix=settings.suffix,
        **callbacks,
    )
