"""Stored value (储值): top-up with bonus, pro-rata spend, refund of a top-up, adjustment."""

from __future__ import annotations

import pytest

from app.services import refunds
from app.services.checkout import checkout
from app.services.context import CounterContext
from app.services.lookup import show_member
from app.services.security import Approval
from app.services.stored_value import adjust_stored_value, top_up
from tests.conftest import CASHIER_NO, CASHIER_PIN
from tests.helpers import Snapshot, query, refused


def balances(ctx: CounterContext, member_id: str) -> tuple[int, int]:
    """(principal, bonus) cached on the member; asserted equal to the ledger sums."""
    cached = query(ctx, "SELECT principal_fen, bonus_fen FROM member WHERE id = ?", member_id)[0]
    ledger = query(
        ctx,
        "SELECT COALESCE(SUM(principal_fen), 0), COALESCE(SUM(bonus_fen), 0) "
        "FROM sv_entry WHERE member_id = ?",
        member_id,
    )[0]
    assert cached == ledger
    return cached


@pytest.fixture
def member(register):
    return register(name="张三", phone="13800138000")


# -- top-up -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "bonus"),
    [
        (100_000, 15_000),  # 1,000 yuan → +150
        (200_000, 15_000),  # the highest rule, once per top-up
        (99_999, 5_000),
        (50_000, 5_000),  # 500 yuan → +50
        (49_999, 0),  # 499.99 yuan → nothing
        (1, 0),
    ],
)
def test_top_up_bonus(ctx: CounterContext, cashier, member, amount: int, bonus: int) -> None:
    result = top_up(ctx, cashier, member.member_id, amount, "cash")
    assert (result.amount_fen, result.bonus_fen) == (amount, bonus)
    assert (result.principal_fen, result.bonus_balance_fen) == (amount, bonus)
    assert balances(ctx, member.member_id) == (amount, bonus)
    assert query(
        ctx, "SELECT kind, principal_fen, bonus_fen FROM sv_entry WHERE txn_id = ?", result.txn_id
    ) == [("topup", amount, bonus)]
    assert query(
        ctx, "SELECT kind, amount_fen, bonus_fen FROM txn WHERE id = ?", result.txn_id
    ) == [("topup", amount, bonus)]
    view = show_member(ctx, cashier, member.member_id)
    assert (view.principal_fen, view.bonus_fen, view.stored_value_fen) == (
        amount,
        bonus,
        amount + bonus,
    )
    assert view.points == 0  # top-ups earn no points


@pytest.mark.parametrize("method", ["cash", "wechat", "alipay", "bankcard"])
def test_top_up_method_recorded_as_tender(
    ctx: CounterContext, cashier, member, method: str
) -> None:
    result = top_up(ctx, cashier, member.member_id, 50_000, method)
    assert result.method == method
    assert query(
        ctx, "SELECT method, amount_fen, change_fen FROM txn_tender WHERE txn_id = ?", result.txn_id
    ) == [(method, 50_000, 0)]


@pytest.mark.parametrize("method", ["stored_value", "bitcoin", "", "CASH"])
def test_top_up_invalid_method_refused(
    ctx: CounterContext, cashier, member, snapshot: Snapshot, method: str
) -> None:
    refused(snapshot, "method_invalid", top_up, ctx, cashier, member.member_id, 10_000, method)


def test_top_up_amount_limits(ctx: CounterContext, cashier, member, snapshot: Snapshot) -> None:
    q = member.member_id
    for bad in (0, -100):
        refused(snapshot, "amount_not_positive", top_up, ctx, cashier, q, bad, "cash")
    err = refused(snapshot, "topup_too_large", top_up, ctx, cashier, q, 5_000_001, "cash")
    assert err.params["max"] == 5_000_000
    result = top_up(ctx, cashier, q, 5_000_000, "cash")
    assert result.principal_fen == 5_000_000


def test_top_up_unknown_member_refused(ctx: CounterContext, cashier, snapshot: Snapshot) -> None:
    refused(snapshot, "member_not_found", top_up, ctx, cashier, "13900000000", 10_000, "cash")


def test_top_ups_accumulate(ctx: CounterContext, cashier, member) -> None:
    top_up(ctx, cashier, member.member_id, 100_000, "cash")
    top_up(ctx, cashier, member.member_id, 50_000, "wechat")
    top_up(ctx, cashier, member.member_id, 30_000, "alipay")
    assert balances(ctx, member.member_id) == (180_000, 20_000)


# -- spend pro rata -----------------------------------------------------------


def test_spend_takes_bonus_pro_rata(ctx: CounterContext, cashier, member) -> None:
    q = member.member_id
    top_up(ctx, cashier, q, 100_000, "cash")  # 1,000 + 150 bonus
    result = checkout(ctx, cashier, q, 30_000)
    # bonus part = floor(30000 × 15000 / 115000) = 3913; principal 26087
    assert query(
        ctx, "SELECT kind, principal_fen, bonus_fen FROM sv_entry WHERE txn_id = ?", result.txn_id
    ) == [("spend", -26_087, -3_913)]
    assert (result.principal_fen, result.bonus_fen) == (73_913, 11_087)
    assert balances(ctx, q) == (73_913, 11_087)
    # The next spend is pro rata on the new balances: floor(10000 × 11087 / 85000) = 1304.
    second = checkout(ctx, cashier, q, 10_000)
    assert query(
        ctx, "SELECT principal_fen, bonus_fen FROM sv_entry WHERE txn_id = ?", second.txn_id
    ) == [(-8_696, -1_304)]
    assert balances(ctx, q) == (65_217, 9_783)


def test_spend_whole_balance(ctx: CounterContext, cashier, member) -> None:
    q = member.member_id
    top_up(ctx, cashier, q, 50_000, "cash")  # 500 + 50
    checkout(ctx, cashier, q, 55_000)
    assert balances(ctx, q) == (0, 0)


def test_spend_over_balance_refused(
    ctx: CounterContext, cashier, member, snapshot: Snapshot
) -> None:
    q = member.member_id
    top_up(ctx, cashier, q, 50_000, "cash")
    err = refused(snapshot, "balance_insufficient", checkout, ctx, cashier, q, 55_001)
    assert (err.params["balance"], err.params["amount"]) == (55_000, 55_001)


# -- refund of a top-up -------------------------------------------------------


def test_refund_top_up_returns_principal_voids_bonus(
    ctx: CounterContext, cashier, member, approval
) -> None:
    q = member.member_id
    top_up(ctx, cashier, q, 20_000, "cash")
    t = top_up(ctx, cashier, q, 100_000, "wechat")
    r = refunds.refund(ctx, cashier, t.txn_id, approval)
    assert r.kind == "topup_refund"
    assert r.money_back == (("wechat", 100_000),)
    assert (r.principal_fen, r.bonus_fen) == (20_000, 0)
    assert balances(ctx, q) == (20_000, 0)
    # The principal goes back by the original method, as a negative tender.
    assert query(ctx, "SELECT method, amount_fen FROM txn_tender WHERE txn_id = ?", r.txn_id) == [
        ("wechat", -100_000)
    ]
    topup_entry = query(ctx, "SELECT entry_id FROM sv_entry WHERE txn_id = ?", t.txn_id)[0][0]
    assert query(
        ctx,
        "SELECT kind, principal_fen, bonus_fen, reverses_entry_id FROM sv_entry WHERE txn_id = ?",
        r.txn_id,
    ) == [("topup_refund", -100_000, -15_000, topup_entry)]
    assert query(ctx, "SELECT kind, original_txn_id FROM txn WHERE id = ?", r.txn_id) == [
        ("topup_refund", t.txn_id)
    ]


def test_refund_top_up_refused_when_balance_no_longer_covers_it(
    ctx: CounterContext, cashier, member, approval, snapshot: Snapshot
) -> None:
    q = member.member_id
    t = top_up(ctx, cashier, q, 100_000, "cash")
    checkout(ctx, cashier, q, 30_000)  # leaves 73,913 principal + 11,087 bonus
    err = refused(
        snapshot, "topup_refund_insufficient", refunds.refund, ctx, cashier, t.txn_id, approval
    )
    assert err.params == {
        "principal": 73_913,
        "bonus": 11_087,
        "need_principal": 100_000,
        "need_bonus": 15_000,
    }


def test_refund_top_up_twice_refused(
    ctx: CounterContext, cashier, member, approval, snapshot: Snapshot
) -> None:
    q = member.member_id
    top_up(ctx, cashier, q, 300_000, "cash")
    t = top_up(ctx, cashier, q, 50_000, "cash")
    refunds.refund(ctx, cashier, t.txn_id, approval)
    refused(snapshot, "already_refunded", refunds.refund, ctx, cashier, t.txn_id, approval)
    assert balances(ctx, q) == (300_000, 15_000)


def test_refund_top_up_needs_manager(
    ctx: CounterContext, cashier, member, snapshot: Snapshot
) -> None:
    t = top_up(ctx, cashier, member.member_id, 50_000, "cash")
    refused(snapshot, "approval_required", refunds.refund, ctx, cashier, t.txn_id, None)
    refused(
        snapshot,
        "approver_not_manager",
        refunds.refund,
        ctx,
        cashier,
        t.txn_id,
        Approval(CASHIER_NO, CASHIER_PIN),
    )


# -- manual adjustment --------------------------------------------------------


def test_adjust_needs_reason_and_approval(
    ctx: CounterContext, cashier, member, approval, snapshot: Snapshot
) -> None:
    q = member.member_id

    def adjust(reason: str, appr: Approval | None, p: int = 1_000, b: int = 500):
        return adjust_stored_value(
            ctx, cashier, q, principal_delta_fen=p, bonus_delta_fen=b, reason=reason, approval=appr
        )

    refused(snapshot, "reason_required", adjust, "", approval)
    refused(snapshot, "reason_required", adjust, "   ", approval)
    refused(snapshot, "approval_required", adjust, "补录漏充", None)
    refused(snapshot, "approver_not_manager", adjust, "补录漏充", Approval(CASHIER_NO, CASHIER_PIN))
    refused(snapshot, "adjust_zero", adjust, "补录漏充", approval, 0, 0)

    result = adjust("补录漏充", approval)
    assert (result.principal_fen, result.bonus_fen) == (1_000, 500)
    assert balances(ctx, q) == (1_000, 500)
    txn = query(
        ctx, "SELECT kind, note, approved_by, staff_id FROM txn WHERE id = ?", result.txn_id
    )[0]
    manager_id = query(ctx, "SELECT id FROM staff WHERE staff_no = 'm01'")[0][0]
    assert txn == ("sv_adjust", "补录漏充", manager_id, cashier.staff_id)
    assert query(
        ctx, "SELECT kind, principal_fen, bonus_fen FROM sv_entry WHERE txn_id = ?", result.txn_id
    ) == [("adjust", 1_000, 500)]

    # Taking away more than the balance holds is refused.
    refused(snapshot, "balance_insufficient", adjust, "更正", approval, -1_001, 0)
    refused(snapshot, "balance_insufficient", adjust, "更正", approval, 0, -501)
    adjust("更正", approval, -1_000, -500)
    assert balances(ctx, q) == (0, 0)
