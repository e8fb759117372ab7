"""Refusals in the window: a readable message, the dialog still open, nothing changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.services.stored_value import top_up
from tests.conftest import CASHIER_NO, CASHIER_PIN, db_snapshot
from tests.ui.conftest import idle, in_dialog, sign_in
from ui.dialogs.checkout import CheckoutDialog
from ui.dialogs.register import RegisterDialog

PHONE = "13800138000"


def test_a_wrong_pin_is_refused_with_a_message(qtbot, window, ctx) -> None:
    before = db_snapshot(ctx)
    sign_in(qtbot, window, CASHIER_NO, "0000")
    qtbot.waitUntil(lambda: window.signin.error.text() != "", timeout=5000)
    assert window.signin.error.text() == "工号或密码错误,还可尝试 4 次"
    assert window.stack.currentWidget() is window.signin
    assert window.session.actor is None
    assert window.signin.pin.text() == ""
    after = db_snapshot(ctx)
    # Only the wrong-PIN count and its audit entry change: the lock-out needs them.
    changed = {t for t in before if before[t] != after[t]}
    assert changed <= {"staff", "audit_log"}


def test_five_wrong_pins_lock_the_cashier_out(qtbot, window) -> None:
    for _ in range(5):
        sign_in(qtbot, window, CASHIER_NO, "0000")
        idle(qtbot, window)
    sign_in(qtbot, window, CASHIER_NO, CASHIER_PIN)
    idle(qtbot, window)
    assert "锁定" in window.signin.error.text()
    assert window.session.actor is None


def test_a_duplicate_phone_offers_the_existing_member(qtbot, window, ctx, register) -> None:
    register(name="张三", phone=PHONE)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)
    before = db_snapshot(ctx)

    def duplicate(d: QDialog) -> None:
        assert isinstance(d, RegisterDialog)
        d.phone.setText(PHONE)
        d.name.setText("张三丰")
        d.consent.setChecked(True)
        qtbot.keyClick(d.name, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "已是会员" in d.error.text(), timeout=5000)
        assert d.isVisible() and d.open_existing.isVisible()
        qtbot.mouseClick(d.open_existing, Qt.MouseButton.LeftButton)

    counter = window.counter
    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F1), duplicate)
    idle(qtbot, window)
    assert counter.member is not None and counter.member.name == "张三"
    assert db_snapshot(ctx) == before


def test_insufficient_stored_value_is_refused_before_and_at_commit(
    qtbot, window, ctx, register, cashier
) -> None:
    m = register(name="张三", phone=PHONE)
    top_up(ctx, cashier, m.member_id, 10_000, "cash")
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    counter.open_member(PHONE)
    idle(qtbot, window)
    before = db_snapshot(ctx)

    def too_much(d: QDialog) -> None:
        assert isinstance(d, CheckoutDialog)
        qtbot.waitUntil(lambda: d.info is not None, timeout=5000)
        d.amount.setText("300")
        assert d.stored.fen() == 10_000  # what the balance covers; the rest by another method
        d.stored.setText("300")
        d.stored.textEdited.emit("300")
        assert "储值余额不足" in d.error.text()
        assert not d.confirm_button.isEnabled()
        qtbot.keyClick(d.amount, Qt.Key.Key_Return)  # Enter does nothing while refused
        assert d.isVisible()
        d.reject()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F3), too_much)
    assert db_snapshot(ctx) == before
    idle(qtbot, window)

    # The service refuses too when the balance went down after the dialog quoted.
    def spent_elsewhere(d: QDialog) -> None:
        assert isinstance(d, CheckoutDialog)
        qtbot.waitUntil(lambda: d.info is not None, timeout=5000)
        d.amount.setText("80")
        assert d.confirm_button.isEnabled()
        from app.services.checkout import checkout

        checkout(ctx, cashier, PHONE, 5_000)  # another counter spends 50 of the 100
        nonlocal before
        before = db_snapshot(ctx)
        qtbot.keyClick(d.amount, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "余额不足" in d.error.text(), timeout=5000)
        assert d.isVisible()
        d.reject()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F3), spent_elsewhere)
    assert db_snapshot(ctx) == before
