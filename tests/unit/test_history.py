"""A member's history as the member panel shows it."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.errors import NotFoundError
from app.ports import FixedClock
from app.services.checkout import checkout
from app.services.history import member_history
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

    assert [t.kind for t in h.txns] == ["refund", "checkout", "topup", "register"]
    assert [t.txn_id for t in h.topups] == [up.txn_id]
    assert [t.txn_id for t in h.checkouts] == [paid.txn_id]
    assert [t.txn_id for t in h.refunds] == [back.txn_id]
    assert h.checkouts[0].refunded and not h.topups[0].refunded
    assert h.topups[0].bonus_fen == up.bonus_fen
    assert h.topups[0].tenders[0].method == "wechat"
    assert h.checkouts[0].staff == "李收银"
    # 10:00 in Shanghai when the clock says 02:00 UTC.
    assert h.txns[-1].at == dt.datetime(2026, 3, 15, 10, 0)
    kinds = [p.kind for p in h.points]
    assert "earn" in kinds and sum(p.points for p in h.points) == 0


def test_history_of_an_unknown_member_is_refused(ctx, cashier) -> None:
    with pytest.raises(NotFoundError):
        member_history(ctx, cashier, "0190c0de-0000-7000-8000-000000000000")
