"""The counter window for the office roles (issue 18, point 9): a 客服 signed in sees the
member and may tag them, but the money keys (F2 top-up, F3 checkout, F4, F7) and F1 and F10
are greyed and pressing them opens nothing; a 财务 has F10 for the reports. The cashier's
keys are as they were."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.services.staff import add_staff
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in

MONEY_KEYS = ("topup", "checkout", "redeem", "refund", "register")


def _on_counter(qtbot, window, no: str, pin: str, phone: str) -> None:
    sign_in(qtbot, window, no, pin)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    window.counter.open_member(phone)
    qtbot.waitUntil(lambda: window.counter.member is not None, timeout=5000)
    idle(qtbot, window)


def test_a_service_staff_sees_the_member_but_no_money_key(
    qtbot, window, ctx, admin, register
) -> None:
    register(name="孙一", phone="13800138401")
    add_staff(ctx, admin, staff_no="k01", name="客服小周", role="service", pin="4692")
    _on_counter(qtbot, window, "k01", "4692", "13800138401")
    counter = window.counter
    assert counter.who.text() == "客服:客服小周(k01)"
    assert window.status_labels["cashier"].text() == "客服 客服小周"  # the status bar too
    assert "无权" not in counter.message.text()  # finding a member is the 客服's work
    buttons = counter.action_buttons
    assert [n for n in MONEY_KEYS if buttons[n].isEnabled()] == []
    assert not buttons["manager"].isEnabled()
    assert buttons["history"].isEnabled()
    assert counter.panel.tags_button.isEnabled()
    assert not counter.panel.count_cards_button.isEnabled()
    save_screenshot(window, "office-role-service")
    for key in (Qt.Key.Key_F2, Qt.Key.Key_F3, Qt.Key.Key_F1, Qt.Key.Key_F11):
        qtbot.keyClick(counter.scan_box, key)
        qtbot.wait(50)
        assert not isinstance(QApplication.activeModalWidget(), QDialog), key


def test_finance_has_the_reports_and_the_cashier_keeps_every_key(
    qtbot, window, ctx, admin, register
) -> None:
    register(name="孙二", phone="13800138402")
    add_staff(ctx, admin, staff_no="f01", name="财务小陈", role="finance", pin="5703")
    _on_counter(qtbot, window, "f01", "5703", "13800138402")
    buttons = window.counter.action_buttons
    assert buttons["manager"].isEnabled()
    assert [n for n in MONEY_KEYS if buttons[n].isEnabled()] == []
    assert not window.counter.panel.tags_button.isEnabled()

    def menu(dialog: QDialog) -> list[str]:
        shown = sorted(dialog.buttons)  # type: ignore[attr-defined]
        dialog.reject()
        return shown

    shown = in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F10), menu)
    assert shown == ["audit", "reports", "x_report", "z_report"]  # no day close, no import
    idle(qtbot, window)
    window.counter.clear()
    window.lock()
    _on_counter(qtbot, window, "c01", "1470", "13800138402")
    assert window.counter.who.text() == "收银员:李收银(c01)"
    assert window.status_labels["cashier"].text() == "收银员 李收银"
    assert all(buttons[n].isEnabled() for n in (*MONEY_KEYS, "manager"))
