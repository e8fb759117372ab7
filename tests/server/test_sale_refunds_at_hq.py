"""Partial refunds of cart sales at HQ (issue 16 point 5): HQ refunds the event's lines and
quantities again against its own copy of the sale and its earlier refunds, applies them, and
the member's other counters receive them; forged ones — more than remains, parts shifted, a
sale HQ does not hold — are quarantined with their reason and applied nowhere. A real HQ on
127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from app.domain.cart import OrderDiscount
from app.domain.held import DraftLine
from app.services import partial_refunds, sale
from app.services.members import Registration, register_member
from app.services.points import adjust_points
from app.services.security import Approval
from app.services.stored_value import top_up
from server import tables as t
from server.quarantine import list_quarantine
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer
from tests.server.test_authority import balances, forge, hq_member, quarantined
from tests.server.test_sales_at_hq import chain

P1 = "13900000311"
OK = Approval(MANAGER_NO, MANAGER_PIN)
CART = [DraftLine("1001", 3), DraftLine("2001", 1)]


def spend(counter: Counter, member_id: str) -> int:
    with counter.ctx.reader() as uow:
        m = uow.member(member_id)
        return (m.cumulative_spend_fen, m.tier_code)


def hq_refunds(hq: HQServer, sale_id: str) -> list[str]:
    with hq.engine.connect() as conn:
        return list(
            conn.scalars(
                select(t.txn.c.id).where(
                    t.txn.c.original_txn_id == sale_id, t.txn.c.type == "sale.refunded"
                )
            )
        )


def test_partial_refunds_reach_hq_and_the_members_other_counters(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, a2 = chain(hq, make_counter)
    b = make_counter("S002")
    member_id = register_member(
        a.ctx, a.cashier, Registration(name="周二", phone=P1, consent=True)
    ).member_id
    top_up(a.ctx, a.cashier, P1, 10_000, "cash")
    adjust_points(a.ctx, a.cashier, P1, 300, "活动赠送", OK)
    a.sync()
    b.sync()
    b.lookup(P1)
    a2.sync()
    before = balances(a, member_id), spend(a, member_id)
    s = sale.sell(a.ctx, a.cashier, CART, member=P1, points=200,
                  tenders=[("stored_value", 2_000), ("cash", 1_700)])  # fmt: skip
    walk = sale.sell(a.ctx, a.cashier, CART, order_discount=OrderDiscount(percent_bp=1000),
                     tenders=[("cash", 5_000)])  # fmt: skip
    one = partial_refunds.refund(a.ctx, a.cashier, s.txn_id, {0: 1}, "质量问题", OK)
    partial_refunds.refund(a.ctx, a.cashier, walk.txn_id, {1: 1}, "顾客原因", OK)
    a.sync()  # the sale and its first refund in one batch
    assert list_quarantine(hq.engine) == []
    midway = balances(a, member_id), spend(a, member_id)
    assert midway != before
    held = hq_member(hq, member_id)
    assert (held.principal_fen, held.bonus_fen, held.points) == midway[0][:3]
    assert held.cumulative_spend_fen == midway[1][0]
    for other in (a2, b):  # the sale and its refund reach the member's other counters
        other.sync()
        assert (balances(other, member_id), spend(other, member_id)) == midway
    partial_refunds.refund(a.ctx, a.cashier, s.txn_id, {0: 2, 1: 1}, "其他", OK)
    partial_refunds.refund(a.ctx, a.cashier, walk.txn_id, {0: 3}, "顾客原因", OK)
    a.sync()  # the last refunds, checked against the earlier ones HQ holds
    assert list_quarantine(hq.engine) == []
    assert len(hq_refunds(hq, s.txn_id)) == 2 and len(hq_refunds(hq, walk.txn_id)) == 2
    assert one.points_restored > 0
    # Everything refunded: the member is where they were, at HQ and at every counter.
    held = hq_member(hq, member_id)
    assert (held.principal_fen, held.bonus_fen, held.points) == before[0][:3]
    assert held.cumulative_spend_fen == before[1][0]
    assert balances(a, member_id) == before[0] and spend(a, member_id) == before[1]
    for other in (a2, b):
        other.sync()
        assert balances(other, member_id) == before[0]
        assert spend(other, member_id) == before[1]


def _more(ev: dict[str, Any]) -> None:
    ev["payload"]["lines"][0]["quantity"] = 4


def _shift_parts(ev: dict[str, Any]) -> None:
    parts = ev["payload"]["lines"][0]["parts"]
    parts["cash"] += 1
    ev["payload"]["tenders"][0]["amount_fen"] -= 1


def _unknown_sale(ev: dict[str, Any]) -> None:
    ev["payload"]["original_txn_id"] = "01900000-0000-7000-8000-000000000000"


def test_forged_partial_refunds_are_quarantined(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    cases = [
        (_more, "hq_sale_refund_over"),
        (_shift_parts, "hq_sale_refund_mismatch"),
        (_unknown_sale, "hq_txn_unknown"),
    ]
    sales = []
    for change, code in cases:
        s = sale.sell(a.ctx, a.cashier, CART, tenders=[("cash", 4_050)])  # walk-in
        a.sync()
        partial_refunds.refund(a.ctx, a.cashier, s.txn_id, {0: 1}, "收银错误", OK)
        reason = quarantined(forge(a, change), code)
        assert "{" not in reason
        sales.append(s.txn_id)
    assert all(hq_refunds(hq, x) == [] for x in sales)  # applied nowhere
    # An honest refund after them goes through.
    partial_refunds.refund(a.ctx, a.cashier, sales[0], {1: 1}, "收银错误", OK)
    a.sync()
    assert len(hq_refunds(hq, sales[0])) == 1


def test_a_refund_hq_voided_gave_nothing_back(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """HQ voids a refused refund; the counter reverses it, and the units it named can be
    refunded again — the redeemed points too — and HQ accepts that refund."""
    from server.quarantine import resolve

    a, _a2 = chain(hq, make_counter)
    member_id = register_member(
        a.ctx, a.cashier, Registration(name="周三", phone="13900000312", consent=True)
    ).member_id
    adjust_points(a.ctx, a.cashier, member_id, 500, "活动赠送", OK)
    s = sale.sell(a.ctx, a.cashier, CART, member=member_id, points=300,
                  tenders=[("cash", 4_000)])  # fmt: skip
    a.sync()
    before = balances(a, member_id)
    partial_refunds.refund(a.ctx, a.cashier, s.txn_id, {0: 3}, "质量问题", OK)
    quarantined(forge(a, _shift_parts), "hq_sale_refund_mismatch")
    [held] = list_quarantine(hq.engine)
    resolve(hq.engine, held["id"], "void")
    a.sync()  # the counter hears of it and reverses the refund's entries
    assert balances(a, member_id) == before
    assert [x.left for x in partial_refunds.refundable(a.ctx, s.txn_id)] == [3, 1]
    with a.ctx.reader() as uow:  # the member's history no longer shows it refunded
        assert uow.refunded_among({s.txn_id}) == set()
    again = partial_refunds.refund(a.ctx, a.cashier, s.txn_id, {0: 3}, "质量问题", OK)
    with a.ctx.reader() as uow:
        assert uow.refunded_among({s.txn_id}) == {s.txn_id}
        assert uow.partly_refunded_among({s.txn_id}) == {s.txn_id}  # one unit of two lines
    assert again.points_restored > 0
    a.sync()
    assert list_quarantine(hq.engine) == []
    assert len(hq_refunds(hq, s.txn_id)) == 1
    held_at_hq = hq_member(hq, member_id)
    assert (held_at_hq.principal_fen, held_at_hq.bonus_fen, held_at_hq.points) == balances(
        a, member_id
    )[:3]


def _more_cash(ev: dict[str, Any]) -> None:
    ev["payload"]["lines"][0]["parts"]["cash"] += 100
    ev["payload"]["tenders"][0]["amount_fen"] -= 100


def test_an_amount_only_walk_in_sale_refunded_whole_at_hq_and_only_once(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    import json

    from app.services import walk_in_refunds
    from tests.helpers import query

    a, _a2 = chain(hq, make_counter)
    s = sale.walk_in(a.ctx, a.cashier, 3_000, tenders=[("cash", 5_000)])  # 20.00 change
    a.sync()
    walk_in_refunds.refund(a.ctx, a.cashier, s.txn_id, "顾客原因", OK)
    a.sync()
    assert list_quarantine(hq.engine) == [] and len(hq_refunds(hq, s.txn_id)) == 1
    # Forged: more money back than the sale took.
    other = sale.walk_in(a.ctx, a.cashier, 3_000, pay="cash")
    a.sync()
    walk_in_refunds.refund(a.ctx, a.cashier, other.txn_id, "顾客原因", OK)
    assert quarantined(forge(a, _more_cash), "hq_sale_refund_mismatch")
    assert hq_refunds(hq, other.txn_id) == []
    # Forged: the first sale refunded again, under a new id, in place of the next event.
    [(sent,)] = query(
        a.ctx,
        "SELECT payload FROM outbox WHERE type = 'sale.refunded' "
        "AND json_extract(payload, '$.original_txn_id') = ?",
        s.txn_id,
    )
    again = {**json.loads(sent), "txn_id": "01900000-0000-7000-8000-0000000000a1"}
    sale.walk_in(a.ctx, a.cashier, 1_000, pay="cash")

    def _again(ev: dict[str, Any]) -> None:
        ev["type"], ev["payload"] = "sale.refunded", again

    assert quarantined(forge(a, _again), "hq_sale_refund_over")
    assert len(hq_refunds(hq, s.txn_id)) == 1
