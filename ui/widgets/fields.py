"""Entry fields for codes, digits, money and scans, which a pinyin input method never sees.

``WA_InputMethodEnabled`` alone does not keep an IME out of a ``QLineEdit``: the line edit
still answers ``ImEnabled`` with true, so ibus takes every key first (asynchronously, so
keys arrive late and out of order) and the widget then drops what the IME commits; a scan
of ``MC1.S.8819...`` arrived as ``MCSYIBMRAWLUAWUDU``. These fields answer ``ImEnabled``
with false while their IME is off, so the platform's input context passes their keys
straight through, and ask for Latin-only hidden text as well (ibus treats that as a
password field and bypasses its engine; so does Windows' IME).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QPainter,
    QPixmap,
    QRegularExpressionValidator,
)
from PySide6.QtWidgets import QLineEdit, QWidget

from app.domain.errors import CounterError
from app.domain.money import parse_yuan

MAX_YUAN_DIGITS = 7  # ¥9,999,999.99: more than any counter takes at once


NO_IME_HINTS = (
    Qt.InputMethodHint.ImhLatinOnly
    | Qt.InputMethodHint.ImhHiddenText
    | Qt.InputMethodHint.ImhNoPredictiveText
    | Qt.InputMethodHint.ImhNoAutoUppercase
    | Qt.InputMethodHint.ImhSensitiveData
)


class LatinEdit(QLineEdit):
    """A field for codes (staff and card numbers, addresses): no input method unless asked.

    ``accepts_scan``: a keyboard-wedge scan made while this field has the focus fills it
    (a card number), also while a dialog is open.
    """

    def __init__(self, parent: QWidget | None = None, *, accepts_scan: bool = False) -> None:
        super().__init__(parent)
        self._ime = False
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.setInputMethodHints(NO_IME_HINTS)
        if accepts_scan:
            self.setProperty("acceptsScan", True)

    def set_ime(self, enabled: bool) -> None:
        if enabled == self._ime:
            return
        self._ime = enabled
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, enabled)
        self.setInputMethodHints(Qt.InputMethodHint.ImhNone if enabled else NO_IME_HINTS)
        if self.hasFocus():
            method = QGuiApplication.inputMethod()
            if not enabled:
                method.reset()  # a half-typed pinyin syllable is dropped, not committed
            method.update(Qt.InputMethodQuery.ImEnabled | Qt.InputMethodQuery.ImHints)

    def ime_enabled(self) -> bool:
        return self._ime

    def inputMethodQuery(self, query: Qt.InputMethodQuery, *args: Any) -> Any:
        if query == Qt.InputMethodQuery.ImEnabled and not args:
            return self._ime and self.isEnabled() and not self.isReadOnly()
        return super().inputMethodQuery(query, *args)


class MoneyEdit(LatinEdit):
    """Yuan with at most two decimals; ``fen()`` is None while the text is not an amount."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pattern = QRegularExpression(rf"^\d{{0,{MAX_YUAN_DIGITS}}}(\.\d{{0,2}})?$")
        self.setValidator(QRegularExpressionValidator(pattern, self))
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setPlaceholderText("0.00")

    def fen(self) -> int | None:
        # The validator lets "12." stand while the cashier types; it is 12 yuan.
        text = self.text().strip().removesuffix(".")
        if not text:
            return None
        try:
            return parse_yuan(text, allow_zero=True)
        except CounterError:
            return None

    def set_fen(self, fen: int) -> None:
        self.setText(f"{fen // 100}.{fen % 100:02d}" if fen % 100 else str(fen // 100))


class DigitsEdit(LatinEdit):
    """Digits only (PINs, points, phone numbers), IME off so a pinyin IME cannot intercept."""

    def __init__(self, max_len: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(
            QRegularExpressionValidator(QRegularExpression(rf"^\d{{0,{max_len}}}$"), self)
        )

    def value(self) -> int:
        return int(self.text()) if self.text() else 0


class ScanBox(LatinEdit):
    """The counter's one box for cards, QR codes, phones and names.

    The input method stays off so a scanner's keys are never swallowed by a pinyin IME;
    names in hanzi are typed after switching the IME on explicitly (Ctrl+Space toggles it),
    and the box says so with a mark ("中") and its style while it is on.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanBox")
        self.setClearButtonEnabled(True)
        self.ime_mark = QAction(_mark_icon("中"), self.tr("中文输入已打开"), self)
        self.ime_mark.setToolTip(self.tr("中文输入已打开:输入拼音,空格选字,Enter 查询"))

    def set_ime(self, enabled: bool) -> None:
        super().set_ime(enabled)
        if enabled:
            self.addAction(self.ime_mark, QLineEdit.ActionPosition.LeadingPosition)
        else:
            self.removeAction(self.ime_mark)
        self.setProperty("ime", "on" if enabled else "off")
        self.style().unpolish(self)
        self.style().polish(self)


def _mark_icon(text: str) -> QIcon:
    """A small badge with one character, drawn (no image files to ship)."""
    pix = QPixmap(32, 32)
    pix.fill(QColor(0, 0, 0, 0))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor("#d4a017"))
    p.setPen(QColor("#d4a017"))
    p.drawRoundedRect(0, 0, 32, 32, 6, 6)
    font = QFont()
    font.setPixelSize(22)
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(pix.rect(), Qt.AlignmentFlag.AlignCenter, text)
    p.end()
    return QIcon(pix)
