"""Scanners: the keyboard-wedge timing detector, and serial scanners over loop:// and a pty."""

from __future__ import annotations

import os
import queue
import time
from pathlib import Path

import serial

from devices.serial_scanner import (
    CONNECTED,
    DISCONNECTED,
    LineSplitter,
    SerialScanner,
    decode_scan,
    list_serial_ports,
)
from devices.wedge import WedgeConfig, WedgeDetector

WAIT = 10.0


# -- keyboard wedge ----------------------------------------------------------------------------


def _type(detector: WedgeDetector, text: str, start: float, gap: float) -> list[str | None]:
    return [detector.feed(c, start + i * gap) for i, c in enumerate(text)]


def test_a_fast_burst_ended_by_enter_is_a_scan() -> None:
    d = WedgeDetector()
    assert _type(d, "886000000010", 10.0, 0.008) == [None] * 12
    assert d.feed("\r", 10.0 + 12 * 0.008) == "886000000010"
    assert d.pending == ""


def test_a_person_typing_is_not_a_scan() -> None:
    d = WedgeDetector()
    _type(d, "13800138000", 10.0, 0.15)
    assert d.feed("\r", 10.0 + 11 * 0.15) is None


def test_a_slow_start_then_a_scan_keeps_only_the_scan() -> None:
    d = WedgeDetector()
    d.feed("z", 1.0)  # a key the cashier pressed
    _type(d, "MC1.S.886000000010.ABCD", 2.0, 0.005)
    assert d.feed("\n", 2.2) is None  # Enter came late: not part of the burst
    _type(d, "MC1.S.886000000010.ABCD", 3.0, 0.005)
    assert d.feed("\n", 3.0 + 23 * 0.005) == "MC1.S.886000000010.ABCD"


def test_short_bursts_prefix_suffix_and_control_characters() -> None:
    d = WedgeDetector(WedgeConfig(min_length=6, prefix="#", suffix="$"))
    _type(d, "12345", 0.0, 0.01)
    assert d.feed("\r", 0.05) is None  # too short
    _type(d, "#12\x0234\x1b56$", 1.0, 0.01)
    assert d.feed("\r", 1.1) == "123456"


def test_a_scanner_without_a_terminator_is_flushed_after_a_pause() -> None:
    d = WedgeDetector()
    _type(d, "6901234567892", 5.0, 0.01)
    assert d.flush(5.0 + 13 * 0.01) is None  # still typing
    assert d.flush(5.5) == "6901234567892"
    assert d.flush(6.0) is None


def test_an_over_long_burst_is_dropped() -> None:
    d = WedgeDetector(WedgeConfig(max_length=10))
    _type(d, "1" * 30, 0.0, 0.001)
    assert d.feed("\r", 0.031) is None


# -- serial lines ------------------------------------------------------------------------------


def test_line_splitter_terminators_garbage_and_over_long_lines() -> None:
    s = LineSplitter(max_length=16)
    scans, rejected = s.feed(b"A1\rB2\nC3\r\nD")
    assert scans == ["A1", "B2", "C3"] and rejected == []
    scans, rejected = s.feed(b"4\r\n")
    assert scans == ["D4"]
    scans, rejected = s.feed(b"\xff\xfe\x80\r" + b"X" * 40 + b"\r\nok\r\n" + b"ab\x07cd\r")
    assert scans == ["ok"]
    assert len(rejected) == 3 and rejected[1] == "too long"
    assert decode_scan("会员码".encode("gb18030")) is None  # by default: garbage
    assert decode_scan("会员码".encode("gb18030"), ascii_only=False) == "会员码"
    assert decode_scan("会员码".encode(), ascii_only=False) == "会员码"
    assert decode_scan(b"\xb2\xe2\xca\xd4") is None  # what a wrong baud rate looks like


class Collector:
    def __init__(self) -> None:
        self.scans: queue.Queue[str] = queue.Queue()
        self.states: queue.Queue[str] = queue.Queue()
        self.rejects: queue.Queue[str] = queue.Queue()

    def on_scan(self, scan: str) -> None:
        self.scans.put(scan)

    def on_state(self, state: str, _detail: str | None) -> None:
        self.states.put(state)

    def on_reject(self, reason: str) -> None:
        self.rejects.put(reason)

    def take(self, n: int) -> list[str]:
        return [self.scans.get(timeout=WAIT) for _ in range(n)]

    def wait_state(self, state: str) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.states.get(timeout=WAIT) == state:
                return
        raise AssertionError(f"never {state}")


def _scanner(url: str, c: Collector, **kw: object) -> SerialScanner:
    return SerialScanner(
        url, c.on_scan, on_state=c.on_state, on_reject=c.on_reject,
        reconnect_interval=0.05, read_timeout=0.02, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_serial_scanner_over_loop_reads_each_terminator() -> None:
    c = Collector()
    with _scanner("loop://", c, max_length=32) as scanner:
        c.wait_state(CONNECTED)
        scanner.port.write(b"886000000010\r")
        scanner.port.write(b"6901234567892\n")
        scanner.port.write(b"MC1.S.886000000010.ABCDEFGH\r\n")
        assert c.take(3) == ["886000000010", "6901234567892", "MC1.S.886000000010.ABCDEFGH"]
        scanner.port.write(b"\x00\xff\xfe garbage\r" + b"9" * 100 + b"\r\n" + b"after\r\n")
        assert c.take(1) == ["after"]
        assert c.rejects.get(timeout=WAIT).startswith("garbage")
        assert c.rejects.get(timeout=WAIT) == "too long"
    assert c.scans.empty()


def test_serial_scanner_over_a_pty_survives_unplug_and_replug(tmp_path: Path) -> None:
    link = tmp_path / "ttyScanner"
    masters: list[int] = []

    def plug() -> int:
        master, slave = os.openpty()
        path = os.ttyname(slave)
        os.close(slave)
        tmp = tmp_path / "link.tmp"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(path)
        tmp.replace(link)
        masters.append(master)
        return master

    c = Collector()
    master = plug()
    scanner = _scanner(str(link), c).start()
    try:
        c.wait_state(CONNECTED)
        os.write(master, b"A0001\r\nB0002\r")
        assert c.take(2) == ["A0001", "B0002"]
        os.write(master, b"C00")  # half a scan, then the cable is pulled
        os.close(master)
        masters.remove(master)
        c.wait_state(DISCONNECTED)
        master = plug()
        c.wait_state(CONNECTED)
        os.write(master, b"D0004\n")
        assert c.take(1) == ["D0004"]  # the half scan before the unplug is not glued on
        assert scanner.state == CONNECTED
    finally:
        scanner.stop()
        for fd in masters:
            os.close(fd)


def test_a_missing_port_is_retried_until_it_appears(tmp_path: Path) -> None:
    link = tmp_path / "ttyLater"
    c = Collector()
    scanner = _scanner(str(link), c).start()
    try:
        time.sleep(0.15)
        assert scanner.state == DISCONNECTED and c.scans.empty()
        master, slave = os.openpty()
        link.symlink_to(os.ttyname(slave))
        os.close(slave)
        try:
            c.wait_state(CONNECTED)
            os.write(master, b"LATE01\r")
            assert c.take(1) == ["LATE01"]
        finally:
            scanner.stop()
            os.close(master)
    finally:
        scanner.stop()


def test_port_listing_has_vid_and_pid_fields() -> None:
    ports = list_serial_ports()  # a CI machine may have none; each one listed is complete
    for p in ports:
        assert p.device
        assert p.vid_pid == "" or len(p.vid_pid) == 9
    assert isinstance(serial.serial_for_url("loop://"), serial.SerialBase)


def test_scanners_from_the_counter_settings() -> None:
    from app.services.settings import ScannerSettings
    from devices.serial_scanner import scanner_from_settings
    from devices.wedge import detector_from_settings

    settings = ScannerSettings(prefix="#", max_gap_ms=20, min_length=3)
    d = detector_from_settings(settings)
    _type(d, "#ABC", 0.0, 0.015)
    assert d.feed("\r", 0.06) == "ABC"
    _type(d, "#ABC", 1.0, 0.03)  # slower than 20 ms a key: a person
    assert d.feed("\r", 1.1) is None
    assert scanner_from_settings(settings, print) is None  # no serial scanner set up
    c = Collector()
    scanner = scanner_from_settings(
        ScannerSettings(serial_port="loop://", suffix="$"), c.on_scan, on_state=c.on_state
    )
    assert scanner is not None
    with scanner:
        c.wait_state(CONNECTED)
        scanner.port.write(b"X123$\r")
        assert c.take(1) == ["X123"]
