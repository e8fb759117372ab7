"""Cart and walk-in sales offline (issue 16): the offline limits HQ sets apply to a cart
sale's stored value and points as to the amount checkout's, counting the amount checkout's
offline spend too; cash and walk-in sales are not limited; back online, everything made
offline reaches HQ and the store's other counter."""

from __future__ import annotations

import pytest

from app.domain.errors import RuleError
from app.domain.held import DraftLine
from app.services import sale
from app.services.checkout import checkout
from server import admin
from server import catalogue as hq_catalogue
from server.quarantine import list_quarantine
from tests.hqkit import HQServer
from tests.server.test_authority import balances
from tests.sync.test_conflicts import PHONE, go_offline, member_with

WASH = {"code": "2001", "name": "洗车", "price_fen": 3_000, "unit": "次", "service": True}


def test_offline_limits_apply_to_cart_sales(hq: HQServer, make_counter) -> None:
    admin.set_offline_limits(hq.engine, per_txn_fen=3_000, per_txn_points=100, window_hours=24)
    hq_catalogue.put_item(hq.engine, WASH)
    c, c2 = make_counter("S001"), make_counter("S001")
    member_id = member_with(c, 10_000)
    c.sync()
    c2.sync()
    go_offline(c)

    with pytest.raises(RuleError) as exc:
        sale.sell(c.ctx, c.cashier, [DraftLine("2001", 2)], member=PHONE)  # 60.00 > 30.00
    assert exc.value.code == "offline_txn_limit"
    sale.sell(c.ctx, c.cashier, [DraftLine("2001", 1)], member=PHONE)
    checkout(c.ctx, c.cashier, PHONE, 3_000)
    sale.sell(c.ctx, c.cashier, [DraftLine("2001", 1)], member=PHONE)
    # 100.00 synced, 90.00 spent offline by cart and amount checkouts alike: 10.00 left
    with pytest.raises(RuleError) as exc:
        sale.sell(c.ctx, c.cashier, [DraftLine("2001", 1)], member=PHONE)
    assert exc.value.code == "offline_member_limit"
    sale.sell(c.ctx, c.cashier, [DraftLine("2001", 1)], member=PHONE, pay="cash")
    sale.sell(c.ctx, c.cashier, [DraftLine("2001", 3)])  # a walk-in: no limit
    sale.walk_in(c.ctx, c.cashier, 50_000)

    c.sync()
    assert list_quarantine(hq.engine) == []
    c2.sync()
    # four sales of 30.00 to the member earn 30 points each
    assert balances(c2, member_id) == balances(c, member_id) == (1_000, 0, 120, "active")
