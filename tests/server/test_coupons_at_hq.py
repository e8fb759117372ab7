"""Coupons and a real HQ before HQ can check them: an enrolled counter takes none, and a sale
carrying coupons (a modified counter's) is set aside with its reason, never applied on the
counter's word."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.domain.coupons import VOUCHER, Terms, Validity, new_code, terms_wire
from app.domain.errors import RuleError
from app.domain.ids import uuid7
from app.services import coupons, sale
from app.services.security import sign_in
from server.quarantine import list_quarantine
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer
from tests.server.test_authority import forge, quarantined
from tests.server.test_sales_at_hq import CART, chain, hq_txns


def test_a_counter_of_a_chain_takes_no_coupons_and_its_other_sales_go_on(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """HQ cannot check coupons yet: an enrolled counter makes, issues and takes none (their
    events would wait at HQ, and the member's later events behind them)."""
    a, _a2 = chain(hq, make_counter)
    manager = sign_in(a.ctx, MANAGER_NO, MANAGER_PIN)
    with pytest.raises(RuleError) as refused:
        coupons.add_template(
            a.ctx, manager, name="代金5元", terms=Terms(VOUCHER, amount_fen=500),
            validity=Validity(days=30),
        )  # fmt: skip
    assert refused.value.code == "coupon_chain_not_yet"
    plain = sale.sell(a.ctx, a.cashier, CART)
    a.sync()
    assert list(hq_txns(hq, [plain.txn_id])) == [plain.txn_id]
    assert list_quarantine(hq.engine) == []


def _with_a_coupon(ev: dict) -> None:
    cart = ev["payload"]["cart"]
    n = len(cart["lines"])
    cart["coupons"] = [{
        "coupon_id": uuid7(), "code": new_code(), "template_id": uuid7(),
        "terms": terms_wire(Terms(VOUCHER, amount_fen=1)), "lines": list(range(n)),
        "discount_fen": 0, "shares": [0] * n, "entry_id": uuid7(),
    }]  # fmt: skip


def test_a_sale_carrying_coupons_is_quarantined_with_its_reason(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    made = sale.sell(a.ctx, a.cashier, CART)  # a walk-in's: waits behind no member's events
    reason = quarantined(forge(a, _with_a_coupon), "hq_coupon_unverified")
    assert "优惠券" in reason
    assert hq_txns(hq, [made.txn_id]) == {}
