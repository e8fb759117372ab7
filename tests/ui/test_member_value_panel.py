"""The member panel's lifecycle stage and RFM scores (issue 18, points 2 and 7)."""

from __future__ import annotations

from app.services import member_value
from app.services.checkout import checkout
from tests.ui.conftest import idle, save_screenshot, sign_in


def test_the_panel_shows_the_stage_and_the_rfm_scores(qtbot, window, ctx, cashier, manager,
                                                      register) -> None:  # fmt: skip
    m = register(name="周八", phone="13800138600")
    checkout(ctx, cashier, m.member_id, 8_800, tenders=[("cash", 8_800)])
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    panel = window.counter.panel
    window.counter.open_member("13800138600")
    qtbot.waitUntil(lambda: panel.value.isVisible(), timeout=5000)
    assert panel.value.text() == "阶段: 新客"  # no recompute yet: no date, no edges
    assert "尚未计算" in panel.value.toolTip()
    done = member_value.recompute(ctx, manager)
    window.counter.clear()
    idle(qtbot, window)
    assert not panel.value.isVisible()
    window.counter.open_member("13800138600")
    qtbot.waitUntil(lambda: "RFM" in panel.value.text(), timeout=5000)
    assert panel.value.text() == f"阶段: 新客(自 {done.today:%Y-%m-%d}) · RFM 5-1-1"
    assert "¥88.00" in panel.value.toolTip() and "0 天前" in panel.value.toolTip()
    idle(qtbot, window)
    save_screenshot(window, "80-member-value")
