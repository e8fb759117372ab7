"""The customer pole display over loop://: the exact ESC/POS display bytes."""

from __future__ import annotations

import serial

from devices.pole_display import CLEAR, ESC_INIT, HOME, PoleDisplay, move_to


def _read_all(port: serial.SerialBase) -> bytes:
    out = b""
    while chunk := port.read(4096):
        out += chunk
    return out


def test_the_display_shows_due_paid_change_and_balance_on_two_20_column_lines() -> None:
    port = serial.serial_for_url("loop://", timeout=0.05)
    display = PoleDisplay(port)
    assert _read_all(port) == ESC_INIT + b"\x1f\x01" + b"\x1f\x43\x00" + CLEAR

    display.show_due(12_345)
    assert _read_all(port) == (
        HOME + b"TOTAL DUE           " + move_to(1, 2) + b"          CNY 123.45"
    )
    display.show_paid(15_000, 2_655)
    assert _read_all(port) == (
        HOME + b"PAID      CNY 150.00" + move_to(1, 2) + b"CHANGE     CNY 26.55"
    )
    display.show_balance(105_000, points=123)
    assert _read_all(port) == (
        HOME + b"BALANCE  CNY 1050.00" + move_to(1, 2) + b"POINTS 123          "
    )
    display.show("欢迎 Welcome", "x" * 30)  # no Chinese font on the display: ASCII only
    assert _read_all(port) == HOME + b"?? Welcome          " + move_to(1, 2) + b"x" * 20
    display.clear()
    assert _read_all(port) == CLEAR
    display.close()


def test_the_display_is_off_by_default() -> None:
    from app.services.settings import DisplaySettings

    assert DisplaySettings().enabled is False
    assert DisplaySettings(address="", enabled=True).checked().enabled is False


def test_the_display_opens_only_when_turned_on() -> None:
    from app.services.settings import DisplaySettings
    from devices.pole_display import display_from_settings

    assert display_from_settings(DisplaySettings()) is None
    assert display_from_settings(DisplaySettings(address="loop://")) is None  # not enabled
    display = display_from_settings(DisplaySettings(address="loop://", enabled=True))
    assert isinstance(display, PoleDisplay)
    display.close()
