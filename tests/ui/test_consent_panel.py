"""Marketing consent at the counter (issue 18, point 4), through real widgets: the member panel
shows it (营销短信: 未同意 / 已同意 / 已撤回 with the date); Ctrl+M opens the dialog, the
wording is shown with its version, a number key chooses the channel, Enter records the grant
or the withdrawal, Esc cancels; the register dialog's marketing opt-in is off by default and
reached by the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from app.domain.consent import WORDINGS
from app.services import consent
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in
from ui.dialogs.consent import ConsentDialog
from ui.dialogs.register import RegisterDialog

PHONE = "13800138401"


def _ctrl_m(qtbot, counter):
    return lambda: qtbot.keyClick(counter.scan_box, "m", Qt.KeyboardModifier.ControlModifier)


def test_ctrl_m_grants_and_withdraws_and_the_panel_shows_it(
    qtbot, window, ctx, cashier, register
) -> None:
    m = register(name="同意客", phone=PHONE)
    window.resize(1024, 768)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    counter.open_member(PHONE)
    qtbot.waitUntil(lambda: "营销短信: 未同意" in counter.panel.consent.text(), timeout=5000)
    assert counter.panel.consent_button.isVisible()
    assert counter.panel.consent_button.minimumHeight() >= 44
    idle(qtbot, window)
    for b in (counter.panel.consent_button, counter.panel.tags_button):  # fits 1024×768
        right = b.mapTo(window, QPoint(b.width(), b.height()))
        assert right.x() <= window.width() and right.y() <= window.height(), b.text()

    def grant(d) -> None:
        assert isinstance(d, ConsentDialog)
        qtbot.waitUntil(lambda: bool(d.states), timeout=5000)
        assert d.channel() == "sms"
        assert "mkt-sms-v1" in d.version.text()
        assert d.wording.text() == WORDINGS["mkt-sms-v1"].text
        assert all(b.minimumHeight() >= 44 for b in d.buttons.values())
        assert d.confirm_button.minimumHeight() >= 44
        assert "未同意" in d.buttons["sms"].text()
        hint = d.sizeHint()
        assert hint.width() <= 1024 and hint.height() <= 768, hint
        save_screenshot(d, "consent-dialog")
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    in_dialog(qtbot, _ctrl_m(qtbot, counter), grant)
    idle(qtbot, window)
    assert consent.may_send(ctx, m.member_id, "marketing", "sms") is True
    qtbot.waitUntil(lambda: "营销短信: 已同意" in counter.panel.consent.text(), timeout=5000)
    assert "2026-" in counter.panel.consent.text()  # with its date

    def cancel(d) -> None:  # Esc: nothing recorded
        qtbot.waitUntil(lambda: bool(d.states), timeout=5000)
        qtbot.keyClick(d, "2")
        assert d.channel() == "wechat" and "mkt-wechat-v1" in d.version.text()
        qtbot.keyClick(d, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    in_dialog(qtbot, _ctrl_m(qtbot, counter), cancel)
    idle(qtbot, window)  # the cancelled dialog gone before the next Ctrl+M
    assert consent.may_send(ctx, m.member_id, "marketing", "wechat") is False
    assert len(consent.history(ctx, PHONE)) == 1

    def withdraw(d) -> None:
        qtbot.waitUntil(lambda: bool(d.states), timeout=5000)
        assert "已同意" in d.buttons["sms"].text()
        assert d.withdrawing() and "撤回" in d.confirm_button.text()
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    in_dialog(qtbot, _ctrl_m(qtbot, counter), withdraw)
    idle(qtbot, window)
    assert consent.may_send(ctx, m.member_id, "marketing", "sms") is False  # at once
    qtbot.waitUntil(lambda: "营销短信: 已撤回" in counter.panel.consent.text(), timeout=5000)
    save_screenshot(window, "member-consent")


def test_the_register_dialogs_marketing_opt_in_is_off_and_reached_by_tab(
    qtbot, window, ctx
) -> None:
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter

    def fill(d) -> None:
        assert isinstance(d, RegisterDialog)
        assert not d.marketing.isChecked()  # off unless the member asks
        assert "营销短信" in d.marketing.text() and "mkt-sms-v1" in d.marketing.text()
        d.phone.setText("13800138402")
        d.name.insert("营销客")
        d.consent.setFocus()
        qtbot.keyClick(d.consent, Qt.Key.Key_Space)
        assert d.consent.isChecked()
        qtbot.keyClick(d.consent, Qt.Key.Key_Tab)
        assert d.marketing.hasFocus()
        qtbot.keyClick(d.marketing, Qt.Key.Key_Space)
        assert d.marketing.isChecked()
        qtbot.keyClick(d.marketing, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)
        assert d.result_value is not None, d.error.text()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F1), fill)
    idle(qtbot, window)
    (entry,) = consent.history(ctx, "13800138402")
    assert (entry.source, entry.wording_version, entry.granted) == (
        "registration", "mkt-sms-v1", True)  # fmt: skip
