"""HQ's side of refunding a sale at another store (issue 16 point 5): ``POST /v1/sales/get``
answers a device of the chain with a cart sale by its whole 单号 (paced like a member lookup,
no phone number in the answer, nothing for part of a number, an unsigned or unknown device
refused), and ``sale.refunded`` of another store's sale is checked against HQ's own copy:
accepted when it is what the sale gives, quarantined when more than remains or when the
money goes back by tenders the policy does not allow. A real HQ on 127.0.0.1, SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.domain.held import DraftLine
from app.services import partial_refunds, sale
from app.services.members import Registration, register_member
from app.services.security import Approval
from app.services.stored_value import top_up
from server.gate import Rate
from server.quarantine import list_quarantine
from sync import wire
from sync.chain_sales import HQChainSales
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, Database, HQServer, signed_post
from tests.server.test_authority import forge, quarantined
from tests.server.test_sales_at_hq import CART, chain

P1 = "13900000421"
OK = Approval(MANAGER_NO, MANAGER_PIN)


def ask(hq: HQServer, counter: Counter, number: str) -> Any:
    config = counter.client().config
    body = json.dumps({"number": number}).encode()
    return signed_post(hq.base_url, config.device_id, config.secret, wire.SALE_GET_PATH, body)


def test_a_sale_is_answered_to_any_store_of_the_chain_by_its_whole_number(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    b = make_counter("S002")
    member_id = register_member(
        a.ctx, a.cashier, Registration(name="郑四", phone=P1, consent=True)
    ).member_id
    top_up(a.ctx, a.cashier, P1, 5_000, "cash")
    s = sale.sell(a.ctx, a.cashier, CART, member=P1,
                  tenders=[("stored_value", 2_000), ("cash", 1_900)])  # fmt: skip
    partial_refunds.refund(a.ctx, a.cashier, s.txn_id, {0: 1}, "质量问题", OK)
    amount_only = sale.walk_in(a.ctx, a.cashier, 1_000)
    a.sync()
    answer = ask(hq, b, s.txn_id)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["sale_id"] == s.txn_id and body["store_code"] == "S001"
    assert body["sale"]["member_id"] == member_id
    assert [x["quantity"] for x in body["sale"]["cart"]["lines"]] == [3, 1]
    assert [[x["line_no"] for x in p["lines"]] for p in body["refunds"]] == [[0]]
    assert P1 not in answer.text and P1[-4:] not in answer.text  # no number, not even masked
    assert "pay_password" not in answer.text
    # The number of the receipt, upper case, is the same sale.
    assert ask(hq, b, s.txn_id.upper()).json()["sale_id"] == s.txn_id
    # The device that read it may now fetch the member (another store's) to credit them.
    assert b.client().fetch(member_id)["member"]["id"] == member_id
    for number in (
        "01900000-0000-7000-8000-000000000000",  # no such sale
        amount_only.txn_id,  # an amount-only sale has no lines to refund
    ):
        missing = ask(hq, b, number)
        assert missing.status_code == 404 and missing.json()["code"] == "sale_unknown"
    part = ask(hq, b, s.txn_id[-12:])  # part of a number finds nothing: no walking the chain
    assert part.status_code == 422
    # Neither an unsigned request nor a device HQ never enrolled (another chain's) is answered.
    body_bytes = json.dumps({"number": s.txn_id}).encode()
    import requests

    unsigned = requests.post(hq.base_url + wire.SALE_GET_PATH, data=body_bytes, timeout=10,
                             headers={"Content-Type": "application/json"})  # fmt: skip
    assert unsigned.status_code == 401
    stranger = signed_post(hq.base_url, "01900000-0000-7000-8000-00000000abcd", "0" * 64,
                           wire.SALE_GET_PATH, body_bytes)  # fmt: skip
    assert stranger.status_code == 401 and s.txn_id not in stranger.text


@pytest.fixture
def gated(hq_db: Database) -> Iterator[HQServer]:
    server = HQServer(hq_db.url, rates={"lookup": Rate(1.0, 3)})
    server.start()
    yield server
    server.close()


def test_sale_reads_are_paced_as_lookups(
    gated: HQServer, make_counter: Callable[..., Counter]
) -> None:
    b = make_counter("S002", enroll=False)  # (the hq fixture shares the database)
    b.enroll(gated.base_url, gated.new_store("S002"))
    numbers = [f"01900000-0000-7000-8000-00000000000{i}" for i in range(4)]
    answers = [ask(gated, b, n) for n in numbers]
    assert [x.status_code for x in answers] == [404, 404, 404, 429]
    assert answers[-1].json()["code"] == "rate_limited"
    time.sleep(1.1)
    assert ask(gated, b, numbers[0]).status_code == 404  # a token again


def _twice(ev: dict[str, Any]) -> None:
    ev["payload"]["lines"][0]["quantity"] = 3  # two were sold


def _card_back(ev: dict[str, Any]) -> None:
    ev["payload"]["tenders"][0]["method"] = "bankcard"  # the sale was paid by WeChat


def _cash_back_for_more(ev: dict[str, Any]) -> None:
    ev["payload"]["tenders"][0]["amount_fen"] -= 100


def test_another_stores_refunds_are_checked_against_hqs_copy(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    b = make_counter("S002")
    b.sync()
    b.ctx.chain_sales = HQChainSales(b.data_dir)
    sales = [sale.sell(a.ctx, a.cashier, [DraftLine("1001", 2)], tenders=[("wechat", 700)])
             for _ in range(3)]  # fmt: skip
    a.sync()
    cases = [
        (_twice, "hq_sale_refund_over"),  # more than remains of the line
        (_card_back, "hq_sale_refund_mismatch"),  # by a tender the sale was not paid with
        (_cash_back_for_more, "hq_sale_refund_mismatch"),  # not what the sale gives
    ]
    for (change, code), s in zip(cases, sales, strict=True):
        partial_refunds.refund(b.ctx, b.cashier, s.txn_id, {0: 1}, "质量问题", OK)
        quarantined(forge(b, change), code)
    assert len(list_quarantine(hq.engine)) == 3
    # Honest refunds after them go through: by the sale's tender, and by the cash policy.
    # (B counts its quarantined refund until HQ voids it: one unit of each sale is left.)
    partial_refunds.refund(b.ctx, b.cashier, sales[0].txn_id, {0: 1}, "质量问题", OK)
    manager = partial_refunds_manager(b)
    from app.services import chain_sales

    chain_sales.set_policy(b.ctx, manager, "cash")
    partial_refunds.refund(b.ctx, b.cashier, sales[1].txn_id, {0: 1}, "质量问题", OK)
    b.sync()
    assert len(list_quarantine(hq.engine)) == 3
    # Cash back is another store's policy only: a store's own sale goes back by its tenders.
    own = sale.sell(a.ctx, a.cashier, [DraftLine("1001", 1)], tenders=[("wechat", 350)])
    a.sync()  # the sale first
    partial_refunds.refund(a.ctx, a.cashier, own.txn_id, {0: 1}, "其他", OK)

    def _cash(ev: dict[str, Any]) -> None:
        ev["payload"]["cash_back"] = True
        ev["payload"]["tenders"][0]["method"] = "cash"

    quarantined(forge(a, _cash), "hq_sale_refund_mismatch")
    assert len(list_quarantine(hq.engine)) == 4


def partial_refunds_manager(counter: Counter) -> Any:
    from app.services.security import sign_in

    return sign_in(counter.ctx, MANAGER_NO, MANAGER_PIN)
