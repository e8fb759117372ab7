"""Shifts through the window: open with a float, blind count, over/short with its reason."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from app.services.checkout import checkout
from app.services.printing import PrintJob
from app.services.settings import PrinterSettings, set_printer_settings
from app.services.shifts import open_shift
from app.services.stored_value import top_up
from tests.conftest import CASHIER_NO, CASHIER_PIN, MANAGER_NO, MANAGER_PIN
from tests.helpers import query
from tests.ui.conftest import idle, in_dialog, save_screenshot
from tests.ui.manager_helpers import signed_in, through_menu
from ui.manager.reports_z import XReportDialog
from ui.manager.shift import HandoverDialog, OpenShiftDialog, Stage

PHONE = "13800138000"


def visible_texts(d: QDialog) -> str:
    return " ".join(w.text() for w in d.findChildren(QLabel) if w.isVisible())


def test_open_shift_checkout_with_change_then_blind_count_and_a_reason(
    qtbot, window, ctx, register, cashier
) -> None:
    m = register(name="张三", phone=PHONE)
    counter = signed_in(qtbot, window, CASHIER_NO, CASHIER_PIN)
    # A cashier without an open shift is offered one, without being stopped from working.
    qtbot.waitUntil(counter.shift_banner.isVisible, timeout=5000)
    save_screenshot(window, "20-counter-shift-offered")

    def open_with_float(d: QDialog) -> None:
        assert isinstance(d, OpenShiftDialog)
        d.float_edit.clear()
        qtbot.keyClicks(d.float_edit, "200")
        save_screenshot(d, "21-open-shift")
        qtbot.keyClick(d.float_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    in_dialog(qtbot, counter.shift_banner.button.click, open_with_float)
    idle(qtbot, window)
    assert not counter.shift_banner.isVisible()
    assert query(ctx, "SELECT status, float_fen FROM shift") == [("open", 20_000)]

    # 80 paid with 100 in cash: 20 change, which is never takings. A top-up in cash too.
    checkout(ctx, cashier, m.member_id, 8_000, pay="cash", tenders=[("cash", 10_000)])
    top_up(ctx, cashier, m.member_id, 30_000, "cash")
    expected = 20_000 + 8_000 + 30_000  # float + cash kept

    def count_blind(d: QDialog) -> None:
        assert isinstance(d, HandoverDialog)
        assert "580" not in visible_texts(d)  # blind: the expected cash is not shown
        for denom, pieces in ((10_000, 5), (5_000, 1), (1_000, 2)):
            qtbot.keyClicks(d.pieces[denom], str(pieces))
        assert "¥570.00" in d.counted_label.text()
        save_screenshot(d, "22-blind-count")
        # Enter in a box moves to the next one; it never commits the count half-typed.
        d.pieces[1_000].setFocus()
        qtbot.keyClick(d.pieces[1_000], Qt.Key.Key_Return)
        assert d.stage == Stage.COUNT and d.focusWidget() is d.pieces[500]
        last = d.pieces[min(d.pieces)]
        last.setFocus()
        qtbot.keyClick(last, Qt.Key.Key_Return)
        # A summary of what was counted, still blind, to confirm.
        assert d.stage == Stage.CONFIRM
        assert "¥570.00" in d.confirm_total.text() and "¥100 × 5" in d.confirm_lines.text()
        assert "580" not in visible_texts(d)
        assert not query(ctx, "SELECT 1 FROM shift WHERE status = 'counted'")
        qtbot.keyClick(d.confirm_button, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.stage == Stage.REASON, timeout=5000)
        # Only now: the expected cash and the over/short, and a reason is required.
        assert "¥580.00" in d.result_label.text()
        assert d.over_short_label.text() == "短款 ¥10.00"
        assert not d.confirm_button.isEnabled()
        assert "原因" in d.error.text()
        d.reason.insert("找零多给")  # typed through the input method
        save_screenshot(d, "23-over-short-reason")
        qtbot.keyClick(d.reason, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.stage == Stage.DONE, timeout=5000)
        assert "长短款 短款 ¥10.00" in d.summary.text()
        qtbot.waitUntil(lambda: "未设置打印机" in d.print_state.text(), timeout=5000)
        save_screenshot(d, "24-shift-closed")
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)
        return d.closed

    out = through_menu(qtbot, window, "handover", count_blind)
    # A cashier sees only the functions of their own shift.
    assert out["buttons"] == ["handover", "open_shift"]
    assert out["message"] == "已交班:短款 ¥10.00"
    row = query(ctx, "SELECT status, counted_fen, expected_fen, over_short_fen, reason FROM shift")
    assert row == [("closed", 57_000, expected, -1_000, "找零多给")]
    assert query(ctx, "SELECT count_detail FROM shift")[0][0] is not None


def test_a_matching_count_closes_without_a_reason(qtbot, window, ctx, cashier) -> None:
    open_shift(ctx, cashier, 10_000)
    signed_in(qtbot, window, CASHIER_NO, CASHIER_PIN)

    def by_total(d: QDialog) -> None:
        qtbot.mouseClick(d.by_total, Qt.MouseButton.LeftButton)
        assert d.total_edit.isVisible() and not d.pieces_box.isVisible()
        assert not d.confirm_button.isEnabled()
        d.keypad.set_target(d.total_edit)
        keys = {b.text(): b for b in d.keypad.findChildren(type(d.confirm_button))}
        for key in ("1", "0", "0"):  # the on-screen keypad
            keys[key].click()
        assert d.total_edit.text() == "100"
        qtbot.keyClick(d.total_edit, Qt.Key.Key_Return)
        assert d.stage == Stage.CONFIRM  # what was counted, to confirm
        qtbot.keyClick(d.confirm_button, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.stage == Stage.DONE, timeout=5000)
        d.accept()

    in_dialog(qtbot, lambda: HandoverDialog.ask(window, window.session), by_total)
    assert query(ctx, "SELECT status, over_short_fen, reason FROM shift") == [("closed", 0, None)]


def test_the_x_report_shows_expected_cash_and_prints(
    qtbot, session, prefs, ctx, admin, cashier, register, tmp_path
) -> None:
    from ui.hardware import Devices
    from ui.window import MainWindow

    woken: list[int] = []
    set_printer_settings(
        ctx, admin, PrinterSettings(address=f"file:{tmp_path / 'p.bin'}", enabled=True, width=80)
    )
    w = MainWindow(session, prefs, Devices(wake_printer=lambda: woken.append(1)))
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    m = register(name="张三", phone=PHONE)
    open_shift(ctx, cashier, 5_000)
    checkout(ctx, cashier, m.member_id, 1_250, pay="cash", tenders=[("cash", 2_000)])
    signed_in(qtbot, w, MANAGER_NO, MANAGER_PIN)

    def x(d: QDialog) -> None:
        assert isinstance(d, XReportDialog)
        qtbot.waitUntil(lambda: d.report is not None, timeout=5000)
        text = d.text.toPlainText()
        assert "李收银" in text and "应有现金" in text and "62.50" in text  # 50 + 12.50 kept
        save_screenshot(d, "25-x-report")
        qtbot.keyClick(d, Qt.Key.Key_F9)
        qtbot.waitUntil(lambda: "已送打印机" in d.state.text(), timeout=5000)
        d.reject()

    in_dialog(qtbot, lambda: XReportDialog.ask(w, w.session), x)
    assert woken == [1]
    jobs = query(ctx, "SELECT kind, document FROM print_job")
    assert len(jobs) == 1 and jobs[0][0] == "report" and "应有现金" in jobs[0][1]
    assert isinstance(PrintJob, type)
    assert QApplication.activeModalWidget() is None


def test_a_manager_closes_a_cashiers_shift(qtbot, window, ctx, cashier) -> None:
    open_shift(ctx, cashier, 10_000)
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def for_the_cashier(d: QDialog) -> None:
        qtbot.waitUntil(lambda: d.whose.isVisible(), timeout=5000)
        assert d.whose.count() == 1 and "李收银" in d.whose.currentText()
        save_screenshot(d, "26-handover-by-manager")
        qtbot.mouseClick(d.by_total, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(d.total_edit, "100")
        qtbot.keyClick(d.total_edit, Qt.Key.Key_Return)
        assert d.stage == Stage.CONFIRM  # what was counted, to confirm
        qtbot.keyClick(d.confirm_button, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.stage == Stage.DONE, timeout=5000)
        d.accept()

    out = through_menu(qtbot, window, "handover", for_the_cashier)
    assert out["message"] == "已交班:无长短款"
    closed_by = query(
        ctx, "SELECT s.status, st.staff_no FROM shift s JOIN staff st ON st.id = s.closed_by"
    )
    assert closed_by == [("closed", MANAGER_NO)]
