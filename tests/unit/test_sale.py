"""Cart sales and walk-in sales (散客, issue 16 points 2 and 3) on a real counter file: the
lines with every allocated share, the member's ledgers, approval beyond a cashier's limits,
refusals that change nothing, and walk-in sales in a shift and the Z report."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.domain.cart import OrderDiscount, PriceChange
from app.domain.held import DraftLine
from app.domain.partial_refund import refund_lines
from app.persistence import sale_store
from app.services import catalogue, closing, sale, shifts
from app.services.members import set_payment_password
from app.services.security import Approval
from app.services.stored_value import top_up
from tests.conftest import CASHIER_NO, CASHIER_PIN
from tests.helpers import ledger_checked, query, refused

COLA = DraftLine("1001", 3)
WASH = DraftLine("2001", 1)


@pytest.fixture
def items(ctx, manager) -> None:
    catalogue.save_category(ctx, manager, "drink", name="饮料", points_multiplier_permille=2000)
    catalogue.add_item(ctx, manager, code="1001", name="可口可乐", price_fen=350,
                       barcodes=["6901234567892"], category="drink",
                       member_prices={"*": 300})  # fmt: skip
    catalogue.add_item(ctx, manager, code="2001", name="洗车", price_fen=3_000, service=True)
    catalogue.add_item(ctx, manager, code="3001", name="赠品袋", price_fen=100,
                       points_eligible=False)  # fmt: skip


def lines_of(ctx, txn_id: str) -> list[tuple]:
    return query(ctx, "SELECT line_no, item_code, item_name, quantity, list_fen, member_basis, "
                      "member_fen, changed_fen, order_discount_fen, round_off_fen, "
                      "after_round_fen, points_used, points_value_fen, due_fen, points_earned, "
                      "parts FROM txn_line WHERE txn_id = ? ORDER BY line_no", txn_id)  # fmt: skip


def event_of(ctx, txn_id: str) -> dict:
    for type_, payload in query(ctx, "SELECT type, payload FROM outbox"):
        body = json.loads(payload)
        if body.get("txn_id") == txn_id:
            assert type_ == "sale.completed"
            return body
    raise AssertionError("no event")


def test_a_member_cart_sale_with_stored_value_and_points(ctx, cashier, register, items) -> None:
    m = register("张三", "13800138000")
    top_up(ctx, cashier, m.member_id, 10_000, "cash")
    set_payment_password(ctx, cashier, m.member_id, "123456")
    r = sale.sell(ctx, cashier, [COLA, WASH, DraftLine("3001", 2)], member=m.member_id,
                  payment_password="123456")  # fmt: skip
    # 3 × 3.00 (会员价, better than the normal tier's 0 %) + 30.00 + 2 × 1.00 = 41.00
    assert (r.amount_fen, r.discount_fen, r.due_fen) == (1_050 + 3_000 + 200, 150, 4_100)
    # points: cola 9.00 × 2 (the drink category) + 30.00 × 1; the bag earns none: 48
    assert r.points_earned == 48 and r.points == 48
    assert (r.principal_fen, r.bonus_fen) == (10_000 - 4_100, 0)
    assert ledger_checked(ctx, m.member_id) == (5_900, 0, 48)
    rows = lines_of(ctx, r.txn_id)
    assert [x[:8] for x in rows] == [
        (0, "1001", "可口可乐", 3, 1_050, "member_price", 900, 900),
        (1, "2001", "洗车", 1, 3_000, "list", 3_000, 3_000),
        (2, "3001", "赠品袋", 2, 200, "list", 200, 200),
    ]
    assert [x[14] for x in rows] == [18, 30, 0]  # points earned by line
    assert [json.loads(x[15]) for x in rows] == [
        {"points": 0, "stored_value.principal": 900, "stored_value.bonus": 0},
        {"points": 0, "stored_value.principal": 3_000, "stored_value.bonus": 0},
        {"points": 0, "stored_value.principal": 200, "stored_value.bonus": 0},
    ]
    assert query(ctx, "SELECT due_fen, points_earned, member_id FROM txn WHERE id = ?",
                 r.txn_id) == [(4_100, 48, m.member_id)]  # fmt: skip
    ev = event_of(ctx, r.txn_id)
    assert ev["member_id"] == m.member_id and ev["cart"]["rounding"] == "none"
    assert [w["due_fen"] for w in ev["cart"]["lines"]] == [900, 3_000, 200]
    assert ev["sv_entries"][0]["principal_fen"] == -4_100
    # What a later partial refund reads back is exact: everything back gives every part back.
    with ctx.reader() as uow:
        sold = sale_store.sold_lines(uow, r.txn_id)
    back = refund_lines(sold, [], {0: 3, 1: 1, 2: 2})
    assert back.stored_value_fen == 4_100 and back.points_earned == 48


def test_points_redeemed_are_allocated_to_the_lines(ctx, cashier, register, items,
                                                    approval) -> None:  # fmt: skip
    from app.services.points import adjust_points

    m = register("李四", "13800138001")
    adjust_points(ctx, cashier, m.member_id, 500, "活动赠送", approval)
    r = sale.sell(ctx, cashier, [COLA, WASH], member=m.member_id, points=300, pay="cash",
                  tenders=[("cash", 4_000)])  # fmt: skip
    # 9.00 + 30.00 = 39.00 less 3.00 of points = 36.00, paid 40.00 cash: 4.00 change
    assert (r.points_used, r.points_value_fen, r.due_fen, r.change_fen) == (300, 300, 3_600, 400)
    rows = lines_of(ctx, r.txn_id)
    assert sum(x[11] for x in rows) == 300 and sum(x[12] for x in rows) == 300
    assert [json.loads(x[15]) for x in rows] == [
        {"points": 69, "cash": 831},
        {"points": 231, "cash": 2_769},
    ]
    assert sum(x[13] for x in rows) == 3_600


def test_a_walk_in_cart_with_order_discount_and_round_off(ctx, cashier, items) -> None:
    r = sale.sell(ctx, cashier, [COLA, WASH], order_discount=OrderDiscount(percent_bp=1000),
                  rounding="jiao", tenders=[("cash", 5_000)])  # fmt: skip
    # 10.50 + 30.00 = 40.50; 10 % off = 4.05 → 36.45; 抹零 to the jiao → 36.40; change 13.60
    assert (r.member_id, r.due_fen, r.change_fen, r.points_earned) == (None, 3_640, 1_360, 0)
    rows = lines_of(ctx, r.txn_id)
    assert [(x[8], x[9], x[10]) for x in rows] == [(105, 1, 944), (300, 4, 2_696)]
    assert [json.loads(x[15]) for x in rows] == [{"points": 0, "cash": 944},
                                                  {"points": 0, "cash": 2_696}]  # fmt: skip
    txn = query(ctx, "SELECT member_id, kind, amount_fen, discount_fen, due_fen FROM txn "
                     "WHERE id = ?", r.txn_id)  # fmt: skip
    assert txn == [(None, "checkout", 4_050, 410, 3_640)]
    ev = event_of(ctx, r.txn_id)
    assert ev["member_id"] is None and ev["points_earned"] == 0 and ev["sv_entries"] == []
    assert ev["cart"]["order_discount"] == {"percent_bp": 1000, "amount_fen": None}


def test_a_walk_in_cannot_use_stored_value_or_points(ctx, cashier, items, snapshot) -> None:
    refused(snapshot, "sale_walk_in_stored_value", sale.sell, ctx, cashier, [COLA],
            pay="stored_value")  # fmt: skip
    refused(snapshot, "cart_points_walk_in", sale.sell, ctx, cashier, [COLA], points=10)
    refused(snapshot, "sale_walk_in_stored_value", sale.walk_in, ctx, cashier, 100,
            pay="stored_value")  # fmt: skip
    refused(snapshot, "item_unknown", sale.sell, ctx, cashier, [DraftLine("9999", 1)])
    refused(snapshot, "tender_short", sale.sell, ctx, cashier, [COLA], tenders=[("cash", 1)])


def test_a_price_change_beyond_the_cashiers_limit_needs_a_manager(
    ctx, cashier, items, approval, snapshot
) -> None:
    cut = [DraftLine("2001", 1, PriceChange(unit_fen=2_500))]  # 16.67 % off: beyond 10 %
    refused(snapshot, "sale_over_limit_line_change", sale.sell, ctx, cashier, cut)
    refused(snapshot, "approver_not_manager", sale.sell, ctx, cashier, cut,
            approval=Approval(CASHIER_NO, CASHIER_PIN))  # fmt: skip
    refused(snapshot, "sale_over_limit_order_discount", sale.sell, ctx, cashier, [WASH],
            order_discount=OrderDiscount(amount_fen=500))  # fmt: skip
    refused(snapshot, "sale_over_limit_rounding", sale.sell, ctx, cashier,
            [DraftLine("1001", 1)], rounding="yuan")  # 3.50 → 3.00 drops 0.50  # fmt: skip
    r = sale.sell(ctx, cashier, cut, approval=approval)
    assert r.due_fen == 2_500 and r.approved_by is not None
    (approved,) = query(ctx, "SELECT approved_by FROM txn WHERE id = ?", r.txn_id)[0]
    assert approved is not None
    assert event_of(ctx, r.txn_id)["approver_no"] == r.approved_by
    # Within the limit (10 % off) no approval is asked; a raised price never needs one.
    for change, due in ((PriceChange(unit_fen=2_700), 2_700), (PriceChange(line_fen=3_500), 3_500)):
        assert sale.sell(ctx, cashier, [DraftLine("2001", 1, change)]).due_fen == due


def test_walk_in_sales_count_in_the_shift_and_the_z_report(ctx, clock, cashier, manager,
                                                           items) -> None:  # fmt: skip
    shifts.open_shift(ctx, cashier, 10_000)
    a = sale.walk_in(ctx, cashier, 1_234, pay="wechat")
    b = sale.sell(ctx, cashier, [COLA], tenders=[("cash", 2_000)])  # 10.50, change 9.50
    assert (a.member_id, a.due_fen, b.due_fen) == (None, 1_234, 1_050)
    counted = shifts.count_shift(ctx, cashier, total_fen=11_050)
    assert counted.counted_fen == 11_050
    shifts.close_shift(ctx, cashier)
    clock.set(dt.datetime(2026, 3, 15, 14, 0, tzinfo=dt.UTC))  # 22:00 in Shanghai
    z = closing.close_day(ctx, manager)
    assert z["sales"]["count"] == 2 and z["sales"]["net_fen"] == 2_284
    assert z["sales_by_tender"] == {"cash": 1_050, "wechat": 1_234}
    assert z["over_short_fen"] == 0


def test_a_walk_in_or_cart_sale_is_not_refunded_whole(ctx, cashier, register, items, approval,
                                                     snapshot) -> None:  # fmt: skip
    from app.services import refunds

    a = sale.walk_in(ctx, cashier, 500)
    m = register("王五", "13800138002")
    b = sale.sell(ctx, cashier, [COLA], member=m.member_id, pay="cash")
    # An amount-only walk-in sale has no lines; a cart sale is refunded by its lines.
    for txn_id, code in ((a.txn_id, "refund_amount_only_walk_in"), (b.txn_id, "refund_by_lines")):
        refused(snapshot, code, refunds.refund, ctx, cashier, txn_id, approval)


def test_an_amount_only_walk_in_sale_is_refunded_whole_once(
    ctx, cashier, manager, clock, approval, snapshot
) -> None:
    import json

    from app.services import partial_refunds, walk_in_refunds
    from app.services.receipts import receipt_preview
    from tests.helpers import query

    a = sale.walk_in(ctx, cashier, 5_000, tenders=[("cash", 3_000), ("wechat", 2_500)])
    assert [t.change_fen for t in a.tenders] == [500, 0]  # 30.00 cash for 25.00 of it
    found = partial_refunds.find_sale(ctx, cashier, a.txn_id[-8:])  # its receipt's 单号
    assert (found.txn_id, found.member_id) == (a.txn_id, None)
    shown = walk_in_refunds.amount_sale(ctx, a.txn_id)
    assert (shown.due_fen, dict(shown.paid), shown.refunded) == (
        5_000, {"cash": 2_500, "wechat": 2_500}, False)  # fmt: skip
    refused(snapshot, "refund_reason_required", walk_in_refunds.refund, ctx, cashier,
            a.txn_id, "", approval)  # fmt: skip
    refused(snapshot, "approval_required", walk_in_refunds.refund, ctx, cashier, a.txn_id,
            "顾客原因", None)  # fmt: skip
    r = walk_in_refunds.refund(ctx, cashier, a.txn_id, "顾客原因", approval)
    assert dict(r.money_back) == {"cash": 2_500, "wechat": 2_500} and r.all_refunded
    assert query(ctx, "SELECT kind, original_txn_id, due_fen, note, member_id FROM txn "
                      "WHERE id = ?", r.txn_id) == [("refund", a.txn_id, -5_000, "顾客原因",
                                                     None)]  # fmt: skip
    [(payload,)] = query(ctx, "SELECT payload FROM outbox WHERE type = 'sale.refunded'")
    ev = json.loads(payload)
    assert ev["lines"] == [
        {
            "line_no": 0,
            "quantity": 1,
            "list_fen": 5_000,
            "points_used": 0,
            "points_earned": 0,
            "parts": {"cash": 2_500, "wechat": 2_500},
        }
    ]
    receipt = "\n".join(receipt_preview(ctx, r.txn_id, columns=48))
    assert "顾客原因" in receipt and a.txn_id in receipt
    refused(snapshot, "already_refunded", walk_in_refunds.refund, ctx, cashier, a.txn_id,
            "顾客原因", approval)  # fmt: skip
    assert walk_in_refunds.amount_sale(ctx, a.txn_id).refunded
    clock.set(dt.datetime(2026, 3, 15, 14, 0, tzinfo=dt.UTC))
    z = closing.close_day(ctx, manager)
    assert (z["sales"]["net_fen"], z["refunds"]["count"], z["refunds"]["net_fen"]) == (
        5_000, 1, 5_000)  # fmt: skip
    assert z["net_sales_fen"] == 0 and z["sales_by_tender"] == {}


def test_the_receipt_of_a_cart_sale_says_why_each_price(ctx, cashier, register, items) -> None:
    from app.domain.messages import set_language
    from app.services.receipts import receipt_for_txn, receipt_preview
    from devices.escpos_printer import RenderOptions, render_document

    m = register("张三", "13800138000")
    top_up(ctx, cashier, m.member_id, 10_000, "cash")
    r = sale.sell(ctx, cashier, [COLA, DraftLine("2001", 1, PriceChange(unit_fen=2_800))],
                  member=m.member_id, order_discount=OrderDiscount(amount_fen=100),
                  rounding="jiao")  # fmt: skip
    # 9.00 (会员价) + 28.00 (改价) − 1.00 = 36.00; nothing to round off
    assert r.due_fen == 3_600
    text = receipt_preview(ctx, r.txn_id, columns=48)
    body = "\n".join(text)
    for expected in ("1. 可口可乐 (1001)", "3 × ￥3.50", "会员价 ￥3.00", "改价", "整单折扣",
                     "商品原价合计", "会员优惠", "应付", "本次积分"):  # fmt: skip
        assert expected in body, (expected, text)
    cola = text.index(next(x for x in text if x.startswith("1. 可口可乐")))
    assert text[cola + 1].endswith("￥10.50") and text[cola + 2].endswith("-￥1.50")
    assert any(x.startswith("  实付") and x.endswith("￥8.76") for x in text[cola : cola + 6])
    # The bytes a printer gets carry the same lines.
    data = render_document(receipt_for_txn(ctx, r.txn_id), RenderOptions(width=80))
    assert "会员价 ￥3.00".encode("gb18030") in data and "整单折扣".encode("gb18030") in data
    set_language("en")
    english = "\n".join(receipt_preview(ctx, r.txn_id, columns=48))
    assert "Member price ￥3.00" in english and "Order discount" in english


def test_the_receipt_of_a_walk_in_sale(ctx, cashier, items) -> None:
    from app.services.receipts import receipt_preview

    r = sale.sell(ctx, cashier, [COLA], order_discount=OrderDiscount(percent_bp=1000),
                  rounding="jiao", tenders=[("cash", 2_000)])  # fmt: skip
    text = "\n".join(receipt_preview(ctx, r.txn_id, columns=48))
    assert "散客" in text and "整单折扣(10%)" in text and "抹零(到角)" in text
    assert "找零" in text and "本次积分" not in text and "储值余额" not in text
    # Its QR code is the 单号: scanned at F7, it finds the sale exactly.
    from app.domain.receipt import Qr
    from app.services.partial_refunds import find_sale
    from app.services.receipts import receipt_for_txn

    codes = [b.payload for b in receipt_for_txn(ctx, r.txn_id).blocks if isinstance(b, Qr)]
    assert codes == [r.txn_id] and "退货请出示此码" in text
    assert find_sale(ctx, cashier, codes[0]).txn_id == r.txn_id
    amount = sale.walk_in(ctx, cashier, 1_234, pay="wechat")
    text = "\n".join(receipt_preview(ctx, amount.txn_id, columns=48))
    assert "散客" in text and "￥12.34" in text and "微信" in text and "本次积分" not in text


def test_walk_in_sales_are_sales_but_no_members_purchases(ctx, cashier, manager, register,
                                                          items) -> None:  # fmt: skip
    from app.services import reports

    m = register("钱七", "13800138003")
    sale.sell(ctx, cashier, [COLA], member=m.member_id, pay="cash")
    for _ in range(3):
        sale.walk_in(ctx, cashier, 100)
    day = dt.date(2026, 3, 15)
    r = reports.range_report(ctx, manager, day, day)
    (d,) = r["days"]
    assert (d["sales_count"], d["sales_fen"]) == (4, 3 * 300 + 3 * 100)
    assert r["members"]["active"] == 1 and r["members"]["purchases_histogram"] == {"1": 1}
