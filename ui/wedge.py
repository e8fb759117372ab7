"""Keyboard-wedge scans anywhere on the counter screen: a Qt event filter feeding the detector.

The detector (``devices.wedge``) decides by timing alone whether keys are a scan. A key that
starts a burst goes to its widget at once, so a person's typing shows without delay; the
filter remembers how the field was before it. Keys that follow faster than the detector's gap
(a scanner: 2–20 ms; people: 80 ms and more) are held. If the burst ends as a scan, the first
key is taken back (the field is put back as it was), the held keys never reach a widget and
the scan is delivered; otherwise the held keys are replayed to the widget they were meant for,
in order. A scan goes to the counter; while a dialog is open it goes to the dialog if it takes
scans (the cart: ``take_scan``) or only into a field that accepts scans (a card number), and
never leaks into another field.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QWidget,
)

ENTER = "\r"
MODIFIERS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_Meta,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_AltGr,
    }
)


class Detector(Protocol):
    def feed(self, key_text: str, t: float) -> str | None: ...
    def flush(self, t: float) -> str | None: ...
    @property
    def pending(self) -> str: ...


def _restorer(widget: QWidget) -> Callable[[], None]:
    """How to put ``widget`` back as it is now, should the key about to reach it be a scan's."""
    edit = widget if isinstance(widget, QLineEdit) else None
    if isinstance(widget, QAbstractSpinBox | QComboBox):
        edit = widget.findChild(QLineEdit)  # a spin box's or an editable combo box's text
    if isinstance(widget, QComboBox) and edit is None:
        index = widget.currentIndex()  # a key selects an item by its first letter
        return lambda: widget.setCurrentIndex(index)
    if edit is None:
        return lambda: None  # buttons, tables, lists: a letter changes nothing kept
    text, cursor = edit.text(), edit.cursorPosition()
    selection = (edit.selectionStart(), len(edit.selectedText()))

    def restore() -> None:
        edit.setText(text)
        if selection[0] >= 0:
            edit.setSelection(*selection)
        else:
            edit.setCursorPosition(cursor)

    return restore


class WedgeFilter(QObject):
    """Emits ``scanned(text)`` for a scan meant for the counter, ``scan_refused`` otherwise."""

    scanned = Signal(str)
    scan_refused = Signal(str)

    def __init__(
        self,
        detector: Detector,
        *,
        max_gap: float,
        active: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.detector = detector
        self.active = active
        self.clock = clock
        # The burst's first key, already delivered: its widget and how to take it back.
        self._shown: tuple[QWidget, Callable[[], None]] | None = None
        self._held: list[tuple[QWidget, QKeyEvent]] = []  # the burst's later keys
        self._replaying = False
        self._max_gap = max_gap
        self._last_key = 0.0  # when the burst's last key was pressed (see _key_time)
        self._last_handled = 0.0  # when it was handled, by ``clock``
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(max_gap * 1000) + 10)
        self._timer.timeout.connect(self._pause)

    @property
    def _in_burst(self) -> bool:
        return self._shown is not None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        if not isinstance(obj, QWidget) or obj is not QApplication.focusWidget():
            return False  # the window's copy, or the event propagating to a parent
        if not self.active():
            return False
        assert isinstance(event, QKeyEvent)
        text = event.text()
        now = self._key_time(event)
        if event.key() in MODIFIERS:
            return False  # Shift before a capital is part of a scan: neither ends nor replays it
        if self._in_burst and now - self._last_key > self._max_gap:
            self._end_burst(now)  # it ended before this key (its timer has not fired yet)
        terminator = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or (
            event.key() == Qt.Key.Key_Tab and bool(self._held)  # scanners set to end with Tab
        )
        if terminator:
            scan = self.detector.feed(ENTER, now)
            if scan:
                self._take_back()
                self._deliver(obj, scan)
                return True
            self._replay()
            return False
        shortcut = event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if text == " " and isinstance(obj, QAbstractButton):
            self._replay()
            return False  # Space presses a button: held, its press would come after its release
        if len(text) == 1 and text.isprintable() and not shortcut:
            self.detector.feed(text, now)
            self._last_key = now
            self._timer.start()
            if not self._in_burst:
                self._shown = (obj, _restorer(obj))
                return False  # the first key of a burst shows at once
            self._held.append((obj, QKeyEvent(event.type(), event.key(), event.modifiers(), text)))
            return True
        self._replay()
        return False

    def _key_time(self, event: QKeyEvent) -> float:
        """When the key was pressed: the window system's own time stamp (X server
        milliseconds) when the event carries one, else the clock. Keys handled late by a
        busy counter keep their real gaps, so a scan is never split and a person's keys are
        never merged into one."""
        handled = self.clock()
        stamp = event.timestamp() / 1000
        pressed = stamp if stamp and stamp + 1 >= self._last_key else handled  # 0 or wrapped
        self._last_handled = handled
        return pressed

    def _pause(self) -> None:
        """No key for longer than a scan's gap: a scan without Enter, or a person's keys."""
        since = self.clock() - self._last_handled
        if since <= self._max_gap:
            self._timer.start()  # the timer ran early by the clock the keys are timed with
            return
        self._end_burst(self._last_key + since)

    def _end_burst(self, at: float) -> None:
        scan = self.detector.flush(at)
        if scan:
            target = self._shown[0] if self._shown else QApplication.focusWidget()
            self._take_back()
            self._deliver(target, scan)
        else:
            self._replay()

    def _take_back(self) -> None:
        """The burst was a scan: its first key is undone and the held keys dropped."""
        self._timer.stop()
        shown, self._shown = self._shown, None
        self._held.clear()
        if shown is not None and shiboken6.isValid(shown[0]):
            shown[1]()

    def _replay(self) -> None:
        self._timer.stop()
        self._shown = None
        held, self._held = self._held, []
        self._replaying = True
        try:
            for widget, event in held:
                if shiboken6.isValid(widget):
                    QApplication.sendEvent(widget, event)
        finally:
            self._replaying = False

    def _deliver(self, target: QObject | None, scan: str) -> None:
        dialog = QApplication.activeModalWidget()
        take = getattr(dialog, "take_scan", None)
        if dialog is None:
            self.scanned.emit(scan)
        elif callable(take):  # a dialog that is itself a place to scan into (the cart)
            take(scan)
        elif isinstance(target, QLineEdit) and target.property("acceptsScan"):
            target.setText(scan)
        else:
            self.scan_refused.emit(scan)
