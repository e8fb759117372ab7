"""Receipts of a count-card sale, a visit and a refund, as a GB18030 printer gets them
(escpos Dummy bytes): the card, what was done, the times left per item and the expiry."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.services import countcards
from app.services.catalogue import add_item
from app.services.context import CounterContext
from app.services.countcard_products import save_product
from app.services.lookup import MemberView
from app.services.receipts import has_receipt, receipt_for_txn
from app.services.security import Actor, Approval
from devices.escpos_printer import RenderOptions, render_document


def printed(ctx: CounterContext, txn_id: str) -> str:
    doc = receipt_for_txn(ctx, txn_id)
    data = render_document(doc, RenderOptions(encoding="GB18030", width=80))
    return data.decode("gb18030", errors="replace")


@pytest.fixture
def sold(ctx: CounterContext, manager: Actor, cashier: Actor,
         register: Callable[..., MemberView]) -> tuple[str, str]:  # fmt: skip
    add_item(ctx, manager, code="WASH", name="精洗", price_fen=12_000, service=True)
    add_item(ctx, manager, code="WAX", name="打蜡", price_fen=30_000, service=True)
    items = [("WASH", 10, 2), ("WAX", 2, 0)]
    save_product(ctx, manager, code="CAR12", name="洗车套餐", items=items, price_fen=100_000,
                 validity_days=365)  # fmt: skip
    m = register(name="钱七")
    r = countcards.sell(ctx, cashier, m.member_id, "CAR12", tenders=[("cash", 100_000)])
    return m.member_id, r.txn_id


def test_sale_receipt_shows_the_card_price_times_and_expiry(ctx: CounterContext, sold) -> None:
    _member, txn_id = sold
    assert has_receipt(ctx, txn_id)
    text = printed(ctx, txn_id)
    assert "次卡购买" in text and "洗车套餐" in text and "钱七" in text
    assert "售价" in text and "1,000.00" in text and "现金" in text
    assert "精洗" in text and "12 次" in text and "2 次" in text
    assert "有效期至" in text and "2027-03-14" in text


def test_each_visit_and_the_refund_print_what_is_left(
    ctx: CounterContext, cashier: Actor, approval: Approval, sold
) -> None:
    member, _txn = sold
    first = countcards.use(ctx, cashier, member, {"WASH": 2, "WAX": 1})
    second = countcards.use(ctx, cashier, member, {"WASH": 1})
    one = printed(ctx, first.txn_id)
    assert "次卡消费" in one and "本次 精洗" in one and "本次核销" in one and "249.99" in one
    assert "10 次" in one and "1 次" in one  # 精洗 10 left, 打蜡 1, after the first visit
    two = printed(ctx, second.txn_id)
    assert "9 次" in two and "83.33" in two  # the second receipt: as it stood after it
    assert "10 次" not in two
    back = countcards.refund(ctx, cashier, member, approval=approval)
    text = printed(ctx, back.txn_id)
    assert "次卡退卡" in text and "退卡金额" in text and "666.68" in text  # ¥1000 − 4 × ¥83.33 used
    assert "退回现金" in text and "0 次" in text and "授权" in text
