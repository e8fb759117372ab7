"""A known day of count cards in the Z report, to the fen: sales are liability (like
top-ups, never in the sales figures), visits recognise revenue, a refund pays back what
was not used, and the count-card liability at close is what the cards still owe."""

from __future__ import annotations

import datetime as dt

from app.ports import FixedClock
from app.services import closing, countcards
from app.services.catalogue import add_item
from app.services.context import CounterContext
from app.services.countcard_products import save_product
from app.services.security import Actor, Approval
from app.services.stored_value import top_up


def test_a_known_day_of_count_cards_to_the_fen(
    ctx: CounterContext, clock: FixedClock, manager: Actor, cashier: Actor, approval: Approval,
    register,
) -> None:  # fmt: skip
    add_item(ctx, manager, code="WASH", name="洗车", price_fen=12_000, service=True)
    add_item(ctx, manager, code="WAX", name="打蜡", price_fen=30_000, service=True)
    items = [("WASH", 10, 2), ("WAX", 2, 0)]
    save_product(ctx, manager, code="CAR12", name="洗车套餐", items=items, price_fen=100_000,
                 validity_days=365)  # fmt: skip
    save_product(ctx, manager, code="NT", name="体验卡", items=[("WASH", 2, 0)], price_fen=2_000,
                 end_date=dt.date(2026, 12, 31))  # fmt: skip
    m1, m2, m3 = register(name="甲"), register(name="乙"), register(name="丙")
    topped = top_up(ctx, cashier, m1.member_id, 150_000, "cash")
    countcards.sell(ctx, cashier, m1.member_id, "CAR12", pay="stored_value")
    countcards.sell(ctx, cashier, m2.member_id, "CAR12", tenders=[("cash", 100_000)])
    countcards.sell(ctx, cashier, m3.member_id, "NT", pay="wechat")
    assert countcards.use(ctx, cashier, m1.member_id, {"WASH": 2, "WAX": 1}).value_fen == 24_999
    for _ in range(2):
        assert countcards.use(ctx, cashier, m2.member_id, {"WASH": 1}).value_fen == 8_333
    assert countcards.use(ctx, cashier, m3.member_id, {"WASH": 1}).value_fen == 1_000
    back = countcards.refund(ctx, cashier, m2.member_id, approval=approval)
    assert back.value_fen == 100_000 - 16_666

    z = closing.close_day(ctx, manager)
    cc = z["count_cards"]
    assert cc["sold"] == {"count": 3, "amount_fen": 202_000,
                          "by_method": {"cash": 100_000, "stored_value": 100_000,
                                        "wechat": 2_000}}  # fmt: skip
    assert cc["visits"] == {"count": 4, "recognised_fen": 24_999 + 16_666 + 1_000}
    assert cc["refunds"] == {"count": 1, "amount_fen": 83_334, "by_method": {"cash": 83_334}}
    assert cc["expired"] == {"count": 0, "breakage_fen": 0} and cc["transfers"] == 0
    # 202000 sold − 42665 recognised − 83334 refunded: what m1's and m3's cards still owe.
    assert cc["liability_fen"] == 76_001 == (100_000 - 24_999) + (2_000 - 1_000)
    owed = sum(
        c.liability_fen for m in (m1, m2, m3) for c in countcards.show(ctx, cashier, m.member_id)
    )
    assert owed == cc["liability_fen"]
    assert z["sales"]["net_fen"] == 0 and z["net_sales_fen"] == 0  # not sales
    assert z["drawer_by_method"] == {"cash": 150_000 + 100_000 - 83_334, "wechat": 2_000}
    sv = z["liability"]["total_fen"]
    assert sv == 150_000 + topped.bonus_fen - 100_000  # stored value spent on a card

    clock.advance(days=1)
    countcards.use(ctx, cashier, m1.member_id, {"WASH": 1})
    z2 = closing.close_day(ctx, manager)
    assert z2["count_cards"]["visits"] == {"count": 1, "recognised_fen": 8_333}
    assert z2["count_cards"]["sold"]["count"] == 0
    assert z2["count_cards"]["liability_fen"] == 76_001 - 8_333
