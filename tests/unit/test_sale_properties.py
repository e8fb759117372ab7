"""Properties of cart sales over the REAL service on a real SQLite file: whatever the lines,
member prices, 改价, 整单折扣, 抹零, points and split of stored value and cash, the stored lines
add up to the sale and to the member's ledgers to the fen, and refunding everything from
the stored lines (in one go or in two) gives back exactly the stored value, points redeemed
and earned, and spend."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.domain.cart import OrderDiscount, PriceChange
from app.domain.errors import CounterError
from app.domain.held import DraftLine
from app.domain.partial_refund import refund_lines
from app.persistence import sale_store
from app.ports import FixedClock
from app.services import catalogue, sale
from app.services.checkout import checkout
from app.services.members import Registration, register_member
from app.services.points import adjust_points
from app.services.security import Approval
from app.services.stored_value import top_up
from tests.conftest import MANAGER_NO, MANAGER_PIN, START
from tests.helpers import query
from tests.unit.test_service_properties import Shared, new_counter

ITEMS = {"A1": (350, {"*": 300}), "B2": (3_000, {"gold": 2_500}), "C3": (99, {}),
         "D4": (12_800, {"*": 12_000, "diamond": 11_000})}  # fmt: skip


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    ctx, manager, cashier = new_counter(tmp_path_factory.mktemp("sale") / "data",
                                        FixedClock(START))  # fmt: skip
    catalogue.save_category(ctx, manager, "x2", name="双倍", points_multiplier_permille=2000)
    for code, (price, member) in ITEMS.items():
        catalogue.add_item(ctx, manager, code=code, name=f"商品{code}", price_fen=price,
                           member_prices=member, category="x2" if code == "A1" else None,
                           points_eligible=code != "C3")  # fmt: skip
    yield Shared(ctx, manager, cashier, iter(range(10**8)))
    ctx.close()


lines = st.lists(
    st.builds(
        DraftLine,
        st.sampled_from(sorted(ITEMS)),
        st.integers(1, 20),
        st.none() | st.builds(PriceChange, st.integers(0, 20_000), st.none()),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cart=lines,
    spend=st.sampled_from([0, 200_000, 2_000_000]),
    discount=st.none() | st.builds(OrderDiscount, st.integers(1, 3000), st.none()),
    rounding=st.sampled_from(["none", "jiao", "yuan"]),
    data=st.data(),
)
def test_stored_lines_add_up_and_refund_exactly(
    shop: Shared,
    cart: list[DraftLine],
    spend: int,
    discount: OrderDiscount | None,
    rounding: str,
    data: st.DataObject,
) -> None:
    ctx, manager = shop.ctx, shop.manager
    n = next(shop.phones)
    mid = register_member(ctx, manager, Registration(name=f"买{n}", phone=f"136{n:08d}",
                                                     consent=True)).member_id  # fmt: skip
    top_up(ctx, manager, mid, 500_000, "cash")
    adjust_points(ctx, manager, mid, 5_000, "活动赠送", Approval(MANAGER_NO, MANAGER_PIN))
    if spend:  # a higher tier: other member prices and tier discounts
        sale.walk_in(ctx, manager, 1)  # (a walk-in sale between them changes nothing)
        checkout(ctx, manager, mid, spend, pay="cash")
    points = data.draw(st.sampled_from([0, 100, 1_000]), label="points")
    sv = data.draw(st.sampled_from([0, 1, 999, 5_000]), label="stored value")
    # stored value first, then cash with change for the rest
    tenders = [("stored_value", sv)] if sv else []
    tenders.append(("cash", 10_000_000))
    try:
        r = sale.sell(ctx, manager, cart, member=mid, order_discount=discount,
                      rounding=rounding, points=points, tenders=tenders)  # fmt: skip
    except CounterError as exc:  # points over the cap, stored value over the bill
        assert exc.code in {"points_over_cap", "tender_overpaid"}, exc.code
        event(f"refused: {exc.code}")
        return
    assert r.cart is not None
    assert sum(t.net_fen for t in r.tenders if t.method == "stored_value") == sv
    sv_rows = query(ctx, "SELECT COALESCE(SUM(principal_fen), 0), COALESCE(SUM(bonus_fen), 0) "
                         "FROM sv_entry WHERE txn_id = ?", r.txn_id)[0]  # fmt: skip
    txn = r.txn_id
    rows = sale_store_rows(ctx, txn)
    assert sum(x["due_fen"] for x in rows) == r.due_fen
    assert sum(x["points_used"] for x in rows) == r.points_used
    assert sum(x["points_value_fen"] for x in rows) == r.points_value_fen
    assert sum(x["points_earned"] for x in rows) == r.points_earned
    assert sum(x["parts"]["cash"] for x in rows) == r.paid_fen - sv
    if sv:
        assert sum(x["parts"]["stored_value.principal"] for x in rows) == -sv_rows[0]
        assert sum(x["parts"]["stored_value.bonus"] for x in rows) == -sv_rows[1]
    assert [x["after_round_fen"] for x in rows] == [sum(x["parts"].values()) for x in rows]
    earned = query(ctx, "SELECT COALESCE(SUM(points), 0) FROM points_entry WHERE txn_id = ? "
                        "AND kind = 'earn'", txn)[0][0]  # fmt: skip
    assert earned == r.points_earned
    with ctx.reader() as uow:
        sold = sale_store.sold_lines(uow, txn)
    whole = refund_lines(sold, [], {s.index: s.quantity for s in sold})
    assert whole.money_fen == r.due_fen and whole.points_used == r.points_used
    assert whole.stored_value_fen == sv
    assert whole.points_earned == r.points_earned
    first = refund_lines(sold, [], {s.index: s.quantity // 2 for s in sold if s.quantity > 1}
                         ) if any(s.quantity > 1 for s in sold) else None  # fmt: skip
    if first is not None:
        rest = refund_lines(sold, first.lines, first.remaining)
        assert first.parts.keys() <= whole.parts.keys()
        for key, fen in whole.parts.items():
            assert first.parts.get(key, 0) + rest.parts.get(key, 0) == fen
        assert first.points_earned + rest.points_earned == whole.points_earned


def sale_store_rows(ctx, txn_id: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    names = ("due_fen", "points_used", "points_value_fen", "points_earned", "after_round_fen",
             "parts")  # fmt: skip
    rows = query(ctx, f"SELECT {', '.join(names)} FROM txn_line WHERE txn_id = ? "
                      "ORDER BY line_no", txn_id)  # fmt: skip
    out = [dict(zip(names, r, strict=True)) for r in rows]
    for x in out:
        x["parts"] = json.loads(x["parts"])
    return out
