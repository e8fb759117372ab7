"""The last receipt on screen: what was printed, or what would be when there is no printer."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

# Monospace families that draw hanzi at exactly two columns, so the preview lines up.
CJK_MONO = (
    "Noto Sans Mono CJK SC",
    "Sarasa Mono SC",
    "NSimSun",
    "SimSun",
    "WenQuanYi Zen Hei Mono",
)


def mono_font() -> QFont:
    families = set(QFontDatabase.families())
    for family in CJK_MONO:
        if family in families:
            return QFont(family, 9)
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class ReceiptPane(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.title = QLabel(self.tr("小票"), self)
        self.title.setProperty("role", "caption")
        layout.addWidget(self.title)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("receiptText")
        self.text.setReadOnly(True)
        self.text.setFont(mono_font())
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.text, 1)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        layout.addWidget(self.state)

    def show_receipt(self, lines: list[str], state: str) -> None:
        self.text.setPlainText("\n".join(lines))
        self.state.setText(state)
        self.show()

    def set_state(self, state: str) -> None:
        self.state.setText(state)
