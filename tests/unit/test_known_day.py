"""The Z report of a known day with every kind of sale the counter makes, to the fen: a
member's cart sale (member price, an order discount, 抹零, points, stored value and cash with
change), a walk-in's cart sale with change, a walk-in amount sale, partial refunds of both cart
sales, a top-up, a manager's points adjustment, a count card sold, used and refunded, and a
held cart that keeps the day open until it is discarded. Every expected figure is worked out
by hand in the comments from the prices and the allocation rule, not read back."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.cart import OrderDiscount
from app.domain.held import CartDraft, DraftLine
from app.services import catalogue, closing, countcards, held, partial_refunds, sale
from app.services.context import CounterContext
from app.services.countcard_products import save_product
from app.services.points import adjust_points
from app.services.security import Actor, Approval
from app.services.stored_value import top_up
from tests.helpers import ledger_checked, refused


@pytest.fixture
def goods(ctx: CounterContext, manager: Actor) -> None:
    catalogue.add_item(ctx, manager, code="1001", name="可口可乐", price_fen=350,
                       member_prices={"*": 300})  # fmt: skip
    catalogue.add_item(ctx, manager, code="2001", name="洗车", price_fen=3_000, service=True)
    catalogue.add_item(ctx, manager, code="3001", name="赠品袋", price_fen=100,
                       points_eligible=False)  # fmt: skip
    # Five paid washes and one given: 100.00 / 5 = 20.00 a paid visit, the gift worth nothing.
    save_product(ctx, manager, code="W5", name="洗车五次", items=[("2001", 5, 1)],
                 price_fen=10_000, validity_days=365)  # fmt: skip


def test_a_known_day_of_every_sale_to_the_fen(
    ctx: CounterContext, manager: Actor, cashier: Actor, approval: Approval, register, goods,
    snapshot,
) -> None:  # fmt: skip
    m1, m2 = register(name="甲"), register(name="乙")
    adjust_points(ctx, cashier, m1.member_id, 500, "活动赠送", approval)
    assert top_up(ctx, cashier, m1.member_id, 10_000, "cash").bonus_fen == 0

    # 可乐 3 × 3.00 member price (list 10.50), 洗车 30.00, 赠品袋 2 × 1.00: list 42.50, member
    # price −1.50 → 41.00; 9折 −4.10 → 36.90; 抹零 to the yuan −0.90 → 36.00; 100 points
    # (1 fen each) → 35.00 due: 20.00 stored value, 20.00 cash given, 5.00 change.
    member = sale.sell(
        ctx, cashier, [DraftLine("1001", 3), DraftLine("2001", 1), DraftLine("3001", 2)],
        member=m1.member_id, order_discount=OrderDiscount(percent_bp=1000), rounding="yuan",
        points=100, tenders=[("stored_value", 2_000), ("cash", 2_000)],
        approval=approval,  # 0.90 of 抹零 is beyond a cashier's limit
    )  # fmt: skip
    assert (member.amount_fen, member.discount_fen, member.due_fen) == (4_250, 650, 3_500)
    # By the largest remainder, line by line: 可乐 9.00 → 8.10 → 7.90 (0.20 of the 0.90
    # 抹零) − 22 points = 7.68; 洗车 27.00 → 26.34 − 73 = 25.61; 袋 1.80 → 1.76 − 5 = 1.71.
    lines = member.cart.lines
    assert [(x.after_round_fen, x.points_used, x.due_fen) for x in lines] == [
        (790, 22, 768), (2_634, 73, 2_561), (176, 5, 171)]  # fmt: skip
    # One point a whole yuan of the points-eligible lines (7.68 + 25.61; the bag earns none).
    assert member.points_earned == 33

    walk = sale.sell(ctx, cashier, [DraftLine("1001", 2)], tenders=[("cash", 1_000)])
    assert (walk.due_fen, walk.tenders[0].change_fen) == (700, 300)
    assert sale.walk_in(ctx, cashier, 5_000, pay="wechat").due_fen == 5_000

    # One 可乐 of three (7.68 / 3 = 2.56, 7 of its 22 points) and one bag of two (1.71 / 2 =
    # 0.86 by the remainder, 2 of its 5 points): 3.42, split as the sale was paid —
    # 1.95 stored value (可乐 1.46 + 袋 0.49) and 1.47 cash.
    r1 = partial_refunds.refund(ctx, cashier, member.txn_id, {0: 1, 2: 1}, "质量问题", approval)
    assert [(x.money_fen, x.points_used) for x in r1.lines] == [(256, 7), (86, 2)]
    assert dict(r1.money_back) == {"stored_value": 195, "cash": 147}
    assert (r1.points_restored, r1.points_clawed_back) == (9, 2)
    r2 = partial_refunds.refund(ctx, cashier, walk.txn_id, {0: 1}, "顾客原因", approval)
    assert r2.money_back == (("cash", 350),)

    countcards.sell(ctx, cashier, m2.member_id, "W5", tenders=[("cash", 10_000)])
    assert countcards.use(ctx, cashier, m2.member_id, {"2001": 2}).value_fen == 4_000
    assert countcards.refund(ctx, cashier, m2.member_id, approval=approval).value_fen == 6_000

    kept = held.hold(ctx, cashier, CartDraft(lines=(DraftLine("1001", 1),)))
    refused(snapshot, "held_carts_open", closing.close_day, ctx, manager)
    held.discard(ctx, cashier, kept.number, "顾客走了")
    z = closing.close_day(ctx, manager)

    assert z["sales"] == {"count": 3, "gross_fen": 4_250 + 700 + 5_000, "discount_fen": 650,
                          "points_used": 100, "points_value_fen": 100,
                          "net_fen": 3_500 + 700 + 5_000}  # fmt: skip
    # Refunded at list: 3.50 + 1.00 + 3.50; given back 3.42 + 3.50, 9 points' worth of it.
    assert z["refunds"] == {"count": 2, "gross_fen": 800, "discount_fen": 800 - 9 - 692,
                            "points_used": 9, "points_value_fen": 9,
                            "net_fen": 342 + 350}  # fmt: skip
    assert z["net_sales_fen"] == 9_200 - 692
    assert z["sales_by_tender"] == {"cash": 1_500 + 700 - 147 - 350,
                                    "stored_value": 2_000 - 195, "wechat": 5_000}  # fmt: skip
    assert z["cash_change_fen"] == 500 + 300
    assert z["topups"]["amount_fen"] == 10_000 and z["topups"]["by_method"] == {"cash": 10_000}
    assert z["points"] == {"earned": 33, "redeemed": 100, "restored": 9, "clawed_back": 2,
                           "expired": 0, "adjusted": 500, "adjusted_in": 500, "voided": 0,
                           "migrated": 0}  # fmt: skip
    cc = z["count_cards"]
    assert cc["sold"] == {"count": 1, "amount_fen": 10_000, "by_method": {"cash": 10_000}}
    assert cc["visits"] == {"count": 1, "recognised_fen": 2 * 2_000}
    assert cc["refunds"] == {"count": 1, "amount_fen": 6_000, "by_method": {"cash": 6_000}}
    assert cc["liability_fen"] == 0
    # The drawer: the top-up, the cash of both cart sales less both refunds' cash, the card
    # sold and refunded; the walk-in's WeChat.
    cash = 10_000 + 1_500 + 700 - 147 - 350 + 10_000 - 6_000
    assert z["drawer_by_method"] == {"cash": cash, "wechat": 5_000}
    assert z["cash"]["net_fen"] == cash
    # What the store owes 甲 at close: 100.00 topped up − 20.00 spent + 1.95 back; points
    # 500 + 33 − 100 + 9 − 2.
    assert z["liability"] == {"principal_fen": 8_195, "bonus_fen": 0, "total_fen": 8_195,
                              "points": 440}  # fmt: skip
    assert ledger_checked(ctx, m1.member_id) == (8_195, 0, 440)
    # The report kept with the close is the one shown.
    stored = closing.z_report(ctx, manager, dt.date.fromisoformat(z["business_date"]))
    assert stored == {k: v for k, v in z.items() if k != "backup"}
