"""Count cards across stores and HQ: a card sold at A is used at B; HQ checks each event
against its own ledger; two stores over-consuming one card offline is a conflict at HQ, the
visits kept; a refund that forgets another store's visit is quarantined with its reason."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.errors import RuleError
from app.services import countcards
from app.services.catalogue import add_item
from app.services.countcard_products import list_products, save_product
from app.services.members import Registration, register_member
from app.services.security import Approval, sign_in
from server import admin
from server import countcard_tables as ct
from server.quarantine import list_quarantine
from tests.conftest import MANAGER_NO, MANAGER_PIN
from tests.hqkit import Counter, HQServer

PHONE = "13900000061"


def store_with_product(hq: HQServer, make_counter, code: str = "S001") -> Counter:
    """A store that set its items and a card (洗车 3 次 + 1 赠送, ¥90.00) before joining HQ."""
    c = make_counter(code, enroll=False)
    manager = sign_in(c.ctx, MANAGER_NO, MANAGER_PIN)
    add_item(c.ctx, manager, code="WASH", name="洗车", price_fen=3_500, service=True)
    save_product(c.ctx, manager, code="W3", name="洗车三次", items=[("WASH", 3, 1)],
                 price_fen=9_000, validity_days=90, transferable=True)  # fmt: skip
    c.enroll(hq.base_url, hq.new_store(code))
    return c


def hq_entries(hq: HQServer) -> list[tuple[str, str, int]]:
    e = ct.countcard_entry.c
    with hq.engine.connect() as conn:
        rows = conn.execute(
            select(e.kind, e.store_code, e.value_fen).order_by(e.created_at, e.entry_id)
        )
        return [tuple(r) for r in rows]


def test_sold_at_a_used_at_b_every_copy_agrees(hq: HQServer, make_counter) -> None:
    a = store_with_product(hq, make_counter)
    b = make_counter("S002")
    register_member(a.ctx, a.cashier, Registration(name="周一", phone=PHONE, consent=True))
    sold = countcards.sell(a.ctx, a.cashier, PHONE, "W3", pay="cash")
    countcards.use(a.ctx, a.cashier, PHONE, {"WASH": 1})
    a.sync()
    assert list_quarantine(hq.engine) == []
    assert hq_entries(hq) == [("sold", "S001", 9_000), ("visit", "S001", 3_000)]
    b.sync()
    b.lookup(PHONE)  # A's member served at B: held there from now on, the card with them
    [at_b] = countcards.show(b.ctx, b.cashier, PHONE)
    assert at_b.card_id == sold.card.card_id and at_b.left == (("WASH", 3),)
    countcards.use(b.ctx, b.cashier, PHONE, {"WASH": 2})
    b.sync()
    a.sync()
    [at_a] = countcards.show(a.ctx, a.cashier, PHONE)
    assert at_a.left == (("WASH", 1),) and at_a.recognised_fen == 9_000  # 3000 × 2 + 3000
    assert hq_entries(hq)[-1] == ("visit", "S002", 6_000)
    assert admin.list_conflicts(hq.engine) == []


def test_two_stores_over_consuming_offline_is_a_conflict_and_no_visit_is_dropped(
    hq: HQServer, make_counter
) -> None:
    a = store_with_product(hq, make_counter)
    b = make_counter("S002")
    member = register_member(a.ctx, a.cashier, Registration(name="周二", phone=PHONE,
                                                            consent=True))  # fmt: skip
    countcards.sell(a.ctx, a.cashier, PHONE, "W3", pay="wechat")
    countcards.use(a.ctx, a.cashier, PHONE, {"WASH": 3})  # one gift time left
    a.sync()
    b.sync()
    b.lookup(PHONE)
    for c in (a, b):
        c.clock.advance(seconds=600)  # HQ unheard of: offline
    countcards.use(a.ctx, a.cashier, PHONE, {"WASH": 1})
    countcards.use(b.ctx, b.cashier, PHONE, {"WASH": 1})  # the same last time, at B
    with pytest.raises(RuleError) as e:
        countcards.use(a.ctx, a.cashier, PHONE, {"WASH": 1})
    assert e.value.code in ("countcard_times_insufficient", "countcard_none")
    a.sync()
    b.sync()
    assert [k for k, _s, _v in hq_entries(hq)].count("visit") == 3  # both kept
    (conflict,) = admin.list_conflicts(hq.engine)
    assert conflict["kind"] == "countcard_overuse" and conflict["member_id"] == member.member_id
    assert conflict["store_code"] == "S002" and conflict["detail"]["over"] == {"WASH": [0, 1]}
    assert list_quarantine(hq.engine) == []


def test_a_refund_that_forgets_another_stores_visit_is_quarantined(
    hq: HQServer, make_counter
) -> None:
    a = store_with_product(hq, make_counter)
    b = make_counter("S002")
    register_member(a.ctx, a.cashier, Registration(name="周三", phone=PHONE, consent=True))
    countcards.sell(a.ctx, a.cashier, PHONE, "W3", pay="cash")
    a.sync()
    b.sync()
    b.lookup(PHONE)
    countcards.use(b.ctx, b.cashier, PHONE, {"WASH": 1})
    b.sync()  # HQ knows B's visit; A has not pulled it yet
    a.clock.advance(seconds=1)
    back = countcards.refund(a.ctx, a.cashier, PHONE, approval=Approval(MANAGER_NO, MANAGER_PIN))
    assert back.value_fen == 9_000  # what A knows
    a.sync()
    [held] = list_quarantine(hq.engine)
    assert held["code"] == "hq_countcard_refund_mismatch"
    assert "60.00" in held["reason"] and "90.00" in held["reason"]
    with hq.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ct.countcard_entry)) == 2


def test_a_transfer_and_an_expiry_reach_hq_and_the_receivers_store(
    hq: HQServer, make_counter
) -> None:
    a = store_with_product(hq, make_counter)
    b = make_counter("S002")
    giver = register_member(a.ctx, a.cashier, Registration(name="周四", phone=PHONE,
                                                           consent=True))  # fmt: skip
    taker = register_member(b.ctx, b.cashier, Registration(name="周五", phone="13900000062",
                                                           consent=True))  # fmt: skip
    b.sync()
    a.lookup("13900000062")  # B's member, served at A
    sold = countcards.sell(a.ctx, a.cashier, PHONE, "W3", pay="cash")
    countcards.use(a.ctx, a.cashier, PHONE, {"WASH": 1})
    countcards.transfer(a.ctx, a.cashier, PHONE, taker.member_id,
                        approval=Approval(MANAGER_NO, MANAGER_PIN))  # fmt: skip
    a.sync()
    b.sync()
    assert list_quarantine(hq.engine) == []
    with hq.engine.connect() as conn:
        owner = conn.scalar(select(ct.countcard.c.member_id).where(ct.countcard.c.id ==
                                                                   sold.card.card_id))  # fmt: skip
    assert owner == taker.member_id != giver.member_id
    [at_b] = countcards.show(b.ctx, b.cashier, taker.member_id)  # the receiver's home store
    assert at_b.card_id == sold.card.card_id and at_b.left == (("WASH", 3),)
    b.clock.advance(days=91)  # past its 90 days
    manager = sign_in(b.ctx, MANAGER_NO, MANAGER_PIN)
    [gone] = countcards.expire_due(b.ctx, manager)
    assert gone.value_fen == 9_000 - 3_000
    b.sync()
    assert list_quarantine(hq.engine) == []
    assert hq_entries(hq)[-1] == ("expire", "S002", 6_000)


def test_hq_sets_the_offline_visits_a_card_allows(hq: HQServer, make_counter, capsys) -> None:
    from server.cli import main as hq_main

    assert hq_main(["--db", hq.url, "--json", "rules", "offline",
                    "--countcard-visits-per-card", "2"]) == 0  # fmt: skip
    a = store_with_product(hq, make_counter)
    register_member(a.ctx, a.cashier, Registration(name="周六", phone=PHONE, consent=True))
    countcards.sell(a.ctx, a.cashier, PHONE, "W3", pay="cash")
    a.sync()  # the product, the card and HQ's rules
    a.clock.advance(seconds=600)
    for _ in range(2):
        countcards.use(a.ctx, a.cashier, PHONE, {"WASH": 1})
    with pytest.raises(RuleError) as e:
        countcards.use(a.ctx, a.cashier, PHONE, {"WASH": 1})
    assert (e.value.code, e.value.params) == ("countcard_offline_limit", {"limit": 2})
    a.sync()  # back online: the visits reach HQ, the limit starts again
    countcards.use(a.ctx, a.cashier, PHONE, {"WASH": 1})
    assert [k for k, _s, _v in hq_entries(hq)].count("visit") == 2


def test_a_stores_product_reaches_every_counter_and_sells_where_honoured(
    hq: HQServer, make_counter
) -> None:
    a = store_with_product(hq, make_counter)
    manager_a = sign_in(a.ctx, MANAGER_NO, MANAGER_PIN)
    save_product(a.ctx, manager_a, code="A1", name="本店专享", items=[("WASH", 1, 0)],
                 price_fen=3_000, validity_days=30, stores=["S001"])  # fmt: skip
    b = make_counter("S002")
    a.sync()  # A's products reach HQ
    b.sync()  # and come to B with its pull
    at_b = {p.code: p for p in list_products(b.ctx, b.cashier)}
    assert set(at_b) == {"W3", "A1"}
    assert at_b["W3"].owner == "S001" and at_b["W3"].price_fen == 9_000
    assert at_b["A1"].stores == ("S001",)
    register_member(b.ctx, b.cashier, Registration(name="周七", phone=PHONE, consent=True))
    sold = countcards.sell(b.ctx, b.cashier, PHONE, "W3", pay="cash")  # A's product, at B
    with pytest.raises(RuleError) as e:
        countcards.sell(b.ctx, b.cashier, PHONE, "A1", pay="cash")  # honoured at A only
    assert e.value.code == "countcard_not_honoured"
    with pytest.raises(RuleError) as e:  # A's to change, not B's
        save_product(b.ctx, sign_in(b.ctx, MANAGER_NO, MANAGER_PIN), code="W3", name="改",
                     items=[("WASH", 5, 0)], price_fen=1, validity_days=9)  # fmt: skip
    assert e.value.code == "countcard_product_foreign"
    b.sync()
    assert list_quarantine(hq.engine) == []
    with hq.engine.connect() as conn:
        card = conn.execute(select(ct.countcard).where(ct.countcard.c.id ==
                                                       sold.card.card_id)).one()  # fmt: skip
    assert (card.product_code, card.store_code) == ("W3", "S002")
    # A changes its product: the change reaches B too (HQ wins, A's pull brings no echo).
    save_product(a.ctx, manager_a, code="W3", name="洗车三次", items=[("WASH", 3, 1)],
                 price_fen=8_000, validity_days=90, transferable=True)  # fmt: skip
    a.sync()
    b.sync()
    assert {p.code: p.price_fen for p in list_products(b.ctx, b.cashier)}["W3"] == 8_000
    assert {p.code: p.price_fen for p in list_products(a.ctx, a.cashier)}["W3"] == 8_000


def test_hqs_own_product_reaches_every_counter_and_a_joining_one(
    hq: HQServer, make_counter, capsys
) -> None:
    from server.cli import main as hq_main

    a = store_with_product(hq, make_counter)
    spec = ('{"code": "HQ10", "name": "总部洗车十次", "items": [{"item_code": "WASH", '
            '"times": 10, "gift_times": 2}], "price_fen": 30000, "validity_days": 365, '
            '"end_date": null, "stores": null, "transferable": false, "active": true}')  # fmt: skip
    assert hq_main(["--db", hq.url, "--json", "countcard-product", "set", spec]) == 0
    a.sync()
    c = make_counter("S003")  # joins after: the product is in its snapshot
    c.sync()
    for counter in (a, c):
        [hq10] = [p for p in list_products(counter.ctx, counter.cashier) if p.code == "HQ10"]
        assert hq10.owner is None and hq10.items[0].times == 10 and hq10.items[0].gift_times == 2
    register_member(c.ctx, c.cashier, Registration(name="周八", phone=PHONE, consent=True))
    countcards.sell(c.ctx, c.cashier, PHONE, "HQ10", pay="cash")
    countcards.use(c.ctx, c.cashier, PHONE, {"WASH": 1})
    c.sync()
    assert list_quarantine(hq.engine) == []
    assert [k for k, s_, _v in hq_entries(hq) if s_ == "S003"] == ["sold", "visit"]
    with pytest.raises(RuleError) as e:  # HQ's, not a store's to change
        save_product(a.ctx, sign_in(a.ctx, MANAGER_NO, MANAGER_PIN), code="HQ10", name="改",
                     items=[("WASH", 1, 0)], price_fen=1, validity_days=9)  # fmt: skip
    assert e.value.code == "countcard_product_foreign"
    capsys.readouterr()
    assert hq_main(["--db", hq.url, "--json", "countcard-product", "list"]) == 0
    listed = {p["product"]["code"]: p["store_code"] for p in
              __import__("json").loads(capsys.readouterr().out)["products"]}  # fmt: skip
    assert listed == {"W3": "S001", "HQ10": None}


def _void_all(hq: HQServer) -> list[str]:
    from server.quarantine import resolve

    codes = []
    for held in list_quarantine(hq.engine):
        codes.append(held["code"])
        resolve(hq.engine, held["id"], "void")
    return codes


def _card_rows(counter: Counter, card_id: str) -> tuple[str, str, list[tuple[str, int]]]:
    from app.persistence import countcard_store

    with counter.ctx.reader() as uow:
        row = countcard_store.card(uow, card_id)
        assert row is not None
        entries = [(e.kind, e.value_fen) for e in countcard_store.entries_of(uow, card_id)]
        return row.status, row.member_id, entries


def test_a_refund_hq_voided_is_taken_back_and_made_again_right(hq: HQServer, make_counter) -> None:
    from app.domain.countcard_ledger import conserved
    from app.persistence import countcard_store

    a = store_with_product(hq, make_counter)
    b = make_counter("S002")
    register_member(a.ctx, a.cashier, Registration(name="周九", phone=PHONE, consent=True))
    sold = countcards.sell(a.ctx, a.cashier, PHONE, "W3", pay="cash")
    a.sync()
    b.sync()
    b.lookup(PHONE)
    countcards.use(b.ctx, b.cashier, PHONE, {"WASH": 1})
    b.sync()
    a.clock.advance(seconds=1)
    countcards.refund(a.ctx, a.cashier, PHONE, approval=Approval(MANAGER_NO, MANAGER_PIN))
    a.sync()
    assert _void_all(hq) == ["hq_countcard_refund_mismatch"]
    a.sync()  # the void, and B's visit
    status, _owner, entries = _card_rows(a, sold.card.card_id)
    assert status == "active"
    assert sorted(k for k, _v in entries) == ["refund", "sold", "visit", "void_refund"]
    with a.ctx.reader() as uow:
        card = countcard_store.state(uow, countcard_store.card(uow, sold.card.card_id))
        assert conserved(card) and card.refunded_fen == 0 and card.liability_fen == 6_000
        assert countcard_store.liability_until(uow, card.valid_until) == 6_000
    [shown] = countcards.show(a.ctx, a.cashier, PHONE)
    assert shown.status == "active" and shown.left == (("WASH", 3),)
    again = countcards.refund(a.ctx, a.cashier, PHONE, approval=Approval(MANAGER_NO, MANAGER_PIN))
    assert again.value_fen == 6_000
    a.sync()
    assert list_quarantine(hq.engine) == []
    assert hq_entries(hq)[-1] == ("refund", "S001", 6_000)
    a.sync()  # a void notice applied again (a repair) takes back nothing more
    assert len(_card_rows(a, sold.card.card_id)[2]) == 5


def test_a_sale_and_a_visit_hq_voided_leave_a_void_card_and_the_stored_value_back(
    hq: HQServer, make_counter
) -> None:
    from app.domain.countcard_ledger import conserved
    from app.persistence import countcard_store
    from app.persistence.tables import SyncRefused
    from app.services.stored_value import top_up

    a = store_with_product(hq, make_counter)
    b = make_counter("S002")
    a.sync()
    b.sync()  # B knows W3 at ¥90.00
    save_product(a.ctx, sign_in(a.ctx, MANAGER_NO, MANAGER_PIN), code="W3", name="洗车三次",
                 items=[("WASH", 3, 1)], price_fen=8_000, validity_days=90,
                 transferable=True)  # fmt: skip
    a.sync()  # HQ's price is ¥80.00 now; B has not pulled it
    member = register_member(b.ctx, b.cashier, Registration(name="周十", phone=PHONE,
                                                            consent=True))  # fmt: skip
    top_up(b.ctx, b.cashier, PHONE, 20_000, "cash")
    sold = countcards.sell(b.ctx, b.cashier, PHONE, "W3", pay="stored_value")  # at ¥90.00
    countcards.use(b.ctx, b.cashier, PHONE, {"WASH": 2})
    b.sync()
    held = [q["code"] for q in list_quarantine(hq.engine)]
    assert held[0] == "hq_countcard_card_mismatch" and len(held) == 2
    _void_all(hq)
    _void_all(hq)  # the visit, held again for its own reason once the sale was voided
    b.sync()
    status, _owner, entries = _card_rows(b, sold.card.card_id)
    assert status == "voided"
    assert sorted(k for k, _v in entries) == ["sold", "visit", "void_sold", "void_visit"]
    with b.ctx.reader() as uow:
        row = countcard_store.card(uow, sold.card.card_id)
        card = countcard_store.state(uow, row)
        assert conserved(card) and card.price_paid_fen == 0 and card.liability_fen == 0
        assert countcard_store.liability_until(uow, card.valid_until) == 0
        held_member = uow.member(member.member_id)
        assert held_member.principal_fen == 20_000  # the card's ¥90.00 is back
        refusals = {r.code for r in uow.session.query(SyncRefused).all()}
        reasons = " ".join(r.reason for r in uow.session.query(SyncRefused).all())
    assert refusals == {"voided_at_hq"} and "W3 售卡" in reasons and "90.00" in reasons
    with pytest.raises(RuleError) as e:
        countcards.use(b.ctx, b.cashier, PHONE, {"WASH": 1}, card_id=sold.card.card_id)
    assert e.value.code == "countcard_voided"
    again = countcards.sell(b.ctx, b.cashier, PHONE, "W3", pay="stored_value")  # ¥80.00 now
    assert again.value_fen == 8_000
    b.sync()
    assert list_quarantine(hq.engine) == []


def test_a_transfer_hq_voided_gives_the_card_back(hq: HQServer, make_counter) -> None:
    a = store_with_product(hq, make_counter)
    giver = register_member(a.ctx, a.cashier, Registration(name="周甲", phone=PHONE,
                                                           consent=True))  # fmt: skip
    taker = register_member(a.ctx, a.cashier, Registration(name="周乙", phone="13900000063",
                                                           consent=True))  # fmt: skip
    sold = countcards.sell(a.ctx, a.cashier, PHONE, "W3", pay="cash")
    a.sync()
    with hq.engine.begin() as conn:  # HQ's copy of the product says no transfer now
        from server import countcard_tables as ctt

        p = conn.execute(select(ctt.countcard.c.header_json)).scalar_one()
        conn.execute(ctt.countcard.update().values(
            header_json=p.replace('"transferable": true', '"transferable": false')))  # fmt: skip
    countcards.transfer(a.ctx, a.cashier, PHONE, taker.member_id,
                        approval=Approval(MANAGER_NO, MANAGER_PIN))  # fmt: skip
    assert _card_rows(a, sold.card.card_id)[1] == taker.member_id
    a.sync()
    assert _void_all(hq) == ["hq_countcard_not_transferable"]
    a.sync()
    status, owner, entries = _card_rows(a, sold.card.card_id)
    assert (status, owner) == ("active", giver.member_id)
    assert [k for k, _v in entries][-1] == "void_transfer"
    [back] = countcards.show(a.ctx, a.cashier, PHONE)
    assert back.card_id == sold.card.card_id
    assert countcards.show(a.ctx, a.cashier, taker.member_id) == []
    with hq.engine.begin() as conn:  # transferable again at HQ: the giver gives it once more
        p = conn.execute(select(ctt.countcard.c.header_json)).scalar_one()
        conn.execute(ctt.countcard.update().values(
            header_json=p.replace('"transferable": false', '"transferable": true')))  # fmt: skip
    countcards.transfer(a.ctx, a.cashier, PHONE, taker.member_id,
                        approval=Approval(MANAGER_NO, MANAGER_PIN))  # fmt: skip
    a.sync()  # its history is what HQ holds: the voided transfer and its void left out
    assert list_quarantine(hq.engine) == []
    assert [k for k, _s, _v in hq_entries(hq)] == ["sold", "transfer"]
    assert admin.list_conflicts(hq.engine) == []


def test_a_visit_made_before_the_store_learned_of_a_transfer_is_kept_and_listed(
    hq: HQServer, make_counter
) -> None:
    a = store_with_product(hq, make_counter)
    b = make_counter("S002")
    c = make_counter("S003")
    giver = register_member(a.ctx, a.cashier, Registration(name="周丙", phone=PHONE,
                                                           consent=True))  # fmt: skip
    taker = register_member(c.ctx, c.cashier, Registration(name="周丁", phone="13900000064",
                                                           consent=True))  # fmt: skip
    c.sync()
    a.lookup("13900000064")  # C's member, served at A
    sold = countcards.sell(a.ctx, a.cashier, PHONE, "W3", pay="cash")
    a.sync()
    b.sync()
    b.lookup(PHONE)  # B holds the giver and the card
    countcards.transfer(a.ctx, a.cashier, PHONE, taker.member_id,
                        approval=Approval(MANAGER_NO, MANAGER_PIN))  # fmt: skip
    a.sync()
    countcards.use(b.ctx, b.cashier, PHONE, {"WASH": 1})  # B has not pulled the transfer
    b.sync()
    assert list_quarantine(hq.engine) == []  # the visit was served: a fact
    [listed] = admin.list_conflicts(hq.engine)
    assert listed["kind"] == "countcard_after_transfer" and listed["store_code"] == "S002"
    assert listed["detail"]["owner"] == taker.member_id
    assert listed["detail"]["used_by"] == giver.member_id
    assert hq_entries(hq)[-1] == ("visit", "S002", 3_000)
    for counter in (a, c):  # the receiver's stores learn the visit too
        counter.sync()
        [card] = countcards.show(counter.ctx, counter.cashier, taker.member_id)
        assert card.card_id == sold.card.card_id and card.left == (("WASH", 3),)
    status, _owner, _entries = _card_rows(b, sold.card.card_id)
    assert status == "transferred"  # B does not hold the receiver: its copy is done
    assert countcards.show(b.ctx, b.cashier, PHONE)[0].status == "transferred"
    with pytest.raises(RuleError) as e:  # B knows now: the giver no longer uses it
        countcards.use(b.ctx, b.cashier, PHONE, {"WASH": 1}, card_id=sold.card.card_id)
    assert e.value.code == "countcard_transferred"


def test_a_transfer_to_a_member_hq_merged_away_is_quarantined(hq: HQServer, make_counter) -> None:
    a = store_with_product(hq, make_counter)
    register_member(a.ctx, a.cashier, Registration(name="周戊", phone=PHONE, consent=True))
    taker = register_member(a.ctx, a.cashier, Registration(name="周己", phone="13900000065",
                                                           consent=True))  # fmt: skip
    kept = register_member(a.ctx, a.cashier, Registration(name="周己二", phone="13900000066",
                                                          consent=True))  # fmt: skip
    a.sync()
    admin.merge_members(hq.engine, kept.member_id, taker.member_id)  # A has not pulled it
    countcards.sell(a.ctx, a.cashier, PHONE, "W3", pay="cash")
    countcards.transfer(a.ctx, a.cashier, PHONE, taker.member_id,
                        approval=Approval(MANAGER_NO, MANAGER_PIN))  # fmt: skip
    a.sync()
    [held] = list_quarantine(hq.engine)
    assert (held["type"], held["code"]) == ("countcard.transferred", "hq_countcard_receiver_closed")
    assert "merged" in held["reason"]
    assert [k for k, _s, _v in hq_entries(hq)] == ["sold"]


def test_a_card_given_away_and_given_back_is_the_givers_again_at_every_store(
    hq: HQServer, make_counter
) -> None:
    """A (the giver's store) gives the card to B's member; B gives it back. C holds only the
    giver: its copy was done when the card left, and is the giver's, active, when it returns;
    every store's ledger has both transfers."""
    a = store_with_product(hq, make_counter)
    b = make_counter("S002")
    c = make_counter("S003")
    giver = register_member(a.ctx, a.cashier, Registration(name="周庚", phone=PHONE,
                                                           consent=True))  # fmt: skip
    taker = register_member(b.ctx, b.cashier, Registration(name="周辛", phone="13900000067",
                                                           consent=True))  # fmt: skip
    b.sync()
    a.lookup("13900000067")  # B's member, served at A
    sold = countcards.sell(a.ctx, a.cashier, PHONE, "W3", pay="cash")
    countcards.use(a.ctx, a.cashier, PHONE, {"WASH": 1})
    a.sync()
    c.sync()
    c.lookup(PHONE)  # C holds the giver and the card, not the receiver
    approval = Approval(MANAGER_NO, MANAGER_PIN)
    countcards.transfer(a.ctx, a.cashier, PHONE, taker.member_id, approval=approval)
    a.sync()
    c.sync()
    assert _card_rows(c, sold.card.card_id)[0] == "transferred"
    b.sync()
    b.lookup(PHONE)  # the giver served at B
    countcards.transfer(b.ctx, b.cashier, taker.member_id, giver.member_id, approval=approval)
    b.sync()
    assert list_quarantine(hq.engine) == []
    for counter in (a, b, c):
        counter.sync()
        status, owner, entries = _card_rows(counter, sold.card.card_id)
        assert (status, owner) == ("active", giver.member_id), counter.data_dir
        assert [k for k, _v in entries] == ["sold", "visit", "transfer", "transfer"], (
            counter.data_dir, entries)  # fmt: skip
        [card] = countcards.show(counter.ctx, counter.cashier, giver.member_id)
        assert card.status == "active" and card.left == (("WASH", 3),)
    countcards.use(c.ctx, c.cashier, PHONE, {"WASH": 1})  # C serves him with it again
    c.sync()
    assert list_quarantine(hq.engine) == [] and admin.list_conflicts(hq.engine) == []
