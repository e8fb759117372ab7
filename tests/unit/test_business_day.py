"""The business day as stores keep it: a day-start time (营业日切换时间, default 04:00), and
after the daily close the next business date at once, so a late customer is served."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.business_day import clock_date, parse_day_start
from app.domain.errors import CounterError, ValidationError
from app.ports import FixedClock
from app.services import closing, shifts
from app.services.checkout import checkout
from app.services.counter_info import business_day_now
from app.services.settings import (
    BusinessDaySettings,
    business_day_settings,
    set_business_day_settings,
)
from app.services.stored_value import top_up
from tests.helpers import Snapshot, query, refused

D = dt.date(2026, 3, 15)  # the fixtures' clock starts at 10:00 on this date (Shanghai)
D1 = D + dt.timedelta(days=1)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(clock: FixedClock, hh: int, mm: int = 0, day: dt.date = D, ss: int = 0) -> None:
    """Set the clock to hh:mm:ss Shanghai time on ``day``."""
    clock.set(dt.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=SHANGHAI))


def date_of(ctx, txn_id: str) -> str:
    ((day,),) = query(ctx, "SELECT business_date FROM txn WHERE id = ?", txn_id)
    return day


def test_close_at_21_then_past_midnight_and_4_the_top_up_is_in_the_next_z_to_the_fen(
    ctx, clock, cashier, manager, register, snapshot: Snapshot
) -> None:
    set_business_day_settings(ctx, manager, BusinessDaySettings("04:00"))
    a = register(phone="13800138000")
    shifts.open_shift(ctx, cashier, 10_000)
    at(clock, 10, 5)
    top_up(ctx, cashier, a.member_id, 100_000, "cash")  # +150 bonus
    at(clock, 20, 50)
    shifts.count_shift(ctx, cashier, total_fen=110_000)
    shifts.close_shift(ctx, cashier)
    at(clock, 21, 0)
    z15 = closing.close_day(ctx, manager)
    assert z15["business_date"] == "2026-03-15" and z15["topups"]["amount_fen"] == 100_000

    # The late customer: a new shift and a top-up straight after the close, into the 16th.
    at(clock, 21, 30)
    late_shift = shifts.open_shift(ctx, cashier, 10_000)
    assert late_shift.business_date == D1
    at(clock, 21, 35)
    late = top_up(ctx, cashier, a.member_id, 52_030, "cash")  # +50 bonus
    assert date_of(ctx, late.txn_id) == "2026-03-16"
    now = business_day_now(ctx)
    assert (now.business_date, now.calendar_date, now.started) == (D1, D, False)
    with ctx.lookup() as q:  # the scan box's reads date (points expiring soon) the same way
        assert ctx.business_date(q) == D1
    assert shifts.x_report(ctx, manager)["business_date"] == "2026-03-16"
    # The late shift hands over before midnight; the night shift goes on into the 16th.
    at(clock, 23, 50)
    shifts.count_shift(ctx, cashier, total_fen=10_000 + 52_030)
    shifts.close_shift(ctx, cashier)
    at(clock, 23, 55)
    night_shift = shifts.open_shift(ctx, cashier, 0)
    at(clock, 23, 59, ss=59)
    spend = checkout(ctx, cashier, a.member_id, 1_234)  # stored value
    at(clock, 0, 0, D1)  # the calendar passes midnight: still the 16th, not the 17th
    wechat = top_up(ctx, cashier, a.member_id, 12_345, "wechat")
    at(clock, 1, 30, D1)
    cash_sale = checkout(ctx, cashier, a.member_id, 880, pay="cash", tenders=[("cash", 880)])
    at(clock, 3, 59, D1)
    # The 16th starts at 04:00: it cannot be closed before (a second close the same night).
    refused(snapshot, "close_not_started", closing.close_day, ctx, manager)
    at(clock, 4, 0, D1)  # the 16th starts: the date stays the 16th (no skip to the 17th)
    morning = top_up(ctx, cashier, a.member_id, 100, "alipay")
    assert business_day_now(ctx).started
    for txn in (spend.txn_id, wechat.txn_id, cash_sale.txn_id, morning.txn_id):
        assert date_of(ctx, txn) == "2026-03-16"
    assert [s.shift_id for s in shifts.shifts_of_day(ctx, manager, D1)] == [
        late_shift.shift_id,
        night_shift.shift_id,
    ]
    assert [s.business_date for s in shifts.shifts_of_day(ctx, manager, D)] == [D]

    at(clock, 20, 50, D1)
    shifts.count_shift(ctx, cashier, total_fen=880)
    shifts.close_shift(ctx, cashier)
    at(clock, 21, 0, D1)
    z16 = closing.close_day(ctx, manager)  # the default date: the 16th
    assert z16["business_date"] == "2026-03-16"
    assert z16["topups"] == {
        "count": 3,
        "amount_fen": 64_475,
        "bonus_fen": 5_000,
        "by_method": {"alipay": 100, "cash": 52_030, "wechat": 12_345},
    }
    assert z16["sales"]["count"] == 2 and z16["sales"]["net_fen"] == 2_114
    assert z16["drawer_by_method"] == {"alipay": 100, "cash": 52_910, "wechat": 12_345}
    # All of it in the two shifts, the one of the late evening (before the 16th's 04:00) too.
    assert z16["outside_shifts"]["drawer_by_method"] == {}
    assert [(s["shift_id"], s["expected_fen"], s["over_short_fen"]) for s in z16["shifts"]] == [
        (late_shift.shift_id, 62_030, 0),
        (night_shift.shift_id, 880, 0),
    ]
    # 1,150 + 520.30 + 50 + 123.45 + 1 − 12.34, as the ledgers say.
    assert z16["liability"]["total_fen"] == 183_241
    # The 15th's report is as it was closed: none of the late night is in it.
    assert closing.z_report(ctx, manager, D) == {k: v for k, v in z15.items() if k != "backup"}
    assert query(ctx, "SELECT kind FROM txn WHERE business_date = '2026-03-15' "
                      "AND kind != 'register' ORDER BY created_at") == [("topup",)]  # fmt: skip


def test_a_sale_at_01_30_belongs_to_the_previous_business_date(
    ctx, clock, cashier, manager, register
) -> None:
    assert business_day_settings(ctx).day_start == "04:00"  # the default, never set
    a = register(phone="13800138001")
    top_up(ctx, cashier, a.member_id, 10_000, "cash")
    at(clock, 1, 30, D1)
    night = checkout(ctx, cashier, a.member_id, 1_000)
    now = business_day_now(ctx)
    assert (now.business_date, now.calendar_date) == (D, D1) and now.differs
    at(clock, 3, 59, D1, ss=59)
    last = checkout(ctx, cashier, a.member_id, 100)
    at(clock, 4, 0, D1)
    first = checkout(ctx, cashier, a.member_id, 200)
    assert [date_of(ctx, t) for t in (night.txn_id, last.txn_id, first.txn_id)] == [
        "2026-03-15",
        "2026-03-15",
        "2026-03-16",
    ]
    assert closing.z_report(ctx, manager, D)["sales"]["net_fen"] == 1_100
    assert closing.z_report(ctx, manager, D1)["sales"]["net_fen"] == 200
    # A store whose day ends at midnight: the same hour then belongs to its calendar date.
    set_business_day_settings(ctx, manager, BusinessDaySettings("0"))
    at(clock, 1, 30, D1 + dt.timedelta(days=1))
    assert date_of(ctx, checkout(ctx, cashier, a.member_id, 100).txn_id) == "2026-03-17"


def test_nothing_is_ever_dated_into_a_closed_date(
    ctx, clock, cashier, manager, register, approval
) -> None:
    from app.services.refunds import refund

    a = register(phone="13800138002")
    top_up(ctx, cashier, a.member_id, 20_000, "cash")
    sale = checkout(ctx, cashier, a.member_id, 3_000)
    at(clock, 21, 0)
    z = closing.close_day(ctx, manager)
    at(clock, 21, 10)
    done = [
        top_up(ctx, cashier, a.member_id, 5_000, "cash").txn_id,
        checkout(ctx, cashier, a.member_id, 700).txn_id,
        refund(ctx, cashier, sale.txn_id, approval).txn_id,
    ]
    at(clock, 2, 0, D1)
    done.append(checkout(ctx, cashier, a.member_id, 500).txn_id)
    b = register(phone="13800138003")
    assert {date_of(ctx, t) for t in done} == {"2026-03-16"}
    assert query(ctx, "SELECT joined_on FROM member WHERE id = ?", b.member_id) == [("2026-03-16",)]
    # What the 15th's figures are now is what was stored when it was closed.
    with ctx.reader() as uow:
        now = closing.z_figures(ctx, uow, D)
    assert now == {k: v for k, v in z.items() if k in now}
    with pytest.raises(CounterError) as exc:
        closing.close_day(ctx, manager, D)
    assert exc.value.code == "day_already_closed"


def test_the_clock_is_compared_by_business_dates(
    ctx, clock, cashier, manager, register, snapshot: Snapshot
) -> None:
    a = register(phone="13800138004")
    at(clock, 21, 0)
    closing.close_day(ctx, manager)  # the 15th
    at(clock, 4, 2, D1)
    closing.close_day(ctx, manager)  # the 16th, just after it started: now the 17th's
    assert business_day_now(ctx).business_date == D1 + dt.timedelta(days=1)
    # Four minutes back (an ordinary correction by the minutes) puts the clock's business date
    # before 04:00, the 15th, before the closed 16th: refused, though the calendar date is
    # the closed date itself.
    at(clock, 3, 58, D1)
    before = snapshot()
    with pytest.raises(CounterError) as exc:
        top_up(ctx, cashier, a.member_id, 1_000, "cash")
    assert exc.value.code == "clock_before_close"
    assert "2026-03-16" in exc.value.message
    after = snapshot()
    assert {t for t in after if after[t] != before[t]} == {"audit_log"}  # only the audit
    assert query(ctx, "SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1") == [
        ("clock.behind",)
    ]
    at(clock, 4, 3, D1)
    r = top_up(ctx, cashier, a.member_id, 1_000, "cash")
    assert date_of(ctx, r.txn_id) == "2026-03-17"


@pytest.mark.parametrize("bad", ["25", "24:00", "4:60", "abc", "", "4.5", "-1", "04:00:00"])
def test_a_bad_day_start_is_refused_and_changes_nothing(
    ctx, manager, snapshot: Snapshot, bad: str
) -> None:
    exc = refused(
        snapshot, "day_start_invalid", set_business_day_settings, ctx, manager,
        BusinessDaySettings(bad),
    )  # fmt: skip
    assert "营业日切换时间不正确" in exc.message and "04:00" in exc.message


def test_the_day_start_is_set_audited_and_only_by_a_manager(
    ctx, clock, cashier, manager, snapshot: Snapshot
) -> None:
    refused(snapshot, "permission_denied", set_business_day_settings, ctx, cashier,
            BusinessDaySettings("05:00"))  # fmt: skip
    assert set_business_day_settings(ctx, manager, BusinessDaySettings("5")).day_start == "05:00"
    assert set_business_day_settings(ctx, manager, BusinessDaySettings("4:30")).day_start == "04:30"
    assert business_day_settings(ctx).day_start == "04:30"
    rows = query(ctx, "SELECT action, entity_id, before, after FROM audit_log "
                      "WHERE action = 'setting.change' ORDER BY seq")  # fmt: skip
    assert [(r[0], r[1]) for r in rows] == [("setting.change", "business_day")] * 2
    assert '"05:00"' in rows[1][2] and '"04:30"' in rows[1][3]
    # A start that would put the clock back into the date just closed is refused.
    at(clock, 4, 40, D1)
    closing.close_day(ctx, manager, D1)  # started at 04:30
    refused(snapshot, "day_start_before_close", set_business_day_settings, ctx, manager,
            BusinessDaySettings("05:00"))  # fmt: skip
    assert set_business_day_settings(ctx, manager, BusinessDaySettings("4")).day_start == "04:00"
    # Between the old start and the new one the change would move today's date: refused.
    at(clock, 3, 0, D1 + dt.timedelta(days=2))  # the 17th's night (04:00 start)
    refused(snapshot, "day_start_moves_date", set_business_day_settings, ctx, manager,
            BusinessDaySettings("02:00"))  # fmt: skip
    assert business_day_now(ctx).business_date == D1 + dt.timedelta(days=1)
    assert (
        set_business_day_settings(ctx, manager, BusinessDaySettings("03:30")).day_start == "03:30"
    )


def test_the_rules_of_the_date() -> None:
    assert parse_day_start(0) == dt.time(0) and parse_day_start("23:59") == dt.time(23, 59)
    assert parse_day_start("4：30") == dt.time(4, 30)  # a full-width colon from a pinyin IME
    with pytest.raises(ValidationError):
        parse_day_start(True)
    start = dt.time(4)
    assert clock_date(dt.datetime(2026, 3, 16, 3, 59), start) == D
    assert clock_date(dt.datetime(2026, 3, 16, 4, 0), start) == D1
    assert clock_date(dt.datetime(2026, 3, 16, 0, 0), dt.time(0)) == D1
