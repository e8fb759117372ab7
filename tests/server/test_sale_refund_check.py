"""HQ's check of ``sale.refunded`` (server.sale_refunds) on real events a counter made: the
honest ones pass, and each forged figure — stored value, points, spend, tenders, list share,
a line twice, a walk-in's refund with member figures — is refused with its reason."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from app.domain.held import DraftLine
from app.services import catalogue, partial_refunds, sale
from app.services.points import adjust_points
from app.services.stored_value import top_up
from server import sale_refunds
from server.validate import parse
from tests.helpers import query


@pytest.fixture
def made(ctx, manager, cashier, register, approval) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A member's sale (stored value, cash and points), a walk-in's, a refund of each."""
    catalogue.add_item(ctx, manager, code="1001", name="可口可乐", price_fen=350)
    catalogue.add_item(ctx, manager, code="2001", name="洗车", price_fen=3_000)
    m = register("张三", "13800138000")
    top_up(ctx, cashier, m.member_id, 1_000, "cash")
    adjust_points(ctx, cashier, m.member_id, 500, "活动赠送", approval)
    cart = [DraftLine("1001", 3), DraftLine("2001", 1)]
    s = sale.sell(ctx, cashier, cart, member=m.member_id, points=200,
                  tenders=[("stored_value", 1_000), ("cash", 2_850)])  # fmt: skip
    w = sale.sell(ctx, cashier, cart, tenders=[("cash", 5_000)])
    r = partial_refunds.refund(ctx, cashier, s.txn_id, {0: 2, 1: 1}, "质量问题", approval)
    v = partial_refunds.refund(ctx, cashier, w.txn_id, {0: 1}, "其他", approval)
    bodies = {}
    for (payload,) in query(ctx, "SELECT payload FROM outbox ORDER BY device_seq"):
        body = json.loads(payload)
        bodies[body.get("txn_id")] = body
    return {"sale": bodies[s.txn_id], "refund": bodies[r.txn_id], "walk_in": bodies[w.txn_id],
            "walk_in_refund": bodies[v.txn_id]}  # fmt: skip


def _check(sale_body: dict, refund_body: dict, earlier: list | None = None) -> None:  # type: ignore[type-arg]
    sale_refunds.check(sale_body, earlier or [], parse("sale.refunded", refund_body))


def test_the_counters_refunds_pass(made: dict[str, Any]) -> None:
    _check(made["sale"], made["refund"])
    _check(made["walk_in"], made["walk_in_refund"])
    assert made["refund"]["sv_entries"][0]["kind"] == "spend_reversal"
    assert {e["kind"] for e in made["refund"]["points_entries"]} == {"redeem_reversal",
                                                                      "clawback"}  # fmt: skip


def _sv(p: dict) -> None:  # type: ignore[type-arg]
    p["sv_entries"][0]["principal_fen"] += 1


def _no_sv(p: dict) -> None:  # type: ignore[type-arg]
    p["sv_entries"] = []


def _more_points(p: dict) -> None:  # type: ignore[type-arg]
    next(e for e in p["points_entries"] if e["kind"] == "redeem_reversal")["points"] += 500


def _clawback_sign(p: dict) -> None:  # type: ignore[type-arg]
    e = next(e for e in p["points_entries"] if e["kind"] == "clawback")
    e["points"] = -e["points"]


def _spend(p: dict) -> None:  # type: ignore[type-arg]
    p["cumulative_spend_delta_fen"] -= 1


def _change(p: dict) -> None:  # type: ignore[type-arg]
    p["tenders"][0]["change_fen"] = 1


def _list_share(p: dict) -> None:  # type: ignore[type-arg]
    p["lines"][0]["list_fen"] += 1


def _twice(p: dict) -> None:  # type: ignore[type-arg]
    p["lines"].append({**p["lines"][0], "quantity": 1})


def _shortfall(p: dict) -> None:  # type: ignore[type-arg]
    p["points_shortfall"] += 1


FORGERIES = [_sv, _no_sv, _more_points, _clawback_sign, _spend, _change, _list_share, _twice,
             _shortfall]  # fmt: skip


@pytest.mark.parametrize("forge", FORGERIES)
def test_a_forged_figure_is_refused(made: dict[str, Any], forge: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
    body = copy.deepcopy(made["refund"])
    forge(body)
    with pytest.raises(sale_refunds.SaleRefundRefused) as exc:
        _check(made["sale"], body)
    assert exc.value.code in {"sale_refund_mismatch", "sale_refund_over"}


def test_a_walk_ins_refund_moves_no_member(made: dict[str, Any]) -> None:
    body = copy.deepcopy(made["walk_in_refund"])
    body["cumulative_spend_delta_fen"] = -100
    with pytest.raises(sale_refunds.SaleRefundRefused) as exc:
        _check(made["walk_in"], body)
    assert exc.value.code == "sale_refund_mismatch"


def test_earlier_refunds_count(made: dict[str, Any]) -> None:
    """The same refund again, after the first: 2 colas of the 1 that remains."""
    with pytest.raises(sale_refunds.SaleRefundRefused) as exc:
        _check(made["sale"], made["refund"], [made["refund"]])
    assert exc.value.code == "sale_refund_over"
    assert exc.value.params == {"line": 1, "remaining": 1}
