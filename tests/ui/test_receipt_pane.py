"""A long receipt is readable as a whole at 1024×768: the pane fits the paper's width (no
line runs off to the right), and Ctrl+R shows every line at once, in columns when needed.

Before: the pane showed about ten lines of a 48-column receipt with both scroll bars, and
there was no way to see the rest but scrolling a 190-pixel box.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt

from app.domain.receipt import display_width
from tests.ui.conftest import idle, in_dialog, save_screenshot
from tests.ui.test_window import signed_in
from ui.receipt_pane import (
    SHEET_MIN_PX,
    ReceiptDialog,
    ReceiptSheet,
    mono_font,
    sheet_layout,
)

COLUMNS = 48  # 80 mm paper


def row(left: str, right: str, width: int = COLUMNS) -> str:
    return left + " " * (width - display_width(left) - display_width(right)) + right


def long_receipt(items: int) -> list[str]:
    lines = ["演示门店".center(COLUMNS - 4), "收银结账".center(COLUMNS - 4), "-" * COLUMNS]
    lines += [row("收银员", "李收银"), row("单号", "01a233b6-aa67-7074-93e3-8c215578fea5")]
    lines.append("-" * COLUMNS)
    for i in range(items):
        lines.append(row(f"{i + 1:02d} 进口有机纯牛奶礼盒装 x1", f"¥{12 + i}.00"))
    lines += ["-" * COLUMNS, row("合计", "¥1,234.00"), row("储值支付", "¥1,234.00")]
    lines += [row("本次积分", "+1234"), row("储值余额", "¥8,765.43"), "谢谢惠顾,欢迎再来"]
    return lines


def test_the_pane_fits_the_papers_width(qtbot: Any, window: Any) -> None:
    window.resize(1024, 768)
    counter = signed_in(qtbot, window)
    lines = long_receipt(40)
    counter.receipt.show_receipt(lines, "未设置打印机")
    counter._compact_actions(True)  # as the counter does beside a receipt
    qtbot.waitUntil(lambda: counter.receipt.isVisible())
    idle(qtbot, window)
    pane = counter.receipt
    assert pane.fits_width(), f"a line runs off the pane at {pane.text.font().pixelSize()} px"
    assert pane.text.horizontalScrollBar().maximum() == 0
    assert pane.text.font().pixelSize() >= 8
    assert pane.whole_button.isVisible() and pane.whole_button.height() >= 44
    save_screenshot(window, "receipt-pane-long")


def test_ctrl_r_shows_every_line_of_a_long_receipt(qtbot: Any, window: Any) -> None:
    window.resize(1024, 768)
    counter = signed_in(qtbot, window)
    lines = long_receipt(60)  # 72 lines: more than one column holds at a readable size
    counter.receipt.show_receipt(lines, "")
    idle(qtbot, window)
    seen: dict[str, Any] = {}

    def look(d: Any) -> None:
        assert isinstance(d, ReceiptDialog)
        qtbot.waitUntil(lambda: d.sheet.width() > 400)
        sheet = d.sheet
        seen.update(px=sheet.px, columns=sheet.columns, fits=sheet.fits(), size=d.size())
        seen["all"] = sheet.per_column() * sheet.columns >= len(lines)
        save_screenshot(d, "receipt-whole")
        qtbot.keyClick(d, Qt.Key.Key_Escape)

    in_dialog(
        qtbot,
        lambda: qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier),
        look,
    )
    assert seen, "Ctrl+R opened no receipt"
    assert seen["fits"] and seen["all"], seen
    assert seen["px"] >= SHEET_MIN_PX and seen["columns"] > 1, seen
    assert seen["size"].width() <= 1024 and seen["size"].height() <= 768, seen


def test_sheet_layout_takes_the_largest_font_and_the_fewest_columns(qtbot: Any) -> None:
    font = mono_font()
    short = long_receipt(5)
    px, columns = sheet_layout(font, short, QSize(980, 640))
    assert columns == 1, "a short receipt is cut into columns"
    assert px > SHEET_MIN_PX
    # 212 lines: four strips at the smallest readable size (and it says it does not fit)
    assert sheet_layout(font, long_receipt(200), QSize(980, 640)) == (SHEET_MIN_PX, 4)
    sheet = ReceiptSheet(long_receipt(60))
    qtbot.addWidget(sheet)
    sheet.resize(980, 640)
    sheet.show()
    qtbot.waitExposed(sheet)
    assert sheet.fits()
    sheet.resize(200, 200)  # too small for anything readable: it says so
    assert not sheet.fits()
