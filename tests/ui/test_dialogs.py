"""Payment password, card operations and refunds through their dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.services.checkout import checkout
from app.services.stored_value import top_up
from tests.conftest import MANAGER_NO, MANAGER_PIN, db_snapshot
from tests.helpers import query
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in
from ui.dialogs.card_ops import CardOpsDialog
from ui.dialogs.password import PaymentPasswordDialog
from ui.dialogs.refund import RefundDialog

PHONE = "13800138000"


def open_counter_on(qtbot, window, phone: str = PHONE):
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    counter.open_member(phone)
    idle(qtbot, window)
    assert counter.member is not None
    return counter


def press_in(qtbot, window, key: Qt.Key, handle) -> None:
    idle(qtbot, window)
    in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, key), handle)
    idle(qtbot, window)


def test_payment_password_set_then_change_needs_the_old_one(qtbot, window, ctx, register) -> None:
    register(name="张三", phone=PHONE)
    counter = open_counter_on(qtbot, window)

    def first(d: QDialog) -> None:
        assert isinstance(d, PaymentPasswordDialog) and d.mode() == "set"
        qtbot.keyClicks(d.new, "135790")
        qtbot.keyClicks(d.again, "135799")
        assert "不一致" in d.error.text()
        d.again.clear()
        qtbot.keyClicks(d.again, "135790")
        qtbot.keyClick(d.again, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    press_in(qtbot, window, Qt.Key.Key_F8, first)
    assert counter.member.has_payment_password
    before = db_snapshot(ctx)

    def wrong_old(d: QDialog) -> None:
        assert isinstance(d, PaymentPasswordDialog) and d.mode() == "change"
        qtbot.keyClicks(d.old, "000000")
        qtbot.keyClicks(d.new, "246810")
        qtbot.keyClicks(d.again, "246810")
        qtbot.keyClick(d.again, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "密码错误" in d.error.text(), timeout=5000)
        d.reject()

    press_in(qtbot, window, Qt.Key.Key_F8, wrong_old)
    after = db_snapshot(ctx)
    # Only the member's failure count moved (it locks the password after 5 wrong tries).
    assert {t for t in before if before[t] != after[t]} == {"member"}


def test_freezing_a_card_shows_loudly_and_stops_spending(qtbot, window, register) -> None:
    register(name="张三", phone=PHONE)
    counter = open_counter_on(qtbot, window)

    def freeze(d: QDialog) -> None:
        assert isinstance(d, CardOpsDialog)
        qtbot.keyClick(d.focusWidget() or d, "2")  # 2 = freeze
        assert d.action == "freeze"
        save_screenshot(d, "06-card-ops")
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    press_in(qtbot, window, Qt.Key.Key_F6, freeze)
    assert counter.member.card_status == "frozen"
    assert counter.panel.card_warning.isVisible()
    assert "冻结" in counter.panel.card_warning.text()


def test_refund_of_a_checkout_needs_a_managers_approval(
    qtbot, window, ctx, register, cashier
) -> None:
    m = register(name="张三", phone=PHONE)
    top_up(ctx, cashier, m.member_id, 50_000, "cash")
    paid = checkout(ctx, cashier, PHONE, 12_000)
    counter = open_counter_on(qtbot, window)
    before = db_snapshot(ctx)

    def wrong_manager_pin(d: QDialog) -> None:
        assert isinstance(d, RefundDialog) and d.line.txn_id == paid.txn_id
        assert not d.confirm_button.isEnabled()
        qtbot.keyClicks(d.approval.staff_no, MANAGER_NO)
        qtbot.keyClicks(d.approval.pin, "0000")
        qtbot.keyClick(d.approval.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "密码错误" in d.error.text(), timeout=5000)
        d.reject()

    press_in(qtbot, window, Qt.Key.Key_F7, wrong_manager_pin)
    changed = db_snapshot(ctx)
    assert {t for t in before if before[t] != changed[t]} <= {"staff", "audit_log"}

    def approved(d: QDialog) -> None:
        qtbot.keyClicks(d.approval.staff_no, MANAGER_NO)
        qtbot.keyClicks(d.approval.pin, MANAGER_PIN)
        save_screenshot(d, "07-refund")
        qtbot.keyClick(d.approval.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    press_in(qtbot, window, Qt.Key.Key_F7, approved)
    assert query(ctx, "SELECT count(*) FROM txn WHERE original_txn_id = ?", paid.txn_id) == [(1,)]
    assert counter.panel.balance.text() == "¥550.00"  # 500 + 50 bonus, the 120 back
    assert "退款完成" in counter.message.text()
    assert counter.panel.refunds.rowCount() == 1


def test_a_dialog_deleted_before_its_fields_settle_leaves_nothing_alive(qtbot, session) -> None:
    """A dialog whose fields' layout changed just before it closed (a counter does that
    thousands of times a day) is gone with everything it held: the soak found one scroll
    area and its fields kept alive per such dialog by a pending QTimer.singleShot."""
    import gc
    import weakref

    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QLineEdit

    from ui.dialogs.base import OpDialog

    gone: list[weakref.ref[object]] = []
    for _ in range(3):
        dialog = OpDialog(session, "测试")
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.body.addWidget(QLineEdit(dialog))  # the fields' layout asks to be redone
        QCoreApplication.sendPostedEvents(dialog.scroll.widget(), QEvent.Type.LayoutRequest)
        gone += [weakref.ref(dialog.scroll), weakref.ref(dialog.scroll.widget())]
        dialog.close()
        dialog.deleteLater()
        del dialog
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    gc.collect()
    assert [ref() for ref in gone] == [None] * len(gone)
