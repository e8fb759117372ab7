"""Service tickets in the window (issue 18, point 5): the member panel's 工单 button shows the
member's open tickets; Ctrl+K opens their tickets (the overdue ones marked) and a form where
Enter moves field by field and opens the ticket from the last one; Esc cancels and opens
nothing; it fits 1024×768 with targets of 44 px."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.services import tickets
from tests.helpers import query
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in
from ui.dialogs.tickets import TicketDialog

PHONE = "13800138401"


def _open(qtbot, counter) -> None:
    qtbot.keyClick(counter.scan_box, "k", Qt.KeyboardModifier.ControlModifier)


def test_ctrl_k_lists_the_members_tickets_and_opens_one(
    qtbot, window, ctx, cashier, register, clock
) -> None:
    register(name="工单客", phone=PHONE)
    old = tickets.open_ticket(ctx, cashier, PHONE, kind="complaint", priority="urgent",
                              subject="找零少了")  # fmt: skip
    clock.advance(hours=5)  # the urgent one is past its 4 hours
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    counter.open_member(PHONE)
    panel = counter.panel
    qtbot.waitUntil(lambda: panel.open_tickets == 1, timeout=5000)
    assert panel.tickets_button.isVisible() and panel.tickets_button.minimumHeight() >= 44
    assert "1" in panel.tickets_button.text() and "Ctrl+K" in panel.tickets_button.text()

    def fill(d) -> None:
        assert isinstance(d, TicketDialog)
        qtbot.waitUntil(lambda: d.table.rowCount() == 1, timeout=5000)
        assert d.table.item(0, 0).text() == old.number
        assert d.table.item(0, 1).text() == "投诉"
        assert "已超时" in d.table.item(0, 3).text()
        assert d.table.item(0, 3).data(Qt.ItemDataRole.UserRole) == "overdue"
        assert d.width() <= 1024 and d.height() <= 768
        for w in (d.kind, d.priority, d.subject, d.text, d.confirm_button, d.cancel_button):
            assert w.height() >= 44, w
        assert d.focusWidget() is d.kind
        qtbot.keyClick(d.kind, Qt.Key.Key_Down)  # 投诉
        qtbot.keyClick(d.kind, Qt.Key.Key_Return)
        assert d.focusWidget() is d.priority
        qtbot.keyClick(d.priority, Qt.Key.Key_Down)  # 高
        qtbot.keyClick(d.priority, Qt.Key.Key_Return)
        assert d.focusWidget() is d.subject
        assert d.error.text() == "请填写工单主题" and not d.confirm_button.isEnabled()
        qtbot.keyClick(d.subject, Qt.Key.Key_Return)  # empty: on to the text
        assert d.focusWidget() is d.text
        qtbot.keyClick(d.text, Qt.Key.Key_Return)  # the last, no subject: back to it
        assert d.focusWidget() is d.subject and d.isVisible()
        d.subject.insert("会员卡消磁")  # as an input method commits it
        qtbot.keyClick(d.subject, Qt.Key.Key_Return)  # not the last field: moves on
        assert d.focusWidget() is d.text and d.isVisible()
        d.text.insert("第二次了")
        save_screenshot(d, "member-tickets-dialog")
        qtbot.keyClick(d.text, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    in_dialog(qtbot, lambda: _open(qtbot, counter), fill)
    idle(qtbot, window)
    rows = query(ctx, "SELECT kind, priority, subject, body, status, opened_by FROM ticket "
                      "ORDER BY number")  # fmt: skip
    assert rows[1] == ("complaint", "high", "会员卡消磁", "第二次了", "new", "c01")
    qtbot.waitUntil(lambda: panel.open_tickets == 2, timeout=5000)

    def cancel(d) -> None:
        qtbot.waitUntil(lambda: d.table.rowCount() == 2, timeout=5000)
        d.subject.insert("不要了")
        qtbot.keyClick(d, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    in_dialog(qtbot, lambda: _open(qtbot, counter), cancel)
    assert query(ctx, "SELECT COUNT(*) FROM ticket")[0][0] == 2
    # Another member: no count lingers.
    register(name="无工单", phone="13800138402")
    counter.open_member("13800138402")
    qtbot.waitUntil(lambda: counter.member is not None and counter.member.name == "无工单",
                    timeout=5000)  # fmt: skip
    idle(qtbot, window)
    assert panel.open_tickets == 0 and "未结" not in panel.tickets_button.text()
