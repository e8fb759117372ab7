"""The last receipt on screen: what was printed, or what would be when there is no printer.

Beside the function keys the pane shows the receipt at the width of its paper (the font is
fitted, so no line runs off to the right); Ctrl+R (or the button) shows the whole receipt at
once, every line on screen, laid out in columns side by side when it is long — as a cashier
would hold the paper strip up to read it.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.receipt import display_width
from ui.dialogs.base import run_modal

# Monospace families that draw hanzi at exactly two columns, so the preview lines up.
CJK_MONO = (
    "Noto Sans Mono CJK SC",
    "Sarasa Mono SC",
    "NSimSun",
    "SimSun",
    "WenQuanYi Zen Hei Mono",
)
PANE_MAX_PX = 13  # the pane's font when the paper's width fits at this size
SHEET_MAX_PX = 22  # the whole receipt is never drawn larger than this
SHEET_MIN_PX = 10  # nor smaller: below it a person cannot read it at a counter's distance
SHEET_MAX_COLUMNS = 4
COLUMN_GAP = 16
PAPER_PAD = 10
WHOLE_KEY = "Ctrl+R"


def mono_font() -> QFont:
    families = set(QFontDatabase.families())
    for family in CJK_MONO:
        if family in families:
            return QFont(family, 9)
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


def _sized(font: QFont, px: int) -> QFont:
    f = QFont(font)
    f.setPixelSize(max(1, px))
    return f


def columns_of(lines: list[str]) -> int:
    """The receipt's width in columns (a hanzi is two): its widest line."""
    return max((display_width(line) for line in lines), default=0)


def fit_width_px(font: QFont, columns: int, width: int, most: int = PANE_MAX_PX) -> int:
    """The largest pixel size (up to ``most``) at which ``columns`` columns fit ``width``."""
    px = most
    while px > 6 and QFontMetrics(_sized(font, px)).horizontalAdvance("0") * columns > width:
        px -= 1
    return px


def sheet_layout(font: QFont, lines: list[str], size: QSize) -> tuple[int, int]:
    """(pixel size, number of side-by-side columns) that shows every line in ``size``: the
    largest font over one to four columns, the fewest columns at that size. When nothing
    fits even at the smallest readable size: that size in four columns."""
    cols = max(columns_of(lines), 1)
    best: tuple[int, int] | None = None
    for k in range(1, SHEET_MAX_COLUMNS + 1):
        per = math.ceil(max(len(lines), 1) / k)
        for px in range(SHEET_MAX_PX, SHEET_MIN_PX - 1, -1):
            fm = QFontMetrics(_sized(font, px))
            wide = k * (fm.horizontalAdvance("0") * cols + 2 * PAPER_PAD) + (k - 1) * COLUMN_GAP
            tall = per * fm.lineSpacing() + 2 * PAPER_PAD
            if wide <= size.width() and tall <= size.height():
                if best is None or px > best[0]:
                    best = (px, k)
                break
    return best or (SHEET_MIN_PX, SHEET_MAX_COLUMNS)


class ReceiptSheet(QWidget):
    """Every line of a receipt, drawn as strips of paper that fit the widget together."""

    def __init__(self, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptSheet")
        self.lines = lines
        self.base = mono_font()
        self.px, self.columns = SHEET_MAX_PX, 1
        self.setMinimumSize(320, 240)

    def relayout(self) -> None:
        self.px, self.columns = sheet_layout(self.base, self.lines, self.size())
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.relayout()

    def per_column(self) -> int:
        return math.ceil(max(len(self.lines), 1) / self.columns)

    def fits(self) -> bool:
        """Whether every line and every column lies inside the widget (nothing scrolls)."""
        fm = QFontMetrics(_sized(self.base, self.px))
        strip = fm.horizontalAdvance("0") * max(columns_of(self.lines), 1) + 2 * PAPER_PAD
        wide = self.columns * strip + (self.columns - 1) * COLUMN_GAP
        tall = self.per_column() * fm.lineSpacing() + 2 * PAPER_PAD
        return wide <= self.width() and tall <= self.height()

    def paintEvent(self, event: QPaintEvent) -> None:
        font = _sized(self.base, self.px)
        fm = QFontMetrics(font)
        strip = fm.horizontalAdvance("0") * max(columns_of(self.lines), 1) + 2 * PAPER_PAD
        per = self.per_column()
        wide = self.columns * strip + (self.columns - 1) * COLUMN_GAP
        left = max((self.width() - wide) // 2, 0)
        p = QPainter(self)
        p.setFont(font)
        for k in range(self.columns):
            chunk = self.lines[k * per : (k + 1) * per]
            if not chunk and k:
                break
            x = left + k * (strip + COLUMN_GAP)
            tall = len(chunk) * fm.lineSpacing() + 2 * PAPER_PAD
            p.fillRect(QRect(x, 0, strip, tall), QColor("white"))
            p.setPen(QColor("#c8c8c8"))
            p.drawRect(QRect(x, 0, strip - 1, tall - 1))
            p.setPen(QColor("#222222"))
            for i, line in enumerate(chunk):
                y = PAPER_PAD + i * fm.lineSpacing() + fm.ascent()
                p.drawText(x + PAPER_PAD, y, line)
        p.end()


class ReceiptDialog(QDialog):
    """The whole receipt at once, as large as the screen allows; Esc or Enter closes it."""

    def __init__(self, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("整张小票"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        self.sheet = ReceiptSheet(lines, self)
        layout.addWidget(self.sheet, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.close_button = QPushButton(self.tr("关闭 (Esc)"), self)
        self.close_button.setProperty("role", "primary")
        self.close_button.setMinimumHeight(44)
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.close_button)
        layout.addLayout(row)

    def sizeHint(self) -> QSize:
        screen = (self.parentWidget() or self).screen().availableGeometry()
        return QSize(screen.width() - 40, screen.height() - 80)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)

    @classmethod
    def ask(cls, parent: QWidget, lines: list[str]) -> None:
        run_modal(cls(lines, parent))


class ReceiptPane(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.lines: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("receiptText")
        self.text.setReadOnly(True)
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.base_font = mono_font()
        self.text.setFont(_sized(self.base_font, PANE_MAX_PX))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.text, 1)
        # What became of it (printed, on screen only) beside the button that shows it whole:
        # one row, so the function keys above keep their height at 768 px in either language.
        bottom = QHBoxLayout()
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        bottom.addWidget(self.state, 1)
        self.whole_button = QPushButton(self.tr("整张查看 {0}").format(WHOLE_KEY), self)
        self.whole_button.setObjectName("receiptWhole")
        self.whole_button.setAutoDefault(False)
        self.whole_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan box keeps it
        self.whole_button.setMinimumHeight(44)
        self.whole_button.clicked.connect(self.show_whole)
        bottom.addWidget(self.whole_button)
        layout.addLayout(bottom)
        shortcut = QShortcut(QKeySequence(WHOLE_KEY), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self.show_whole)

    def show_receipt(self, lines: list[str], state: str) -> None:
        self.lines = list(lines)
        self.text.setPlainText("\n".join(lines))
        self.state.setText(state)
        self.show()
        self.fit()

    def fit(self) -> None:
        """The font at which the paper's width fits the pane: no line runs off the side."""
        room = self.text.viewport().width() - 2 * int(self.text.document().documentMargin()) - 2
        if self.text.verticalScrollBar().isVisible() or len(self.lines) > 8:
            room = min(
                room, self.text.width() - self.text.verticalScrollBar().sizeHint().width() - 12
            )
        px = fit_width_px(self.base_font, max(columns_of(self.lines), 1), room)
        if self.text.font().pixelSize() != px:
            self.text.setFont(_sized(self.base_font, px))

    def fits_width(self) -> bool:
        fm = QFontMetrics(self.text.font())
        widest = max((fm.horizontalAdvance(line) for line in self.lines), default=0)
        margin = 2 * int(self.text.document().documentMargin())
        return widest + margin <= self.text.viewport().width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.lines:
            self.fit()

    def show_whole(self) -> None:
        if not self.lines or not self.isVisible():
            return
        if QApplication.activeModalWidget() is not None:
            return  # a dialog is open: the receipt waits
        ReceiptDialog.ask(self, self.lines)

    def set_state(self, state: str) -> None:
        self.state.setText(state)
