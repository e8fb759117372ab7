"""What a long day at a busy counter does to the window: slow answers from HQ, scanners
that press Shift, dialogs opened hundreds of times."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from tests.ui.conftest import idle, in_dialog, sign_in
from tests.ui.test_wedge import CLOCK, signed_in

PHONE = "13800138000"


def signed_in_counter(qtbot, window):
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)
    return window.counter


def test_closed_dialogs_are_deleted(qtbot, window, register) -> None:
    """Their fields may hold a payment password or a manager's PIN."""
    register(name="张三", phone=PHONE)
    counter = signed_in_counter(qtbot, window)
    counter.open_member(PHONE)
    idle(qtbot, window)
    for _ in range(3):
        in_dialog(qtbot, counter.top_up, lambda d: d.reject())
        idle(qtbot, window)
    assert counter.findChildren(QDialog) == []


def test_a_late_answer_from_hq_does_not_replace_the_member_on_screen(
    qtbot, window, register
) -> None:
    register(name="张三", phone=PHONE)
    counter = signed_in_counter(qtbot, window)
    gate = threading.Event()

    def slow_lookup(_text: str) -> int:
        gate.wait(5)
        raise OSError("HQ did not answer")

    window.session.sync.lookup = slow_lookup
    counter.scan("13900139000")  # not at this counter: HQ is asked, slowly
    qtbot.waitUntil(lambda: "总部" in counter.message.text(), timeout=5000)
    counter.scan(PHONE)  # meanwhile the cashier serves the next member
    qtbot.waitUntil(lambda: counter.member is not None, timeout=5000)
    gate.set()
    qtbot.wait(200)
    idle(qtbot, window)
    assert counter.member is not None and counter.member.name == "张三"
    assert counter.scan_box.text() == PHONE


def test_a_scan_with_capitals_does_not_leak_into_a_dialog_field(qtbot, window) -> None:
    counter = signed_in(qtbot, window)

    def scan_into_name(d: QDialog) -> str:
        d.name.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is d.name, timeout=2000)
        for ch in "AB123456":  # the scanner presses Shift before each capital
            CLOCK.now += 0.005
            if ch.isupper():
                qtbot.keyPress(d.name, Qt.Key.Key_Shift)
                qtbot.keyClick(d.name, ch, Qt.KeyboardModifier.ShiftModifier)
                qtbot.keyRelease(d.name, Qt.Key.Key_Shift)
            else:
                qtbot.keyClick(d.name, ch)
        CLOCK.now += 0.005
        qtbot.keyClick(d.name, Qt.Key.Key_Return)
        qtbot.wait(150)
        text = d.name.text()
        d.reject()
        return text

    assert in_dialog(qtbot, counter.register, scan_into_name) == ""


def test_a_scanner_ending_with_tab_is_a_scan(qtbot, window, register) -> None:
    register(name="张三", phone=PHONE)
    counter = signed_in(qtbot, window)
    table = counter.panel.tables["checkouts"]
    table.setFocus()
    for ch in PHONE:
        CLOCK.now += 0.005
        qtbot.keyClick(table, ch)
    CLOCK.now += 0.005
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: counter.member is not None, timeout=5000)
    assert counter.member.name == "张三"
