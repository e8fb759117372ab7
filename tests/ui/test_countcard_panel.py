"""The member panel shows a member's count cards: the times left per item and the last
valid day, read off the UI thread; another member's cards never linger; the history's 次卡
tab lists each card's sale, visits and refund."""

from __future__ import annotations

from app.services import countcards
from app.services.catalogue import add_item
from app.services.countcard_products import save_product
from tests.ui.conftest import idle, save_screenshot, sign_in


def test_the_panel_shows_the_times_left_of_each_card(
    qtbot, window, ctx, cashier, manager, register
) -> None:
    add_item(ctx, manager, code="WASH", name="精洗", price_fen=3_500, service=True)
    add_item(ctx, manager, code="WAX", name="打蜡", price_fen=12_000, service=True)
    save_product(ctx, manager, code="CAR", name="洗车卡", items=[("WASH", 5, 1), ("WAX", 1, 0)],
                 price_fen=30_000, validity_days=180)  # fmt: skip
    holder = register(name="有卡", phone="13800138201")
    register(name="无卡", phone="13800138202")
    countcards.sell(ctx, cashier, holder.member_id, "CAR")
    countcards.use(ctx, cashier, holder.member_id, {"WASH": 2})
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    label = counter.panel.count_cards
    counter.open_member("13800138201")
    qtbot.waitUntil(label.isVisible, timeout=5000)
    assert label.text() == "次卡 洗车卡:精洗 4 次 · 打蜡 1 次(有效期至 2026-09-10)"
    idle(qtbot, window)
    save_screenshot(window, "countcard-panel")
    counter.open_member("13800138202")
    qtbot.waitUntil(lambda: counter.member is not None and counter.member.name == "无卡",
                    timeout=5000)  # fmt: skip
    idle(qtbot, window)
    assert not label.isVisible() and label.text() == ""


def test_the_history_has_a_tab_of_count_card_transactions(
    qtbot, window, ctx, cashier, manager, register
) -> None:
    from app.services.security import Approval
    from tests.conftest import MANAGER_NO, MANAGER_PIN

    add_item(ctx, manager, code="WASH", name="精洗", price_fen=3_500, service=True)
    save_product(ctx, manager, code="CAR", name="洗车卡", items=[("WASH", 4, 0)],
                 price_fen=20_000, validity_days=180)  # fmt: skip
    holder = register(name="卡史", phone="13800138203")
    countcards.sell(ctx, cashier, holder.member_id, "CAR", pay="wechat")
    countcards.use(ctx, cashier, holder.member_id, {"WASH": 1})
    countcards.refund(ctx, cashier, holder.member_id, approval=Approval(MANAGER_NO, MANAGER_PIN))
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    counter.open_member("13800138203")
    model = counter.panel.countcards
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=5000)
    tabs = counter.panel.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())].count("次卡") == 1
    rows = [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]  # fmt: skip
    assert [r[1:4] for r in rows] == [
        ["退次卡", "CAR", "-¥150.00"],
        ["次卡消费", "CAR", "¥50.00"],
        ["购次卡", "CAR", "¥200.00"],
    ]
    assert (rows[0][4], rows[2][4]) == ("现金 ¥150.00", "微信 ¥200.00")
