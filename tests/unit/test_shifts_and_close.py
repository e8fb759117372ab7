"""Shifts (交班) and the daily close (日结): a known day checked to the fen, and the date lock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from app.domain.errors import CounterError
from app.ports import FixedClock
from app.services import closing, shifts
from app.services.cards import replace_card
from app.services.checkout import checkout
from app.services.context import CounterContext
from app.services.refunds import refund
from app.services.security import Approval, sign_in
from app.services.staff import add_staff
from app.services.stored_value import top_up
from tests.conftest import CASHIER_NO, CASHIER_PIN, MANAGER_NO, MANAGER_PIN
from tests.helpers import Snapshot, query, refused

DAY = dt.date(2026, 3, 15)


def at(clock: FixedClock, hh: int, mm: int = 0, day: dt.date = DAY) -> None:
    """Set the clock to hh:mm Shanghai time on ``day``."""
    local = dt.datetime(
        day.year, day.month, day.day, hh, mm, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    clock.set(local.astimezone(dt.UTC))


@pytest.fixture
def day(
    ctx: CounterContext, clock: FixedClock, register, cashier, manager, approval
) -> dict[str, Any]:
    """A known day: two shifts, refunds across them, split tenders, change, a top-up refund.

    It starts at 10:00, when the store was set up (the clock never goes back before that)."""
    at(clock, 10, 0)
    a = register(name="张三", phone="13800138000")
    b = register(name="李四", phone="13900139000")
    add_staff(ctx, manager, staff_no="c02", name="赵收银", role="cashier", pin="2468")
    c02 = sign_in(ctx, "c02", "2468")

    at(clock, 10, 0)
    s1 = shifts.open_shift(ctx, cashier, 50_000)
    at(clock, 10, 5)
    top_up(ctx, cashier, a.member_id, 100_000, "cash")  # +150 bonus
    at(clock, 10, 10)
    top_up(ctx, cashier, b.member_id, 20_000, "wechat")
    at(clock, 10, 15)
    split = checkout(ctx, cashier, a.member_id, 8_880,
                     tenders=[("stored_value", 5_000), ("cash", 10_000)])  # fmt: skip
    at(clock, 10, 20)
    wechat_sale = checkout(ctx, cashier, b.member_id, 3_000, pay="wechat")
    at(clock, 10, 25)
    checkout(ctx, cashier, a.member_id, 2_000, points=50, tenders=[("cash", 2_000)])
    at(clock, 10, 30)
    refund(ctx, cashier, wechat_sale.txn_id, approval)
    at(clock, 13, 55)
    shifts.count_shift(ctx, cashier, total_fen=155_800)
    at(clock, 14, 0)
    shifts.close_shift(ctx, cashier, reason="找零误差")

    s2 = shifts.open_shift(ctx, c02, 30_000)
    at(clock, 14, 10)
    refund(ctx, c02, split.txn_id, approval)  # a sale of the first shift, refunded in the second
    at(clock, 14, 20)
    b_topup = query(ctx, "SELECT id FROM txn WHERE kind='topup' AND member_id=?", b.member_id)
    refund(ctx, c02, b_topup[0][0], approval)
    at(clock, 14, 30)
    checkout(ctx, c02, a.member_id, 1_000, tenders=[("cash", 1_000)])
    at(clock, 14, 40)
    replace_card(ctx, c02, b.member_id, fee_method="cash")
    at(clock, 16, 0)
    top_up(ctx, manager, a.member_id, 50_000, "alipay")  # nobody's shift
    at(clock, 21, 0)
    return {"a": a, "b": b, "c02": c02, "s1": s1, "s2": s2}


def test_x_report_shows_the_open_shift_and_changes_nothing(
    ctx, clock, cashier, manager, register, snapshot: Snapshot
) -> None:
    a = register()
    shifts.open_shift(ctx, cashier, 20_000)
    clock.advance(minutes=1)
    top_up(ctx, cashier, a.member_id, 10_000, "cash")
    clock.advance(minutes=1)
    checkout(ctx, cashier, a.member_id, 4_550, tenders=[("cash", 5_000)])
    before = snapshot()
    x = shifts.x_report(ctx, manager)
    assert snapshot() == before
    (s,) = x["shifts"]
    assert s["staff_no"] == "c01" and s["status"] == "open"
    f = s["figures"]
    assert f["cash"] == {"in_fen": 14_550, "out_fen": 0, "change_fen": 450, "net_fen": 14_550}
    assert f["expected_cash_fen"] == 34_550
    assert f["sales"]["net_fen"] == 4_550 and f["topups"]["amount_fen"] == 10_000
    # The count is blind: counting does not tell the cashier what was expected.
    counted = shifts.count_shift(ctx, cashier, denominations={10000: 3, 2000: 2, 500: 1, 50: 1})
    assert counted.counted_fen == 34_550 and counted.expected_fen is None
    assert counted.count_detail == {10000: 3, 2000: 2, 500: 1, 50: 1}
    with pytest.raises(CounterError) as exc:
        shifts.x_report(ctx, cashier)
    assert exc.value.code == "permission_denied"


def test_the_known_day_z_report_to_the_fen(ctx, clock, manager, day, snapshot) -> None:
    refused(snapshot, "shifts_not_closed", closing.close_day, ctx, manager)
    counted = shifts.count_shift(
        ctx, day["c02"], denominations={10000: 2, 5000: 1, 2000: 1, 1000: 1, 100: 1, 10: 2}
    )
    assert counted.counted_fen == 28_120
    refused(snapshot, "shifts_not_closed", closing.close_day, ctx, manager)
    shifts.close_shift(ctx, day["c02"])  # no difference: no reason needed
    z = closing.close_day(ctx, manager)
    assert z["business_date"] == "2026-03-15" and z["closed"] is True
    assert z["sales"] == {"count": 4, "gross_fen": 14_880, "discount_fen": 0, "points_used": 50,
                          "points_value_fen": 50, "net_fen": 14_830}  # fmt: skip
    assert z["refunds"] == {"count": 2, "gross_fen": 11_880, "discount_fen": 0, "points_used": 0,
                            "points_value_fen": 0, "net_fen": 11_880}  # fmt: skip
    assert z["net_sales_fen"] == 2_950
    assert z["points_redeemed"] == 50 and z["points_redeemed_value_fen"] == 50
    assert z["sales_by_tender"] == {"cash": 2_950}
    assert z["cash_change_fen"] == 6_170
    assert z["topups"] == {
        "count": 3,
        "amount_fen": 170_000,
        "bonus_fen": 20_000,
        "by_method": {"alipay": 50_000, "cash": 100_000, "wechat": 20_000},
    }
    assert z["topup_refunds"] == {"count": 1, "amount_fen": 20_000, "bonus_fen": 0,
                                  "by_method": {"wechat": 20_000}}  # fmt: skip
    assert z["card_fees"] == {"count": 1, "amount_fen": 1_000, "by_method": {"cash": 1_000}}
    assert z["points"]["earned"] == 147 and z["points"]["redeemed"] == 50
    assert z["points"]["clawed_back"] == 87
    assert z["members"] == {"new": 2, "imported": 0}
    assert z["cards"]["issued"] == 3 and z["cards"]["replaced"] == 1
    assert z["liability"] == {"principal_fen": 150_000, "bonus_fen": 20_000,
                              "total_fen": 170_000, "points": 10}  # fmt: skip
    assert z["drawer_by_method"] == {
        "alipay": 50_000,
        "cash": 103_950,
    }  # 105,830 in shift 1, −1,880 in shift 2
    by_staff = {s["staff_no"]: s for s in z["shifts"]}
    assert by_staff["c01"]["expected_fen"] == 155_830
    assert by_staff["c01"]["counted_fen"] == 155_800
    assert by_staff["c01"]["over_short_fen"] == -30
    assert by_staff["c01"]["reason"] == "找零误差"
    assert by_staff["c02"]["expected_fen"] == 28_120
    assert by_staff["c02"]["over_short_fen"] == 0
    assert z["over_short_by_cashier"]["c01"]["over_short_fen"] == -30
    assert z["over_short_fen"] == -30
    # The manager's top-up at 16:00 was in nobody's shift; registrations at 9:00 neither.
    assert z["outside_shifts"]["drawer_by_method"] == {"alipay": 50_000}
    # Kept for reprint, exactly as closed.
    # The report as stored, less what close_day adds about that day's automatic backup.
    assert closing.z_report(ctx, manager, DAY) == {k: v for k, v in z.items() if k != "backup"}


def test_after_the_close_new_operations_go_into_the_next_date(
    ctx, clock, cashier, manager, approval, register, snapshot: Snapshot
) -> None:
    a = register(phone="13800138000")
    top_up(ctx, cashier, a.member_id, 10_000, "cash")
    sale = checkout(ctx, cashier, a.member_id, 1_000)
    at(clock, 22, 0)
    z = closing.close_day(ctx, manager)
    at(clock, 22, 30)  # still the 15th in Shanghai: the late customer is served into the 16th
    late = top_up(ctx, cashier, a.member_id, 1_000, "cash")
    back = refund(ctx, cashier, sale.txn_id, approval)  # a correction: an operation of the 16th
    b = register(phone="13700137000")
    s = shifts.open_shift(ctx, cashier, 0)
    assert s.business_date == DAY + dt.timedelta(days=1)
    for txn in (late.txn_id, back.txn_id):
        assert query(ctx, "SELECT business_date FROM txn WHERE id = ?", txn) == [("2026-03-16",)]
    assert query(ctx, "SELECT joined_on FROM member WHERE id = ?", b.member_id) == [("2026-03-16",)]
    refused(snapshot, "day_already_closed", closing.close_day, ctx, manager, DAY)
    # The 16th has not started by the clock (04:00): a second close this evening is refused.
    refused(snapshot, "close_not_started", closing.close_day, ctx, manager)
    refused(snapshot, "close_future", closing.close_day, ctx, manager, DAY + dt.timedelta(days=2))
    # The 15th stays as closed: its stored report is what its figures still are.
    assert closing.z_report(ctx, manager, DAY) == {k: v for k, v in z.items() if k != "backup"}
    with ctx.reader() as uow:
        now = closing.z_figures(ctx, uow, DAY)
    assert {k: v for k, v in now.items() if k != "shifts"} == {
        k: v for k, v in z.items() if k in now and k != "shifts"
    }
    at(clock, 9, 0, DAY + dt.timedelta(days=1))
    preview = closing.z_report(ctx, manager, DAY + dt.timedelta(days=1))
    assert preview["closed"] is False and preview["refunds"]["net_fen"] == 1_000
    assert preview["topups"]["amount_fen"] == 1_000
    # Liability carried from the close plus the day's postings equals the ledgers' sums.
    assert preview["liability"]["total_fen"] == 11_000
    shifts.count_shift(ctx, cashier, total_fen=1_000)
    shifts.close_shift(ctx, cashier)
    z16 = closing.close_day(ctx, manager)
    assert z16["business_date"] == "2026-03-16"
    assert z16["liability"] == preview["liability"]
    closes = closing.closed_dates(ctx, manager, DAY, DAY + dt.timedelta(days=1))
    assert [(c["business_date"], c["closed_by"], c["principal_fen"]) for c in closes] == [
        ("2026-03-15", "m01", 9_000),
        ("2026-03-16", "m01", 11_000),
    ]


def test_over_and_short_are_recorded_as_entered(ctx, clock, cashier, manager, register) -> None:
    a = register()
    shifts.open_shift(ctx, cashier, 10_000)
    clock.advance(minutes=5)
    checkout(ctx, cashier, a.member_id, 2_000, tenders=[("cash", 5_000)])  # change 30.00
    clock.advance(minutes=5)
    shifts.count_shift(ctx, cashier, total_fen=13_000)  # one 10-yuan note too many
    with pytest.raises(CounterError) as exc:
        shifts.close_shift(ctx, cashier)
    assert exc.value.code == "over_short_reason_required"
    with pytest.raises(CounterError) as exc:  # the expected cash is known now: no recount
        shifts.count_shift(ctx, cashier, total_fen=12_500)
    assert exc.value.code == "approval_required"
    with pytest.raises(CounterError) as exc:
        shifts.count_shift(
            ctx, cashier, total_fen=12_500, approval=Approval(CASHIER_NO, CASHIER_PIN)
        )
    assert exc.value.code == "approver_not_manager"
    shifts.count_shift(ctx, cashier, total_fen=12_500, approval=Approval(MANAGER_NO, MANAGER_PIN))
    closed = shifts.close_shift(ctx, cashier, reason="多收顾客 5 元,已联系")
    assert (closed.expected_fen, closed.counted_fen, closed.over_short_fen) == (12_000, 12_500, 500)
    row = query(ctx, "SELECT counted_fen, expected_fen, over_short_fen, reason, status FROM shift")
    assert row == [(12_500, 12_000, 500, "多收顾客 5 元,已联系", "closed")]
    actions = [r[0] for r in query(ctx, "SELECT action FROM audit_log WHERE entity = 'shift'")]
    assert actions == ["shift.open", "shift.count", "shift.recount", "shift.close"]
    (recount,) = query(
        ctx,
        "SELECT a.before, a.after, s.staff_no FROM audit_log a JOIN staff s"
        " ON s.id = a.approved_by WHERE a.action = 'shift.recount'",
    )
    assert '"counted_fen":13000' in recount[0] and '"counted_fen":12500' in recount[1]
    assert recount[2] == MANAGER_NO
    z = closing.close_day(ctx, manager)
    assert z["over_short_by_cashier"] == {
        "c01": {"staff_name": "李收银", "over_short_fen": 500, "shifts": 1}
    }


def test_shift_refusals_change_nothing(ctx, cashier, manager, snapshot: Snapshot) -> None:
    refused(snapshot, "shift_none", shifts.count_shift, ctx, cashier, total_fen=0)
    shifts.open_shift(ctx, cashier, 0)
    refused(snapshot, "shift_already_open", shifts.open_shift, ctx, cashier, 100)
    refused(snapshot, "shift_not_counted", shifts.close_shift, ctx, cashier)
    refused(snapshot, "count_missing", shifts.count_shift, ctx, cashier)
    refused(snapshot, "count_missing", shifts.count_shift, ctx, cashier, total_fen=1,
            denominations={100: 1})  # fmt: skip
    refused(snapshot, "denomination_invalid", shifts.count_shift, ctx, cashier,
            denominations={300: 1})  # fmt: skip
    refused(snapshot, "amount_invalid", shifts.open_shift, ctx, manager, -1)
    # A manager can count and close a cashier's shift by its id.
    sid = shifts.current_shift(ctx, cashier).shift_id
    shifts.count_shift(ctx, manager, total_fen=0, shift_id=sid)
    assert shifts.close_shift(ctx, manager, shift_id=sid).closed_by == "m01"


def test_z_preview_of_an_open_day_shows_open_shifts_and_changes_nothing(
    ctx, clock, cashier, manager, register, snapshot: Snapshot
) -> None:
    a = register()
    shifts.open_shift(ctx, cashier, 10_000)
    clock.advance(minutes=1)
    top_up(ctx, cashier, a.member_id, 20_000, "cash")
    before = snapshot()
    z = closing.z_report(ctx, manager, DAY)
    assert snapshot() == before
    assert z["closed"] is False
    (s,) = z["shifts"]
    assert (s["status"], s["expected_fen"], s["counted_fen"]) == ("open", 30_000, None)
    assert z["over_short_by_cashier"] == {} and z["outside_shifts"]["cash_net_fen"] == 0
