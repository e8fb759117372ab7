"""Coupons reaching a real HQ before HQ knows them: the coupon events are set aside as of a
type HQ does not know, the member's sale with the coupon waits behind them (never applied on
the counter's word), and the counter's other sales go on."""

from __future__ import annotations

from collections.abc import Callable

from app.domain.coupons import VOUCHER, Terms, Validity, new_code, terms_wire
from app.domain.ids import uuid7
from app.services import coupons, sale
from app.services.members import Registration, register_member
from app.services.security import sign_in
from server.quarantine import list_quarantine
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer
from tests.server.test_authority import forge, quarantined
from tests.server.test_sales_at_hq import CART, chain, hq_txns


def test_a_sale_with_a_coupon_is_not_applied_at_hq_on_the_counters_word(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    manager = sign_in(a.ctx, MANAGER_NO, MANAGER_PIN)
    t = coupons.add_template(a.ctx, manager, name="代金5元", terms=Terms(VOUCHER, amount_fen=500),
                             validity=Validity(days=30))  # fmt: skip
    m = register_member(
        a.ctx, a.cashier, Registration(name="周七", phone="13900000777", consent=True)
    ).member_id
    c = coupons.issue(a.ctx, a.cashier, m, t.template_id)
    used = sale.sell(a.ctx, a.cashier, CART, member=m, pay="cash", coupons=[c.code])
    plain = sale.sell(a.ctx, a.cashier, CART)  # a walk-in's, no coupon
    a.sync()
    assert hq_txns(hq, [used.txn_id]) == {}
    assert list(hq_txns(hq, [plain.txn_id])) == [plain.txn_id]
    codes = {q["code"] for q in list_quarantine(hq.engine)}
    assert codes == {"hq_type_unknown", "hq_waiting"}


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
