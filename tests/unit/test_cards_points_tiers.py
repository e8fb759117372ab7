"""Card lifecycle (挂失/补卡/冻结/注销), points lots and expiry, tier override and change log."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.errors import CounterError
from app.services import cards, lookup
from app.services.checkout import checkout
from app.services.context import CounterContext
from app.services.points import adjust_points, expire_points
from app.services.security import Approval
from app.services.stored_value import top_up
from app.services.tiers import override_tier
from tests.conftest import CASHIER_NO, CASHIER_PIN
from tests.helpers import Snapshot, ledger_checked, query, refused


def lot_remaining(ctx: CounterContext, member_id: str) -> dict[str, int]:
    """{expires_on: remaining} of the member's lots."""
    rows = query(
        ctx,
        "SELECT l.expires_on, SUM(e.points) FROM points_lot l JOIN points_entry e "
        "ON e.lot_id = l.id WHERE l.member_id = ? GROUP BY l.id ORDER BY l.expires_on",
        member_id,
    )
    out: dict[str, int] = {}
    for exp, n in rows:
        out[exp] = out.get(exp, 0) + n
    return out


def at(clock, year: int, month: int = 6, day: int = 1) -> None:
    """Move the clock to 10:00 Shanghai on a date."""
    clock.set(dt.datetime(year, month, day, 2, 0, tzinfo=dt.UTC))


@pytest.fixture
def member(ctx: CounterContext, cashier, register):
    """A member with 1,000 + 150 yuan stored value and 300 points earned by a checkout."""
    m = register(name="张三", phone="13800138000")
    top_up(ctx, cashier, m.member_id, 100_000, "cash")
    checkout(ctx, cashier, m.member_id, 30_000, pay="cash")
    assert ledger_checked(ctx, m.member_id) == (100_000, 15_000, 300)
    return m


# -- lost and replaced --------------------------------------------------------


def test_lost_card_stops_working_member_does_not(
    ctx: CounterContext, cashier, member, snapshot: Snapshot
) -> None:
    card_no = member.card_no
    static_qr = lookup.member_qr(ctx, cashier, card_no)
    result = cards.report_lost(ctx, cashier, card_no)
    assert result.status == "lost"
    err = refused(snapshot, "card_lost", lookup.show_member, ctx, cashier, card_no)
    assert err.params["card_no"] == card_no
    refused(snapshot, "card_lost", lookup.show_member, ctx, cashier, static_qr)
    refused(snapshot, "card_lost", top_up, ctx, cashier, card_no, 10_000, "cash")
    refused(snapshot, "card_lost", checkout, ctx, cashier, card_no, 1_000, pay="cash")
    view = lookup.show_member(ctx, cashier, "13800138000")
    assert (view.member_id, view.card_status, view.status) == (member.member_id, "lost", "active")
    # Reporting it lost twice is refused.
    refused(snapshot, "card_state", cards.report_lost, ctx, cashier, "13800138000")


def test_replace_card_carries_balances_and_charges_fee(
    ctx: CounterContext, cashier, member, snapshot: Snapshot
) -> None:
    old = member.card_no
    cards.report_lost(ctx, cashier, "13800138000")
    result = cards.replace_card(ctx, cashier, "13800138000", fee_method="wechat")
    assert result.card_no != old and result.fee_fen == 1_000
    view = lookup.show_member(ctx, cashier, result.card_no)
    assert (view.member_id, view.card_no, view.card_status) == (
        member.member_id,
        result.card_no,
        "active",
    )
    assert (view.principal_fen, view.bonus_fen, view.points) == (100_000, 15_000, 300)
    assert ledger_checked(ctx, member.member_id) == (100_000, 15_000, 300)
    refused(snapshot, "card_replaced", lookup.show_member, ctx, cashier, old)
    assert query(
        ctx, "SELECT method, amount_fen FROM txn_tender WHERE txn_id = ?", result.txn_id
    ) == [("wechat", 1_000)]
    assert query(ctx, "SELECT kind, amount_fen FROM txn WHERE id = ?", result.txn_id) == [
        ("card_replace", 1_000)
    ]
    new_id = query(ctx, "SELECT id FROM card WHERE card_no = ?", result.card_no)[0][0]
    assert query(ctx, "SELECT status, replaced_by FROM card WHERE card_no = ?", old) == [
        ("replaced", new_id)
    ]
    # The new card works for money; the fee is not taken from stored value.
    assert checkout(ctx, cashier, result.card_no, 1_000).stored_value_fen == 114_000


def test_replace_with_scanned_card(
    ctx: CounterContext, cashier, member, register, snapshot: Snapshot
) -> None:
    other = register(name="李四", card_no="VIP0002")
    err = refused(
        snapshot,
        "card_duplicate",
        cards.replace_card,
        ctx,
        cashier,
        member.member_id,
        new_card_no="vip0002",
    )
    assert err.params["name"] == other.name
    refused(
        snapshot,
        "method_invalid",
        cards.replace_card,
        ctx,
        cashier,
        member.member_id,
        fee_method="stored_value",
    )
    result = cards.replace_card(ctx, cashier, member.member_id, new_card_no="VIP-0003")
    assert result.card_no == "VIP0003"
    assert lookup.show_member(ctx, cashier, "vip0003").member_id == member.member_id


# -- freeze -------------------------------------------------------------------


def test_frozen_card_refuses_money_until_manager_unfreezes(
    ctx: CounterContext, cashier, manager, member, snapshot: Snapshot
) -> None:
    q = member.member_id
    assert cards.freeze_card(ctx, cashier, q).status == "frozen"
    refused(snapshot, "card_frozen", top_up, ctx, cashier, q, 10_000, "cash")
    refused(snapshot, "card_frozen", checkout, ctx, cashier, q, 1_000)
    refused(snapshot, "card_frozen", checkout, ctx, cashier, member.card_no, 1_000, pay="cash")
    refused(snapshot, "card_frozen", cards.replace_card, ctx, cashier, q)
    refused(snapshot, "card_state", cards.freeze_card, ctx, cashier, q)
    # The member can still be looked up (and the card shows it is frozen).
    assert lookup.show_member(ctx, cashier, member.card_no).card_status == "frozen"
    refused(snapshot, "permission_denied", cards.unfreeze_card, ctx, cashier, q)
    assert cards.unfreeze_card(ctx, manager, q).status == "active"
    refused(snapshot, "card_state", cards.unfreeze_card, ctx, manager, q)
    assert top_up(ctx, cashier, q, 10_000, "cash").principal_fen == 110_000


def test_reporting_a_frozen_card_lost_does_not_lift_the_freeze(
    ctx: CounterContext, cashier, member, snapshot: Snapshot
) -> None:
    """Only a manager unfreezes; a cashier must not get round that with 挂失 + 补卡."""
    q = "13800138000"
    cards.freeze_card(ctx, cashier, q)
    try:
        cards.report_lost(ctx, cashier, q)
    except CounterError as exc:
        assert exc.code in ("card_frozen", "card_state")
    refused(snapshot, "card_frozen", top_up, ctx, cashier, q, 10_000, "cash")
    refused(snapshot, "card_frozen", checkout, ctx, cashier, q, 1_000, pay="cash")
    try:
        cards.replace_card(ctx, cashier, q)
    except CounterError as exc:
        assert exc.code in ("card_frozen", "card_state")
    refused(snapshot, "card_frozen", top_up, ctx, cashier, q, 10_000, "cash")
    refused(snapshot, "card_frozen", checkout, ctx, cashier, q, 1_000, pay="cash")


# -- cancel -------------------------------------------------------------------


def test_cancel_refunds_principal_voids_bonus_and_points(
    ctx: CounterContext, cashier, member, approval, register, snapshot: Snapshot
) -> None:
    q = member.member_id
    refused(snapshot, "approval_required", cards.cancel_card, ctx, cashier, q, None)
    refused(
        snapshot,
        "approver_not_manager",
        cards.cancel_card,
        ctx,
        cashier,
        q,
        Approval(CASHIER_NO, CASHIER_PIN),
    )
    result = cards.cancel_card(ctx, cashier, q, approval, refund_method="cash")
    assert (result.refunded_principal_fen, result.voided_bonus_fen, result.voided_points) == (
        100_000,
        15_000,
        300,
    )
    assert ledger_checked(ctx, q) == (0, 0, 0)
    assert query(
        ctx, "SELECT method, amount_fen FROM txn_tender WHERE txn_id = ?", result.txn_id
    ) == [("cash", -100_000)]
    assert query(
        ctx, "SELECT kind, principal_fen, bonus_fen FROM sv_entry WHERE txn_id = ?", result.txn_id
    ) == [("cancel", -100_000, -15_000)]
    assert query(ctx, "SELECT kind, points FROM points_entry WHERE txn_id = ?", result.txn_id) == [
        ("void", -300)
    ]
    assert query(ctx, "SELECT status FROM member WHERE id = ?", q) == [("cancelled",)]
    assert query(ctx, "SELECT status FROM card WHERE card_no = ?", member.card_no) == [
        ("cancelled",)
    ]
    # The card and the member are gone from the counter...
    refused(snapshot, "card_cancelled", lookup.show_member, ctx, cashier, member.card_no)
    refused(snapshot, "member_not_found", lookup.show_member, ctx, cashier, "13800138000")
    refused(snapshot, "member_cancelled", top_up, ctx, cashier, q, 10_000, "cash")
    refused(snapshot, "member_cancelled", cards.cancel_card, ctx, cashier, q, approval)
    # ... and the phone number can register again, as a new member.
    again = register(name="张三", phone="13800138000")
    assert again.member_id != q
    assert (again.principal_fen, again.bonus_fen, again.points, again.tier) == (0, 0, 0, "normal")
    assert lookup.show_member(ctx, cashier, "13800138000").member_id == again.member_id


# -- points: expiry and lots --------------------------------------------------


def test_expire_points_as_of(ctx: CounterContext, cashier, manager, register, clock) -> None:
    m = register()
    q = m.member_id
    checkout(ctx, cashier, q, 20_000, pay="cash")  # 200 points earned in 2026
    at(clock, 2027)
    checkout(ctx, cashier, q, 5_000, pay="cash")  # 50 points earned in 2027
    assert lot_remaining(ctx, q) == {"2027-12-31": 200, "2028-12-31": 50}
    # Nothing expires while its last valid day has not passed.
    at(clock, 2027, 12, 31)
    assert expire_points(ctx, manager, dt.date(2027, 12, 31)).points == 0
    assert expire_points(ctx, manager).points == 0  # as of today, by default
    at(clock, 2028, 1, 1)
    result = expire_points(ctx, manager, dt.date(2028, 1, 1))
    assert (result.members, result.points) == (1, 200)
    assert ledger_checked(ctx, q)[2] == 50
    assert lot_remaining(ctx, q) == {"2027-12-31": 0, "2028-12-31": 50}
    entries = query(ctx, "SELECT kind, points FROM points_entry WHERE kind = 'expire'")
    assert entries == [("expire", -200)]
    # Running it again expires nothing more.
    again = expire_points(ctx, manager, dt.date(2028, 1, 1))
    assert (again.members, again.points) == (0, 0)
    assert ledger_checked(ctx, q)[2] == 50
    assert query(ctx, "SELECT count(*) FROM points_entry WHERE kind = 'expire'") == [(1,)]


def test_expire_points_takes_only_what_is_left(
    ctx: CounterContext, cashier, manager, register, clock
) -> None:
    m = register()
    q = m.member_id
    checkout(ctx, cashier, q, 20_000, pay="cash")  # 200 in 2026
    at(clock, 2027)
    checkout(ctx, cashier, q, 1_000, points=150, pay="cash")  # spends 150 of the 2026 lot
    at(clock, 2028, 1, 1)
    result = expire_points(ctx, manager)
    assert (result.as_of, result.points) == (dt.date(2028, 1, 1), 50)
    assert ledger_checked(ctx, q)[2] == 8  # 2027: floor(8.50) = 8 points earned


def test_redemption_takes_oldest_lots_first(
    ctx: CounterContext, cashier, register, approval, clock
) -> None:
    m = register()
    q = m.member_id
    adjust_points(ctx, cashier, q, 100, "活动", approval)  # expires 2027-12-31
    at(clock, 2027, 3, 1)
    adjust_points(ctx, cashier, q, 100, "活动", approval)  # expires 2028-12-31
    c = checkout(ctx, cashier, q, 1_000, points=150, pay="cash")
    taken = query(
        ctx,
        "SELECT l.expires_on, e.points FROM points_entry e JOIN points_lot l ON l.id = e.lot_id "
        "WHERE e.txn_id = ? AND e.kind = 'redeem' ORDER BY l.expires_on",
        c.txn_id,
    )
    assert taken == [("2027-12-31", -100), ("2028-12-31", -50)]
    assert lot_remaining(ctx, q) == {"2027-12-31": 0, "2028-12-31": 50 + 8}


def test_points_lot_expiry_dates(ctx: CounterContext, cashier, register, clock) -> None:
    m = register()
    at(clock, 2026, 12, 31)
    checkout(ctx, cashier, m.member_id, 1_000, pay="cash")
    at(clock, 2027, 1, 1)
    checkout(ctx, cashier, m.member_id, 2_000, pay="cash")
    assert query(
        ctx, "SELECT earned_on, expires_on, points FROM points_lot ORDER BY earned_on"
    ) == [("2026-12-31", "2027-12-31", 10), ("2027-01-01", "2028-12-31", 20)]


def test_business_date_is_shanghai_local(ctx: CounterContext, cashier, register, clock) -> None:
    m = register()
    # 2026-12-31 20:00 UTC is already 2027-01-01 04:00 in Shanghai, when its business day starts.
    clock.set(dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.UTC))
    checkout(ctx, cashier, m.member_id, 1_000, pay="cash")
    assert query(ctx, "SELECT earned_on, expires_on FROM points_lot") == [
        ("2027-01-01", "2028-12-31")
    ]


def test_adjust_points_with_reason_and_approval(
    ctx: CounterContext, cashier, register, approval, snapshot: Snapshot
) -> None:
    m = register()
    q = m.member_id
    refused(snapshot, "reason_required", adjust_points, ctx, cashier, q, 100, " ", approval)
    refused(snapshot, "approval_required", adjust_points, ctx, cashier, q, 100, "补积分", None)
    refused(
        snapshot,
        "approver_not_manager",
        adjust_points,
        ctx,
        cashier,
        q,
        100,
        "补积分",
        Approval(CASHIER_NO, CASHIER_PIN),
    )
    refused(snapshot, "adjust_zero", adjust_points, ctx, cashier, q, 0, "补积分", approval)
    plus = adjust_points(ctx, cashier, q, 100, "补积分", approval)
    assert (plus.delta, plus.points) == (100, 100)
    manager_id = query(ctx, "SELECT id FROM staff WHERE staff_no = 'm01'")[0][0]
    assert query(
        ctx, "SELECT kind, note, approved_by, points_earned FROM txn WHERE id = ?", plus.txn_id
    ) == [("points_adjust", "补积分", manager_id, 100)]
    assert query(ctx, "SELECT source, points FROM points_lot WHERE txn_id = ?", plus.txn_id) == [
        ("adjust", 100)
    ]
    err = refused(
        snapshot, "points_insufficient", adjust_points, ctx, cashier, q, -101, "扣错", approval
    )
    assert (err.params["balance"], err.params["points"]) == (100, 101)
    minus = adjust_points(ctx, cashier, q, -40, "扣错", approval)
    assert minus.points == 60
    assert ledger_checked(ctx, q)[2] == 60


def test_top_up_earns_no_points(ctx: CounterContext, cashier, register) -> None:
    m = register()
    top_up(ctx, cashier, m.member_id, 500_000, "cash")
    assert ledger_checked(ctx, m.member_id)[2] == 0
    assert query(ctx, "SELECT count(*) FROM points_lot") == [(0,)]


# -- tiers --------------------------------------------------------------------


def test_override_tier_with_reason_and_approval(
    ctx: CounterContext, cashier, register, approval, snapshot: Snapshot
) -> None:
    m = register()
    q = m.member_id
    refused(snapshot, "reason_required", override_tier, ctx, cashier, q, "gold", "", approval)
    refused(snapshot, "approval_required", override_tier, ctx, cashier, q, "gold", "大客户", None)
    refused(
        snapshot,
        "approver_not_manager",
        override_tier,
        ctx,
        cashier,
        q,
        "gold",
        "大客户",
        Approval(CASHIER_NO, CASHIER_PIN),
    )
    refused(
        snapshot, "tier_unknown", override_tier, ctx, cashier, q, "platinum", "大客户", approval
    )
    refused(snapshot, "tier_unchanged", override_tier, ctx, cashier, q, "normal", "无", approval)
    result = override_tier(ctx, cashier, q, "gold", "大客户", approval)
    assert (result.tier_before, result.tier) == ("normal", "gold")
    view = lookup.show_member(ctx, cashier, q)
    assert (view.tier, view.tier_name) == ("gold", "金卡")
    assert query(ctx, "SELECT tier_code, tier_overridden FROM member WHERE id = ?", q) == [
        ("gold", 1)
    ]
    manager_id = query(ctx, "SELECT id FROM staff WHERE staff_no = 'm01'")[0][0]
    assert query(
        ctx,
        "SELECT from_tier, to_tier, reason, staff_id, approved_by, txn_id FROM tier_change",
    ) == [("normal", "gold", "override", cashier.staff_id, manager_id, result.txn_id)]
    assert query(ctx, "SELECT kind, note FROM txn WHERE id = ?", result.txn_id) == [
        ("tier_override", "大客户")
    ]


def test_tier_change_log_has_auto_and_override_rows(
    ctx: CounterContext, cashier, register, approval
) -> None:
    m = register()
    q = m.member_id
    c = checkout(ctx, cashier, q, 100_000, pay="cash")
    o = override_tier(ctx, cashier, q, "diamond", "总部指定", approval)
    # Spending past gold does not move an overridden diamond member down.
    checkout(ctx, cashier, q, 500_000, pay="cash")
    assert query(ctx, "SELECT from_tier, to_tier, reason, txn_id FROM tier_change ORDER BY id") == [
        ("normal", "silver", "auto_upgrade", c.txn_id),
        ("silver", "diamond", "override", o.txn_id),
    ]
    assert lookup.show_member(ctx, cashier, q).tier == "diamond"


def test_manual_downgrade_is_not_undone_by_a_checkout_crossing_no_threshold(
    ctx: CounterContext, cashier, register, approval
) -> None:
    """Upgrades happen after the checkout that crosses a threshold; a later small checkout
    crosses none, so the tier a manager set stays (the member row says it was overridden)."""
    m = register()
    q = m.member_id
    checkout(ctx, cashier, q, 150_000, pay="cash")  # → silver
    override_tier(ctx, cashier, q, "normal", "违规套现", approval)
    result = checkout(ctx, cashier, q, 100, pay="cash")  # 1,500 → 1,501 yuan: no threshold
    assert (result.tier_before, result.tier) == ("normal", "normal")
    assert lookup.show_member(ctx, cashier, q).tier == "normal"
    # Crossing the next threshold (gold, 5,000 yuan) still upgrades automatically.
    crossing = checkout(ctx, cashier, q, 350_000, pay="cash")
    assert crossing.tier == "gold"


def test_expiry_as_of_a_future_date_is_refused(ctx: CounterContext, manager, register, snapshot):
    register()
    refused(snapshot, "expiry_date_future", expire_points, ctx, manager, dt.date(2026, 3, 16))
