"""The history window (app.domain.window): a counter joined to HQ keeps its members' last 18
months; what came before is one carried row, the same at HQ's snapshot and at the counter
that carried it itself, and the balances never move."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from app.domain.window import HISTORY_DAYS, window_start
from app.services import history_window
from app.services.checkout import checkout
from app.services.lookup import show_member
from app.services.stored_value import top_up
from sync.client import SyncError
from tests import hqkit
from tests.helpers import ledger_checked
from tests.hqkit import Counter, HQServer, real_now
from tests.sync.test_scope import register, rows

PHONE = "13900000301"


def dated(counter: Counter, days_ago: int) -> None:
    counter.clock.set(real_now() - dt.timedelta(days=days_ago))


@pytest.fixture
def old_counter(make_counter, monkeypatch):
    """A counter installed 800 days ago (its clock then: a counter's clock never goes back)."""

    def make(store: str, **kw) -> Counter:
        then = real_now() - dt.timedelta(days=800)
        with monkeypatch.context() as mp:
            mp.setattr(hqkit, "real_now", lambda: then)
            return make_counter(store, **kw)

    return make


def old_and_recent_history(counter: Counter, *, online: bool = True) -> str:
    """A member with two years of history: a top-up and sales 800 days ago (points earned
    then and all redeemed), more a month ago. ``online``: synced at each time (an enrolled
    counter long offline spends no stored value)."""
    dated(counter, 800)
    if online:
        counter.sync()
    member_id = register(counter, "老会员", PHONE, 50_000)
    checkout(counter.ctx, counter.cashier, PHONE, 2_000)  # stored value, points earned
    points = show_member(counter.ctx, counter.cashier, PHONE).points
    checkout(counter.ctx, counter.cashier, PHONE, 3_000, pay="cash", points=points)
    dated(counter, 30)
    if online:
        counter.sync()
    top_up(counter.ctx, counter.cashier, PHONE, 10_000, "cash")
    checkout(counter.ctx, counter.cashier, PHONE, 4_000)  # points earned: a lot kept
    counter.clock.set(real_now())
    return member_id


def old_rows(counter: Counter, since: dt.date) -> set[tuple]:
    return rows(counter, f"SELECT id, kind FROM txn WHERE business_date < '{since.isoformat()}'")


def open_lots_txns(counter: Counter) -> set[tuple]:
    """The transactions that earned lots with points left: kept however old (the lot is)."""
    return rows(
        counter,
        "SELECT txn.id, txn.kind FROM txn JOIN points_lot l ON l.txn_id = txn.id "
        "WHERE (SELECT SUM(points) FROM points_entry e WHERE e.lot_id = l.id) != 0",
    )


def test_history_before_the_window_is_carried_the_same_at_hq_and_at_the_counter(
    hq: HQServer, make_counter, old_counter
) -> None:
    a = old_counter("S001")
    member_id = old_and_recent_history(a)
    a.sync()  # joined, pushed, and the history carried forward (once a day)
    before = ledger_checked(a.ctx, member_id)
    since = window_start(dt.date.today())
    kept = old_rows(a, since)
    assert kept and kept <= open_lots_txns(a)  # the cash sale 800 days ago earned points
    carried = rows(a, "SELECT kind, principal_fen, bonus_fen FROM sv_entry WHERE kind = 'carried'")
    assert len(carried) == 1 and before[0] > 0
    assert rows(a, "SELECT count(*) FROM txn WHERE kind = 'topup'") == {(1,)}  # the recent one

    fresh = make_counter("S001")  # the store's next counter joins from HQ's snapshot
    fresh.sync()
    assert ledger_checked(fresh.ctx, member_id) == before
    sv = "SELECT entry_id, kind, principal_fen, bonus_fen FROM sv_entry ORDER BY entry_id"
    assert rows(fresh, sv) == rows(a, sv)  # the carried row has the same id and amounts
    lots = "SELECT id, points FROM points_lot"
    assert rows(fresh, lots) == rows(a, lots)
    assert {i for i, _ in old_rows(fresh, since)} == {i for i, _ in kept}  # (kind: "remote")

    fresh.lookup(PHONE)  # fetched again: nothing twice
    fresh.sync()
    assert ledger_checked(fresh.ctx, member_id) == before
    top_up(a.ctx, a.cashier, PHONE, 1_000, "cash")
    a.sync()
    fresh.sync()
    assert ledger_checked(fresh.ctx, member_id) == ledger_checked(a.ctx, member_id)
    assert ledger_checked(a.ctx, member_id)[0] == before[0] + 1_000


def test_a_counter_on_its_own_keeps_everything_and_the_ledgers_stay_append_only(
    old_counter,
) -> None:
    alone = old_counter("S001", enroll=False)
    member_id = old_and_recent_history(alone, online=False)
    before = ledger_checked(alone.ctx, member_id)
    assert history_window.carry_due(alone.ctx, force=True) is None
    assert ledger_checked(alone.ctx, member_id) == before
    since = window_start(dt.date.today())
    assert old_rows(alone, since)  # the only copy of its history: kept
    con = sqlite3.connect(str(alone.ctx.db.path))
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("DELETE FROM sv_entry")
    finally:
        con.close()


def test_a_member_with_events_not_pushed_yet_is_carried_later(hq: HQServer, old_counter) -> None:
    a = old_counter("S001")
    member_id = old_and_recent_history(a)
    top_up(a.ctx, a.cashier, PHONE, 500, "cash")  # not pushed yet
    before = ledger_checked(a.ctx, member_id)
    result = history_window.carry_due(a.ctx, force=True)
    assert result is not None and result.members == 0
    since = window_start(dt.date.today(), HISTORY_DAYS)
    assert old_rows(a, since)
    assert ledger_checked(a.ctx, member_id) == before
    a.sync()  # pushed now; carried today already, so on demand:
    assert history_window.carry_due(a.ctx, force=True).members == 1
    assert old_rows(a, since) <= open_lots_txns(a)
    assert ledger_checked(a.ctx, member_id) == before


def test_hq_serves_the_older_history_to_the_stores_that_keep_the_member(
    hq: HQServer, make_counter, old_counter
) -> None:
    a, b = old_counter("S001"), make_counter("S002")
    member_id = old_and_recent_history(a)
    a.sync()
    since = window_start(dt.date.today())
    client = a.client()
    try:
        older = client.history(member_id, since)
    finally:
        client.close()
    kinds = [x.type for x in older.txns]
    assert kinds.count("checkout.completed") == 2 and "stored_value.topped_up" in kinds
    assert not older.has_more
    assert all(x.business_date < since.isoformat() for x in older.txns)
    # What the stored value rows before the window moved is what was carried forward.
    carried = rows(a, "SELECT principal_fen + bonus_fen FROM sv_entry WHERE kind = 'carried'")
    assert {(sum(x.principal_fen + x.bonus_fen for x in older.txns),)} == carried
    client = b.client()
    try:
        with pytest.raises(SyncError) as refused:  # a store that does not keep the member
            client.history(member_id, since)
        assert refused.value.code == "member_unknown"
        b.lookup(PHONE)  # served at S002 from now on: it keeps the member
        assert len(client.history(member_id, since).txns) == len(older.txns)
    finally:
        client.close()


@pytest.mark.parametrize("days", [HISTORY_DAYS - 3, HISTORY_DAYS + 3])
def test_a_window_a_few_days_off_hqs_counts_nothing_twice(
    hq: HQServer, make_counter, old_counter, days: int
) -> None:
    """The counter's date and HQ's need not agree (time zones, business days): a member
    fetched with HQ's window after the counter carried to a later or an earlier start."""
    a = old_counter("S001")
    member_id = old_and_recent_history(a)
    a.sync()
    before = ledger_checked(a.ctx, member_id)
    fresh = make_counter("S001")
    fresh.sync()
    history_window.carry_due(fresh.ctx, days=days, force=True)
    assert ledger_checked(fresh.ctx, member_id) == before
    fresh.lookup(PHONE)  # fetched again, with HQ's own window
    assert ledger_checked(fresh.ctx, member_id) == before
    history_window.carry_due(fresh.ctx, force=True)
    assert ledger_checked(fresh.ctx, member_id) == before
    fresh.lookup(PHONE)
    assert ledger_checked(fresh.ctx, member_id) == before


def test_old_sales_of_goods_and_their_partial_refunds_are_carried_whole(
    hq: HQServer, old_counter
) -> None:
    """A sale of goods and its partial refund before the window go with their lines and the
    refund's lines; nothing is left naming a transaction that is gone."""
    from app.domain.held import DraftLine
    from app.services import partial_refunds, sale
    from app.services.security import Approval
    from server import catalogue as hq_catalogue
    from tests.conftest import MANAGER_NO, MANAGER_PIN

    hq_catalogue.put_item(hq.engine, {"code": "9001", "name": "袋装米", "price_fen": 2_500,
                                      "points_eligible": False})  # fmt: skip
    a = old_counter("S001")
    dated(a, 800)
    a.sync()
    member_id = register(a, "老会员", PHONE)
    sold = sale.sell(a.ctx, a.cashier, [DraftLine("9001", 2)], member=member_id,
                     tenders=[("cash", 5_000)])  # fmt: skip
    partial_refunds.refund(a.ctx, a.cashier, sold.txn_id, {0: 1}, "质量问题",
                           Approval(MANAGER_NO, MANAGER_PIN))  # fmt: skip
    dated(a, 30)
    a.sync()
    top_up(a.ctx, a.cashier, PHONE, 1_000, "cash")
    a.clock.set(real_now())
    before = ledger_checked(a.ctx, member_id)
    a.sync()  # pushed, and the history carried forward
    assert history_window.carry_due(a.ctx, force=True) is not None
    assert old_rows(a, window_start(dt.date.today())) == set()
    for table, column in (("txn_line", "txn_id"), ("txn_cart", "txn_id"),
                          ("txn_refund_line", "txn_id"), ("txn_refund_line", "original_txn_id"),
                          ("txn_tender", "txn_id")):  # fmt: skip
        orphans = f"SELECT count(*) FROM {table} WHERE {column} NOT IN (SELECT id FROM txn)"
        assert rows(a, orphans) == {(0,)}, table
    assert rows(a, "SELECT count(*) FROM txn_line") == {(0,)}
    assert ledger_checked(a.ctx, member_id) == before


def test_an_old_refund_of_a_sale_that_stays_stays_with_it(hq: HQServer, old_counter) -> None:
    """A sale before the window that earned points still held stays; so does the refund of
    one of its lines (else that line could be refunded again)."""
    from app.domain.held import DraftLine
    from app.services import partial_refunds, sale
    from app.services.security import Approval
    from server import catalogue as hq_catalogue
    from tests.conftest import MANAGER_NO, MANAGER_PIN

    hq_catalogue.put_item(hq.engine, {"code": "9001", "name": "袋装米", "price_fen": 2_500,
                                      "points_eligible": False})  # fmt: skip
    hq_catalogue.put_item(hq.engine, {"code": "9002", "name": "食用油", "price_fen": 8_000})
    a = old_counter("S001")
    dated(a, 800)
    a.sync()
    member_id = register(a, "老会员", PHONE)
    sold = sale.sell(a.ctx, a.cashier, [DraftLine("9001", 2), DraftLine("9002", 1)],
                     member=member_id, tenders=[("cash", 13_000)])  # fmt: skip
    assert sold.points_earned > 0  # a lot with points left: the sale stays
    back = partial_refunds.refund(a.ctx, a.cashier, sold.txn_id, {0: 1}, "质量问题",
                                  Approval(MANAGER_NO, MANAGER_PIN))  # fmt: skip
    dated(a, 30)
    a.sync()
    a.clock.set(real_now())
    a.sync()
    assert history_window.carry_due(a.ctx, force=True) is not None
    kept = {i for i, _k in old_rows(a, window_start(dt.date.today()))}
    assert {sold.txn_id, back.txn_id} <= kept
    left = {x.line_no: x.left for x in partial_refunds.refundable(a.ctx, sold.txn_id)}
    assert left == {0: 1, 1: 1}
