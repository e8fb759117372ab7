"""Every table model passes Qt's model tester, empty and with rows."""

from __future__ import annotations

import pytest

from app.services.checkout import checkout
from app.services.history import member_history
from app.services.refunds import refund
from app.services.stored_value import top_up
from ui.models import CheckoutsModel, PointsModel, RefundsModel, TiersModel, TopUpsModel


@pytest.fixture
def history(ctx, cashier, register, approval):
    m = register(name="张三", phone="13800138000")
    top_up(ctx, cashier, m.member_id, 200_000, "wechat")
    paid = checkout(ctx, cashier, m.member_id, 120_000)  # crosses the silver threshold
    checkout(ctx, cashier, m.member_id, 1_000, pay="cash", tenders=[("cash", 2_000)])
    refund(ctx, cashier, paid.txn_id, approval)
    return member_history(ctx, cashier, m.member_id)


@pytest.mark.parametrize(
    ("model_class", "rows"),
    [
        (TopUpsModel, "topups"),
        (CheckoutsModel, "checkouts"),
        (RefundsModel, "refunds"),
        (PointsModel, "points"),
        (TiersModel, "tiers"),
    ],
)
def test_models_pass_the_model_tester(qtmodeltester, qapp, history, model_class, rows) -> None:
    model = model_class()
    qtmodeltester.check(model)
    model.set_rows(getattr(history, rows))
    assert model.rowCount() == len(getattr(history, rows)) > 0
    qtmodeltester.check(model)
    first = model.data(model.index(0, 0))
    assert isinstance(first, str) and first.startswith("2026-03-15")


def test_checkout_rows_read_like_the_receipt(qapp, history) -> None:
    model = CheckoutsModel()
    model.set_rows(history.checkouts)
    newest = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert newest[CheckoutsModel.Col.AMOUNT] == "¥10.00"
    assert newest[CheckoutsModel.Col.DISCOUNT] == "¥0.20"  # silver: 2 %
    assert newest[CheckoutsModel.Col.TENDERS] == "现金 ¥9.80"  # 20 handed over, 10.20 back
    older = [model.data(model.index(1, c)) for c in range(model.columnCount())]
    assert older[CheckoutsModel.Col.TIME].endswith("(已退)")
