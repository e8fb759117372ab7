"""Properties of partial refunds over the REAL service on a real SQLite file (issue 16): sell
any cart — member prices, 改价, 整单折扣, 抹零, points, stored value and cash — and refund it in
any sequence of partial refunds. Nothing beyond what remains is ever refunded; when all is
back the member's stored value (principal and bonus), points, spend and tier are where they
were and the cash paid back is the cash paid; and HQ's check (its schema, and its refund of
the same lines against its copy of the sale and of the earlier refunds) accepts every event
the counter computed."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.domain.cart import OrderDiscount
from app.domain.errors import CounterError
from app.services import partial_refunds, sale
from app.services.members import Registration, register_member
from app.services.points import adjust_points
from app.services.security import Approval
from app.services.stored_value import top_up
from server import sale_refunds
from server import schemas as s
from server.validate import parse
from tests.conftest import MANAGER_NO, MANAGER_PIN
from tests.helpers import ledger_checked, query
from tests.unit.test_sale_properties import lines, shop  # noqa: F401  (the fixture)
from tests.unit.test_service_properties import Shared

OK = Approval(MANAGER_NO, MANAGER_PIN)


def _events(ctx, txn_ids: set[str]) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    out = {}
    for payload in query(ctx, "SELECT payload FROM outbox ORDER BY device_seq"):
        body = json.loads(payload[0])
        if body.get("txn_id") in txn_ids:
            out[body["txn_id"]] = body
    return out


def _member(ctx, member_id: str) -> tuple:  # type: ignore[no-untyped-def]
    return query(ctx, "SELECT principal_fen, bonus_fen, points, cumulative_spend_fen, tier_code "
                      "FROM member WHERE id = ?", member_id)[0]  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cart=lines,
    walk_in=st.booleans(),
    discount=st.none() | st.builds(OrderDiscount, st.integers(1, 3000), st.none()),
    rounding=st.sampled_from(["none", "jiao", "yuan"]),
    data=st.data(),
)
def test_any_sequence_of_partial_refunds_gives_back_exactly_what_was_paid(
    shop: Shared,  # noqa: F811
    cart: list,  # type: ignore[type-arg]
    walk_in: bool,
    discount: OrderDiscount | None,
    rounding: str,
    data: st.DataObject,
) -> None:
    ctx, manager = shop.ctx, shop.manager
    mid = None
    points = 0
    tenders: list[tuple[str, int]] = []
    if not walk_in:
        n = next(shop.phones)
        mid = register_member(ctx, manager, Registration(name=f"退{n}", phone=f"135{n:08d}",
                                                         consent=True)).member_id  # fmt: skip
        top_up(ctx, manager, mid, 500_000, "cash")  # principal and a bonus
        adjust_points(ctx, manager, mid, 5_000, "活动赠送", OK)
        points = data.draw(st.sampled_from([0, 100, 1_000]), label="points")
        sv = data.draw(st.sampled_from([0, 1, 999, 5_000]), label="stored value")
        tenders = [("stored_value", sv)] if sv else []
    tenders.append(("cash", 10_000_000))
    before = _member(ctx, mid) if mid else None
    try:
        r = sale.sell(ctx, manager, cart, member=mid, order_discount=discount,
                      rounding=rounding, points=points, tenders=tenders)  # fmt: skip
    except CounterError as exc:
        assert exc.code in {"points_over_cap", "tender_overpaid"}, exc.code
        event(f"refused: {exc.code}")
        return
    refunds = []
    left = {x.line_no: x.left for x in partial_refunds.refundable(ctx, r.txn_id)}
    while any(left.values()):
        open_ = sorted(n for n, q in left.items() if q)
        chosen = data.draw(st.lists(st.sampled_from(open_), min_size=1, unique=True), label="lines")
        request = {n: data.draw(st.integers(1, left[n] + 1), label="qty") for n in chosen}
        try:
            x = partial_refunds.refund(ctx, manager, r.txn_id, request, "其他", OK)
        except CounterError as exc:  # one over what remains: refused, nothing changed
            assert exc.code == "refund_quantity_over", exc.code
            assert any(q > left[n] for n, q in request.items())
            continue
        assert all(q <= left[n] for n, q in request.items())
        for n, q in request.items():
            left[n] -= q
        assert {y.line_no: y.left for y in x.lines} == {n: left[n] for n in request}
        refunds.append(x)
    event(f"{len(refunds)} refunds")
    assert refunds[-1].all_refunded
    paid_cash = sum(t.net_fen for t in r.tenders if t.method == "cash")
    assert sum(f for x in refunds for m, f in x.money_back if m == "cash") == paid_cash
    assert sum(x.money_fen for x in refunds) == r.due_fen
    assert sum(x.points_restored for x in refunds) == r.points_used
    if mid is not None:
        assert sum(x.points_clawed_back + x.points_shortfall for x in refunds) == r.points_earned
        assert _member(ctx, mid) == before
        ledger_checked(ctx, mid)
    # HQ accepts what the counter computed: the schema, and its own refund of the same lines
    # against the sale and the refunds it accepted before.
    evs = _events(ctx, {r.txn_id, *(x.txn_id for x in refunds)})
    accepted: list[dict] = []  # type: ignore[type-arg]
    for x in refunds:
        body = evs[x.txn_id]
        ev = parse("sale.refunded", body)
        assert isinstance(ev, s.SaleRefunded)
        sale_refunds.check(evs[r.txn_id], accepted, ev)
        accepted.append(body)
