"""A cart is read from the catalogue in a fixed number of statements, however long it is:
the draft is priced again at every scan and a sale reads its lines twice, so one query per
line made scanning into a 50-line cart and its sale several times slower (docs/benchmarks.md,
bench_sale). Counted on the real counter file's connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.domain.cart import OrderDiscount, price_cart
from app.domain.held import CartDraft, DraftLine
from app.services import catalogue, sale
from app.services.context import load_rules
from app.services.held import draft_lines
from app.services.stored_value import top_up
from tests.helpers import query

CATEGORIES = ("drink", "snack", "daily")


@pytest.fixture
def items(ctx, manager) -> list[str]:
    for i, code in enumerate(CATEGORIES):
        catalogue.save_category(ctx, manager, code, name=f"类{i}",
                                points_multiplier_permille=1000 + 500 * i)  # fmt: skip
    codes = []
    for i in range(50):
        code = f"{1000 + i}"
        catalogue.add_item(ctx, manager, code=code, name=f"商品{i}", price_fen=100 + i,
                           category=CATEGORIES[i % 3] if i % 5 else None,
                           member_prices={"*": 90 + i} if i % 2 else {})  # fmt: skip
        codes.append(code)
    return codes


@contextmanager
def statements(ctx) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    engine = ctx.db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def priced_in(ctx, lines: list[DraftLine]) -> int:
    with ctx.reader() as uow:
        rules = load_rules(uow)
        cart = draft_lines(uow, CartDraft(tuple(lines)))
        return price_cart(rules, cart, rules.tiers[0]).due_fen


def test_pricing_a_draft_reads_the_catalogue_in_as_many_statements_for_50_lines_as_for_2(
    ctx, items
) -> None:
    short = [DraftLine(c, 1) for c in items[:2]]
    long = [DraftLine(c, 2) for c in items]
    priced_in(ctx, short)  # the rules and the store are cached after a first read
    with statements(ctx) as two:
        due_two = priced_in(ctx, short)
    with statements(ctx) as fifty:
        due_fifty = priced_in(ctx, long)
    assert len(fifty) == len(two), fifty
    # and each line still has its own item's price, member price and category
    assert due_two == 100 + 91
    assert due_fifty == 2 * sum(90 + i if i % 2 else 100 + i for i in range(50))


def test_a_50_line_sale_writes_and_reads_in_as_many_statements_as_a_2_line_sale(
    ctx, cashier, register, items
) -> None:
    a = register("张三")
    top_up(ctx, cashier, a.member_id, 100_000, "cash")
    sale.sell(ctx, cashier, [DraftLine(items[0], 1)], member=a.member_id)  # warm the caches
    with statements(ctx) as two:
        small = sale.sell(ctx, cashier, [DraftLine(c, 1) for c in items[:2]], member=a.member_id)
    with statements(ctx) as fifty:
        big = sale.sell(ctx, cashier, [DraftLine(c, 1) for c in items], member=a.member_id)
    assert len(fifty) == len(two), [s for s in fifty if s not in two]
    assert query(ctx, "SELECT COUNT(*) FROM txn_line WHERE txn_id = ?", big.txn_id) == [(50,)]
    assert query(ctx, "SELECT COUNT(*) FROM txn_line WHERE txn_id = ?", small.txn_id) == [(2,)]
    names = query(ctx, "SELECT item_name FROM txn_line WHERE txn_id = ? ORDER BY line_no",
                  big.txn_id)  # fmt: skip
    assert [n for (n,) in names] == [f"商品{i}" for i in range(50)]


def _reads_of(seen: list[str], table: str) -> int:
    return sum(1 for s in seen if s.lstrip().upper().startswith("SELECT") and f"FROM {table}" in s)


def test_a_plain_member_sale_reads_its_items_and_the_sync_row_once(
    ctx, cashier, register, items
) -> None:
    """Nothing to ask first (no 改价, 整单折扣 or 抹零, no payment password): the cart is
    priced once, in the writing transaction, so its items are read once; the sync row that
    the offline limits and the event's rules version both need is read once."""
    a = register("张三")
    top_up(ctx, cashier, a.member_id, 100_000, "cash")
    sale.sell(ctx, cashier, [DraftLine(items[0], 1)], member=a.member_id)  # warm the caches
    with statements(ctx) as seen:
        done = sale.sell(ctx, cashier, [DraftLine(c, 1) for c in items], member=a.member_id)
    assert _reads_of(seen, "catalogue_item") == 1, seen
    assert _reads_of(seen, "sync_state") == 1, seen
    assert done.due_fen == sum(90 + i if i % 2 else 100 + i for i in range(50))
    assert query(ctx, "SELECT COUNT(*) FROM txn_line WHERE txn_id = ?", done.txn_id) == [(50,)]


def test_a_sale_that_may_need_approval_is_priced_before_its_transaction_too(
    ctx, cashier, register, items
) -> None:
    """An order discount may be beyond the cashier's limits: the cart is priced first (to ask
    for a manager before the payment password), then again on the writing transaction."""
    a = register("张三")
    top_up(ctx, cashier, a.member_id, 100_000, "cash")
    lines = [DraftLine(c, 1) for c in items[:2]]
    sale.sell(ctx, cashier, lines, member=a.member_id)  # warm the caches
    with statements(ctx) as seen:
        done = sale.sell(ctx, cashier, lines, member=a.member_id,
                         order_discount=OrderDiscount(amount_fen=1))  # fmt: skip
    assert _reads_of(seen, "catalogue_item") == 2, seen
    assert done.due_fen == 100 + 91 - 1
