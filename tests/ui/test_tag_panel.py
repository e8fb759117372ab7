"""The member panel shows the member's tags (issue 18): manual tags and the rule tags that
hold, each in its colour, before the panel's own notes; read off the UI thread; another
member's tags never linger."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.services import tags
from app.services.stored_value import top_up
from tests.ui.conftest import idle, save_screenshot, sign_in


def _chips(panel) -> list[tuple[str, str | None]]:
    out = []
    for i in range(panel.tags.count()):
        w = panel.tags.itemAt(i).widget()
        if isinstance(w, QLabel):
            out.append((w.text(), w.property("colour")))
    return out


def test_the_panel_shows_the_members_tags(qtbot, window, ctx, cashier, manager, register) -> None:
    tags.save_tag(ctx, manager, code="VIP", name="重要客户", colour="gold")
    tags.save_tag(ctx, manager, code="HIGH", name="高价值", colour="red", kind="rule",
                  rule={"kind": "spend_12m", "amount_fen": 1})  # fmt: skip
    tags.save_tag(ctx, manager, code="LOW", name="余额低", kind="rule",
                  rule={"kind": "low_balance", "amount_fen": 100_000})  # fmt: skip
    register(name="有标签", phone="13800138301")
    register(name="无标签", phone="13800138302")
    tags.set_tag(ctx, cashier, "13800138301", "VIP")
    top_up(ctx, cashier, "13800138301", 10_000, "cash")
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    counter.open_member("13800138301")
    qtbot.waitUntil(lambda: ("重要客户", "gold") in _chips(counter.panel), timeout=5000)
    chips = _chips(counter.panel)
    assert chips[:2] == [("重要客户", "gold"), ("余额低", "grey")]
    assert ("高价值", "red") not in chips  # nothing spent yet
    assert "未设支付密码" in [text for text, _ in chips]  # the panel's own note stays
    idle(qtbot, window)
    save_screenshot(window, "member-tags")
    counter.open_member("13800138302")
    qtbot.waitUntil(lambda: counter.member is not None and counter.member.name == "无标签",
                    timeout=5000)  # fmt: skip
    idle(qtbot, window)
    assert [c for c in _chips(counter.panel) if c[1] is not None] == []


def test_ctrl_t_puts_tags_on_with_number_keys_and_enter(
    qtbot, window, ctx, cashier, manager, register
) -> None:
    """Ctrl+T opens the member's manual tags; 1 and 3 switch them; a managers' tag is greyed
    for the cashier; Enter saves both in one go; Esc leaves them as they were."""
    from PySide6.QtCore import Qt

    from tests.ui.conftest import in_dialog
    from ui.dialogs.tags import TagDialog

    tags.save_tag(ctx, manager, code="VIP", name="重要客户", colour="gold")
    tags.save_tag(ctx, manager, code="CAR", name="有车", colour="blue")
    tags.save_tag(ctx, manager, code="COMPLAINT", name="投诉多", set_by="manager")
    register(name="标签客", phone="13800138303")
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    counter.open_member("13800138303")
    idle(qtbot, window)

    def choose(d) -> None:
        assert isinstance(d, TagDialog)
        qtbot.waitUntil(lambda: len(d.buttons) == 3, timeout=5000)
        by_name = {b.text(): b for b in d.buttons}
        assert list(by_name) == ["1  有车", "2  投诉多", "3  重要客户"]
        assert not by_name["2  投诉多"].isEnabled()  # only a manager
        assert all(b.minimumHeight() >= 44 for b in d.buttons)
        assert not d.confirm_button.isEnabled()  # nothing changed yet
        qtbot.keyClick(d, "1")
        qtbot.keyClick(d, "3")
        qtbot.keyClick(d, "2")  # greyed: nothing happens
        assert d.changes() == {"CAR": True, "VIP": True}
        save_screenshot(d, "member-tags-dialog")
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    in_dialog(
        qtbot,
        lambda: qtbot.keyClick(counter.scan_box, "t", Qt.KeyboardModifier.ControlModifier),
        choose,
    )
    idle(qtbot, window)
    assert [t.code for t in tags.member_tags(ctx, "13800138303")] == ["CAR", "VIP"]
    assert [n for n, c in _chips(counter.panel) if c is not None] == ["有车", "重要客户"]

    def cancel(d) -> None:
        qtbot.waitUntil(lambda: len(d.buttons) == 3, timeout=5000)
        qtbot.keyClick(d, "2")
        qtbot.keyClick(d, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    in_dialog(
        qtbot,
        lambda: qtbot.keyClick(counter.scan_box, "t", Qt.KeyboardModifier.ControlModifier),
        cancel,
    )
    assert [t.code for t in tags.member_tags(ctx, "13800138303")] == ["CAR", "VIP"]
