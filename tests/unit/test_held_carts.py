"""Hold and recall (挂单 / 取单, issue 16 point 4) on a real counter file: a held cart keeps
what was entered and is priced again when recalled; it survives a restart and a cashier
switch; it is off the list while recalled; the daily close refuses open held carts."""

from __future__ import annotations

import pytest

from app.domain.cart import OrderDiscount, PriceChange
from app.domain.errors import CounterError
from app.domain.held import CartDraft, DraftLine
from app.services import catalogue, closing, held, sale
from app.services.context import open_counter
from app.services.security import sign_in
from app.services.stored_value import top_up
from tests.conftest import MANAGER_NO, MANAGER_PIN
from tests.helpers import query


@pytest.fixture
def items(ctx, manager) -> None:
    catalogue.save_category(ctx, manager, "drink", name="饮料", points_multiplier_permille=2000)
    catalogue.add_item(ctx, manager, code="1001", name="可口可乐", price_fen=350,
                       barcodes=["6901234567892"], category="drink",
                       member_prices={"*": 300})  # fmt: skip
    catalogue.add_item(ctx, manager, code="2001", name="洗车", price_fen=3_000, service=True)


def draft(member_id: str | None = None, **more) -> CartDraft:
    lines = (DraftLine("1001", 3), DraftLine("2001", 1, PriceChange(unit_fen=2_500)))
    return CartDraft(lines=lines, member_id=member_id, **more)


def refused(code: str, call, *args, **kwargs) -> None:
    with pytest.raises(CounterError) as exc:
        call(*args, **kwargs)
    assert exc.value.code == code, exc.value.code


def test_hold_list_recall_for_a_member_and_a_walk_in(ctx, cashier, register, items) -> None:
    member = register("张三", "13800138000")
    walk_in = held.hold(ctx, cashier, draft(order_discount=OrderDiscount(amount_fen=50)),
                        note="穿红衣服的")  # fmt: skip
    mine = held.hold(ctx, cashier, draft(member.member_id, rounding="yuan"))
    # walk-in: 3 × 3.50 + 25.00 − 0.50; member: 3 × 3.00 (会员价) + 25.00 = 34.00, 抹零 to yuan
    assert (walk_in.number, walk_in.total_fen, walk_in.member_name) == (1, 3_500, None)
    assert (mine.number, mine.total_fen, mine.member_name) == (2, 3_400, "张三")
    listed = held.open_held(ctx, cashier)
    assert [(v.number, v.line_count, v.note) for v in listed] == [
        (1, 2, "穿红衣服的"),
        (2, 2, None),
    ]

    back = held.recall(ctx, cashier, 2)
    assert back.draft == draft(member.member_id, rounding="yuan")
    assert [v.number for v in held.open_held(ctx, cashier)] == [1]  # off the list
    refused("held_cart_recalled", held.recall, ctx, cashier, 2)  # no second screen pays it
    held.put_back(ctx, cashier, 2)  # the open cart was cancelled
    assert [v.number for v in held.open_held(ctx, cashier)] == [1, 2]


def test_a_recalled_cart_is_priced_again_with_todays_prices(ctx, cashier, manager, items) -> None:
    held.hold(ctx, cashier, draft())
    catalogue.update_item(ctx, manager, "1001", price_fen=400)
    back = held.recall(ctx, cashier, 1)
    # (the sale prices it; the list keeps the total as held)
    assert back.view.total_fen == 3 * 350 + 2_500
    with ctx.reader() as uow:
        lines = held.draft_lines(uow, back.draft)
    assert [(x.item_code, x.unit_price_fen) for x in lines] == [("1001", 400), ("2001", 3_000)]
    catalogue.deactivate_item(ctx, manager, "2001")
    with ctx.reader() as uow:
        refused("item_unknown", held.draft_lines, uow, back.draft)


def test_held_carts_survive_a_restart_and_a_cashier_switch(ctx, data_dir, clock, cashier,
                                                           items) -> None:  # fmt: skip
    held.hold(ctx, cashier, draft())
    held.hold(ctx, cashier, draft())
    held.recall(ctx, cashier, 2)  # being paid when the counter went down
    ctx.close()
    again = open_counter(data_dir, clock=clock)
    try:
        assert held.put_back_all(again) == 1
        other = sign_in(again, MANAGER_NO, MANAGER_PIN)  # another of the staff
        assert [v.number for v in held.open_held(again, other)] == [1, 2]
        assert held.recall(again, other, 1).view.held_by == cashier.name
    finally:
        again.close()


def test_bad_input_is_refused_and_changes_nothing(ctx, cashier, items, snapshot) -> None:
    before = snapshot()
    refused("held_cart_empty", held.hold, ctx, cashier, CartDraft(lines=()))
    refused("held_cart_invalid", held.hold, ctx, cashier,
            CartDraft(lines=(DraftLine("1001", 0),)))  # fmt: skip
    refused("held_cart_invalid", held.hold, ctx, cashier,
            CartDraft(lines=(DraftLine("1001", 1),), rounding="fen"))  # fmt: skip
    refused(
        "held_cart_invalid",
        held.hold,
        ctx,
        cashier,
        CartDraft(lines=(DraftLine("1001", 1, PriceChange(unit_fen=1, line_fen=2)),)),
    )
    refused("item_unknown", held.hold, ctx, cashier, CartDraft(lines=(DraftLine("9999", 1),)))
    refused("held_cart_invalid", held.hold, ctx, cashier, draft(), note="长" * 41)
    refused("held_cart_not_found", held.recall, ctx, cashier, 7)
    assert snapshot() == before


def test_discard_needs_a_reason_and_closes_the_cart(ctx, cashier, items, snapshot) -> None:
    held.hold(ctx, cashier, draft())
    before = snapshot()
    refused("held_discard_reason", held.discard, ctx, cashier, 1, "  ")
    assert snapshot() == before
    assert held.discard(ctx, cashier, 1, "顾客不要了").state == "discarded"
    assert held.open_held(ctx, cashier) == []
    refused("held_cart_closed", held.recall, ctx, cashier, 1)
    with ctx.reader() as uow:
        actions = [e.action for e in uow.audit_entries()][-2:]
    assert actions == ["cart.hold", "cart.discard"]


def test_the_daily_close_refuses_open_held_carts(ctx, cashier, manager, items) -> None:
    held.hold(ctx, cashier, draft())
    held.hold(ctx, cashier, draft())
    held.recall(ctx, cashier, 2)
    with pytest.raises(CounterError) as exc:
        closing.close_day(ctx, manager)
    assert exc.value.code == "held_carts_open"
    assert "2 张挂单" in exc.value.message and "1, 2" in exc.value.message
    held.discard(ctx, cashier, 1, "顾客走了")
    held.put_back(ctx, cashier, 2)
    held.discard(ctx, cashier, 2, "顾客走了")
    assert closing.close_day(ctx, manager)["closed"] is True


def test_a_recalled_cart_is_paid_once(ctx, cashier, manager, register, items, snapshot) -> None:
    member = register("张三", "13800138000")
    top_up(ctx, cashier, "13800138000", 10_000, "cash")
    lines = (DraftLine("1001", 3), DraftLine("2001", 1))
    held.hold(ctx, cashier, CartDraft(lines, member.member_id, rounding="yuan"))
    d = held.recall(ctx, cashier, 1).draft
    paid = sale.sell(ctx, cashier, list(d.lines), member=d.member_id, rounding=d.rounding,
                     held_number=1)  # fmt: skip
    assert paid.due_fen == 3_900  # priced again: 3 × 3.00 (会员价) + 30.00
    assert query(ctx, "SELECT state, txn_id FROM held_cart") == [("sold", paid.txn_id)]
    before = snapshot()
    with pytest.raises(CounterError) as exc:
        sale.sell(ctx, cashier, list(d.lines), member=d.member_id, held_number=1)
    assert exc.value.code == "held_cart_closed"
    assert snapshot() == before  # the second sale is refused whole
    assert closing.close_day(ctx, manager)["closed"] is True
