"""The daily close (日结) through the window: refused while a shift is open, then the stored
Z report; afterwards new operations go into the next business date (shown in the status bar);
a closed date's report is reprinted."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.services.checkout import checkout
from app.services.closing import z_report
from app.services.refunds import refund
from app.services.shifts import close_shift, count_shift, open_shift
from app.services.stored_value import top_up
from tests.conftest import MANAGER_NO, MANAGER_PIN
from tests.helpers import query
from tests.ui.conftest import idle, in_dialog, save_screenshot
from tests.ui.manager_helpers import signed_in, through_menu
from ui.dialogs.topup import TopUpDialog
from ui.manager.reports_z import DayCloseDialog, ZReportDialog

PHONE = "13800138000"


def a_day(ctx, cashier, register, approval):
    m = register(name="张三", phone=PHONE)
    open_shift(ctx, cashier, 10_000)
    top_up(ctx, cashier, m.member_id, 50_000, "wechat")  # 50 bonus
    paid = checkout(ctx, cashier, m.member_id, 12_000)
    checkout(ctx, cashier, m.member_id, 3_000, pay="cash", tenders=[("cash", 5_000)])
    refund(ctx, cashier, paid.txn_id, approval)
    return m


def test_daily_close_refused_while_a_shift_is_open_then_done_then_the_next_date(
    qtbot, window, ctx, cashier, manager, register, approval, tmp_path
) -> None:
    m = a_day(ctx, cashier, register, approval)
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
    day = window.session.today()

    def refused(d: QDialog) -> None:
        assert isinstance(d, DayCloseDialog)
        qtbot.waitUntil(lambda: d.preview is not None, timeout=5000)
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "未交班" in d.error.text(), timeout=5000)
        assert "c01" in d.error.text()
        d.reject()

    out = through_menu(qtbot, window, "day_close", refused)
    assert len(out["buttons"]) == 11  # a manager sees every screen
    assert query(ctx, "SELECT count(*) FROM day_close") == [(0,)]

    count_shift(ctx, cashier, total_fen=13_000)  # 100 float + 30 cash
    close_shift(ctx, cashier)

    def close(d: QDialog) -> None:
        qtbot.waitUntil(lambda: d.preview is not None, timeout=5000)
        # The preview on screen is the service's Z report, to the fen.
        assert d.preview == z_report(ctx, manager, day)
        text = d.text.toPlainText()
        assert "预览" in text and "30.00" in text  # net sales: 30 in cash, the 120 refunded
        save_screenshot(d, "30-day-close-preview")
        qtbot.keyClick(d, Qt.Key.Key_Return)  # Enter closes the day
        qtbot.waitUntil(lambda: d.stored is not None, timeout=5000)
        assert "预览" not in d.text.toPlainText() and "已日结" in d.text.toPlainText()
        qtbot.waitUntil(lambda: "未设置打印机" in d.print_state.text(), timeout=5000)
        save_screenshot(d, "31-day-closed")
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    out = through_menu(qtbot, window, "day_close", close)
    assert out["message"] == f"营业日 {day.isoformat()} 已日结"
    stored = z_report(ctx, manager, day)
    assert stored["closed"] is True
    assert stored["net_sales_fen"] == 3_000 and stored["topups"]["bonus_fen"] == 5_000
    assert query(ctx, "SELECT count(*) FROM day_close") == [(1,)]

    # The late customer is served: the top-up goes into the next business date at once, and
    # the status bar shows that date beside the calendar's.
    window.counter.open_member(m.member_id)
    idle(qtbot, window)
    window.refresh_status()
    nxt = day + dt.timedelta(days=1)
    label = window.status_labels["date"]
    qtbot.waitUntil(lambda: label.text() == f"营业日 {nxt:%m-%d}(日历 {day:%m-%d})", timeout=5000)
    assert label.property("role") == "tag" and nxt.isoformat() in label.toolTip()
    assert window.session.today() == nxt
    # It fits at 1024 px beside HQ's and the printer's states.
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=5000)
    qtbot.wait(50)
    sync = window.status_labels["sync"]
    assert label.width() >= label.sizeHint().width()
    assert label.geometry().right() < sync.geometry().left()
    assert sync.width() >= sync.sizeHint().width()
    save_screenshot(window, "33-served-after-the-close")

    def top_up_late(d: QDialog) -> None:
        assert isinstance(d, TopUpDialog)
        qtbot.waitUntil(lambda: d.rules is not None, timeout=5000)
        qtbot.keyClicks(d.amount, "100")
        qtbot.keyClick(d.amount, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: not d.isVisible() or (not d.busy and bool(d.error.text())), timeout=5000
        )
        assert d.result_value is not None, d.error.text()

    in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F2), top_up_late)
    assert query(ctx, "SELECT business_date, amount_fen FROM txn WHERE kind = 'topup' "
                      "ORDER BY business_date") == [(day.isoformat(), 50_000),
                                                    (nxt.isoformat(), 10_000)]  # fmt: skip
    assert z_report(ctx, manager, day) == stored
    assert z_report(ctx, manager, nxt)["topups"]["amount_fen"] == 10_000

    # 日结 again the same evening: the stored report of the date closed (the next one has
    # not started yet).
    def again(d: QDialog) -> None:
        qtbot.waitUntil(lambda: d.stored is not None, timeout=5000)
        assert d.stored == stored and "之前已完成" in d.head.text()
        d.accept()

    through_menu(qtbot, window, "day_close", again)

    # The stored report of the closed date, for reprint.
    def reprint(d: QDialog) -> None:
        assert isinstance(d, ZReportDialog)
        qtbot.waitUntil(lambda: d.report is not None, timeout=5000)
        assert d.report == stored
        assert "日结报表 Z" in d.text.toPlainText() and "预览" not in d.text.toPlainText()
        save_screenshot(d, "32-z-reprint")
        qtbot.keyClick(d, Qt.Key.Key_F9)
        qtbot.waitUntil(lambda: "未设置打印机" in d.state.text(), timeout=5000)
        d.export_path = tmp_path / "z.csv"
        d.export_button.click()
        qtbot.waitUntil(lambda: "已导出" in d.state.text(), timeout=5000)
        d.reject()

    through_menu(qtbot, window, "z_report", reprint)
    exported = (tmp_path / "z.csv").read_text(encoding="utf-8-sig")
    assert "net_sales_fen,30.00" in exported


def test_a_closed_date_opens_on_its_stored_report(qtbot, window, ctx, manager) -> None:
    from app.services.closing import close_day

    stored = close_day(ctx, manager)
    stored.pop("backup")  # what close_day says of the day's backup; the report is stored without
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def already(d: QDialog) -> None:
        qtbot.waitUntil(lambda: d.stored is not None, timeout=5000)
        assert d.stored == stored and "之前已完成" in d.head.text()
        d.accept()

    in_dialog(qtbot, lambda: DayCloseDialog.ask(window, window.session), already)
