"""The cashier's whole flow through real widgets, checked against what the database holds."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.domain.money import format_cny
from app.services.members import set_payment_password
from tests.helpers import ledger_checked, query
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in
from ui.counter import Page
from ui.dialogs.checkout import CheckoutDialog
from ui.dialogs.register import RegisterDialog
from ui.dialogs.topup import TopUpDialog

NEW_PHONE = "13912340000"


def wait_closed_or_error(qtbot: Any, dialog: QDialog) -> None:
    qtbot.waitUntil(
        lambda: not dialog.isVisible() or (not dialog.busy and dialog.error.text()),
        timeout=5000,
    )


def test_sign_in_scan_register_top_up_check_out(qtbot, window, ctx, cashier) -> None:
    w = window
    assert w.stack.currentWidget() is w.signin
    save_screenshot(w, "01-sign-in")
    sign_in(qtbot, w)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.counter, timeout=5000)
    counter = w.counter
    assert counter.scan_box.hasFocus()

    # An unknown phone: "register with this number?"
    qtbot.keyClicks(counter.scan_box, NEW_PHONE)
    qtbot.keyClick(counter.scan_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.pages.currentIndex() == Page.NOT_FOUND, timeout=5000)
    assert NEW_PHONE in counter.register_found.text()

    def register(d: RegisterDialog) -> None:
        assert d.phone.text() == NEW_PHONE
        assert not d.confirm_button.isEnabled()  # name and consent still missing
        d.name.insert("王芳")  # typed through the input method
        assert "隐私" in d.error.text()
        d.consent.setChecked(True)
        assert d.confirm_button.isEnabled()
        save_screenshot(d, "02-register")
        qtbot.keyClick(d.name, Qt.Key.Key_Return)
        wait_closed_or_error(qtbot, d)
        assert d.result_value is not None, d.error.text()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F1), register)
    idle(qtbot, w)
    assert counter.pages.currentIndex() == Page.MEMBER
    member = counter.member
    assert member is not None and member.name == "王芳"
    assert counter.panel.phone.text().endswith("139****0000")  # a cashier sees it masked
    (member_id,) = query(ctx, "SELECT id FROM member WHERE phone = ?", NEW_PHONE)[0]

    # Top up 1000: the bonus (150 by the default rules) is shown before confirming.
    def top_up(d: TopUpDialog) -> None:
        qtbot.waitUntil(lambda: d.rules is not None, timeout=5000)
        qtbot.mouseClick(d.preset_buttons[1000], Qt.MouseButton.LeftButton)
        assert d.amount.fen() == 100_000
        assert "¥150.00" in d.preview.text()
        d.methods.set_method("wechat")
        save_screenshot(d, "03-top-up")
        qtbot.keyClick(d.amount, Qt.Key.Key_Return)
        wait_closed_or_error(qtbot, d)
        assert d.result_value is not None, d.error.text()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F2), top_up)
    idle(qtbot, w)
    assert counter.panel.balance.text() == "¥1,150.00"

    set_payment_password(ctx, cashier, member_id, "135790")
    counter.refresh_member()
    idle(qtbot, w)

    # Check out 300 with stored value and the member's payment password.
    def check_out(d: CheckoutDialog) -> None:
        qtbot.waitUntil(lambda: d.info is not None, timeout=5000)
        qtbot.keyClicks(d.amount, "300")
        assert d.stored.fen() == 30_000  # stored value covers the bill by default
        assert "支付密码" in d.error.text()
        assert not d.confirm_button.isEnabled()
        qtbot.keyClicks(d.password, "135790")
        assert d.confirm_button.isEnabled()
        assert d.due.text() == "¥300.00"
        save_screenshot(d, "04-check-out")
        qtbot.keyClick(d.password, Qt.Key.Key_Return)
        wait_closed_or_error(qtbot, d)
        assert d.result_value is not None, d.error.text()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F3), check_out)
    idle(qtbot, w)
    save_screenshot(w, "05-member-panel")

    # The panel shows exactly what the database holds.
    principal, bonus, points = ledger_checked(ctx, member_id)
    assert (principal, bonus) == query(
        ctx, "SELECT principal_fen, bonus_fen FROM member WHERE id = ?", member_id
    )[0]
    assert principal + bonus == 115_000 - 30_000
    assert points == 300
    panel = counter.panel
    assert panel.balance.text() == format_cny(principal + bonus)
    assert panel.balance_split.text() == f"本金 {format_cny(principal)} · 赠送 {format_cny(bonus)}"
    assert panel.points.text() == "300"
    assert panel.spend.text() == "¥300.00"
    assert panel.checkouts.rowCount() == 1 and panel.topups.rowCount() == 1
    assert "收款成功" in counter.message.text()


def test_history_tabs_load_older_pages_as_the_cashier_scrolls(
    qtbot, window, ctx, cashier, register, clock
) -> None:
    from app.services.checkout import checkout
    from app.services.history import PAGE
    from app.services.stored_value import top_up
    from tests.ui.conftest import idle, sign_in

    m = register(name="常客", phone="13800138123")
    top_up(ctx, cashier, m.member_id, 1_000_000, "cash")
    for _ in range(2 * PAGE + 5):
        clock.advance(minutes=1)
        checkout(ctx, cashier, m.member_id, 100)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    counter.open_member("13800138123")
    table = counter.panel.tables["checkouts"]
    model = counter.panel.checkouts
    qtbot.waitUntil(lambda: model.rowCount() >= PAGE, timeout=5000)
    idle(qtbot, window)
    assert model.rowCount() == PAGE  # one page until the cashier scrolls
    for expected in (2 * PAGE, 2 * PAGE + 5, 2 * PAGE + 5):  # a page per scroll to the end
        table.scrollToBottom()
        qtbot.waitUntil(lambda n=expected: model.rowCount() == n, timeout=5000)
        idle(qtbot, window)
        assert model.rowCount() == expected
    times = [model.rows[i].at for i in range(model.rowCount())]
    assert times == sorted(times, reverse=True)
    assert len({r.txn_id for r in model.rows}) == len(times)


def test_a_slow_history_never_holds_up_the_next_scan(qtbot, window, register, monkeypatch) -> None:
    import threading

    import ui.counter
    from app.services import history
    from tests.ui.conftest import sign_in

    first = register(name="张三", phone="13800138001")
    register(name="李四", phone="13800138002")
    release = threading.Event()

    def slow_history(*args, **kwargs):
        release.wait(10)  # a history read that takes long (a big member, a slow disk)
        return history.member_history(*args, **kwargs)

    monkeypatch.setattr(ui.counter, "member_history", slow_history)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    counter.scan("13800138001")
    qtbot.waitUntil(lambda: counter.member is not None, timeout=5000)
    assert counter.member.member_id == first.member_id
    counter.scan("13800138002")  # the first member's history is still being read
    qtbot.waitUntil(lambda: counter.member is not None and counter.member.name == "李四")
    assert not release.is_set()
    release.set()
    qtbot.waitUntil(lambda: counter.history is not None, timeout=5000)
    assert counter.history.member_id == counter.member.member_id  # the stale one was dropped
