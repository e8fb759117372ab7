"""Entry fields: money in yuan (digits and two decimals only) and a scan box without IME."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from app.domain.errors import CounterError
from app.domain.money import parse_yuan

MAX_YUAN_DIGITS = 7  # ¥9,999,999.99: more than any counter takes at once


class MoneyEdit(QLineEdit):
    """Yuan with at most two decimals; ``fen()`` is None while the text is not an amount."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pattern = QRegularExpression(rf"^\d{{0,{MAX_YUAN_DIGITS}}}(\.\d{{0,2}})?$")
        self.setValidator(QRegularExpressionValidator(pattern, self))
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
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


class DigitsEdit(QLineEdit):
    """Digits only (PINs, points, phone numbers), IME off so a pinyin IME cannot intercept."""

    def __init__(self, max_len: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(
            QRegularExpressionValidator(QRegularExpression(rf"^\d{{0,{max_len}}}$"), self)
        )
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)

    def value(self) -> int:
        return int(self.text()) if self.text() else 0


class ScanBox(QLineEdit):
    """The counter's one box for cards, QR codes, phones and names.

    The input method stays off so a scanner's digits are never swallowed by a pinyin IME;
    names in hanzi are typed after switching the IME on explicitly (Ctrl+Space toggles it).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanBox")
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.setClearButtonEnabled(True)

    def set_ime(self, enabled: bool) -> None:
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, enabled)

    def ime_enabled(self) -> bool:
        return self.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
