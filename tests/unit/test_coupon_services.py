"""Coupons on a real counter file (issue 17): templates, issue to a member, redemption in a
sale of goods to the fen with its ledger entries and event, refusals that change nothing,
and a refund giving the coupon back as its template says."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from app.domain.coupons import PERCENT, SCOPE_ITEMS, THRESHOLD, VOUCHER, Terms, Validity
from app.domain.held import DraftLine
from app.services import catalogue, coupons, partial_refunds, sale
from tests.helpers import query, refused

COLA = DraftLine("1001", 4)  # 4 × 3.50, member price 3.00 → 12.00
WASH = DraftLine("2001", 1)  # 30.00


@pytest.fixture
def items(ctx, manager) -> None:
    catalogue.save_category(ctx, manager, "drink", name="饮料")
    catalogue.add_item(ctx, manager, code="1001", name="可口可乐", price_fen=350,
                       category="drink", member_prices={"*": 300})  # fmt: skip
    catalogue.add_item(ctx, manager, code="2001", name="洗车", price_fen=3_000, service=True)


def _template(ctx, manager, terms: Terms, **more) -> coupons.TemplateView:
    more.setdefault("validity", Validity(days=30))
    return coupons.add_template(ctx, manager, name="券", terms=terms, **more)


def test_a_template_is_added_by_a_manager_and_listed(ctx, manager, cashier, snapshot) -> None:
    t = _template(ctx, manager, Terms(THRESHOLD, amount_fen=500, threshold_fen=4000),
                  per_member_limit=2, refund_restores=True)  # fmt: skip
    assert [x.template_id for x in coupons.templates(ctx)] == [t.template_id]
    (ev,) = [json.loads(p) for ty, p in query(ctx, "SELECT type, payload FROM outbox")
             if ty == "coupon.template_saved"]  # fmt: skip
    assert ev["template"]["terms"]["threshold_fen"] == 4000
    refused(snapshot, "permission_denied", coupons.add_template, ctx, cashier, name="x",
            terms=Terms(VOUCHER, amount_fen=1), validity=Validity(days=1))  # fmt: skip
    refused(snapshot, "coupon_amount_over_threshold", coupons.add_template, ctx, manager,
            name="x", terms=Terms(THRESHOLD, amount_fen=5, threshold_fen=4),
            validity=Validity(days=1))  # fmt: skip


def test_issue_to_a_member_within_the_per_member_limit(ctx, manager, cashier, register,
                                                        snapshot) -> None:  # fmt: skip
    m = register("张三", "13800138000")
    t = _template(ctx, manager, Terms(VOUCHER, amount_fen=500), per_member_limit=1)
    c = coupons.issue(ctx, cashier, "13800138000", t.template_id[-8:])
    today = c.valid_from
    assert (c.member_id, c.valid_until) == (m.member_id, today + dt.timedelta(days=29))
    assert [(x.coupon_id, x.state) for x in coupons.wallet(ctx, m.member_id)] == [
        (c.coupon_id, "usable")
    ]
    assert query(ctx, "SELECT kind FROM coupon_entry WHERE coupon_id = ?", c.coupon_id) == [
        ("issued",)
    ]
    (ev,) = [json.loads(p) for ty, p in query(ctx, "SELECT type, payload FROM outbox")
             if ty == "coupon.issued"]  # fmt: skip
    assert ev["coupon"]["code"] == c.code and ev["entry"]["kind"] == "issued"
    e = refused(snapshot, "coupon_member_limit", coupons.issue, ctx, cashier, m.member_id,
                t.template_id)  # fmt: skip
    assert "限领 1 张" in e.message


def test_a_sale_with_an_item_and_an_order_coupon_to_the_fen(ctx, manager, cashier, register,
                                                            items) -> None:  # fmt: skip
    m = register("张三", "13800138000")
    drinks = _template(
        ctx,
        manager,
        Terms(
            VOUCHER,
            amount_fen=300,
            scope=SCOPE_ITEMS,
            categories=frozenset({"drink"}),
            stackable=True,
        ),
    )
    order = _template(ctx, manager, Terms(PERCENT, percent_bp=1000, stackable=True))
    a = coupons.issue(ctx, cashier, m.member_id, drinks.template_id)
    b = coupons.issue(ctx, cashier, m.member_id, order.template_id)
    r = sale.sell(ctx, cashier, [COLA, WASH], member=m.member_id, pay="cash",
                  coupons=[b.shown_code.lower(), a.code])  # fmt: skip
    # member price 12.00 + 30.00; drinks −3.00 → 9.00; 10 % of 39.00 = 3.90 over 900:3000
    assert r.cart is not None
    assert [ln.coupon_fen for ln in r.cart.lines] == [300 + 90, 300]
    assert r.due_fen == 4_200 - 300 - 390
    rows = query(ctx, "SELECT coupon_fen, due_fen FROM txn_line WHERE txn_id = ? "
                      "ORDER BY line_no", r.txn_id)  # fmt: skip
    assert rows == [(390, 810), (300, 2_700)]
    assert [x.state for x in coupons.wallet(ctx, m.member_id)] == ["redeemed", "redeemed"]
    entries = query(ctx, "SELECT coupon_id, discount_fen, shares FROM coupon_entry "
                         "WHERE kind = 'redeemed' AND txn_id = ?", r.txn_id)  # fmt: skip
    assert sorted((c, d, json.loads(s)) for c, d, s in entries) == sorted(
        [(a.coupon_id, 300, [300, 0]), (b.coupon_id, 390, [90, 300])]
    )
    ev = next(json.loads(p) for ty, p in query(ctx, "SELECT type, payload FROM outbox")
              if ty == "sale.completed")  # fmt: skip
    assert [c["coupon_id"] for c in ev["cart"]["coupons"]] == [a.coupon_id, b.coupon_id]
    from server.schemas import SaleCart

    SaleCart.model_validate(ev["cart"])  # HQ's schema takes it


def test_used_other_owners_and_walk_in_coupons_are_refused_changing_nothing(
    ctx, manager, cashier, register, items, snapshot
) -> None:
    m = register("张三", "13800138000")
    other = register("李四", "13900139000")
    t = _template(ctx, manager, Terms(VOUCHER, amount_fen=500))
    c = coupons.issue(ctx, cashier, m.member_id, t.template_id)
    e = refused(snapshot, "coupon_other_owner", sale.sell, ctx, cashier, [WASH],
                member=other.member_id, pay="cash", coupons=[c.code])  # fmt: skip
    assert "不属于此会员" in e.message
    refused(snapshot, "coupon_walk_in", sale.sell, ctx, cashier, [WASH], coupons=[c.code])
    refused(snapshot, "coupon_code_check", sale.sell, ctx, cashier, [WASH],
            member=m.member_id, pay="cash", coupons=[c.code[:-1] + ("0" if c.code[-1] != "0"
                                                                    else "1")])  # fmt: skip
    sale.sell(ctx, cashier, [WASH], member=m.member_id, pay="cash", coupons=[c.code])
    e = refused(snapshot, "coupon_used", sale.sell, ctx, cashier, [WASH], member=m.member_id,
                pay="cash", coupons=[c.code])  # fmt: skip
    assert "已使用" in e.message


def test_a_threshold_not_reached_after_member_price_is_refused(
    ctx, manager, cashier, register, items, snapshot
) -> None:
    m = register("张三", "13800138000")
    # 4 colas list at 14.00 but cost a member 12.00: a 满 13 减 2 does not apply
    t = _template(ctx, manager, Terms(THRESHOLD, amount_fen=200, threshold_fen=1300))
    c = coupons.issue(ctx, cashier, m.member_id, t.template_id)
    refused(snapshot, "coupon_threshold", sale.sell, ctx, cashier, [COLA],
            member=m.member_id, pay="cash", coupons=[c.code])  # fmt: skip


def test_a_refund_gives_the_coupon_back_once_its_lines_are_all_returned(
    ctx, manager, cashier, register, items, approval
) -> None:
    m = register("张三", "13800138000")
    back = _template(ctx, manager, Terms(VOUCHER, amount_fen=1000), refund_restores=True)
    kept = _template(ctx, manager, Terms(VOUCHER, amount_fen=1000))
    a = coupons.issue(ctx, cashier, m.member_id, back.template_id)
    b = coupons.issue(ctx, cashier, m.member_id, kept.template_id)
    r1 = sale.sell(ctx, cashier, [COLA, WASH], member=m.member_id, pay="cash",
                   coupons=[a.code])  # fmt: skip
    r2 = sale.sell(ctx, cashier, [WASH], member=m.member_id, pay="cash", coupons=[b.code])
    # 10.00 over 1200:3000 → 286, 714; the refund pays back the line's parts exactly
    first = partial_refunds.refund(ctx, cashier, r1.txn_id, {1: 1}, "质量问题", approval)
    assert first.money_fen == 3_000 - 714 and first.coupons_restored == ()
    last = partial_refunds.refund(ctx, cashier, r1.txn_id, {0: 4}, "质量问题", approval)
    assert last.money_fen == 1_200 - 286 and last.coupons_restored == (a.coupon_id,)
    kept_back = partial_refunds.refund(ctx, cashier, r2.txn_id, {0: 1}, "质量问题", approval)
    assert kept_back.coupons_restored == () and kept_back.money_fen == 2_000
    assert {x.coupon_id: x.state for x in coupons.wallet(ctx, m.member_id)} == {
        a.coupon_id: "usable",
        b.coupon_id: "redeemed",
    }
    ev = [json.loads(p) for ty, p in query(ctx, "SELECT type, payload FROM outbox")
          if ty == "sale.refunded"]  # fmt: skip
    assert [e.get("coupon_entries", []) and e["coupon_entries"][0]["coupon_id"] for e in ev] == [
        [],
        a.coupon_id,
        [],
    ]
    # the restored coupon is used again
    again = sale.sell(ctx, cashier, [WASH], member=m.member_id, pay="cash", coupons=[a.code])
    assert again.due_fen == 2_000


def test_the_ledger_refuses_to_be_rewritten(ctx, manager, cashier, register) -> None:
    m = register("张三", "13800138000")
    t = _template(ctx, manager, Terms(VOUCHER, amount_fen=500))
    coupons.issue(ctx, cashier, m.member_id, t.template_id)
    con = sqlite3.connect(ctx.db.path)
    try:
        for sql in ("UPDATE coupon_entry SET kind = 'restored'", "DELETE FROM coupon_entry"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                con.execute(sql)
    finally:
        con.close()


def test_the_receipt_shows_what_coupons_took_off(ctx, manager, cashier, register, items) -> None:
    from app.services.receipts import receipt_preview

    m = register("张三", "13800138000")
    t = _template(ctx, manager, Terms(VOUCHER, amount_fen=500))
    c = coupons.issue(ctx, cashier, m.member_id, t.template_id)
    r = sale.sell(ctx, cashier, [COLA, WASH], member=m.member_id, pay="cash", coupons=[c.code])
    text = "\n".join(receipt_preview(ctx, r.txn_id, columns=48))
    # 5.00 over 1200:3000 → 143, 357, and the order's total
    coupon_rows = [line for line in text.splitlines() if line.lstrip().startswith("优惠券")]
    assert len(coupon_rows) == 3
    assert [row.split()[-1] for row in coupon_rows] == ["-￥1.43", "-￥3.57", "-￥5.00"]


def test_a_counter_that_joined_hq_makes_issues_and_takes_coupons(
    ctx, manager, cashier, register, items, snapshot
) -> None:
    """HQ checks a chain's coupons (server.coupons): an enrolled counter makes templates,
    issues coupons and takes them; a template another store defined is not its to issue."""
    from app.persistence import coupon_store
    from app.services.syncstate import mark_enrolled

    register("张三", "13800138000")
    mark_enrolled(ctx, "http://127.0.0.1:9")
    t = _template(ctx, manager, Terms(VOUCHER, amount_fen=500))
    c = coupons.issue(ctx, cashier, "13800138000", t.template_id)
    done = sale.sell(ctx, cashier, [WASH], member="13800138000", pay="cash", coupons=[c.code])
    assert done.discount_fen == 500
    with ctx.uow() as uow:  # a template of store S009, as HQ hands the chain's to every store
        coupon_store.template(uow, t.template_id).store_code = "S009"
        uow.commit()
    refused(snapshot, "coupon_template_foreign", coupons.issue, ctx, cashier, "13800138000",
            t.template_id)  # fmt: skip
