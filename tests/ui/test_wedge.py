"""Keyboard-wedge scans: fast bursts are scans from any widget; people's typing is not."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from tests.ui.conftest import idle, in_dialog, sign_in
from ui.counter import Page
from ui.dialogs.register import RegisterDialog
from ui.dialogs.topup import TopUpDialog
from ui.main import make_wedge

PHONE = "13800138000"


class KeyClock:
    """The monotonic clock the filter times keys with, moved by the test: a loaded CI
    machine can pause the test for longer than a scanner's gap between two simulated keys."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


CLOCK = KeyClock()


def keys(qtbot, widget, text: str, gap: float) -> None:
    for ch in text:
        CLOCK.now += gap
        qtbot.keyClick(widget, ch)


def scan_keys(qtbot, widget, code: str) -> None:
    """What a wedge scanner does: the code's keys 5 ms apart, then Enter."""
    keys(qtbot, widget, code, 0.005)
    CLOCK.now += 0.005
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def signed_in(qtbot, window):
    window.install_wedge(lambda w: make_wedge(w, clock=CLOCK))
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)
    return window.counter


def test_a_fast_burst_from_any_widget_is_a_scan(qtbot, window, register) -> None:
    register(name="张三", phone=PHONE)
    counter = signed_in(qtbot, window)
    table = counter.panel.tables["checkouts"]
    counter.pages.setCurrentIndex(Page.MEMBER)
    table.setFocus()
    assert QApplication.focusWidget() is table
    scan_keys(qtbot, table, PHONE)
    qtbot.waitUntil(lambda: counter.member is not None, timeout=5000)
    assert counter.member.name == "张三"
    assert counter.scan_box.text() == PHONE


def test_slow_typing_reaches_the_field_and_is_not_a_scan(qtbot, window, register) -> None:
    register(name="张三", phone=PHONE)
    counter = signed_in(qtbot, window)
    for digit in "1380":
        keys(qtbot, counter.scan_box, digit, 0.09)  # a person: far slower than a scanner
        CLOCK.now += 0.09
        qtbot.wait(90)
    qtbot.waitUntil(lambda: counter.scan_box.text() == "1380", timeout=2000)
    idle(qtbot, window)
    assert counter.member is None and counter.last_query == ""
    # Enter typed by the person still searches what they typed.
    CLOCK.now += 0.5
    qtbot.keyClick(counter.scan_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.last_query == "1380", timeout=2000)


def test_a_scan_while_a_dialog_is_open_does_not_leak_into_it(qtbot, window, register) -> None:
    register(name="张三", phone=PHONE)
    counter = signed_in(qtbot, window)
    counter.open_member(PHONE)
    idle(qtbot, window)
    assert counter.member is not None

    def scan_into_amount(d: QDialog) -> None:
        assert isinstance(d, TopUpDialog)
        d.amount.setFocus()
        scan_keys(qtbot, d.amount, "6222020200112233")
        qtbot.wait(100)
        assert d.amount.text() == ""
        assert d.isVisible()
        assert "扫码未使用" in window.statusBar().currentMessage()
        d.reject()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F2), scan_into_amount)
    assert counter.last_query == ""  # nor did it reach the counter behind the dialog


def test_a_card_field_in_a_dialog_takes_the_scan(qtbot, window) -> None:
    counter = signed_in(qtbot, window)

    def scan_card(d: QDialog) -> None:
        assert isinstance(d, RegisterDialog)
        d.phone.setFocus()
        keys(qtbot, d.phone, "1", 0.5)  # a person's key still types
        CLOCK.now += 0.5
        qtbot.wait(100)
        assert d.phone.text() == "1"
        d.card_no.setFocus()
        scan_keys(qtbot, d.card_no, "8800001234567")
        qtbot.waitUntil(lambda: d.card_no.text() == "8800001234567", timeout=2000)
        assert d.phone.text() == "1"
        d.reject()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F1), scan_card)


def test_a_persons_key_shows_at_once_and_a_scan_takes_it_back(qtbot, window, register) -> None:
    register(name="张三", phone=PHONE)
    counter = signed_in(qtbot, window)
    box = counter.scan_box
    box.setText("zs")
    box.end(False)
    CLOCK.now += 1.0
    qtbot.keyClick(box, "1")
    assert box.text() == "zs1"  # no waiting for the scanner's gap: the key is in the field now
    # Keys faster than a person types are held until the burst shows what it is...
    CLOCK.now += 0.005
    qtbot.keyClick(box, "3")
    assert box.text() == "zs1"
    CLOCK.now += 0.5
    qtbot.waitUntil(lambda: box.text() == "zs13", timeout=2000)  # ...then replayed in order
    # A whole scan: its first key showed at once, and is taken back with the rest delivered.
    CLOCK.now += 1.0
    scan_keys(qtbot, box, PHONE)
    qtbot.waitUntil(lambda: counter.member is not None, timeout=5000)
    assert box.text() == PHONE and counter.last_query == PHONE


def test_space_on_a_checkbox_ticks_it_on_the_first_press(qtbot, window) -> None:
    counter = signed_in(qtbot, window)

    def tick(d: QDialog) -> None:
        assert isinstance(d, RegisterDialog)
        d.consent.setFocus()
        CLOCK.now += 1.0
        qtbot.keyClick(d.consent, Qt.Key.Key_Space)
        assert d.consent.isChecked()
        d.reject()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F1), tick)


def test_keys_are_timed_by_their_own_time_stamps(qtbot, window, register) -> None:
    """A counter busy for 80 ms in the middle of a scan handles its keys late; the keys'
    own time stamps (4 ms apart) still make it one scan, not a person's keys and a
    fragment (on a loaded machine "880000012349" once arrived as "12349")."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    register(name="张三", phone=PHONE)
    counter = signed_in(qtbot, window)
    box = counter.scan_box
    box.setFocus()
    stamp = 5_000_000
    for i, ch in enumerate([*PHONE, "\r"]):
        stamp += 4
        CLOCK.now += 0.080 if i == 6 else 0.004  # the stall: handled 80 ms late
        key = Qt.Key.Key_Return if ch == "\r" else Qt.Key(ord(ch))
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch)
            event.setTimestamp(stamp)
            QApplication.sendEvent(box, event)
    qtbot.waitUntil(lambda: counter.member is not None, timeout=5000)
    assert counter.member.phone.endswith(PHONE[-4:])
