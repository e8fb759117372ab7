"""A sale made at one store refunded at another store of the chain (issue 16 point 5): the
counter at store B reads the sale from HQ by its 单号, refunds a line on HQ's copy, HQ checks
the refund against its own copy, and the selling store's counters see what remains drop and
the member's balance exact. Two stores refunding the same line: HQ accepts the first, the
second is quarantined, everyone else's sync goes on. Offline, nothing changes. A real HQ on
127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from app.domain.errors import CounterError
from app.domain.messages import render
from app.services import chain_sales, partial_refunds, sale, syncstate
from app.services.members import Registration, register_member
from app.services.security import Approval, sign_in
from app.services.stored_value import top_up
from server import tables as t
from server.quarantine import list_quarantine
from sync.chain_sales import HQChainSales
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer
from tests.server.test_authority import balances, hq_member
from tests.server.test_sales_at_hq import CART, chain

P1 = "13900000411"
OK = Approval(MANAGER_NO, MANAGER_PIN)


def left(counter: Counter, sale_id: str) -> list[int]:
    return [x.left for x in partial_refunds.refundable(counter.ctx, sale_id)]


def hq_refund_tenders(hq: HQServer, refund_id: str) -> list[tuple[str, int]]:
    with hq.engine.connect() as conn:
        payload = conn.scalar(
            select(t.event.c.payload)
            .join(t.txn, t.txn.c.event_id == t.event.c.event_id)
            .where(t.txn.c.id == refund_id)
        )
    return sorted((x["method"], x["amount_fen"]) for x in json.loads(payload)["tenders"])


def stores(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> tuple[Counter, Counter, Counter, str]:
    a, a2 = chain(hq, make_counter)
    b = make_counter("S002")
    b.sync()
    for counter in (a, a2, b):  # as the window and the CLI wire it
        counter.ctx.chain_sales = HQChainSales(counter.data_dir)
    member_id = register_member(
        a.ctx, a.cashier, Registration(name="吴三", phone=P1, consent=True)
    ).member_id
    top_up(a.ctx, a.cashier, P1, 10_000, "cash")
    return a, a2, b, member_id


def test_a_line_refunded_at_another_store_reaches_the_selling_store(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, a2, b, member_id = stores(hq, make_counter)
    s = sale.sell(a.ctx, a.cashier, CART, member=P1,
                  tenders=[("stored_value", 2_000), ("wechat", 1_900)])  # fmt: skip
    a.sync()
    a2.sync()
    found = partial_refunds.find_sale(b.ctx, b.cashier, s.txn_id)  # scanned at F7
    assert found.txn_id == s.txn_id and found.elsewhere and found.member_id == member_id
    assert found.due_fen == s.due_fen
    assert left(b, s.txn_id) == [3, 1]
    r = partial_refunds.refund(b.ctx, b.cashier, s.txn_id, {1: 1}, "质量问题", OK)
    assert [(x.line_no, x.left) for x in r.lines] == [(1, 0)]
    from app.services.receipts import receipt_for_txn

    printed = json.dumps(receipt_for_txn(b.ctx, r.txn_id).to_dict(), ensure_ascii=False)
    assert "商品退货" in printed and s.txn_id[-6:] in printed  # its receipt names the sale
    # By the sale's own tenders (the default policy): stored value and WeChat.
    assert {m for m, _ in r.money_back} == {"stored_value", "wechat"}
    b.sync()
    assert list_quarantine(hq.engine) == []
    held = hq_member(hq, member_id)
    assert (held.principal_fen, held.bonus_fen) == (r.principal_fen, r.bonus_fen)
    for seller in (a, a2):  # the selling store's counters see the line gone, the balance exact
        seller.sync()
        assert left(seller, s.txn_id) == [3, 0]
        assert balances(seller, member_id)[:2] == (r.principal_fen, r.bonus_fen)
    # Store A refunds another unit on its own copy, which now counts B's refund; HQ agrees.
    partial_refunds.refund(a.ctx, a.cashier, s.txn_id, {0: 1}, "顾客原因", OK)
    a.sync()
    assert list_quarantine(hq.engine) == []
    # B reads HQ's copy again (as its dialog lists the lines and before each refund).
    assert left(b, s.txn_id) == [2, 0]
    r2 = partial_refunds.refund(b.ctx, b.cashier, s.txn_id, {0: 2}, "其他", OK)
    assert r2.all_refunded
    b.sync()
    a.sync()
    assert list_quarantine(hq.engine) == []
    assert left(a, s.txn_id) == [0, 0]
    held = hq_member(hq, member_id)
    assert (held.principal_fen, held.bonus_fen) == balances(a, member_id)[:2]
    assert held.principal_fen + held.bonus_fen == 10_000  # every fen of stored value is back


def test_the_cash_policy_pays_other_tenders_back_as_cash(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2, b, member_id = stores(hq, make_counter)
    assert chain_sales.policy(b.ctx) == "original"
    manager = sign_in(b.ctx, MANAGER_NO, MANAGER_PIN)
    assert chain_sales.set_policy(b.ctx, manager, "cash") == "cash"
    s = sale.sell(a.ctx, a.cashier, CART, member=P1,
                  tenders=[("stored_value", 2_000), ("alipay", 1_900)])  # fmt: skip
    walk = sale.sell(a.ctx, a.cashier, CART, tenders=[("wechat", 4_050)])
    a.sync()
    r = partial_refunds.refund(b.ctx, b.cashier, s.txn_id, {0: 3, 1: 1}, "质量问题", OK)
    w = partial_refunds.refund(b.ctx, b.cashier, walk.txn_id, {1: 1}, "顾客原因", OK)
    assert {m for m, _ in r.money_back} == {"cash", "stored_value"}
    assert [m for m, _ in w.money_back] == ["cash"]
    b.sync()
    assert list_quarantine(hq.engine) == []
    assert hq_refund_tenders(hq, r.txn_id) == [("cash", -1_900)]
    assert hq_refund_tenders(hq, w.txn_id) == [("cash", -3_000)]
    a.sync()
    assert left(a, s.txn_id) == [0, 0]
    assert left(a, walk.txn_id) == [3, 0]  # a walk-in's sale: its store sees the drop too
    assert sum(balances(a, member_id)[:2]) == 10_000
    # A store's own sale is refunded by its own tenders whatever the policy says.
    own = sale.sell(b.ctx, b.cashier, CART, tenders=[("wechat", 4_050)])
    mine = partial_refunds.refund(b.ctx, b.cashier, own.txn_id, {0: 1}, "其他", OK)
    assert [m for m, _ in mine.money_back] == ["wechat"]


def test_two_stores_refunding_the_same_line_one_is_quarantined(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, a2, b, member_id = stores(hq, make_counter)
    s = sale.sell(a.ctx, a.cashier, CART, tenders=[("cash", 4_050)])  # a walk-in's
    a.sync()
    partial_refunds.refund(b.ctx, b.cashier, s.txn_id, {1: 1}, "质量问题", OK)
    partial_refunds.refund(a.ctx, a.cashier, s.txn_id, {1: 1}, "质量问题", OK)  # not pulled yet
    b.sync()
    report = a.sync()
    [held] = list_quarantine(hq.engine)
    assert held["code"] == "hq_sale_refund_over" and held["store_code"] == "S001"
    assert report is not None
    # Everyone else's sync goes on: A's next event, B's and A2's rounds.
    top_up(a.ctx, a.cashier, P1, 500, "cash")
    a.sync()
    assert syncstate.outbox_batch(a.ctx, 10) == []
    assert hq_member(hq, member_id).principal_fen == 10_500
    a2.sync()
    b.sync()
    assert left(a2, s.txn_id) == [3, 0]


def test_offline_a_foreign_sale_is_not_refunded_and_nothing_changes(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2, b, _member_id = stores(hq, make_counter)
    s = sale.sell(a.ctx, a.cashier, CART, tenders=[("cash", 4_050)])
    a.sync()
    hq.stop()
    try:
        for attempt in (
            lambda: partial_refunds.find_sale(b.ctx, b.cashier, s.txn_id),
            lambda: partial_refunds.refund(b.ctx, b.cashier, s.txn_id, {0: 1}, "其他", OK),
        ):
            with pytest.raises(CounterError) as exc:
                attempt()
            assert exc.value.code == "chain_sale_offline"
        assert "需连接总部" in render(exc.value.code, **exc.value.params)
        with b.ctx.reader() as uow:
            assert uow.txn(s.txn_id) is None  # nothing stored, nothing refunded
        assert syncstate.outbox_batch(b.ctx, 10) == []
    finally:
        hq.start()
    # A copy read from HQ before is not refunded without HQ either (no HQ wired at all).
    partial_refunds.find_sale(b.ctx, b.cashier, s.txn_id)
    b.ctx.chain_sales = None
    with pytest.raises(CounterError) as exc:
        partial_refunds.refund(b.ctx, b.cashier, s.txn_id, {0: 1}, "其他", OK)
    assert exc.value.code == "chain_sale_offline"
    b.ctx.chain_sales = HQChainSales(b.data_dir)
    # Typed, part of a number finds no other store's sale (HQ finds sales by the whole one).
    with pytest.raises(CounterError) as exc:
        partial_refunds.find_sale(b.ctx, b.cashier, s.txn_id[-8:])
    assert exc.value.code == "sale_number_unknown"


def test_the_cli_refunds_another_stores_sale_and_sets_the_policy(
    hq: HQServer, make_counter: Callable[..., Counter], capsys: pytest.CaptureFixture[str]
) -> None:
    import json as _json

    from launcher import main as counter_main
    from tests.hqkit import CASHIER_NO, CASHIER_PIN

    def run(counter: Counter, *args: str, staff: tuple[str, str]) -> tuple[int, dict]:
        argv = ["--data-dir", str(counter.data_dir), "--json", "--staff", staff[0],
                "--pin", staff[1]]  # fmt: skip
        code = counter_main([*argv, *args])
        out = capsys.readouterr().out.strip().splitlines()
        return code, _json.loads(out[-1]) if out else {}

    a, _a2, b, _member_id = stores(hq, make_counter)
    cashier, manager = (CASHIER_NO, CASHIER_PIN), (MANAGER_NO, MANAGER_PIN)
    s = sale.sell(a.ctx, a.cashier, CART, tenders=[("wechat", 4_050)])
    a.sync()
    assert run(b, "refund-policy", "show", staff=cashier) == (
        0, {"policy": "original", "means": "按原支付方式退回"})  # fmt: skip
    code, data = run(b, "refund-policy", "set", "cash", staff=cashier)
    assert code == 3 and data["code"] == "permission_denied"
    code, data = run(b, "refund-policy", "set", "cash", staff=manager)
    assert code == 0 and data["policy"] == "cash"
    code, data = run(b, "refund", s.txn_id, "--show", staff=cashier)
    assert code == 0 and [(x["line"], x["left"]) for x in data["refundable"]] == [(1, 3), (2, 1)]
    code, data = run(b, "refund", s.txn_id, "--line", "2=1", "--reason", "质量问题",
                     "--approve-by", MANAGER_NO, "--approve-pin", MANAGER_PIN,
                     staff=cashier)  # fmt: skip
    assert code == 0, data
    assert data["money_back"] == [{"method": "cash", "amount": "30.00"}]
    b.sync()
    assert list_quarantine(hq.engine) == []
    a.sync()
    assert left(a, s.txn_id) == [3, 0]


def test_a_copy_that_disagrees_with_hqs_is_refused_and_changes_nothing(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    from tests.helpers import query

    a, _a2, b, _member_id = stores(hq, make_counter)
    s = sale.sell(a.ctx, a.cashier, CART, tenders=[("cash", 4_050)])
    a.sync()
    first = partial_refunds.refund(b.ctx, b.cashier, s.txn_id, {0: 1}, "质量问题", OK)
    b.sync()
    assert list_quarantine(hq.engine) == []
    # This counter's record of its refund no longer says what HQ accepted (a damaged copy).
    import sqlite3

    conn = sqlite3.connect(str(b.ctx.db.path))
    with conn:
        conn.execute("UPDATE txn_refund_line SET quantity = 2 WHERE txn_id = ?", (first.txn_id,))
    conn.close()
    before = query(b.ctx, "SELECT count(*) FROM txn"), syncstate.outbox_batch(b.ctx, 10)
    with pytest.raises(CounterError) as exc:
        partial_refunds.refund(b.ctx, b.cashier, s.txn_id, {1: 1}, "其他", OK)
    assert exc.value.code == "sale_refunds_disagree"
    assert "不一致" in render(exc.value.code, **exc.value.params)
    assert (query(b.ctx, "SELECT count(*) FROM txn"), syncstate.outbox_batch(b.ctx, 10)) == before


def test_a_sale_whose_ledger_has_not_reached_this_counter_is_refused_cleanly(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """Store B already holds A's member; A sells to them and syncs; B, not yet synced, is
    asked to refund that sale: the member's entries of the sale are not here yet, so a clear
    refusal (sync first), nothing written; after a sync the refund goes through."""
    a, _a2, b, member_id = stores(hq, make_counter)
    a.sync()
    b.sync()
    b.lookup(P1)  # held at B from now on: no fetch before a refund
    s = sale.sell(a.ctx, a.cashier, CART, member=P1, tenders=[("stored_value", 3_900)])
    a.sync()
    before = syncstate.status(b.ctx).pending
    with pytest.raises(CounterError) as exc:
        partial_refunds.refund(b.ctx, b.cashier, s.txn_id, {1: 1}, "质量问题", OK)
    assert exc.value.code == "refund_ledger_not_here", exc.value.code
    assert "同步" in render(exc.value.code, **exc.value.params)
    assert syncstate.status(b.ctx).pending == before
    b.sync()
    r = partial_refunds.refund(b.ctx, b.cashier, s.txn_id, {1: 1}, "质量问题", OK)
    b.sync()
    assert list_quarantine(hq.engine) == []
    assert r.principal_fen + r.bonus_fen > 0
    a.sync()
    assert balances(b, member_id)[:2] == balances(a, member_id)[:2]
    assert hq_member(hq, member_id).principal_fen == balances(a, member_id)[0]
