"""A member's history as the member panel shows it."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.errors import NotFoundError, ValidationError
from app.ports import FixedClock
from app.services.checkout import checkout
from app.services.history import PAGE, Tab, history_page, member_history
from app.services.refunds import refund
from app.services.stored_value import top_up


def test_history_lists_each_kind_newest_first_in_local_time(
    ctx, cashier, register, approval, clock: FixedClock
) -> None:
    m = register(name="张三", phone="13800138000")
    up = top_up(ctx, cashier, m.member_id, 100_000, "wechat")
    clock.advance(minutes=5)
    paid = checkout(ctx, cashier, m.member_id, 30_000, pay="cash", tenders=[("cash", 30_000)])
    clock.advance(minutes=5)
    back = refund(ctx, cashier, paid.txn_id, approval)

    h = member_history(ctx, cashier, m.member_id)

    assert [t.txn_id for t in h.topups] == [up.txn_id]
    assert [t.txn_id for t in h.checkouts] == [paid.txn_id]
    assert [t.txn_id for t in h.refunds] == [back.txn_id]
    assert h.checkouts[0].refunded and not h.topups[0].refunded
    assert h.topups[0].bonus_fen == up.bonus_fen
    assert h.topups[0].tenders[0].method == "wechat"
    assert h.checkouts[0].staff == "李收银"
    # 10:00 in Shanghai when the clock says 02:00 UTC.
    assert h.topups[0].at == dt.datetime(2026, 3, 15, 10, 0)
    assert h.newest_refundable() == h.topups[0]  # the checkout is refunded already
    assert not any(p.more for p in h.pages.values())
    kinds = [p.kind for p in h.points]
    assert "earn" in kinds and sum(p.points for p in h.points) == 0


def test_history_of_an_unknown_member_is_refused(ctx, cashier) -> None:
    with pytest.raises(NotFoundError):
        member_history(ctx, cashier, "0190c0de-0000-7000-8000-000000000000")


def test_history_pages_newest_first_without_gaps_or_repeats(
    ctx, cashier, register, approval, clock: FixedClock
) -> None:
    m = register(name="李四", phone="13800138001")
    top_up(ctx, cashier, m.member_id, 5_000_000, "cash")
    paid = []
    for _ in range(2 * PAGE + 7):
        clock.advance(minutes=1)
        paid.append(checkout(ctx, cashier, m.member_id, 1_000).txn_id)
    refund(ctx, cashier, paid[3], approval)  # on the last page

    h = member_history(ctx, cashier, m.member_id)
    first = h.pages[Tab.CHECKOUTS]
    assert [t.txn_id for t in first.rows] == paid[::-1][:PAGE] and first.more
    seen = list(first.rows)
    cursor = first.cursor
    while cursor is not None:
        page = history_page(ctx, cashier, m.member_id, Tab.CHECKOUTS, cursor)
        seen.extend(page.rows)
        cursor = page.cursor
    assert [t.txn_id for t in seen] == paid[::-1]
    assert [t.txn_id for t in seen if t.refunded] == [paid[3]]

    points = h.pages[Tab.POINTS]
    assert len(points.rows) == PAGE and points.more
    rest = history_page(ctx, cashier, m.member_id, Tab.POINTS, points.cursor, page=500)
    assert not rest.more
    all_points = [*points.rows, *rest.rows]
    assert sum(p.points for p in all_points) == m_points(ctx, cashier, m.member_id)
    assert [p.at for p in all_points] == sorted((p.at for p in all_points), reverse=True)


def m_points(ctx, cashier, member_id: str) -> int:
    from app.services.lookup import show_member

    return show_member(ctx, cashier, member_id).points


def test_a_page_of_a_bad_size_or_cursor_is_refused(ctx, cashier, register) -> None:
    m = register(name="王五", phone="13800138002")
    with pytest.raises(ValidationError):
        member_history(ctx, cashier, m.member_id, page=0)
    with pytest.raises(ValidationError):
        history_page(ctx, cashier, m.member_id, Tab.CHECKOUTS, 5)
