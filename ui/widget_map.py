"""A map of what is on screen, written to a file for the real-desktop tests.

Only when ``MEMBER_COUNTER_WIDGET_MAP`` names a file. Every few hundred milliseconds the
visible windows are written as JSON: each window's title and frame, and its visible
controls with their kind, text, screen rectangle, whether their text fits (a button's or a
label's text wider than the control is clipped) and whether they have the focus. The tests
click by a button's text and check sizes with it; they still type and click only through
the X server.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

ENV = "MEMBER_COUNTER_WIDGET_MAP"
INTERVAL_MS = 250
BUTTON_PADDING = 16  # the style's horizontal padding and border of a push button


def _kind(w: QWidget) -> str:
    for cls, name in (
        (QCheckBox, "checkbox"),
        (QAbstractButton, "button"),
        (QLineEdit, "field"),
        (QComboBox, "combo"),
        (QAbstractSpinBox, "spin"),
        (QLabel, "label"),
    ):
        if isinstance(w, cls):
            return name
    return "widget"


def _text(w: QWidget) -> str:
    if isinstance(w, QAbstractButton | QLabel):
        return w.text()
    if isinstance(w, QLineEdit):
        return w.placeholderText() if not w.text() else f"={w.text()}"
    if isinstance(w, QAbstractSpinBox):
        return f"={w.text()}"
    if isinstance(w, QComboBox):
        return w.currentText()
    return ""


def _fits(w: QWidget, text: str) -> bool:
    if not text or "\n" in text or "<" in text:
        return True
    advance = w.fontMetrics().horizontalAdvance(text)
    if isinstance(w, QCheckBox):
        indicator = w.style().pixelMetric(w.style().PixelMetric.PM_IndicatorWidth, None, w)
        return advance + max(indicator, 32) + 12 <= w.width()  # the theme's 32 px box
    if isinstance(w, QAbstractButton):
        icon = w.iconSize().width() + 4 if not w.icon().isNull() else 0
        return advance + icon + BUTTON_PADDING <= w.width()
    if isinstance(w, QLabel):
        return w.wordWrap() or advance <= w.contentsRect().width() + 1
    if isinstance(w, QComboBox):
        return advance + 24 <= w.width()
    return True


def _clipped_sideways(w: QWidget) -> bool:
    seen = w.visibleRegion().boundingRect()
    return not seen.isEmpty() and seen.width() < w.width()


def describe_windows() -> list[dict[str, Any]]:
    focus = QApplication.focusWidget()
    found: list[dict[str, Any]] = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible() or not top.isWindow():
            continue
        frame = top.frameGeometry()
        controls = []
        for w in top.findChildren(QWidget):
            if not w.isVisible() or w.window() is not top:
                continue
            kind = _kind(w)
            if kind == "widget" or isinstance(w.parent(), QLineEdit | QAbstractSpinBox):
                continue  # a line edit's own clear button: Esc clears too
            text = _text(w)
            if kind == "label" and not text:
                continue
            pos = w.mapToGlobal(w.rect().topLeft())
            controls.append(
                {
                    "kind": kind,
                    "name": w.objectName(),
                    "text": text,
                    "hint": w.placeholderText() if isinstance(w, QLineEdit) else "",
                    "rect": [pos.x(), pos.y(), w.width(), w.height()],
                    "fits": _fits(w, text.lstrip("=")),
                    "enabled": w.isEnabled(),
                    "focus": w is focus,
                    # cut at the side by what holds it (a scroll area too narrow): scrolled
                    # out of view up or down is fine, half a button at the right is not
                    "clipped": _clipped_sideways(w),
                    "echo": int(w.echoMode().value) if isinstance(w, QLineEdit) else None,
                }
            )
        found.append(
            {
                "title": top.windowTitle(),
                "rect": [frame.x(), frame.y(), frame.width(), frame.height()],
                "modal": top is QApplication.activeModalWidget(),
                "controls": controls,
            }
        )
    return found


class WidgetMap(QObject):
    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._last = ""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.write)
        self._timer.start(INTERVAL_MS)

    def write(self) -> None:
        text = json.dumps(describe_windows(), ensure_ascii=False)
        if text == self._last:
            return
        self._last = text
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.path)


def install(app: QApplication) -> WidgetMap | None:
    where = os.environ.get(ENV)
    return WidgetMap(Path(where), app) if where else None
