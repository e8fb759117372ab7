"""Coupons of a chain at a real HQ (issue 17 point 4): an enrolled counter makes templates,
issues coupons and takes them; HQ holds them (templates, coupons, an append-only ledger) and
checks every sale's coupons against its own — forged ones (another member's coupon, an
unknown one, terms not the template's, a discount the terms do not give, one redeemed twice
by the same counter, a template of another store) are quarantined with their reason. Two
stores taking one coupon offline: both sales stand, HQ lists the second as a conflict with
the discount at stake, and both counters end with the same ledger. SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from app.domain.audit import payload_hash
from app.domain.coupons import VOUCHER, Terms, Validity, terms_wire
from app.domain.held import DraftLine
from app.domain.ids import uuid7
from app.persistence import coupon_store
from app.services import coupons, partial_refunds, sale, syncstate
from app.services.members import Registration, register_member
from app.services.security import Approval, sign_in
from app.services.stored_value import top_up
from server import admin, quarantine
from server import coupon_tables as ct
from server.quarantine import list_quarantine
from sync import wire
from sync.client import wire_events
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer
from tests.server.test_authority import forge, quarantined
from tests.server.test_sales_at_hq import CART, chain, hq_txns

P1, P2 = "13900000401", "13900000402"
OK = Approval(MANAGER_NO, MANAGER_PIN)
FIVE = Terms(VOUCHER, amount_fen=500)


def _template(counter: Counter, terms: Terms = FIVE, restores: bool = True) -> str:
    manager = sign_in(counter.ctx, MANAGER_NO, MANAGER_PIN)
    return coupons.add_template(
        counter.ctx, manager, name="代金5元", terms=terms, validity=Validity(days=30),
        refund_restores=restores,
    ).template_id  # fmt: skip


def _member(counter: Counter, phone: str, name: str = "钱一") -> str:
    member_id = register_member(
        counter.ctx, counter.cashier, Registration(name=name, phone=phone, consent=True)
    ).member_id
    top_up(counter.ctx, counter.cashier, phone, 20_000, "cash")
    return member_id


def hq_ledger(hq: HQServer, coupon_id: str) -> list[tuple[str, str | None, int, str | None]]:
    e = ct.coupon_entry.c
    with hq.engine.connect() as conn:
        rows = conn.execute(
            select(e.kind, e.txn_id, e.discount_fen, e.store_code)
            .where(e.coupon_id == coupon_id)
            .order_by(e.seq)
        ).all()
    return [tuple(r) for r in rows]


def counter_ledger(counter: Counter, coupon_id: str) -> set[tuple[str, str | None, int]]:
    with counter.ctx.reader() as uow:
        return {(x.kind, x.txn_id, x.discount_fen)
                for x in coupon_store.entries_of(uow, coupon_id)}  # fmt: skip


def test_an_enrolled_counters_coupons_reach_hq_and_the_members_other_store(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    b = make_counter("S002")
    template_id = _template(a)
    member_id = _member(a, P1)
    coupon = coupons.issue(a.ctx, a.cashier, P1, template_id)
    a.sync()
    b.sync()
    b.lookup(P1)  # S002 serves the member from now on: their coupons come along
    with b.ctx.reader() as uow:
        assert coupon_store.template(uow, template_id) is not None
        assert coupon_store.coupon(uow, coupon.coupon_id) is not None
    made = sale.sell(a.ctx, a.cashier, CART, member=P1, coupons=[coupon.code])
    assert made.discount_fen >= 500
    a.sync()
    assert list_quarantine(hq.engine) == []
    assert hq_txns(hq, [made.txn_id]) == {made.txn_id: ("sale.completed", member_id)}
    assert hq_ledger(hq, coupon.coupon_id) == [
        ("issued", None, 0, "S001"),
        ("redeemed", made.txn_id, 500, "S001"),
    ]
    b.sync()
    assert counter_ledger(b, coupon.coupon_id) == {("issued", None, 0),
                                                   ("redeemed", made.txn_id, 500)}  # fmt: skip
    with b.ctx.reader() as uow:
        assert coupon_store.state(uow, coupon.coupon_id) == "redeemed"
    # The whole sale refunded: the template gives the coupon back, at HQ and at S002.
    back = partial_refunds.refund(a.ctx, a.cashier, made.txn_id, {0: 3, 1: 1}, "其他", OK)
    assert back.coupons_restored == (coupon.coupon_id,)
    a.sync()
    assert list_quarantine(hq.engine) == []
    assert [x[0] for x in hq_ledger(hq, coupon.coupon_id)] == ["issued", "redeemed", "restored"]
    b.sync()
    with b.ctx.reader() as uow:
        assert coupon_store.state(uow, coupon.coupon_id) == "usable"
    assert admin.list_conflicts(hq.engine) == []


def _coupon_of(ev: dict[str, Any]) -> dict[str, Any]:
    [c] = ev["payload"]["cart"]["coupons"]
    return c


def test_forged_coupons_in_a_sale_are_quarantined_with_their_reason(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    template_id = _template(a)
    _member(a, P1)
    other = _member(a, P2, "钱二")
    mine = [coupons.issue(a.ctx, a.cashier, P1, template_id) for _ in range(5)]
    theirs = coupons.issue(a.ctx, a.cashier, P2, template_id)
    a.sync()
    assert list_quarantine(hq.engine) == []

    def another_members(ev: dict[str, Any]) -> None:
        c = _coupon_of(ev)
        c["coupon_id"], c["code"] = theirs.coupon_id, theirs.code

    def unknown(ev: dict[str, Any]) -> None:
        _coupon_of(ev)["coupon_id"] = uuid7()

    def richer_terms(ev: dict[str, Any]) -> None:  # ¥50 off, priced consistently
        c = _coupon_of(ev)
        c["terms"] = terms_wire(Terms(VOUCHER, amount_fen=5_000))

    def wrong_discount(ev: dict[str, Any]) -> None:  # HQ's terms, a bigger discount claimed
        c = _coupon_of(ev)
        c["discount_fen"] += 100
        c["shares"][c["shares"].index(max(c["shares"]))] += 100

    forgeries = [(another_members, "hq_coupon_not_owner"), (unknown, "hq_coupon_unknown"),
                 (richer_terms, "hq_coupon_terms_not_hqs"),
                 (wrong_discount, "hq_money_mismatch")]  # fmt: skip
    for (change, code), coupon in zip(forgeries, mine, strict=False):
        made = sale.sell(a.ctx, a.cashier, CART, member=P1, coupons=[coupon.code])
        result = forge(a, change)
        if result["status"] == "quarantined" and result["code"] == "hq_waiting":
            raise AssertionError(result)
        quarantined(result, code)
        assert hq_txns(hq, [made.txn_id]) == {}
        assert hq_ledger(hq, coupon.coupon_id) == [("issued", None, 0, "S001")]
        # The member's later events wait behind the refused one: HQ staff void it.
        [held] = [q for q in list_quarantine(hq.engine) if q["code"] == code]
        quarantine.resolve(hq.engine, held["id"], "void", note="伪造")
    assert hq_ledger(hq, theirs.coupon_id) == [("issued", None, 0, "S001")]
    assert hq_txns(hq, []) == {} and other


def test_one_coupon_redeemed_twice_in_one_push_is_refused_the_second_time(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    template_id = _template(a)
    _member(a, P1)
    c1, c2 = (coupons.issue(a.ctx, a.cashier, P1, template_id) for _ in range(2))
    a.sync()
    first = sale.sell(a.ctx, a.cashier, CART, member=P1, coupons=[c1.code])
    second = sale.sell(a.ctx, a.cashier, CART, member=P1, coupons=[c2.code])
    events = copy.deepcopy(wire_events(syncstate.outbox_batch(a.ctx, 2)))
    c = _coupon_of(events[1])
    c["coupon_id"], c["code"] = c1.coupon_id, c1.code  # the second sale takes c1 again
    events[1]["payload_hash"] = payload_hash(events[1]["payload"])
    client = a.client()
    try:
        answer = client._signed("POST", wire.PUSH_PATH, {"events": events})
    finally:
        client.close()
    syncstate.acknowledge(a.ctx, answer["acked_seq"])
    ok, refused = answer["results"]
    assert ok["status"] == "applied"
    quarantined(refused, "hq_coupon_used")
    assert set(hq_txns(hq, [first.txn_id, second.txn_id])) == {first.txn_id}
    assert [x[0] for x in hq_ledger(hq, c1.coupon_id)] == ["issued", "redeemed"]
    assert [x[0] for x in hq_ledger(hq, c2.coupon_id)] == ["issued"]


def test_coupon_events_forged_are_quarantined(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    b = make_counter("S002")
    theirs = _template(a)
    a.sync()
    b.sync()
    with b.ctx.reader() as uow:  # the chain's templates reach every counter
        assert coupon_store.template(uow, theirs) is not None

    def takes_over(ev: dict[str, Any]) -> None:  # S002 saves over S001's template
        ev["payload"]["template"]["template_id"] = theirs

    _template(b)
    quarantined(forge(b, takes_over), "hq_coupon_template_foreign")

    def strange_terms(ev: dict[str, Any]) -> None:  # a field the domain does not know
        ev["payload"]["template"]["terms"]["free_lunch"] = True

    _template(b)
    quarantined(forge(b, strange_terms), "hq_coupon_terms_invalid")

    _member(b, P2, "钱二")
    mine = _template(b)
    b.sync()

    def of_a_foreign_template(ev: dict[str, Any]) -> None:
        ev["payload"]["coupon"]["template_id"] = theirs

    coupons.issue(b.ctx, b.cashier, P2, mine)
    quarantined(forge(b, of_a_foreign_template), "hq_coupon_template_foreign")

    def bad_check_char(ev: dict[str, Any]) -> None:
        code = ev["payload"]["coupon"]["code"]
        ev["payload"]["coupon"]["code"] = code[:-1] + ("0" if code[-1] != "0" else "1")

    issued = coupons.issue(b.ctx, b.cashier, P2, mine)
    quarantined(forge(b, bad_check_char), "hq_waiting")  # behind the member's refused issue
    with hq.engine.connect() as conn:
        assert conn.scalar(select(ct.coupon.c.id).where(ct.coupon.c.id == issued.coupon_id)) is None


def test_two_stores_offline_take_one_coupon_one_applied_one_conflict_both_converge(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    b = make_counter("S002")
    template_id = _template(a, restores=False)
    member_id = _member(a, P1)
    coupon = coupons.issue(a.ctx, a.cashier, P1, template_id)
    a.sync()
    b.sync()
    b.lookup(P1)
    # Both stores offline now: each takes the coupon it holds.
    at_a = sale.sell(a.ctx, a.cashier, CART, member=P1, coupons=[coupon.code])
    at_b = sale.sell(b.ctx, b.cashier, CART, member=P1, coupons=[coupon.code], pay="cash")
    a.sync()
    b.sync()
    assert list_quarantine(hq.engine) == []
    assert set(hq_txns(hq, [at_a.txn_id, at_b.txn_id])) == {at_a.txn_id, at_b.txn_id}
    assert hq_ledger(hq, coupon.coupon_id) == [
        ("issued", None, 0, "S001"),
        ("redeemed", at_a.txn_id, 500, "S001"),
        ("redeemed", at_b.txn_id, 500, "S002"),
    ]
    [conflict] = admin.list_conflicts(hq.engine)
    assert (conflict["kind"], conflict["member_id"], conflict["store_code"]) == (
        "coupon_redeemed_twice", member_id, "S002")  # fmt: skip
    d = conflict["detail"]
    assert (d["coupon_id"], d["txn_id"], d["discount_fen"]) == (coupon.coupon_id, at_b.txn_id, 500)
    assert (d["first_txn_id"], d["first_store"]) == (at_a.txn_id, "S001")
    a.sync()
    b.sync()
    want = {("issued", None, 0), ("redeemed", at_a.txn_id, 500), ("redeemed", at_b.txn_id, 500)}
    assert counter_ledger(a, coupon.coupon_id) == want
    assert counter_ledger(b, coupon.coupon_id) == want
    assert json.dumps(d)  # the detail is plain JSON for `member-hq conflicts`


def test_a_coupon_given_back_is_taken_and_given_back_again(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    template_id = _template(a)
    _member(a, P1)
    coupon = coupons.issue(a.ctx, a.cashier, P1, template_id)
    a.sync()
    sales = []
    for _ in range(2):
        made = sale.sell(a.ctx, a.cashier, [DraftLine("2001", 1)], member=P1,
                         coupons=[coupon.code])  # fmt: skip
        back = partial_refunds.refund(a.ctx, a.cashier, made.txn_id, {0: 1}, "其他", OK)
        assert back.coupons_restored == (coupon.coupon_id,)
        sales.append((made.txn_id, back.txn_id))
    a.sync()
    assert list_quarantine(hq.engine) == []
    (s1, r1), (s2, r2) = sales
    assert hq_ledger(hq, coupon.coupon_id) == [
        ("issued", None, 0, "S001"),
        ("redeemed", s1, 500, "S001"), ("restored", r1, 500, "S001"),
        ("redeemed", s2, 500, "S001"), ("restored", r2, 500, "S001"),
    ]  # fmt: skip
    assert admin.list_conflicts(hq.engine) == []


def test_a_refund_giving_back_a_coupon_its_template_keeps_is_quarantined(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    template_id = _template(a, restores=False)
    _member(a, P1)
    coupon = coupons.issue(a.ctx, a.cashier, P1, template_id)
    made = sale.sell(a.ctx, a.cashier, [DraftLine("2001", 1)], member=P1, coupons=[coupon.code])
    a.sync()
    back = partial_refunds.refund(a.ctx, a.cashier, made.txn_id, {0: 1}, "其他", OK)
    assert back.coupons_restored == ()

    def gives_it_back(ev: dict[str, Any]) -> None:
        p = ev["payload"]
        entry = {"coupon_id": coupon.coupon_id, "entry_id": uuid7(), "kind": "restored",
                 "txn_id": p["txn_id"], "discount_fen": 500,
                 "business_date": p["business_date"]}  # fmt: skip
        p["coupon_entries"] = [entry]

    quarantined(forge(a, gives_it_back), "hq_coupon_restore_mismatch")
    assert [x[0] for x in hq_ledger(hq, coupon.coupon_id)] == ["issued", "redeemed"]


def test_an_issue_reusing_a_coupons_id_or_code_is_quarantined(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, _a2 = chain(hq, make_counter)
    template_id = _template(a)
    _member(a, P1)
    first = coupons.issue(a.ctx, a.cashier, P1, template_id)
    a.sync()

    def same_id(ev: dict[str, Any]) -> None:
        ev["payload"]["coupon"]["coupon_id"] = first.coupon_id

    def same_code(ev: dict[str, Any]) -> None:
        ev["payload"]["coupon"]["code"] = first.code

    for n, (change, code) in enumerate(((same_id, "hq_id_taken"),
                                        (same_code, "hq_coupon_code_taken"))):  # fmt: skip
        phone = f"1390000041{n + 3}"
        _member(a, phone, f"钱{n + 3}")
        a.sync()
        made = coupons.issue(a.ctx, a.cashier, phone, template_id)
        quarantined(forge(a, change), code)
        with hq.engine.connect() as conn:
            assert (
                conn.scalar(select(ct.coupon.c.id).where(ct.coupon.c.id == made.coupon_id)) is None
            )
    assert hq_ledger(hq, first.coupon_id) == [("issued", None, 0, "S001")]


def test_a_void_reaches_hq_and_the_members_other_store_and_a_forged_one_is_refused(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """A manager voids a coupon at the store that issued it: HQ's ledger and the member's
    other store hold it voided, and a sale with it is refused at the counter. A void of a
    coupon another store issued to its own member, or of one already used, is quarantined."""
    a, _a2 = chain(hq, make_counter)
    b = make_counter("S002")
    template_id = _template(a)
    _member(a, P1)
    c1, c2 = (coupons.issue(a.ctx, a.cashier, P1, template_id) for _ in range(2))
    a.sync()
    b.sync()
    b.lookup(P1)
    manager = sign_in(a.ctx, MANAGER_NO, MANAGER_PIN)
    coupons.void(a.ctx, manager, c1.code, "发错")
    a.sync()
    assert list_quarantine(hq.engine) == []
    assert [x[0] for x in hq_ledger(hq, c1.coupon_id)] == ["issued", "voided"]
    b.sync()
    with b.ctx.reader() as uow:
        assert coupon_store.state(uow, c1.coupon_id) == "voided"
    # S002 voids the S001 member's coupon S001 issued: not its to void.
    b_boss = sign_in(b.ctx, MANAGER_NO, MANAGER_PIN)
    coupons.void(b.ctx, b_boss, c2.code, "试图作废")
    quarantined(forge(b, lambda ev: None), "hq_coupon_void_foreign")
    # A used coupon cannot be voided: S001 sells with c2, then a forged void of it.
    made = sale.sell(a.ctx, a.cashier, CART, member=P1, coupons=[c2.code])
    a.sync()
    assert made.discount_fen >= 500
    coupons.issue(a.ctx, a.cashier, P1, template_id)
    a.sync()

    def void_of_used(ev: dict[str, Any]) -> None:
        ev["type"] = "coupon.voided"
        with a.ctx.reader() as uow:
            row = coupon_store.coupon(uow, c2.coupon_id)
            ev["payload"]["coupon"] = coupons.coupon_header(row)
        ev["payload"]["entry"] = {"entry_id": uuid7(), "kind": "voided", "txn_id": None,
                                  "discount_fen": 0, "business_date": made_day(a)}  # fmt: skip
        ev["payload"]["reason"] = "作废已用券"
        ev["payload"]["staff_id"], ev["payload"]["staff_no"] = manager.staff_id, manager.staff_no

    coupons.issue(a.ctx, a.cashier, P1, template_id)
    quarantined(forge(a, void_of_used), "hq_coupon_not_voidable_at_hq")


def made_day(counter: Counter) -> str:
    with counter.ctx.reader() as uow:
        return counter.ctx.business_date(uow).isoformat()


def test_a_coupon_for_some_stores_is_refused_at_hq_elsewhere(
    hq: HQServer, make_counter: Callable[..., Counter], monkeypatch: Any
) -> None:
    """A coupon honoured only at S009 taken at S001 by a counter that skips the check: HQ
    refuses the sale with the coupon's own words."""
    a, _a2 = chain(hq, make_counter)
    template_id = _template(a, Terms(VOUCHER, amount_fen=500, stores=frozenset({"S009"})))
    _member(a, P1)
    c = coupons.issue(a.ctx, a.cashier, P1, template_id)
    a.sync()
    monkeypatch.setattr(coupons, "check_when_where", lambda *args: None)  # a modified counter
    made = sale.sell(a.ctx, a.cashier, CART, member=P1, coupons=[c.code])
    assert made.discount_fen >= 500
    a.sync()
    held = {q["type"]: q["code"] for q in list_quarantine(hq.engine)}
    assert held == {"sale.completed": "hq_coupon_wrong_store"}, held
