"""The business date never runs backwards: a clock set back is refused and audited."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.errors import CounterError
from app.services import closing, maintenance
from app.services.stored_value import top_up
from tests.helpers import query, refused

DEC_2 = dt.datetime(2026, 12, 2, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai


def _audit_actions(ctx) -> list[str]:
    return [a for (a,) in query(ctx, "SELECT action FROM audit_log ORDER BY seq")]


def test_a_clock_set_back_before_a_closed_date_is_refused(
    ctx, clock, cashier, manager, register, snapshot
) -> None:
    clock.set(DEC_2)
    member = register(name="张三", phone="13900000201")
    closing.close_day(ctx, manager)  # 2026-12-02 is closed
    clock.set(dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC))
    before = snapshot()
    with pytest.raises(CounterError) as exc:
        top_up(ctx, cashier, member.member_id, 10_000, "cash")
    assert exc.value.code == "clock_behind"
    assert "请先把电脑的日期和时间校正好" in exc.value.message
    after = snapshot()
    assert {t for t in after if after[t] != before[t]} == {"audit_log"}  # only the audit
    assert _audit_actions(ctx)[-1] == "clock.behind"
    assert query(ctx, "SELECT count(*) FROM txn WHERE business_date <= '2026-12-02' "
                      "AND kind = 'topup'") == [(0,)]  # fmt: skip
    with pytest.raises(CounterError) as exc:
        closing.close_day(ctx, manager)  # nor can the earlier date be closed
    assert exc.value.code == "clock_behind"
    # The clock put right: the next business date.
    clock.set(DEC_2 + dt.timedelta(days=1))
    r = top_up(ctx, cashier, member.member_id, 10_000, "cash")
    assert query(ctx, "SELECT business_date FROM txn WHERE id = ?", r.txn_id) == [("2026-12-03",)]
    assert maintenance.verify_audit(ctx, manager).ok  # its times still chain and never go back


def test_a_date_before_the_last_close_is_refused_even_on_an_early_morning(
    ctx, clock, cashier, manager, register, snapshot
) -> None:
    """The clock a day back but after the last operation (none since the close)."""
    clock.set(DEC_2)
    member = register(name="张三", phone="13900000202")
    closing.close_day(ctx, manager)
    clock.set(DEC_2 + dt.timedelta(days=1))
    top_up(ctx, cashier, member.member_id, 100, "cash")
    # A date before the closed one, with the time of day just after the last operation: the
    # refusal comes from the date, not the minutes.
    with pytest.raises(CounterError):
        closing.close_day(ctx, manager, dt.date(2026, 12, 1))
    refused(snapshot, "close_before_closed", closing.close_day, ctx, manager,
            dt.date(2026, 12, 1))  # fmt: skip


def test_a_few_minutes_back_is_an_ordinary_clock_correction(
    ctx, clock, cashier, register, manager
) -> None:
    member = register(name="张三", phone="13900000203")
    top_up(ctx, cashier, member.member_id, 100, "cash")
    clock.advance(minutes=-4)  # NTP pulls the clock back a little: still fine
    top_up(ctx, cashier, member.member_id, 100, "cash")
    times = [t for (t,) in query(ctx, "SELECT at FROM audit_log ORDER BY seq")]
    assert times == sorted(times)  # recorded at the last entry's time, never earlier
    clock.advance(minutes=-10)  # 14 minutes behind the last operation: refused
    with pytest.raises(CounterError) as exc:
        top_up(ctx, cashier, member.member_id, 100, "cash")
    assert exc.value.code == "clock_behind"
    assert maintenance.verify_audit(ctx, manager).ok


def test_the_cli_says_so_with_exit_code_3(ctx, clock, register, data_dir) -> None:
    """Operations made with the clock a day ahead; then the real clock, a day behind them."""
    from tests.conftest import CASHIER_NO, CASHIER_PIN
    from tests.integration.test_cli import Cli

    clock.set(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    register(name="张三", phone="13900000204")
    ctx.close()
    code, err, _ = Cli(data_dir).run("topup", "13900000204", "--amount", "10", "--method",
                                     "cash", staff=(CASHIER_NO, CASHIER_PIN))  # fmt: skip
    assert code == 3 and err["code"] == "clock_behind"
    assert "请先把电脑的日期和时间校正好" in err["error"]
