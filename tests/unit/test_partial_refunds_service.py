"""Partial refunds of cart sales (issue 16 point 5) on a real counter file: chosen lines and
quantities give back exactly what the allocation gave each line — stored value principal and
bonus, each tender, points redeemed and earned, the cumulative spend — never more than was
sold; a reason from the store's list and a manager's approval; one transaction with its lines,
audit entry and ``sale.refunded`` event."""

from __future__ import annotations

import json

import pytest

from app.domain.cart import OrderDiscount
from app.domain.errors import CounterError
from app.domain.held import DraftLine
from app.services import catalogue, partial_refunds, sale
from app.services.history import member_history
from app.services.members import set_payment_password
from app.services.points import adjust_points
from app.services.security import Approval
from app.services.stored_value import top_up
from tests.conftest import CASHIER_NO, CASHIER_PIN
from tests.helpers import ledger_checked, query, refused

COLA = DraftLine("1001", 3)
WASH = DraftLine("2001", 1)
BAG = DraftLine("3001", 2)


@pytest.fixture
def items(ctx, manager) -> None:
    catalogue.save_category(ctx, manager, "drink", name="饮料", points_multiplier_permille=2000)
    catalogue.add_item(ctx, manager, code="1001", name="可口可乐", price_fen=350,
                       category="drink", member_prices={"*": 300})  # fmt: skip
    catalogue.add_item(ctx, manager, code="2001", name="洗车", price_fen=3_000, service=True)
    catalogue.add_item(ctx, manager, code="3001", name="赠品袋", price_fen=100,
                       points_eligible=False)  # fmt: skip


def spend_of(ctx, member_id: str) -> int:
    return query(ctx, "SELECT cumulative_spend_fen FROM member WHERE id = ?", member_id)[0][0]


def events(ctx, type_: str) -> list[dict]:
    rows = query(ctx, "SELECT type, payload FROM outbox ORDER BY device_seq")
    return [json.loads(p) for t, p in rows if t == type_]


@pytest.fixture
def member_sale(ctx, cashier, register, items, approval):
    """A member pays 41.00 less 2.00 of points: stored value 30.00 (with a bonus) and cash."""
    m = register("张三", "13800138000")
    top_up(ctx, cashier, m.member_id, 10_000, "cash")
    adjust_points(ctx, cashier, m.member_id, 500, "活动赠送", approval)
    set_payment_password(ctx, cashier, m.member_id, "123456")
    before = ledger_checked(ctx, m.member_id), spend_of(ctx, m.member_id)
    r = sale.sell(ctx, cashier, [COLA, WASH, BAG], member=m.member_id, points=200,
                  tenders=[("stored_value", 3_000), ("cash", 900)],
                  payment_password="123456")  # fmt: skip
    return m, r, before


def test_refunding_everything_in_pieces_restores_the_member(
    ctx, cashier, approval, member_sale
) -> None:
    m, r, (before, spend_before) = member_sale
    assert r.due_fen == 3_900 and r.points_used == 200
    first = partial_refunds.refund(ctx, cashier, r.txn_id, {0: 1}, "质量问题", approval)
    assert [(x.line_no, x.quantity, x.left) for x in first.lines] == [(0, 1, 2)]
    assert not first.all_refunded
    shown = member_history(ctx, cashier, m.member_id)  # partly refunded: F7 still offers it
    [line] = [t for t in shown.checkouts if t.txn_id == r.txn_id]
    assert (line.refunded, line.partly_refunded) == (False, True)
    assert shown.newest_refundable() == line
    second = partial_refunds.refund(ctx, cashier, r.txn_id, {0: 1, 2: 1}, "顾客原因", approval)
    assert not second.all_refunded
    last = partial_refunds.refund(ctx, cashier, r.txn_id, {0: 1, 1: 1, 2: 1}, "其他", approval)
    assert last.all_refunded
    [line] = [t for t in member_history(ctx, cashier, m.member_id).checkouts
              if t.txn_id == r.txn_id]  # fmt: skip
    assert (line.refunded, line.partly_refunded) == (True, False)
    assert ledger_checked(ctx, m.member_id) == before
    assert spend_of(ctx, m.member_id) == spend_before
    paid_cash = sum(-x[0] for x in query(
        ctx, "SELECT t.amount_fen FROM txn_tender t JOIN txn ON txn.id = t.txn_id "
             "WHERE txn.kind = 'refund' AND t.method = 'cash'"))  # fmt: skip
    assert paid_cash == 900
    # One transaction per refund, each linked to the sale with its reason.
    rows = query(ctx, "SELECT original_txn_id, note, due_fen FROM txn WHERE kind = 'refund' "
                      "ORDER BY created_at, id")  # fmt: skip
    assert [x[:2] for x in rows] == [(r.txn_id, "质量问题"), (r.txn_id, "顾客原因"),
                                     (r.txn_id, "其他")]  # fmt: skip
    assert -sum(x[2] for x in rows) == 3_900
    refused_again = pytest.raises(CounterError)
    with refused_again as exc:
        partial_refunds.refund(ctx, cashier, r.txn_id, {0: 1}, "其他", approval)
    assert exc.value.code == "sale_fully_refunded" and "全部退完" in exc.value.message
    evs = events(ctx, "sale.refunded")
    assert len(evs) == 3 and evs[0]["lines"][0]["quantity"] == 1
    assert sum(e["cumulative_spend_delta_fen"] for e in evs) == -3_900


def test_never_more_than_remains(ctx, cashier, approval, member_sale, snapshot) -> None:
    _m, r, _ = member_sale
    partial_refunds.refund(ctx, cashier, r.txn_id, {0: 2}, "质量问题", approval)
    e = refused(snapshot, "refund_quantity_over", partial_refunds.refund, ctx, cashier,
                r.txn_id, {0: 2}, "质量问题", approval)  # fmt: skip
    assert "最多还能退 1" in e.message
    refused(snapshot, "refund_line_unknown", partial_refunds.refund, ctx, cashier, r.txn_id,
            {7: 1}, "质量问题", approval)  # fmt: skip
    refused(snapshot, "refund_nothing", partial_refunds.refund, ctx, cashier, r.txn_id, {},
            "质量问题", approval)  # fmt: skip
    refused(snapshot, "refund_reason_unknown", partial_refunds.refund, ctx, cashier, r.txn_id,
            {0: 1}, "不想要了", approval)  # fmt: skip
    refused(snapshot, "approval_required", partial_refunds.refund, ctx, cashier, r.txn_id,
            {0: 1}, "质量问题", None)  # fmt: skip
    refused(snapshot, "approver_not_manager", partial_refunds.refund, ctx, cashier, r.txn_id,
            {0: 1}, "质量问题", Approval(CASHIER_NO, CASHIER_PIN))  # fmt: skip
    assert [x.left for x in partial_refunds.refundable(ctx, r.txn_id)] == [1, 1, 2]


def test_a_walk_in_cart_is_refunded_in_cash(ctx, cashier, items, approval) -> None:
    r = sale.sell(ctx, cashier, [COLA, WASH], order_discount=OrderDiscount(percent_bp=1000),
                  rounding="jiao", tenders=[("cash", 5_000)])  # fmt: skip
    # the lines were paid 9.44 and 26.96 (docs/pricing.md's allocation)
    x = partial_refunds.refund(ctx, cashier, r.txn_id, {0: 1}, "收银错误", approval)
    assert x.member_id is None and x.money_back == (("cash", 314),)  # floor(944 / 3)
    y = partial_refunds.refund(ctx, cashier, r.txn_id, {0: 2, 1: 1}, "收银错误", approval)
    assert x.money_fen + y.money_fen == 3_640 and y.all_refunded
    ev = events(ctx, "sale.refunded")[0]
    assert ev["member_id"] is None and ev["tenders"] == [
        {"method": "cash", "amount_fen": -314, "change_fen": 0}
    ]
    assert ev["cumulative_spend_delta_fen"] == 0 and ev["sv_entries"] == []


def test_the_store_edits_its_reasons(ctx, manager, cashier, snapshot) -> None:
    assert partial_refunds.reasons(ctx) == ("质量问题", "顾客原因", "收银错误", "其他")
    assert partial_refunds.add_reason(ctx, manager, " 过期 ")[-1] == "过期"
    assert partial_refunds.remove_reason(ctx, manager, "其他") == (
        "质量问题", "顾客原因", "收银错误", "过期")  # fmt: skip
    refused(snapshot, "refund_reason_exists", partial_refunds.add_reason, ctx, manager, "过期")
    refused(snapshot, "permission_denied", partial_refunds.add_reason, ctx, cashier, "破损")
    assert query(ctx, "SELECT count(*) FROM audit_log WHERE action = 'setting.change'")[0][0] == 2


def test_the_tier_and_earned_points_come_back_as_a_full_refund_moves_them(
    ctx, cashier, manager, register, items, approval
) -> None:
    catalogue.add_item(ctx, manager, code="9001", name="按摩椅", price_fen=60_000)
    m = register("孙八", "13800138008")
    r = sale.sell(ctx, cashier, [DraftLine("9001", 2)], member=m.member_id, pay="cash")
    assert (r.tier_before, r.tier, r.points_earned) == ("normal", "silver", 1_200)
    adjust_points(ctx, cashier, m.member_id, -1_100, "兑换礼品", approval)  # 100 points left
    # One chair back: 600.00 of spend and 600 earned points; only 100 can be taken.
    x = partial_refunds.refund(ctx, cashier, r.txn_id, {0: 1}, "质量问题", approval)
    assert (x.points_clawed_back, x.points_shortfall, x.points, x.tier) == (100, 500, 0, "normal")
    assert spend_of(ctx, m.member_id) == 60_000
    assert ledger_checked(ctx, m.member_id) == (0, 0, 0)
    ev = events(ctx, "sale.refunded")[0]
    assert ev["tier_changes"] == [{"from": "silver", "to": "normal", "reason": "refund"}]
    assert ev["points_shortfall"] == 500
    assert query(ctx, "SELECT points_earned, points_shortfall, tier_after FROM txn "
                      "WHERE id = ?", x.txn_id) == [(-100, 500, "normal")]  # fmt: skip


def test_the_receipt_lists_the_lines_refunded_and_what_remains(ctx, cashier, approval,
                                                               member_sale) -> None:  # fmt: skip
    from app.domain.messages import set_language
    from app.services.receipts import receipt_preview

    _m, r, _ = member_sale
    x = partial_refunds.refund(ctx, cashier, r.txn_id, {0: 1, 2: 2}, "质量问题", approval)
    text = receipt_preview(ctx, x.txn_id, columns=48)
    body = "\n".join(text)
    for expected in ("商品退货", "原单号", "质量问题", "1. 可口可乐 (1001)", "退 1 / 共 3",
                     "剩余可退 2", "3. 赠品袋 (3001)", "退 2 / 共 2", "剩余可退 0", "退款合计",
                     "退回储值", "退回现金", "扣回积分", "授权"):  # fmt: skip
        assert expected in body, (expected, text)
    assert "本单商品已全部退完" not in body
    y = partial_refunds.refund(ctx, cashier, r.txn_id, {0: 2, 1: 1}, "其他", approval)
    assert "本单商品已全部退完" in "\n".join(receipt_preview(ctx, y.txn_id, columns=48))
    # A reprint of the first says what remained then, not now.
    again = "\n".join(receipt_preview(ctx, x.txn_id, reprint=True, columns=48))
    assert "剩余可退 2" in again and "重打印" in again
    set_language("en")
    english = "\n".join(receipt_preview(ctx, x.txn_id, columns=48))
    assert "Refund of goods" in english and "refunded 1 of 3" in english
    assert "2 left to refund" in english


def test_partial_refunds_are_refunds_in_the_z_report(ctx, cashier, manager, approval,
                                                     member_sale) -> None:  # fmt: skip
    import datetime as dt

    from app.services import closing

    _m, r, _ = member_sale
    x = partial_refunds.refund(ctx, cashier, r.txn_id, {0: 1, 1: 1}, "质量问题", approval)
    z = closing.z_report(ctx, manager, dt.date(2026, 3, 15))
    assert z["refunds"]["count"] == 1 and z["refunds"]["net_fen"] == x.money_fen
    assert z["net_sales_fen"] == r.due_fen - x.money_fen
    cash_back = sum(f for m, f in x.money_back if m == "cash")
    sv_back = sum(f for m, f in x.money_back if m == "stored_value")
    assert z["sales_by_tender"]["cash"] == 900 - cash_back
    assert z["sales_by_tender"]["stored_value"] == 3_000 - sv_back
    assert z["points_redeemed"] == r.points_used - x.points_restored
