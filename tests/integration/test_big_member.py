"""A big counter database: the history and the range report read index ranges, not tables.

The database is built here: 10,000 members (the core benchmark's bulk loader, which writes what
``register_member`` writes), a regular customer with 2,000 transactions and four months of the
store's trade, through the services. What is checked is the work, not the time:

- every statement of a member's history searches an index; none scans a table (a regression
  to the old per-line refund look-up would scan ``txn`` once per line);
- no statement of the range report loops over the members running a subquery for each (what
  made churn take 9 s at 1,000,000 members), and none scans the transactions or members;
- and the figures equal the straightforward definitions: every page of every tab is the
  member's rows newest first with the refund status of each, churn and the opening liability
  equal the old statements.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, func, select

from app.persistence import reporting
from app.persistence.tables import PointsEntry, StoredValueEntry, Txn
from app.ports import FixedClock
from app.services.checkout import checkout
from app.services.context import CounterContext, open_counter
from app.services.hashing import Hasher
from app.services.history import PAGE, TXN_TABS, Tab, history_page, member_history
from app.services.members import Registration, register_member
from app.services.refunds import refund
from app.services.reports import range_report
from app.services.security import Approval, sign_in
from app.services.stored_value import top_up
from tests.benchmarks.bench_core import CASHIER, MANAGER, build
from tests.helpers import reference_churn

BIG_TABLES = ("txn", "member", "points_entry", "sv_entry", "card")
MEMBERS = 10_000
REGULAR_TXNS = 2_000
STORE_TXNS = 1_500
DAYS = 120


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data_dir = tmp_path_factory.mktemp("big")
    start = dt.datetime(2026, 8, 1, 2, 0, tzinfo=dt.UTC)
    build(data_dir, MEMBERS, seed=7, until=start.replace(tzinfo=None))  # registered before
    clock = FixedClock(start)
    ctx = open_counter(data_dir, clock=clock, hasher=Hasher.fast())
    rng = random.Random(7)
    cashier = sign_in(ctx, *CASHIER)
    manager = sign_in(ctx, *MANAGER)
    approval = Approval(*MANAGER)
    regular = register_member(
        ctx, cashier, Registration(name="常客甲", phone="19900000001", consent=True)
    )
    top_up(ctx, cashier, regular.member_id, 5_000_000, "cash")
    others = [r[0] for r in _rows(ctx, "SELECT id FROM member ORDER BY random() LIMIT 500")]
    paid = []
    for day in range(DAYS):
        clock.set(start + dt.timedelta(days=day))
        for i in range((REGULAR_TXNS + STORE_TXNS) // DAYS):
            clock.advance(seconds=rng.randint(10, 200))
            if i < REGULAR_TXNS // DAYS + 1:  # the regular: 17 a day
                if rng.random() < 0.15:
                    top_up(ctx, cashier, regular.member_id, 100_000, "wechat")
                    paid.append(None)
                else:
                    paid.append(checkout(ctx, cashier, regular.member_id, rng.randint(100, 900)))
            else:
                checkout(ctx, cashier, rng.choice(others), rng.randint(100, 900), pay="cash")
    for r in rng.sample([p for p in paid if p is not None], 25):
        refund(ctx, cashier, r.txn_id, approval)
    try:
        yield {"ctx": ctx, "cashier": cashier, "manager": manager, "regular": regular.member_id}
    finally:
        ctx.close()


def _rows(ctx: CounterContext, sql: str, *params: Any) -> list[tuple]:
    assert ctx.db.path is not None
    con = sqlite3.connect(ctx.db.path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


class Statements:
    """The SQL statements (with their parameters) run on an engine while in use."""

    def __init__(self, ctx: CounterContext) -> None:
        self.ctx = ctx
        self.seen: list[tuple[str, Any]] = []

    def __enter__(self) -> Statements:
        event.listen(self.ctx.db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.ctx.db.engine, "before_cursor_execute", self._record)

    def _record(self, conn: Any, cursor: Any, sql: str, params: Any, *rest: Any) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            self.seen.append((sql, params))

    def plans(self) -> list[tuple[str, list[str]]]:
        con = sqlite3.connect(self.ctx.db.path)
        try:
            return [
                (sql, [row[-1] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params or ())])
                for sql, params in self.seen
            ]
        finally:
            con.close()

    def table_scans(self, tables: tuple[str, ...] = BIG_TABLES) -> list[str]:
        """Plan lines that read a whole big table (not an index range, not a covering index)."""
        found = []
        for sql, plan in self.plans():
            for detail in plan:
                table = detail.split()[1] if detail.startswith("SCAN ") else ""
                if table in tables and "INDEX" not in detail:
                    found.append(f"{detail}  <-  {sql[:120]}")
        return found

    def per_member_subqueries(self) -> list[str]:
        """Statements that loop over many members running a subquery for each: what took
        churn 9 s at 1,000,000 members. A member read by its key, or counted from a covering
        index, is fine."""
        found = []
        for sql, plan in self.plans():
            loops = [
                d for d in plan
                if re.match(r"(SCAN|SEARCH) member\b", d)
                and "COVERING INDEX" not in d and "(id=?)" not in d
            ]  # fmt: skip
            if loops and any("CORRELATED" in d for d in plan):
                found.append(f"{plan}  <-  {sql[:160]}")
        return found


def reference_tab(ctx: CounterContext, member_id: str, tab: Tab) -> list[tuple[str, bool]]:
    """(txn id, refunded) of the tab's rows, newest first, the plain way."""
    kinds = sorted(TXN_TABS[tab])
    marks = ",".join("?" * len(kinds))
    return [
        (txn_id, bool(refunded))
        for txn_id, refunded in _rows(
            ctx,
            f"SELECT t.id, t.kind IN ('checkout', 'topup') AND EXISTS (SELECT 1 FROM txn r"
            f" WHERE r.original_txn_id = t.id AND r.kind IN ('refund', 'topup_refund'))"
            f" FROM txn t WHERE t.member_id = ? AND t.kind IN ({marks})"
            " ORDER BY t.created_at DESC, t.id DESC",
            member_id,
            *kinds,
        )
    ]


def test_a_2000_transaction_members_history_reads_index_ranges_and_is_complete(big) -> None:
    ctx, cashier, member_id = big["ctx"], big["cashier"], big["regular"]
    with Statements(ctx) as statements:
        started = time.perf_counter()
        history = member_history(ctx, cashier, member_id)
        first_page = time.perf_counter() - started
        pages = {tab: list(history.pages[tab].rows) for tab in Tab}
        for tab in Tab:
            cursor = history.pages[tab].cursor
            while cursor is not None:
                page = history_page(ctx, cashier, member_id, tab, cursor)
                assert len(page.rows) == PAGE or page.cursor is None
                pages[tab].extend(page.rows)
                cursor = page.cursor
    assert statements.table_scans() == []
    assert first_page < 1.0  # ~5 ms; a table scan per line took 2-25 s
    for tab in TXN_TABS:
        shown = [(line.txn_id, line.refunded) for line in pages[tab]]
        assert shown == reference_tab(ctx, member_id, tab)
    assert sum(line.refunded for line in pages[Tab.CHECKOUTS]) == 25
    assert len(pages[Tab.CHECKOUTS]) + len(pages[Tab.TOPUPS]) > REGULAR_TXNS - 1
    points = _rows(ctx, "SELECT count(*) FROM points_entry WHERE member_id = ?", member_id)
    assert len(pages[Tab.POINTS]) == points[0][0]


def old_liability(ctx: CounterContext, through: dt.date) -> tuple[int, int, int]:
    where = Txn.business_date <= through
    with ctx.reader() as uow:
        s = uow.session
        sv = s.execute(
            select(func.sum(StoredValueEntry.principal_fen), func.sum(StoredValueEntry.bonus_fen))
            .join(Txn, Txn.id == StoredValueEntry.txn_id)
            .where(where)
        ).one()
        points = select(func.sum(PointsEntry.points)).join(Txn, Txn.id == PointsEntry.txn_id)
        pts = s.execute(points.where(where)).scalar()
        return int(sv[0] or 0), int(sv[1] or 0), int(pts or 0)


def test_the_90_day_range_report_works_from_indexes_and_equals_the_old_figures(big) -> None:
    ctx, manager = big["ctx"], big["manager"]
    end = ctx.clock.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    start = end - dt.timedelta(days=89)
    with Statements(ctx) as new:
        started = time.perf_counter()
        report = range_report(ctx, manager, start, end)
        took = time.perf_counter() - started
    with Statements(ctx) as old:
        churned = reference_churn(ctx, end - dt.timedelta(days=89), end)
    # With no daily close yet, the opening liability sums the ledgers whole, by design.
    assert new.per_member_subqueries() == []
    assert new.table_scans(("txn", "member", "card")) == []
    assert old.per_member_subqueries() != []  # the check sees what made the old churn slow
    assert took < 5.0  # ~0.1 s here; a generous bound
    assert report["members"]["churned"] == churned
    per_day = {
        d: (n, fen)
        for d, n, fen in _rows(
            ctx,
            "SELECT business_date, count(*), sum(due_fen) FROM txn WHERE kind = 'checkout'"
            " AND business_date BETWEEN ? AND ? GROUP BY business_date",
            start.isoformat(),
            end.isoformat(),
        )
    }
    assert {
        d["date"]: (d["sales_count"], d["sales_fen"]) for d in report["days"] if d["sales_count"]
    } == per_day
    per_cashier = _rows(
        ctx,
        "SELECT s.staff_no, count(*), sum(t.due_fen) FROM txn t JOIN staff s ON s.id = t.staff_id"
        " WHERE t.kind = 'checkout' AND t.business_date BETWEEN ? AND ? GROUP BY s.staff_no",
        start.isoformat(),
        end.isoformat(),
    )
    assert sorted(
        (c["staff_no"], c["sales_count"], c["sales_fen"])
        for c in report["cashiers"]
        if c["sales_count"]
    ) == sorted(per_cashier)
    for day in (start - dt.timedelta(days=1), start + dt.timedelta(days=45), end):
        with ctx.reader() as uow:
            assert reporting.liability_through(uow, None, day) == old_liability(ctx, day)
