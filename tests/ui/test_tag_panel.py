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
