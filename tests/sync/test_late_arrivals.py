"""A closed date's figures never change. Counter B of a store closes its date at 21:00; the
store's counter A, which had not closed it, tops a member up that evening (dated into that
date) and B pulls it after its close. B's stored Z report of the date stays as it was; B's
next close counts the late top-up in its liability, to the fen, and says it came late."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from app.cli.manager import money, z_lines
from app.services import syncstate
from app.services.closing import close_day, z_report
from app.services.members import Registration, register_member
from app.services.security import sign_in
from app.services.stored_value import top_up
from tests.helpers import query
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """Naive UTC of ``day`` at ``hour`` in the store's time zone."""
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def ledger(counter: Counter) -> tuple[int, int, int]:
    """The sums of every ledger entry the counter holds."""
    rows = query(counter.ctx, "SELECT COALESCE(SUM(principal_fen), 0), "
                              "COALESCE(SUM(bonus_fen), 0) FROM sv_entry")  # fmt: skip
    points = query(counter.ctx, "SELECT COALESCE(SUM(points), 0) FROM points_entry")
    return rows[0][0], rows[0][1], points[0][0]


def test_a_late_transaction_from_another_counter_goes_into_the_next_close(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, b = make_counter("S001"), make_counter("S001")
    day = (a.clock.now() + dt.timedelta(days=2)).date()  # ahead of every clock so far
    for counter in (a, b):
        counter.clock.set(at(day, 20))
        counter.sync()
    member = register_member(
        a.ctx, a.cashier, Registration(name="张三", phone="13800138000", consent=True)
    )
    top_up(a.ctx, a.cashier, member.card_no, 10_000, "cash")
    a.sync()
    b.sync()
    manager = sign_in(b.ctx, MANAGER_NO, MANAGER_PIN)
    b.clock.set(at(day, 21))
    closed = close_day(b.ctx, manager, day)
    closed.pop("backup")
    assert closed["business_date"] == day.isoformat()
    assert closed["liability"]["principal_fen"] == 10_000
    assert closed["arrived_late"] == {"principal_fen": 0, "bonus_fen": 0, "points": 0}

    # A has not closed the date: its 21:30 top-up is dated into it, and B pulls it.
    a.clock.set(at(day, 21, 30))
    late = top_up(a.ctx, a.cashier, member.card_no, 5_000, "cash")
    with a.ctx.uow() as uow:
        assert uow.txn(late.txn_id).business_date == day
    a.sync()
    b.clock.set(at(day, 22))
    b.sync()
    assert syncstate.status(b.ctx).last_error is None
    with b.ctx.uow() as uow:
        assert uow.txn(late.txn_id).business_date == day  # as A dated it
    assert ledger(b) == (15_000, 0, 0)
    # The closed date's report is the stored one, unchanged.
    assert z_report(b.ctx, manager, day) == closed

    # B's next close: the late top-up is in its liability, and named as late.
    b.clock.set(at(day + dt.timedelta(days=1), 21))
    after = close_day(b.ctx, manager)
    assert after["business_date"] == (day + dt.timedelta(days=1)).isoformat()
    assert after["topups"]["amount_fen"] == 0  # B's own operations: none that date
    assert after["liability"]["principal_fen"] == 15_000 == ledger(b)[0]
    assert after["arrived_late"] == {"principal_fen": 5_000, "bonus_fen": 0, "points": 0}
    assert z_report(b.ctx, manager, day) == closed
    # The command's Z report says it (the first close's, with nothing late, does not).
    late_line = "    其中:本店其他收银台迟到的已日结日期业务: 本金 ¥50.00, 赠送 ¥0.00  积分 0"
    assert late_line in z_lines(money(after))
    assert not any("迟到" in line for line in z_lines(money(closed)))


def test_another_counters_operations_are_not_in_this_counters_figures(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """B's Z report counts B's own operations: A's top-up, sale (points earned, stored
    value spent) and refund, pulled into B's ledgers, move B's liability only."""
    from app.services.checkout import checkout
    from app.services.closing import z_figures
    from app.services.refunds import refund
    from app.services.security import Approval

    a, b = make_counter("S001"), make_counter("S001")
    day = (a.clock.now() + dt.timedelta(days=2)).date()
    for counter in (a, b):
        counter.clock.set(at(day, 12))
        counter.sync()
    member = register_member(
        a.ctx, a.cashier, Registration(name="张三", phone="13800138000", consent=True)
    )
    top_up(a.ctx, a.cashier, member.card_no, 10_000, "cash")
    sale = checkout(a.ctx, a.cashier, member.card_no, 3_000)
    refund(a.ctx, a.cashier, sale.txn_id, Approval(MANAGER_NO, MANAGER_PIN))
    checkout(a.ctx, a.cashier, member.card_no, 2_000)
    a.sync()
    b.sync()
    assert ledger(b) == ledger(a)
    with b.ctx.uow() as uow:
        theirs = z_figures(b.ctx, uow, day)
    with a.ctx.uow() as uow:
        mine = z_figures(a.ctx, uow, day)
    assert mine["points"]["earned"] > 0 and mine["sales_by_tender"] == {"stored_value": 2_000}
    assert theirs["points"] == dict.fromkeys(theirs["points"], 0)
    assert theirs["sales_by_tender"] == {} and theirs["net_sales_fen"] == 0
    assert theirs["topups"]["amount_fen"] == 0
    assert theirs["liability"] == mine["liability"]  # the store's members' balances
