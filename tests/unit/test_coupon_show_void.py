"""Coupons on a real counter file (issue 17, points 1–2): the later terms checked at
redemption (hours, weekdays, stores, groups, 兑换券) changing nothing when they refuse;
``show`` with the owner's number masked; ``void`` as a compensating entry with its audit and
event; expiry shown as a state without a write."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.domain.coupons import EXCHANGE, PERCENT, SCOPE_ITEMS, VOUCHER, Terms, Validity
from app.domain.held import DraftLine
from app.services import catalogue, coupons, sale
from tests.helpers import query, refused

CAKE = DraftLine("1001", 3)  # 3 × 12.00
WASH = DraftLine("2001", 1)  # 30.00


@pytest.fixture
def items(ctx, manager) -> None:
    catalogue.add_item(ctx, manager, code="1001", name="蛋糕", price_fen=1_200)
    catalogue.add_item(ctx, manager, code="2001", name="洗车", price_fen=3_000, service=True)


def _template(ctx, manager, terms: Terms, **more) -> coupons.TemplateView:
    more.setdefault("validity", Validity(days=30))
    return coupons.add_template(ctx, manager, name="券", terms=terms, **more)


def _issue(ctx, manager, cashier, member_id: str, terms: Terms, **more) -> coupons.CouponView:
    t = _template(ctx, manager, terms, **more)
    return coupons.issue(ctx, cashier, member_id, t.template_id)


def test_hours_weekdays_and_stores_are_checked_at_the_till_changing_nothing(
    ctx, manager, cashier, register, items, clock, snapshot
) -> None:
    m = register("张三", "13800138000")
    # the test clock: Sunday 2026-03-15, 10:00 in Shanghai, at store S001
    lunch = _issue(ctx, manager, cashier, m.member_id,
                   Terms(VOUCHER, amount_fen=500, hours=(12 * 60, 14 * 60)))  # fmt: skip
    workdays = frozenset({1, 2, 3, 4, 5})
    weekdays = _issue(ctx, manager, cashier, m.member_id,
                      Terms(VOUCHER, amount_fen=500, weekdays=workdays))  # fmt: skip
    elsewhere = _issue(ctx, manager, cashier, m.member_id,
                       Terms(VOUCHER, amount_fen=500, stores=frozenset({"s002"})))  # fmt: skip
    here = _issue(ctx, manager, cashier, m.member_id,
                  Terms(VOUCHER, amount_fen=500, stores=frozenset({"S001"})))  # fmt: skip
    for c, code, shown in [(lunch, "coupon_wrong_hours", "12:00-14:00"),
                           (weekdays, "coupon_wrong_day", "1,2,3,4,5"),
                           (elsewhere, "coupon_wrong_store", "S002")]:  # fmt: skip
        e = refused(snapshot, code, sale.sell, ctx, cashier, [WASH], member=m.member_id,
                    pay="cash", coupons=[c.code])  # fmt: skip
        assert shown in e.message and c.shown_code in e.message
    assert sale.sell(ctx, cashier, [WASH], member=m.member_id, pay="cash",
                     coupons=[here.code]).due_fen == 2_500  # fmt: skip
    clock.advance(hours=3)  # 13:00
    assert sale.sell(ctx, cashier, [WASH], member=m.member_id, pay="cash",
                     coupons=[lunch.code]).due_fen == 2_500  # fmt: skip


def test_an_exchange_coupon_makes_one_unit_free_and_groups_exclude(
    ctx, manager, cashier, register, items, snapshot
) -> None:
    m = register("张三", "13800138000")
    cake = _issue(ctx, manager, cashier, m.member_id,
                  Terms(EXCHANGE, scope=SCOPE_ITEMS, items=frozenset({"1001"}), stackable=True,
                        group="春节"))  # fmt: skip
    pct = _issue(ctx, manager, cashier, m.member_id,
                 Terms(PERCENT, percent_bp=1000, stackable=True, group="春节"))  # fmt: skip
    other = _issue(ctx, manager, cashier, m.member_id,
                   Terms(VOUCHER, amount_fen=100, stackable=True))  # fmt: skip
    e = refused(snapshot, "coupon_same_group", sale.sell, ctx, cashier, [CAKE, WASH],
                member=m.member_id, pay="cash", coupons=[cake.code, pct.code])  # fmt: skip
    assert "春节" in e.message
    r = sale.sell(ctx, cashier, [CAKE, WASH], member=m.member_id, pay="cash",
                  coupons=[cake.code, other.code])  # fmt: skip
    # one cake (12.00) off its line; then 1.00 over 2400:3000 → 44, 56
    assert r.cart is not None
    assert [ln.coupon_fen for ln in r.cart.lines] == [1_200 + 44, 56]
    assert r.due_fen == 3_600 + 3_000 - 1_200 - 100
    (share,) = query(ctx, "SELECT discount_fen, shares FROM coupon_entry WHERE coupon_id = ? "
                          "AND kind = 'redeemed'", cake.coupon_id)  # fmt: skip
    assert (share[0], json.loads(share[1])) == (1_200, [1_200, 0])
    ex = _issue(ctx, manager, cashier, m.member_id,
                Terms(EXCHANGE, scope=SCOPE_ITEMS, items=frozenset({"1001"})))  # fmt: skip
    refused(snapshot, "coupon_no_lines", sale.sell, ctx, cashier, [WASH], member=m.member_id,
            pay="cash", coupons=[ex.code])  # fmt: skip


def test_show_gives_the_template_the_masked_owner_the_state_and_the_ledger(
    ctx, manager, cashier, register, items
) -> None:
    m = register("张三", "13800138000")
    c = _issue(ctx, manager, cashier, m.member_id, Terms(VOUCHER, amount_fen=500))
    r = sale.sell(ctx, cashier, [WASH], member=m.member_id, pay="cash", coupons=[c.code])
    d = coupons.show(ctx, cashier, c.shown_code.lower())
    assert d.owner == "张三 138****8000" and "13800138000" not in repr(d)
    assert d.coupon.state == "redeemed" and d.template is not None
    assert d.template.terms.amount_fen == 500
    assert [(e["kind"], e["txn_id"], e["discount_fen"]) for e in d.ledger] == [
        ("issued", None, 0),
        ("redeemed", r.txn_id, 500),
    ]
    with pytest.raises(Exception) as e:
        coupons.show(ctx, cashier, "0000-0000-0000")
    assert getattr(e.value, "code", None) == "coupon_not_found"


def test_a_manager_voids_a_coupon_with_a_reason_its_entry_audit_and_event(
    ctx, manager, cashier, register, items, snapshot
) -> None:
    m = register("张三", "13800138000")
    c = _issue(ctx, manager, cashier, m.member_id, Terms(VOUCHER, amount_fen=500))
    refused(snapshot, "permission_denied", coupons.void, ctx, cashier, c.code, "发错")
    refused(snapshot, "coupon_void_reason", coupons.void, ctx, manager, c.code, "  ")
    v = coupons.void(ctx, manager, c.code, "发错了")
    assert v.state == "voided"
    assert query(ctx, "SELECT kind FROM coupon_entry WHERE coupon_id = ? ORDER BY rowid",
                 c.coupon_id) == [("issued",), ("voided",)]  # fmt: skip
    (ev,) = [json.loads(p) for ty, p in query(ctx, "SELECT type, payload FROM outbox")
             if ty == "coupon.voided"]  # fmt: skip
    assert ev["coupon"]["coupon_id"] == c.coupon_id and ev["entry"]["kind"] == "voided"
    assert ev["reason"] == "发错了" and ev["member_id"] == m.member_id
    (audit,) = query(ctx, "SELECT entity_id, after FROM audit_log WHERE action = 'coupon.void'")
    assert audit[0] == c.coupon_id and "发错了" in audit[1]
    e = refused(snapshot, "coupon_not_voidable", coupons.void, ctx, manager, c.code, "再次")
    assert "已作废" in e.message
    refused(snapshot, "coupon_voided", sale.sell, ctx, cashier, [WASH], member=m.member_id,
            pay="cash", coupons=[c.code])  # fmt: skip
    used = _issue(ctx, manager, cashier, m.member_id, Terms(VOUCHER, amount_fen=500))
    sale.sell(ctx, cashier, [WASH], member=m.member_id, pay="cash", coupons=[used.code])
    refused(snapshot, "coupon_not_voidable", coupons.void, ctx, manager, used.code, "x")


def test_a_coupon_past_its_validity_is_shown_expired_without_a_write(
    ctx, manager, cashier, register, items, clock, snapshot
) -> None:
    m = register("张三", "13800138000")
    c = _issue(ctx, manager, cashier, m.member_id, Terms(VOUCHER, amount_fen=500),
               validity=Validity(days=2))  # fmt: skip
    assert [x.coupon_id for x in coupons.usable_wallet(ctx, m.member_id)] == [c.coupon_id]
    clock.advance(days=2)
    before = snapshot()
    assert [x.state for x in coupons.wallet(ctx, m.member_id)] == ["expired"]
    assert coupons.show(ctx, cashier, c.code).coupon.state == "expired"
    assert coupons.usable_wallet(ctx, m.member_id) == []
    assert snapshot() == before
    refused(snapshot, "coupon_expired", sale.sell, ctx, cashier, [WASH], member=m.member_id,
            pay="cash", coupons=[c.code])  # fmt: skip
    assert c.valid_until == dt.date(2026, 3, 16)


def test_the_carts_wallet_offers_only_what_can_be_taken_now_here(
    ctx, manager, cashier, register, items, clock
) -> None:
    from app.services.coupon_cart import cart_coupon, cart_wallet, looks_like_coupon
    from app.services.syncstate import mark_enrolled

    m = register("张三", "13800138000")
    now = _issue(ctx, manager, cashier, m.member_id, Terms(VOUCHER, amount_fen=500))
    _issue(ctx, manager, cashier, m.member_id,
           Terms(VOUCHER, amount_fen=500, hours=(18 * 60, 20 * 60)))  # fmt: skip
    _issue(ctx, manager, cashier, m.member_id,
           Terms(VOUCHER, amount_fen=500, stores=frozenset({"S009"})))  # fmt: skip
    gone = _issue(ctx, manager, cashier, m.member_id, Terms(VOUCHER, amount_fen=500))
    coupons.void(ctx, manager, gone.code, "发错")
    assert [c.coupon_id for c in cart_wallet(ctx, cashier, m.member_id)] == [now.coupon_id]
    c = cart_coupon(ctx, cashier, m.member_id, now.shown_code.lower())
    assert (c.coupon_id, c.terms.amount_fen, c.bearer) == (now.coupon_id, 500, False)
    assert c.use([("2001", None)]).lines == (0,)
    with pytest.raises(Exception) as e:
        cart_coupon(ctx, cashier, m.member_id, gone.code)
    assert getattr(e.value, "code", None) == "coupon_voided"
    assert looks_like_coupon(now.shown_code) and not looks_like_coupon("6901234567892")
    mark_enrolled(ctx, "http://127.0.0.1:9")  # HQ checks a chain's coupons: the same offer
    assert [c.coupon_id for c in cart_wallet(ctx, cashier, m.member_id)] == [now.coupon_id]


def test_a_refund_gives_an_exchange_coupon_back_as_its_template_says(
    ctx, manager, cashier, register, items, approval
) -> None:
    from app.services import partial_refunds

    m = register("张三", "13800138000")
    free_cake = Terms(EXCHANGE, scope=SCOPE_ITEMS, items=frozenset({"1001"}))
    back = _issue(ctx, manager, cashier, m.member_id, free_cake, refund_restores=True)
    r = sale.sell(ctx, cashier, [CAKE], member=m.member_id, pay="cash", coupons=[back.code])
    assert r.due_fen == 2 * 1_200
    done = partial_refunds.refund(ctx, cashier, r.txn_id, {0: 3}, "质量问题", approval)
    assert done.money_fen == 2 * 1_200 and done.coupons_restored == (back.coupon_id,)
    assert [x.state for x in coupons.wallet(ctx, m.member_id)] == ["usable"]
