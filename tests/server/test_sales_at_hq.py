"""Cart sales and walk-in sales (散客) at HQ (issue 16 point 9): a counter's sales reach HQ
and the store's other counter; forged ones — wrong shares, a walk-in with points, a price cut
beyond the cashier's limits without approval, a list price below HQ's — are quarantined with
their reason and applied nowhere. A real HQ on 127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from app.domain.cart import OrderDiscount, PriceChange
from app.domain.held import DraftLine
from app.services import sale
from app.services.members import Registration, register_member
from app.services.security import Approval
from app.services.stored_value import top_up
from server import catalogue as hq_catalogue
from server import tables as t
from server.quarantine import list_quarantine
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer
from tests.server.test_authority import balances, forge, hq_member, quarantined

P1 = "13900000301"
OK = Approval(MANAGER_NO, MANAGER_PIN)
COLA = {"code": "1001", "name": "可口可乐", "price_fen": 350, "unit": "瓶",
        "category": "DRINK", "member_prices": {"*": 300}}  # fmt: skip
WASH = {"code": "2001", "name": "洗车", "price_fen": 3_000, "unit": "次", "service": True}
CART = [DraftLine("1001", 3), DraftLine("2001", 1)]


def chain(hq: HQServer, make_counter: Callable[..., Counter]) -> tuple[Counter, Counter]:
    hq_catalogue.put_category(hq.engine, {"code": "drink", "name": "饮料",
                                          "points_multiplier_permille": 2000})  # fmt: skip
    hq_catalogue.put_item(hq.engine, COLA)
    hq_catalogue.put_item(hq.engine, WASH)
    a, a2 = make_counter("S001"), make_counter("S001")
    a.sync()
    a2.sync()
    return a, a2


def hq_txns(hq: HQServer, ids: list[str]) -> dict[str, Any]:
    with hq.engine.connect() as conn:
        rows = conn.execute(
            select(t.txn.c.id, t.txn.c.type, t.txn.c.member_id).where(t.txn.c.id.in_(ids))
        ).all()
    return {r.id: (r.type, r.member_id) for r in rows}


def test_sales_reach_hq_and_the_stores_other_counter(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, a2 = chain(hq, make_counter)
    member_id = register_member(
        a.ctx, a.cashier, Registration(name="周一", phone=P1, consent=True)
    ).member_id
    top_up(a.ctx, a.cashier, P1, 10_000, "cash")
    a.sync()
    a2.sync()
    mine = sale.sell(a.ctx, a.cashier, CART, member=P1)  # stored value
    walk = sale.sell(a.ctx, a.cashier, CART, order_discount=OrderDiscount(percent_bp=1000),
                     rounding="jiao", tenders=[("cash", 5_000)])  # fmt: skip
    cut = sale.sell(a.ctx, a.cashier, [DraftLine("2001", 1, PriceChange(unit_fen=2_000))],
                    approval=OK, pay="wechat")  # fmt: skip
    amount = sale.walk_in(a.ctx, a.cashier, 1_234, pay="alipay")
    assert (mine.due_fen, walk.due_fen, cut.due_fen) == (3_900, 3_640, 2_000)
    a.sync()
    assert list_quarantine(hq.engine) == []
    # 9.00 + 30.00 by stored value; points: 9.00 × 2 + 30.00 = 48
    held = hq_member(hq, member_id)
    assert (held.principal_fen, held.points, held.cumulative_spend_fen) == (6_100, 48, 3_900)
    assert hq_txns(hq, [mine.txn_id, walk.txn_id, cut.txn_id, amount.txn_id]) == {
        mine.txn_id: ("sale.completed", member_id),
        walk.txn_id: ("sale.completed", None),
        cut.txn_id: ("sale.completed", None),
        amount.txn_id: ("sale.completed", None),
    }
    a2.sync()
    assert balances(a2, member_id) == balances(a, member_id) == (6_100, 0, 48, "active")


def _shift_a_share(ev: dict[str, Any]) -> None:
    one, two = ev["payload"]["cart"]["lines"]
    one["order_discount_fen"] += 1
    one["after_round_fen"] -= 1
    one["due_fen"] -= 1
    one["parts"]["cash"] -= 1
    two["order_discount_fen"] -= 1
    two["after_round_fen"] += 1
    two["due_fen"] += 1
    two["parts"]["cash"] += 1


def _walk_in_points(ev: dict[str, Any]) -> None:
    ev["payload"]["points_earned"] = 39


def _approval_dropped(ev: dict[str, Any]) -> None:
    ev["payload"]["approved_by"] = None
    ev["payload"]["approver_no"] = None


def _cheaper_than_hq(ev: dict[str, Any]) -> None:
    line = ev["payload"]["cart"]["lines"][0]
    line["unit_price_fen"] = 100


def test_forged_sales_are_quarantined_with_their_reason(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    discount = OrderDiscount(percent_bp=1000)
    cases = [
        (lambda: sale.sell(a.ctx, a.cashier, CART, order_discount=discount),
         _shift_a_share, "hq_money_mismatch"),
        (lambda: sale.sell(a.ctx, a.cashier, CART), _walk_in_points, "hq_sale_walk_in_invalid"),
        (lambda: sale.sell(a.ctx, a.cashier, [DraftLine("2001", 1, PriceChange(unit_fen=2_000))],
                           approval=OK), _approval_dropped, "hq_sale_approval_missing"),
        (lambda: sale.sell(a.ctx, a.cashier, CART), _cheaper_than_hq, "hq_sale_price_not_hqs"),
    ]  # fmt: skip
    made = []
    for make, change, code in cases:
        made.append(make().txn_id)
        reason = quarantined(forge(a, change), code)
        assert "{" not in reason
    assert len(list_quarantine(hq.engine)) == len(cases)
    assert hq_txns(hq, made) == {}  # applied nowhere
    # An honest sale after them goes through.
    ok = sale.sell(a.ctx, a.cashier, CART)
    a.sync()
    assert list(hq_txns(hq, [ok.txn_id])) == [ok.txn_id]


def test_a_sale_at_a_price_hq_has_since_changed_is_accepted(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    hq_catalogue.put_item(hq.engine, {**COLA, "price_fen": 400})  # a has not pulled it yet
    old = sale.sell(a.ctx, a.cashier, [DraftLine("1001", 2)])  # at 3.50, as a holds it
    a.sync()
    assert list_quarantine(hq.engine) == [] and list(hq_txns(hq, [old.txn_id]))
    now = sale.sell(a.ctx, a.cashier, [DraftLine("1001", 2)])  # pulled: 4.00
    assert now.due_fen == 800
    a.sync()
    assert list_quarantine(hq.engine) == []


def test_h0012_item_prices_up_down_up(hq_db) -> None:
    from sqlalchemy import inspect

    from server.db import make_engine, open_database
    from server.device_secrets import Keyring
    from tests.server.test_streams_migration import migrate_to

    engine = make_engine(hq_db.url)
    try:
        migrate_to(engine, "h0012")
        assert "hq_item_price" in inspect(engine).get_table_names()
        _downgrade(engine, "h0011")
        assert "hq_item_price" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    engine = open_database(hq_db.url, Keyring.generate())  # up to the head, as HQ starts
    try:
        assert "hq_item_price" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _downgrade(engine: Any, revision: str) -> None:
    from alembic import command

    from tests.server.test_streams_migration import MIGRATION_LOCK, _config

    cfg = _config()
    with MIGRATION_LOCK, engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()
