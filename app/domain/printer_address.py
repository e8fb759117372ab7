"""Printer address strings, as the settings screen and the CLI take them.

``usb:VID:PID``                    a USB printer by vendor and product id (hex), e.g. usb:0416:5011
``serial:PORT[?baudrate=9600&…]``  a serial printer: /dev/ttyUSB0, COM3, or a pyserial URL
``tcp:HOST[:PORT]``                a network printer (port 9100 unless given)
``win:PRINTER NAME``               a Windows printer queue, raw bytes
``file:PATH``                      write the bytes to a file (a device node, or a capture)

Parsing is pure; opening the transport lives in ``devices``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from app.domain.errors import ValidationError

KINDS = ("usb", "serial", "tcp", "win", "file")
# Printers that answer status queries (ESC/POS DLE EOT): a Windows queue or a file only takes
# bytes, so nothing sent to one can be confirmed as printed.
ANSWERING = frozenset({"tcp", "serial", "usb"})
DEFAULT_TCP_PORT = 9100
SERIAL_OPTIONS = {
    "baudrate": int,
    "bytesize": int,
    "parity": str,
    "stopbits": float,
    "xonxoff": bool,
    "rtscts": bool,
    "dsrdtr": bool,
    "timeout": float,
}
_HEX_ID = re.compile(r"(?:0x)?([0-9a-fA-F]{1,4})")
_HOST = re.compile(r"[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]")


@dataclass(frozen=True)
class PrinterAddress:
    kind: str
    target: str  # port, host, printer name or path
    vendor_id: int | None = None
    product_id: int | None = None
    port: int | None = None
    options: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        if self.kind == "usb":
            return f"usb:{self.vendor_id:04x}:{self.product_id:04x}"
        if self.kind == "tcp":
            return f"tcp:{self.target}:{self.port}"
        if self.kind == "serial" and self.options:
            query = "&".join(f"{k}={_option_text(v)}" for k, v in self.options.items())
            return f"serial:{self.target}?{query}"
        return f"{self.kind}:{self.target}"


def _option_text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _invalid(text: str) -> ValidationError:
    return ValidationError("printer_address_invalid", value=text)


def _hex_id(part: str, text: str) -> int:
    m = _HEX_ID.fullmatch(part.strip())
    if not m:
        raise _invalid(text)
    return int(m.group(1), 16)


def _serial_option(name: str, raw: str, text: str) -> object:
    kind = SERIAL_OPTIONS.get(name)
    if kind is None:
        raise _invalid(text)
    try:
        if kind is bool:
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(raw)
            return raw.lower() in ("1", "true", "yes", "on")
        if kind is str:
            if raw.upper() not in ("N", "E", "O", "M", "S"):
                raise ValueError(raw)
            return raw.upper()
        value = kind(raw)
    except ValueError:
        raise _invalid(text) from None
    if name == "baudrate" and not (50 <= int(value) <= 4_000_000):
        raise _invalid(text)
    return value


def parse_printer_address(text: str) -> PrinterAddress:
    """Parse an address string; anything malformed is refused with a message saying so."""
    raw = (text or "").strip()
    kind, sep, rest = raw.partition(":")
    kind = kind.lower()
    if not sep or kind not in KINDS or not rest.strip():
        raise _invalid(raw)
    rest = rest.strip()
    if kind == "usb":
        parts = rest.split(":")
        if len(parts) != 2:
            raise _invalid(raw)
        vid, pid = _hex_id(parts[0], raw), _hex_id(parts[1], raw)
        if vid == 0 or pid == 0:
            raise _invalid(raw)
        return PrinterAddress("usb", rest, vendor_id=vid, product_id=pid)
    if kind == "tcp":
        host, port = rest, DEFAULT_TCP_PORT
        if rest.startswith("["):  # [IPv6]:port
            end = rest.find("]")
            host, tail = rest[: end + 1], rest[end + 1 :]
            if tail:
                if not tail.startswith(":"):
                    raise _invalid(raw)
                port = _tcp_port(tail[1:], raw)
        elif ":" in rest:
            host, _, port_text = rest.rpartition(":")
            port = _tcp_port(port_text, raw)
        if not _HOST.fullmatch(host):
            raise _invalid(raw)
        return PrinterAddress("tcp", host.strip("[]"), port=port)
    if kind == "serial":
        port_part, _, query = rest.partition("?")
        if not port_part:
            raise _invalid(raw)
        options = {
            name: _serial_option(name, value, raw)
            for name, value in parse_qsl(query, keep_blank_values=True, strict_parsing=False)
        }
        return PrinterAddress("serial", port_part, options=options)
    return PrinterAddress(kind, rest)


def _tcp_port(text: str, raw: str) -> int:
    if not text.isdigit() or not (1 <= int(text) <= 65535):
        raise _invalid(raw)
    return int(text)


def can_answer(address: str | PrinterAddress) -> bool:
    """Whether the printer at ``address`` can answer its status (so confirm what it printed);
    False for a Windows printer queue (``win:``) and a file (``file:``), and for no address."""
    try:
        parsed = address if isinstance(address, PrinterAddress) else parse_printer_address(address)
    except ValidationError:
        return False
    return parsed.kind in ANSWERING
