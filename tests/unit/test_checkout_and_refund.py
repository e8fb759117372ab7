"""Checkout (消费): discount → points as cash → tenders → points earned → tier; and its refund."""

from __future__ import annotations

from typing import Any

import pytest

from app.services import refunds
from app.services.cards import freeze_card, unfreeze_card
from app.services.checkout import checkout, quote
from app.services.context import CounterContext
from app.services.lookup import show_member
from app.services.members import set_payment_password
from app.services.points import adjust_points
from app.services.stored_value import top_up
from app.services.tiers import override_tier
from tests.helpers import Snapshot, ledger_checked, query, refused


def state(ctx: CounterContext, member_id: str) -> dict[str, Any]:
    """The member's figures, with the cached balances checked against their ledgers."""
    balances = ledger_checked(ctx, member_id)
    spend, tier = query(
        ctx, "SELECT cumulative_spend_fen, tier_code FROM member WHERE id = ?", member_id
    )[0]
    row = (*balances, spend, tier)
    negative_lots = query(
        ctx,
        "SELECT lot_id FROM points_entry WHERE member_id = ? GROUP BY lot_id "
        "HAVING SUM(points) < 0",
        member_id,
    )
    assert negative_lots == []
    return dict(zip(("principal", "bonus", "points", "spend", "tier"), row, strict=True))


@pytest.fixture
def member(register):
    return register(name="张三", phone="13800138000")


@pytest.fixture
def give_points(ctx: CounterContext, cashier, approval):
    def _give(member_id: str, n: int) -> None:
        adjust_points(ctx, cashier, member_id, n, "活动赠送", approval)

    return _give


@pytest.fixture
def set_tier(ctx: CounterContext, cashier, approval):
    def _set(member_id: str, tier: str) -> None:
        override_tier(ctx, cashier, member_id, tier, "测试", approval)

    return _set


# -- discount and points earned -----------------------------------------------


@pytest.mark.parametrize(
    ("tier", "discount", "earned"),
    [
        ("normal", 0, 123),  # floor(123.45) × 1.0
        ("silver", 246, 144),  # 2 % of 123.45 = 2.469 → 2.46; floor(120.99) × 1.2 = 144
        ("gold", 617, 175),  # 5 % = 6.1725 → 6.17; floor(117.28) × 1.5 = 175.5 → 175
        ("diamond", 1_234, 222),  # 10 % = 12.345 → 12.34; floor(111.11) × 2.0 = 222
    ],
)
def test_tier_discount_and_points_floored(
    ctx: CounterContext, cashier, member, set_tier, tier: str, discount: int, earned: int
) -> None:
    if tier != "normal":
        set_tier(member.member_id, tier)
    result = checkout(ctx, cashier, member.member_id, 12_345, pay="cash")
    assert (result.discount_fen, result.due_fen) == (discount, 12_345 - discount)
    assert result.points_earned == earned
    assert result.paid_fen == 12_345 - discount
    assert state(ctx, member.member_id)["points"] == earned
    assert query(
        ctx,
        "SELECT kind, amount_fen, discount_fen, due_fen, points_earned, tier_before FROM txn "
        "WHERE id = ?",
        result.txn_id,
    ) == [("checkout", 12_345, discount, 12_345 - discount, earned, tier)]
    # The quote says the same without doing it.
    q, q_earned = quote(ctx, cashier, member.member_id, 12_345)
    assert (q.discount_fen, q_earned) == (discount, earned)


def test_points_earned_on_whole_yuan_only(ctx: CounterContext, cashier, member) -> None:
    assert checkout(ctx, cashier, member.member_id, 99, pay="cash").points_earned == 0
    assert checkout(ctx, cashier, member.member_id, 199, pay="cash").points_earned == 1


def test_points_cap_half_of_bill_after_discount(
    ctx: CounterContext, cashier, member, give_points, set_tier, snapshot: Snapshot
) -> None:
    q = member.member_id
    give_points(q, 10_000)
    err = refused(snapshot, "points_over_cap", checkout, ctx, cashier, q, 10_000, points=5_001)
    assert err.params["max_points"] == 5_000
    result = checkout(ctx, cashier, q, 10_000, points=5_000, pay="cash")
    assert (result.points_used, result.points_value_fen, result.due_fen) == (5_000, 5_000, 5_000)
    assert result.points_earned == 50  # on what was paid, after the points
    assert result.points == 10_000 - 5_000 + 50
    # Gold: the cap is half of the bill after the 5 % discount (9,500 → 4,750).
    set_tier(q, "gold")
    err = refused(snapshot, "points_over_cap", checkout, ctx, cashier, q, 10_000, points=4_751)
    assert err.params["max_points"] == 4_750
    result = checkout(ctx, cashier, q, 10_000, points=4_750, pay="cash")
    assert (result.discount_fen, result.points_value_fen, result.due_fen) == (500, 4_750, 4_750)
    assert result.points_earned == 70  # floor(47.50) × 1.5 = 70.5 → 70


def test_points_over_balance_refused(
    ctx: CounterContext, cashier, member, give_points, snapshot: Snapshot
) -> None:
    q = member.member_id
    give_points(q, 100)
    err = refused(
        snapshot, "points_insufficient", checkout, ctx, cashier, q, 100_000, points=101, pay="cash"
    )
    assert (err.params["balance"], err.params["points"]) == (100, 101)
    refused(snapshot, "points_negative", checkout, ctx, cashier, q, 10_000, points=-1, pay="cash")


def test_bad_amount_refused(ctx: CounterContext, cashier, member, snapshot: Snapshot) -> None:
    for amount in (0, -500):
        refused(
            snapshot,
            "amount_not_positive",
            checkout,
            ctx,
            cashier,
            member.member_id,
            amount,
            pay="cash",
        )


def test_multiplier_of_tier_held_before_checkout(ctx: CounterContext, cashier, member) -> None:
    q = member.member_id
    first = checkout(ctx, cashier, q, 100_000, pay="cash")  # crosses 1,000 yuan
    assert (first.tier_before, first.tier) == ("normal", "silver")
    assert first.points_earned == 1_000  # × 1.0: the tier held before
    second = checkout(ctx, cashier, q, 10_000, pay="cash")
    assert (second.tier_before, second.discount_fen, second.due_fen) == ("silver", 200, 9_800)
    assert second.points_earned == 117  # floor(98) × 1.2 = 117.6 → 117
    assert state(ctx, q) == {
        "principal": 0,
        "bonus": 0,
        "points": 1_117,
        "spend": 109_800,
        "tier": "silver",
    }


def test_automatic_upgrade_logged(ctx: CounterContext, cashier, member) -> None:
    q = member.member_id
    below = checkout(ctx, cashier, q, 99_999, pay="cash")
    assert below.tier == "normal"
    assert query(ctx, "SELECT * FROM tier_change") == []
    crossing = checkout(ctx, cashier, q, 1, pay="cash")
    assert crossing.tier == "silver"
    assert show_member(ctx, cashier, q).tier == "silver"
    assert query(ctx, "SELECT from_tier, to_tier, reason, txn_id, staff_id FROM tier_change") == [
        ("normal", "silver", "auto_upgrade", crossing.txn_id, cashier.staff_id)
    ]
    assert query(ctx, "SELECT tier_before, tier_after FROM txn WHERE id = ?", crossing.txn_id) == [
        ("normal", "silver")
    ]


def test_upgrade_can_skip_tiers(ctx: CounterContext, cashier, member) -> None:
    result = checkout(ctx, cashier, member.member_id, 2_000_000, pay="bankcard")
    assert (result.tier_before, result.tier, result.points_earned) == ("normal", "diamond", 20_000)
    assert query(ctx, "SELECT from_tier, to_tier FROM tier_change") == [("normal", "diamond")]


# -- tenders ------------------------------------------------------------------


def test_split_tenders_with_cash_change(ctx: CounterContext, cashier, member) -> None:
    q = member.member_id
    top_up(ctx, cashier, q, 10_000, "cash")
    result = checkout(ctx, cashier, q, 15_000, tenders=[("stored_value", 10_000), ("cash", 10_000)])
    assert result.change_fen == 5_000
    assert result.paid_fen == 15_000
    assert query(
        ctx,
        "SELECT method, amount_fen, change_fen FROM txn_tender WHERE txn_id = ? ORDER BY id",
        result.txn_id,
    ) == [("stored_value", 10_000, 0), ("cash", 10_000, 5_000)]
    assert state(ctx, q)["principal"] == 0


def test_three_way_split(ctx: CounterContext, cashier, member) -> None:
    q = member.member_id
    top_up(ctx, cashier, q, 5_000, "cash")
    result = checkout(
        ctx,
        cashier,
        q,
        20_000,
        tenders=[("stored_value", 5_000), ("wechat", 10_000), ("cash", 5_000)],
    )
    assert (result.change_fen, result.paid_fen, result.points_earned) == (0, 20_000, 200)


@pytest.mark.parametrize(
    ("tenders", "code"),
    [
        ([("cash", 14_999)], "tender_short"),
        ([("wechat", 5_000), ("cash", 9_999)], "tender_short"),
        ([("wechat", 15_001)], "tender_overpaid"),
        ([("wechat", 10_000), ("alipay", 6_000)], "tender_overpaid"),
        ([("cash", 5_000), ("cash", 10_000)], "tender_duplicate"),
        ([("paypal", 15_000)], "method_invalid"),
        ([("wechat", 15_000), ("cash", 0)], "amount_not_positive"),
        ([], "tender_missing"),
    ],
)
def test_bad_tenders_refused(
    ctx: CounterContext, cashier, member, snapshot: Snapshot, tenders: list, code: str
) -> None:
    refused(snapshot, code, checkout, ctx, cashier, member.member_id, 15_000, tenders=tenders)


def test_stored_value_insufficient_changes_nothing(
    ctx: CounterContext, cashier, member, snapshot: Snapshot
) -> None:
    q = member.member_id
    refused(snapshot, "balance_insufficient", checkout, ctx, cashier, q, 100)
    top_up(ctx, cashier, q, 10_000, "cash")
    err = refused(snapshot, "balance_insufficient", checkout, ctx, cashier, q, 10_001)
    assert (err.params["balance"], err.params["amount"]) == (10_000, 10_001)
    refused(
        snapshot,
        "balance_insufficient",
        checkout,
        ctx,
        cashier,
        q,
        20_000,
        tenders=[("stored_value", 10_001), ("cash", 9_999)],
    )


def test_frozen_card_refused(
    ctx: CounterContext, cashier, manager, member, snapshot: Snapshot
) -> None:
    q = member.member_id
    top_up(ctx, cashier, q, 10_000, "cash")
    freeze_card(ctx, cashier, q)
    refused(snapshot, "card_frozen", checkout, ctx, cashier, q, 1_000)
    refused(snapshot, "card_frozen", checkout, ctx, cashier, q, 1_000, pay="cash")
    unfreeze_card(ctx, manager, q)
    assert checkout(ctx, cashier, q, 1_000).principal_fen == 9_000


def test_payment_password_required_when_set(
    ctx: CounterContext, cashier, member, snapshot: Snapshot
) -> None:
    q = member.member_id
    top_up(ctx, cashier, q, 10_000, "cash")
    assert checkout(ctx, cashier, q, 1_000).principal_fen == 9_000  # no password set yet
    set_payment_password(ctx, cashier, q, "123456")
    refused(snapshot, "payment_password_required", checkout, ctx, cashier, q, 1_000)
    refused(
        snapshot,
        "payment_password_required",
        checkout,
        ctx,
        cashier,
        q,
        2_000,
        tenders=[("stored_value", 1_000), ("cash", 1_000)],
    )
    # Paying with anything but stored value needs no password.
    assert checkout(ctx, cashier, q, 1_000, pay="wechat").principal_fen == 9_000
    assert checkout(ctx, cashier, q, 1_000, payment_password="123456").principal_fen == 8_000


def test_unknown_member_refused(ctx: CounterContext, cashier, snapshot: Snapshot) -> None:
    refused(snapshot, "member_not_found", checkout, ctx, cashier, "13900000000", 1_000, pay="cash")


# -- refund of a checkout -----------------------------------------------------


def test_refund_restores_stored_value_exactly_as_taken(
    ctx: CounterContext, cashier, member, approval
) -> None:
    q = member.member_id
    top_up(ctx, cashier, q, 100_000, "cash")
    c = checkout(ctx, cashier, q, 30_000)
    spend = query(
        ctx, "SELECT entry_id, principal_fen, bonus_fen FROM sv_entry WHERE txn_id = ?", c.txn_id
    )
    assert [s[1:] for s in spend] == [(-26_087, -3_913)]
    checkout(ctx, cashier, q, 10_000)  # later spending is untouched by the refund
    r = refunds.refund(ctx, cashier, c.txn_id, approval)
    assert query(
        ctx,
        "SELECT kind, principal_fen, bonus_fen, reverses_entry_id FROM sv_entry WHERE txn_id = ?",
        r.txn_id,
    ) == [("spend_reversal", 26_087, 3_913, spend[0][0])]
    assert r.money_back == (("stored_value", 30_000),)
    # 1,150 - 300 - 100 + 300: principal and bonus as if only the second spend happened.
    s = state(ctx, q)
    assert (s["principal"], s["bonus"]) == (73_913 - 8_696 + 26_087, 11_087 - 1_304 + 3_913)
    assert s["points"] == 100  # the second checkout's points stay
    assert s["spend"] == 10_000


def test_refund_restores_redeemed_and_claws_back_earned(
    ctx: CounterContext, cashier, member, give_points, approval
) -> None:
    q = member.member_id
    give_points(q, 1_000)
    c = checkout(ctx, cashier, q, 10_000, points=1_000, pay="cash")
    assert (c.due_fen, c.points_earned, c.points) == (9_000, 90, 90)
    r = refunds.refund(ctx, cashier, c.txn_id, approval)
    assert (r.points_restored, r.points_clawed_back, r.points_shortfall) == (1_000, 90, 0)
    assert r.money_back == (("cash", 9_000),)
    assert query(ctx, "SELECT method, amount_fen FROM txn_tender WHERE txn_id = ?", r.txn_id) == [
        ("cash", -9_000)
    ]
    kinds = query(
        ctx, "SELECT kind, points FROM points_entry WHERE txn_id = ? ORDER BY id", r.txn_id
    )
    assert kinds == [("redeem_reversal", 1_000), ("clawback", -90)]
    assert state(ctx, q) == {
        "principal": 0,
        "bonus": 0,
        "points": 1_000,
        "spend": 0,
        "tier": "normal",
    }
    assert query(
        ctx,
        "SELECT kind, original_txn_id, due_fen, points_earned, points_shortfall FROM txn "
        "WHERE id = ?",
        r.txn_id,
    ) == [("refund", c.txn_id, -9_000, -90, 0)]


def test_refund_cash_net_of_change(ctx: CounterContext, cashier, member, approval) -> None:
    q = member.member_id
    top_up(ctx, cashier, q, 10_000, "cash")
    c = checkout(ctx, cashier, q, 15_000, tenders=[("stored_value", 10_000), ("cash", 10_000)])
    r = refunds.refund(ctx, cashier, c.txn_id, approval)
    assert query(
        ctx, "SELECT method, amount_fen FROM txn_tender WHERE txn_id = ? ORDER BY id", r.txn_id
    ) == [("cash", -5_000)]
    assert state(ctx, q)["principal"] == 10_000


def test_clawback_shortfall_when_points_already_spent(
    ctx: CounterContext, cashier, member, approval
) -> None:
    q = member.member_id
    a = checkout(ctx, cashier, q, 20_000, pay="cash")  # earns 200
    b = checkout(ctx, cashier, q, 1_000, points=200, pay="cash")  # spends them, earns 8
    assert (a.points_earned, b.points_earned, b.points) == (200, 8, 8)
    r = refunds.refund(ctx, cashier, a.txn_id, approval)
    assert (r.points_clawed_back, r.points_shortfall, r.points) == (8, 192, 0)
    assert query(ctx, "SELECT points_shortfall, points_earned FROM txn WHERE id = ?", r.txn_id) == [
        (192, -8)
    ]
    assert state(ctx, q)["points"] == 0  # never below zero


def test_refund_reduces_spend_and_undoes_upgrade(
    ctx: CounterContext, cashier, member, approval
) -> None:
    q = member.member_id
    checkout(ctx, cashier, q, 50_000, pay="cash")
    c = checkout(ctx, cashier, q, 60_000, pay="cash")
    assert c.tier == "silver"
    r = refunds.refund(ctx, cashier, c.txn_id, approval)
    assert r.tier == "normal"
    assert state(ctx, q)["spend"] == 50_000
    assert state(ctx, q)["tier"] == "normal"
    assert query(ctx, "SELECT from_tier, to_tier, reason, txn_id FROM tier_change ORDER BY id") == [
        ("normal", "silver", "auto_upgrade", c.txn_id),
        ("silver", "normal", "refund", r.txn_id),
    ]


def test_refund_keeps_tier_other_spending_earned(
    ctx: CounterContext, cashier, member, approval
) -> None:
    q = member.member_id
    c = checkout(ctx, cashier, q, 100_000, pay="cash")  # → silver
    checkout(ctx, cashier, q, 200_000, pay="cash")  # silver: 196,000 paid
    refunds.refund(ctx, cashier, c.txn_id, approval)
    assert state(ctx, q)["spend"] == 196_000
    assert state(ctx, q)["tier"] == "silver"
    assert query(ctx, "SELECT count(*) FROM tier_change") == [(1,)]


def test_refund_keeps_a_later_override(
    ctx: CounterContext, cashier, member, approval, set_tier
) -> None:
    q = member.member_id
    c = checkout(ctx, cashier, q, 100_000, pay="cash")  # → silver
    set_tier(q, "gold")
    refunds.refund(ctx, cashier, c.txn_id, approval)
    assert state(ctx, q)["tier"] == "gold"


def test_refund_twice_refused(
    ctx: CounterContext, cashier, member, approval, snapshot: Snapshot
) -> None:
    c = checkout(ctx, cashier, member.member_id, 10_000, pay="cash")
    refunds.refund(ctx, cashier, c.txn_id, approval)
    err = refused(snapshot, "already_refunded", refunds.refund, ctx, cashier, c.txn_id, approval)
    assert err.params["txn_id"] == c.txn_id


def test_refund_unknown_or_unrefundable_txn_refused(
    ctx: CounterContext, cashier, member, approval, snapshot: Snapshot
) -> None:
    refused(snapshot, "txn_not_found", refunds.refund, ctx, cashier, "no-such-txn", approval)
    refused(
        snapshot,
        "txn_not_found",
        refunds.refund,
        ctx,
        cashier,
        "01900000-0000-7000-8000-000000000000",
        approval,
    )
    register_txn = query(ctx, "SELECT id FROM txn WHERE kind = 'register'")[0][0]
    refused(snapshot, "txn_not_refundable", refunds.refund, ctx, cashier, register_txn, approval)
    c = checkout(ctx, cashier, member.member_id, 10_000, pay="cash")
    r = refunds.refund(ctx, cashier, c.txn_id, approval)
    refused(snapshot, "txn_not_refundable", refunds.refund, ctx, cashier, r.txn_id, approval)
