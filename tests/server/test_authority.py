"""HQ is the authority (issue 11): every event a counter pushes is checked before it is
applied; what fails is quarantined with its reason, applied nowhere, and wedges nothing.

Each attack is the one seen against a real ``member-hq serve``: a real counter's event,
altered and re-signed with that counter's own secret (a compromised or buggy counter),
pushed to a real HQ on 127.0.0.1 (SQLite and PostgreSQL).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.domain.audit import payload_hash
from app.domain.ids import uuid7
from app.services import cards, syncstate
from app.services.checkout import checkout
from app.services.members import Registration, register_member, set_payment_password
from app.services.points import adjust_points
from app.services.profile import update_profile
from app.services.refunds import refund
from app.services.security import Approval
from app.services.stored_value import top_up
from server import admin
from server import tables as t
from server.cli import main as hq_main
from server.quarantine import list_quarantine
from sync import wire
from sync.client import wire_events
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer, hq_counts

P1, P2, P3 = "13900000101", "13900000102", "13900000103"
OK = Approval(MANAGER_NO, MANAGER_PIN)


def two_stores(make_counter: Callable[..., Counter]) -> tuple[Counter, Counter, str]:
    """S001 with its member (¥1,000 stored, +150 bonus), S002 that has fetched them (online
    lookup: it serves them)."""
    a, b = make_counter("S001"), make_counter("S002")
    member_id = register_member(
        a.ctx, a.cashier, Registration(name="孙一", phone=P1, consent=True)
    ).member_id
    top_up(a.ctx, a.cashier, P1, 100_000, "cash")
    a.sync()
    b.sync()
    b.lookup(P1)
    return a, b, member_id


def forge(counter: Counter, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """The counter's oldest pending event, altered by ``change`` (the whole wire event) and
    signed with the counter's own secret; the counter then holds it as sent. HQ's answer."""
    [event] = wire_events(syncstate.outbox_batch(counter.ctx, 1))
    event = copy.deepcopy(event)
    change(event)
    event["payload_hash"] = payload_hash(event["payload"])
    client = counter.client()
    try:
        answer = client._signed("POST", wire.PUSH_PATH, {"events": [event]})
    finally:
        client.close()
    syncstate.acknowledge(counter.ctx, answer["acked_seq"])
    [result] = answer["results"]
    assert answer["acked_seq"] == event["device_seq"]  # the number is taken: no wedge
    return result


def hq_member(hq: HQServer, member_id: str) -> Any:
    from sqlalchemy import select

    with hq.engine.connect() as conn:
        return conn.execute(select(t.member).where(t.member.c.id == member_id)).one()


def balances(counter: Counter, member_id: str) -> tuple[int, int, int, str]:
    with counter.ctx.reader() as uow:
        m = uow.member(member_id)
        return (m.principal_fen, m.bonus_fen, m.points, m.status)


def quarantined(result: dict[str, Any], code: str) -> str:
    assert result["status"] == "quarantined", result
    assert result["code"] == code, result
    reason = result["reason"]
    assert reason and any("\u4e00" <= ch <= "\u9fff" for ch in reason)  # words, in Chinese
    return reason


def test_forged_money_is_quarantined_and_reaches_no_counter(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, b, member_id = two_stores(make_counter)
    # One member of S001 per attack: a refused event holds back the same member's later
    # events of that device (see the test below), so each attack gets a member of its own.
    targets = [
        register_member(
            a.ctx, a.cashier, Registration(name=f"孙{i}", phone=f"1390000{i:04d}", consent=True)
        ).member_id
        for i in range(7)
    ]
    phones = [f"1390000{i:04d}" for i in range(7)]
    for phone in phones:
        top_up(a.ctx, a.cashier, phone, 100_000, "cash")
    a.sync()
    b.sync()
    for phone in phones:
        b.lookup(phone)
    before = {m: balances(a, m) for m in targets}
    cursor = a.client().pull(0, 1000).cursor
    huge = {"principal_fen": 1_000_000_000, "bonus_fen": 0}

    def unknown_type(ev: dict[str, Any]) -> None:  # "topup" of 1 fen, a ¥10,000,000 row
        ev["type"] = "topup"
        ev["payload"]["amount_fen"] = 1
        ev["payload"]["sv_entries"][0].update(huge)
        ev["payload"]["points_entries"] = [
            {"entry_id": uuid7(), "lot_id": uuid7(), "kind": "earn", "points": 99_999_999}
        ]

    def one_fen_for_millions(ev: dict[str, Any]) -> None:
        ev["payload"]["amount_fen"] = 1
        ev["payload"]["tenders"][0]["amount_fen"] = 1
        ev["payload"]["sv_entries"][0].update(huge)

    def bonus_out_of_rules(ev: dict[str, Any]) -> None:
        ev["payload"]["bonus_fen"] = 50_000
        ev["payload"]["sv_entries"][0]["bonus_fen"] = 50_000

    def points_smuggled(ev: dict[str, Any]) -> None:
        ev["payload"]["points_entries"] = []

    for phone, (forged, code) in zip(
        phones,
        [
            (unknown_type, "hq_type_unknown"),
            (one_fen_for_millions, "hq_money_mismatch"),
            (bonus_out_of_rules, "hq_bonus_mismatch"),
            (points_smuggled, "hq_schema"),
        ],
        strict=False,
    ):
        top_up(b.ctx, b.cashier, phone, 10_000, "cash")  # a top-up another store may do
        quarantined(forge(b, forged), code)

    # A checkout that credits the balance, one with a negative spend, one by nobody.
    def credits(ev: dict[str, Any]) -> None:
        entry = ev["payload"]["sv_entries"][0]
        entry["principal_fen"], entry["bonus_fen"] = 5_000, 0

    def negative_spend(ev: dict[str, Any]) -> None:
        ev["payload"]["cumulative_spend_delta_fen"] = -100_000_000

    def unknown_staff(ev: dict[str, Any]) -> None:
        ev["payload"]["staff_id"] = uuid7()
        ev["payload"]["staff_no"] = "x99"

    for phone, (forged, code) in zip(
        phones[4:],
        [
            (credits, "hq_money_mismatch"),
            (negative_spend, "hq_schema"),
            (unknown_staff, "hq_staff_unknown"),
        ],
        strict=True,
    ):
        checkout(b.ctx, b.cashier, phone, 5_000)
        quarantined(forge(b, forged), code)

    assert len(list_quarantine(hq.engine)) == 7
    for m in targets:
        row = hq_member(hq, m)
        assert (row.principal_fen, row.bonus_fen, row.points) == (100_000, 15_000, 0)
        assert row.cumulative_spend_fen == 0
    a.sync()
    assert {m: balances(a, m) for m in targets} == before  # nothing reached the home store
    assert a.client().pull(cursor, 1000).changes == []

    # The device's honest events go on: a real top-up of an untouched member applies.
    top_up(b.ctx, b.cashier, P1, 10_000, "cash")
    b.sync()
    a.sync()
    assert balances(a, member_id)[:2] == (110_000, 15_000)
    status = syncstate.status(b.ctx)
    assert status.online and status.pending == 0 and status.last_error is None


def older_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    """A counter of a release without the home-store check (or a tampered one): it makes the
    events HQ must refuse."""
    from app.persistence import syncstore

    monkeypatch.setattr(syncstore, "home_store_of", lambda _uow, _member_id: None)


def test_the_counter_refuses_home_store_operations_on_another_stores_member(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    from app.domain.errors import RuleError

    a, b, member_id = two_stores(make_counter)
    for attempt in (
        lambda: cards.cancel_card(b.ctx, b.cashier, P1, OK),
        lambda: set_payment_password(b.ctx, b.cashier, P1, "246810"),
        lambda: update_profile(b.ctx, b.cashier, P1, name="孙二"),
        lambda: adjust_points(b.ctx, b.cashier, P1, 500, "活动", OK),
        lambda: cards.freeze_card(b.ctx, b.cashier, P1),
    ):
        with pytest.raises(RuleError) as exc:
            attempt()
        assert exc.value.code == "member_other_store" and "S001" in exc.value.message
    top_up(b.ctx, b.cashier, P1, 10_000, "cash")  # serving is fine
    cards.report_lost(b.ctx, b.cashier, P1)
    b.sync()
    assert syncstate.status(b.ctx).refused == ()
    a.sync()
    with a.ctx.reader() as uow:
        assert uow.card(uow.member(member_id).card_id).status == "lost"
    # A second counter of the home store may.
    a2 = make_counter("S001")
    a2.sync()
    set_payment_password(a2.ctx, a2.cashier, P1, "246810")
    a2.sync()
    assert syncstate.status(a2.ctx).refused == ()
    assert hq_member(hq, member_id).pay_password_hash is not None


def test_another_stores_member_is_served_but_not_cancelled_or_changed(
    hq: HQServer, make_counter: Callable[..., Counter], monkeypatch: pytest.MonkeyPatch
) -> None:
    older_counter(monkeypatch)
    a, b, member_id = two_stores(make_counter)
    top_up(b.ctx, b.cashier, P1, 10_000, "cash")  # served: applied
    cards.cancel_card(b.ctx, b.cashier, P1, OK)  # not b's to cancel: quarantined
    b.sync()
    [cancel] = [q for q in list_quarantine(hq.engine) if q["type"] == "card.cancelled"]
    assert cancel["code"] == "hq_member_foreign" and "S001" in cancel["reason"]
    row = hq_member(hq, member_id)
    assert (row.status, row.principal_fen, row.bonus_fen) == ("active", 110_000, 15_000)
    a.sync()
    assert balances(a, member_id) == (110_000, 15_000, 0, "active")


def test_home_only_operations_and_waiting_events_are_named(
    hq: HQServer,
    make_counter: Callable[..., Counter],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    older_counter(monkeypatch)
    a, b, member_id = two_stores(make_counter)
    set_payment_password(b.ctx, b.cashier, P1, "246810")
    update_profile(b.ctx, b.cashier, P1, name="孙二")
    adjust_points(b.ctx, b.cashier, P1, 500, "活动", OK)
    top_up(b.ctx, b.cashier, P1, 10_000, "cash")  # depends on the refused ones: waits
    own = register_member(b.ctx, b.cashier, Registration(name="周一", phone=P2, consent=True))
    top_up(b.ctx, b.cashier, P2, 20_000, "cash")  # independent: applies
    b.sync()

    held = list_quarantine(hq.engine)
    assert [q["type"] for q in held] == [
        "member.payment_password_set",
        "member.profile_updated",
        "points.adjusted",
        "stored_value.topped_up",
    ]
    assert held[0]["code"] == "hq_member_foreign"
    for q in held[1:]:  # the same member's later events wait on the refused one, named
        assert q["code"] == "hq_waiting" and q["waiting_on"] == held[0]["event_id"]
        assert held[0]["event_id"] in q["reason"]
    row = hq_member(hq, member_id)
    assert (row.name, row.pay_password_hash, row.points) == ("孙一", None, 0)
    assert hq_member(hq, own.member_id).principal_fen == 20_000

    # The counter says so, event by event, in words.
    assert hq_main(["--db", hq.url, "quarantine", "list"]) == 0
    from launcher import main as counter_main

    capsys.readouterr()
    assert counter_main(["--data-dir", str(b.data_dir), "sync", "status"]) == 0
    out = capsys.readouterr().out
    assert "总部拒收:4 条" in out and "门店 S001" in out
    # In English, HQ's reasons are rendered from their codes.
    from app.domain.messages import set_language

    try:
        assert counter_main(["--lang", "en", "--data-dir", str(b.data_dir), "sync", "status"]) == 0
    finally:
        set_language("zh")
    out = capsys.readouterr().out
    assert "The member belongs to store S001; this store may not do this" in out
    assert f"Waits for the refused event {held[0]['event_id']} of the same member" in out
    assert "门店 S001" not in out

    # HQ staff void the password change: the profile change waited on it, and is still
    # refused by its own reason; voiding that and the points releases the top-up.
    def run(*args: str) -> tuple[int, dict[str, Any]]:
        capsys.readouterr()
        code = hq_main(["--db", hq.url, "--json", "quarantine", *args])
        return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    code, shown = run("show", str(held[3]["id"]))
    assert code == 0 and shown["payload"]["amount_fen"] == 10_000
    code, done = run("resolve", str(held[0]["id"]), "--void", "--note", "不是本店会员")
    assert code == 0 and done["status"] == "voided"
    assert done["released"][0]["status"] == "held"  # the profile change: refused on its own
    b.sync()  # and B says so: it waits no more, refused for its own reason
    [profile] = [r for r in syncstate.status(b.ctx).refused if r.event_id == held[1]["event_id"]]
    assert profile.waiting_on is None and profile.code == "hq_member_foreign", profile
    for q in held[1:3]:
        assert run("resolve", str(q["id"]), "--void")[0] == 0
    assert [q["status"] for q in list_quarantine(hq.engine, None)] == [
        "voided",
        "voided",
        "voided",
        "applied",
    ]
    assert hq_member(hq, member_id).principal_fen == 110_000
    a.sync()
    assert balances(a, member_id)[:2] == (110_000, 15_000)
    b.sync()  # B hears how each was resolved: the top-up applied, the rest voided
    assert {r.event_id: r.code for r in syncstate.status(b.ctx).refused} == {
        held[0]["event_id"]: "voided_at_hq_reverted",  # the password: HQ's again
        held[1]["event_id"]: "voided_at_hq_reverted",  # the profile change: HQ's name
        held[2]["event_id"]: "voided_at_hq",  # the points: reversed
    }
    assert balances(b, member_id)[:3] == (110_000, 15_000, 0)
    with b.ctx.reader() as uow:
        m = uow.member(member_id)
        assert (m.name, m.pay_password_hash, m.pay_password_at_hq) == ("孙一", None, False)
    code, again = run("resolve", str(held[0]["id"]), "--apply")
    assert code == 3 and again["code"] == "quarantine_invalid"


def test_a_corrected_event_is_applied_by_hq_staff(
    hq: HQServer, make_counter: Callable[..., Counter], tmp_path: Path, capsys
) -> None:
    a, b, member_id = two_stores(make_counter)
    top_up(b.ctx, b.cashier, P1, 50_000, "cash")

    def wrong_bonus(ev: dict[str, Any]) -> None:
        ev["payload"]["bonus_fen"] = 4_000
        ev["payload"]["sv_entries"][0]["bonus_fen"] = 4_000

    quarantined(forge(b, wrong_bonus), "hq_bonus_mismatch")
    [held] = list_quarantine(hq.engine)
    capsys.readouterr()
    assert hq_main(["--db", hq.url, "--json", "quarantine", "show", str(held["id"])]) == 0
    payload = json.loads(capsys.readouterr().out)["payload"]
    path = tmp_path / "fixed.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    # Applied as it is: refused again, with the reason.
    assert hq_main(["--db", hq.url, "quarantine", "resolve", str(held["id"]), "--apply"]) == 3
    payload["bonus_fen"] = payload["sv_entries"][0]["bonus_fen"] = 5_000  # 充500送50
    path.write_text(json.dumps(payload), encoding="utf-8")
    args = ["quarantine", "resolve", str(held["id"]), "--apply", "--payload", str(path)]
    assert hq_main(["--db", hq.url, *args]) == 0
    assert hq_member(hq, member_id).principal_fen == 150_000
    assert hq_member(hq, member_id).bonus_fen == 20_000
    a.sync()
    assert balances(a, member_id)[:2] == (150_000, 20_000)


def test_a_voided_event_is_reversed_at_the_counter_that_made_it(
    hq: HQServer, make_counter: Callable[..., Counter], capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HQ staff void a refused points adjustment (another store's member: not this store's to
    adjust): HQ never applied it, and the counter that made it reverses it with compensating
    entries (its rows stay), so every counter and HQ agree again."""
    import sqlite3

    older_counter(monkeypatch)  # a release that let the adjustment through
    a, b, member_id = two_stores(make_counter)
    adjust_points(b.ctx, b.cashier, P1, 500, "活动", OK)
    b.sync()
    [held] = list_quarantine(hq.engine)
    assert held["code"] == "hq_member_foreign"
    [refusal] = syncstate.status(b.ctx).refused
    assert refusal.event_id == held["event_id"] and balances(b, member_id)[2] == 500

    def rows(counter: Counter) -> list[tuple[str, int]]:
        conn = sqlite3.connect(str(counter.ctx.db.path))
        try:
            return conn.execute(
                "SELECT kind, points FROM points_entry WHERE member_id = ? ORDER BY id",
                (member_id,),
            ).fetchall()
        finally:
            conn.close()

    before = rows(b)
    assert hq_main(["--db", hq.url, "quarantine", "resolve", str(held["id"]), "--void"]) == 0
    b.sync()
    b.sync()  # the notice is applied once
    assert balances(b, member_id)[:3] == (100_000, 15_000, 0) == (
        hq_member(hq, member_id).principal_fen, hq_member(hq, member_id).bonus_fen,
        hq_member(hq, member_id).points)  # fmt: skip
    after = rows(b)
    assert after[: len(before)] == before  # nothing deleted or changed
    assert after[len(before) :] == [("hq_void", -500)]
    [refusal] = syncstate.status(b.ctx).refused
    assert refusal.code == "voided_at_hq" and "积分 500" in refusal.text
    a.sync()
    assert balances(a, member_id)[:3] == (100_000, 15_000, 0) and rows(a) == []
    from launcher import main as counter_main

    capsys.readouterr()
    assert counter_main(["--data-dir", str(b.data_dir), "sync", "status"]) == 0
    assert "总部已作废此操作" in capsys.readouterr().out


def test_bonus_is_checked_by_the_rules_version_the_counter_held(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    _a, b, member_id = two_stores(make_counter)
    rules = admin.get_rules(hq.engine)
    rules["topup_bonuses"] = [{"min_fen": 10_000, "bonus_fen": 3_000}]  # 充100送30
    admin.set_rules(hq.engine, rules)
    top_up(b.ctx, b.cashier, P1, 10_000, "cash")  # made by the rules b holds: no bonus
    b.sync()  # pushes it (no HQ version: b's own rules), then pulls version 1
    top_up(b.ctx, b.cashier, P1, 10_000, "cash")  # by version 1: +30
    b.sync()
    assert syncstate.status(b.ctx).refused == ()
    row = hq_member(hq, member_id)
    assert (row.principal_fen, row.bonus_fen) == (120_000, 18_000)
    top_up(b.ctx, b.cashier, P1, 10_000, "cash")

    def old_bonus(ev: dict[str, Any]) -> None:  # version 1 held, the old rules' bonus claimed
        assert ev["payload"]["rules_version"] == 1
        ev["payload"]["bonus_fen"] = ev["payload"]["sv_entries"][0]["bonus_fen"] = 0

    reason = quarantined(forge(b, old_bonus), "hq_bonus_mismatch")
    assert "¥30.00" in reason


def test_refunds_only_of_sales_made_here_and_only_once(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a, b, member_id = two_stores(make_counter)
    sale_b = checkout(b.ctx, b.cashier, P1, 20_000)
    refund(b.ctx, b.cashier, sale_b.txn_id, OK)
    b.sync()
    first_refund = refund_payload(hq, sale_b.txn_id)
    top_up(b.ctx, b.cashier, P1, 10_000, "cash")

    def second_refund(ev: dict[str, Any]) -> None:  # the same refund again, with new ids
        ev["type"] = "checkout.refunded"
        ev["payload"] = copy.deepcopy(first_refund)
        ev["payload"]["txn_id"] = uuid7()
        for entry in ev["payload"]["sv_entries"] + ev["payload"]["points_entries"]:
            entry["entry_id"] = uuid7()

    quarantined(forge(b, second_refund), "hq_already_refunded")

    # A sale made at S001 cannot be refunded at S002.
    other = register_member(a.ctx, a.cashier, Registration(name="吴三", phone=P3, consent=True))
    top_up(a.ctx, a.cashier, P3, 50_000, "cash")
    sale_a = checkout(a.ctx, a.cashier, P3, 10_000)
    a.sync()
    b.sync()
    b.lookup(P3)
    sale_b3 = checkout(b.ctx, b.cashier, P3, 10_000)
    b.sync()
    refund(b.ctx, b.cashier, sale_b3.txn_id, OK)

    def of_a_sale(ev: dict[str, Any]) -> None:
        ev["payload"]["original_txn_id"] = sale_a.txn_id

    quarantined(forge(b, of_a_sale), "hq_txn_foreign")
    assert hq_member(hq, member_id).cumulative_spend_fen == 0  # sold and refunded once
    assert hq_member(hq, other.member_id).cumulative_spend_fen == 20_000


def refund_payload(hq: HQServer, original_txn_id: str) -> dict[str, Any]:
    from sqlalchemy import select

    with hq.engine.connect() as conn:
        text = conn.scalar(
            select(t.event.c.payload)
            .join(t.txn, t.txn.c.event_id == t.event.c.event_id)
            .where(t.txn.c.original_txn_id == original_txn_id)
        )
    assert text is not None
    return json.loads(text)


def test_one_batch_is_checked_against_itself_and_hq(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """HQ reads what a batch names once, before checking it (server.validate.Batch.prefetch):
    in one push, forgeries that collide with rows made earlier in the same batch, and with
    rows HQ held before it, are refused as one at a time, and the honest events apply."""
    a, _b, p1 = two_stores(make_counter)
    old_sale = checkout(a.ctx, a.cashier, P1, 20_000)
    a.sync()
    x = register_member(a.ctx, a.cashier, Registration(name="郑二", phone=P2, consent=True))
    top_up(a.ctx, a.cashier, P2, 50_000, "cash")
    sale_x = checkout(a.ctx, a.cashier, P2, 10_000)
    refund(a.ctx, a.cashier, sale_x.txn_id, OK)
    refund(a.ctx, a.cashier, old_sale.txn_id, OK)  # of a sale HQ held before the batch
    v = register_member(a.ctx, a.cashier, Registration(name="钱五", phone=P3, consent=True))
    honest = wire_events(syncstate.outbox_batch(a.ctx, 100))
    assert [e["type"] for e in honest] == [
        "member.registered", "stored_value.topped_up", "checkout.completed",
        "checkout.refunded", "checkout.refunded", "member.registered",
    ]  # fmt: skip
    reg_x, topup_x, _sale, refund_x, refund_old, _reg_v = honest

    def like(event: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict:
        ev = copy.deepcopy(event)
        ev["event_id"] = uuid7()
        p = ev["payload"]
        p["txn_id"] = uuid7()
        for entry in p.get("sv_entries", []) + p.get("points_entries", []):
            entry["entry_id"] = uuid7()
        change(p)
        return ev

    def other_member(p: dict[str, Any]) -> None:
        p["member"]["member_id"] = uuid7()
        p["member"]["phone"] = "13900000199"

    def new_card(p: dict[str, Any]) -> None:
        other_member(p)
        p["card"]["card_id"] = uuid7()

    def nobody(p: dict[str, Any]) -> None:
        p["member_id"] = uuid7()

    def for_v_with_a_txn_id_hq_holds(p: dict[str, Any]) -> None:
        p["member_id"] = v.member_id
        p["txn_id"] = old_sale.txn_id

    forged = [
        (like(reg_x, new_card), "hq_card_taken"),  # the card number made by this batch
        (like(reg_x, other_member), "hq_id_taken"),  # the card id made by this batch
        (like(refund_x, lambda p: None), "hq_already_refunded"),  # refunded in this batch
        (like(refund_old, lambda p: None), "hq_already_refunded"),  # HQ's sale, same batch
        (like(topup_x, nobody), "hq_member_unknown"),
        (like(topup_x, for_v_with_a_txn_id_hq_holds), "hq_id_taken"),
    ]
    events = honest + [ev for ev, _code in forged]
    for seq, ev in enumerate(events, honest[0]["device_seq"]):
        ev["device_seq"] = seq
        ev["payload_hash"] = payload_hash(ev["payload"])
    client = a.client()
    try:
        answer = client._signed("POST", wire.PUSH_PATH, {"events": events})
    finally:
        client.close()
    assert answer["acked_seq"] == events[-1]["device_seq"]
    results = answer["results"]
    assert [r["status"] for r in results[: len(honest)]] == ["applied"] * len(honest)
    for result, (_ev, code) in zip(results[len(honest) :], forged, strict=True):
        quarantined(result, code)
    assert len(list_quarantine(hq.engine)) == len(forged)
    syncstate.acknowledge(a.ctx, honest[-1]["device_seq"])
    for member_id in (p1, x.member_id, v.member_id):  # HQ holds what the counter holds
        row = hq_member(hq, member_id)
        assert (row.principal_fen, row.bonus_fen, row.points) == balances(a, member_id)[:3]
    assert hq_member(hq, x.member_id).principal_fen == 50_000
    assert hq_counts(hq)["members"] == 3


def test_a_rules_change_inside_a_batch_judges_the_events_after_it(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """A store that ran on its own before it joined pushes its history in one batch: a
    top-up by the old rules, the rules changed, a top-up by the new ones. Each is judged by
    the rules the counter held when it was made."""
    from app.services.rules_admin import update_rules
    from app.services.security import sign_in

    c = make_counter("S009", enroll=False)
    manager = sign_in(c.ctx, MANAGER_NO, MANAGER_PIN)
    member_id = register_member(
        c.ctx, c.cashier, Registration(name="吴一", phone=P3, consent=True)
    ).member_id
    top_up(c.ctx, c.cashier, P3, 50_000, "cash")  # the demo rules: 充500送50
    update_rules(c.ctx, manager, topup_bonuses=[{"min_fen": 10_000, "bonus_fen": 3_000}])
    top_up(c.ctx, c.cashier, P3, 10_000, "cash")  # 充100送30
    c.enroll(hq.base_url, hq.new_store("S009"))
    c.sync()
    assert list_quarantine(hq.engine) == []
    row = hq_member(hq, member_id)
    assert (row.principal_fen, row.bonus_fen) == (60_000, 8_000)


def test_a_device_cannot_mint_bonus_for_another_stores_member_with_rules_of_its_own(
    hq: HQServer, make_counter: Callable[..., Counter], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A modified counter writes itself rules (top up ¥1, get ¥50,000) and tops up another
    store's member by them, in one push and in two: HQ judges what a device does to another
    store's member by HQ's rules only, never the device's own."""
    from app.services import rules_admin
    from app.services.rules_admin import update_rules
    from app.services.security import sign_in

    a, b, member_id = two_stores(make_counter)
    monkeypatch.setattr(rules_admin, "_managed_by_hq", lambda uow: False)  # a modified counter
    manager = sign_in(b.ctx, MANAGER_NO, MANAGER_PIN)
    update_rules(b.ctx, manager, topup_bonuses=[{"min_fen": 100, "bonus_fen": 5_000_000}])
    top_up(b.ctx, b.cashier, P1, 100, "cash")
    b.sync()
    update_rules(b.ctx, manager, topup_bonuses=[{"min_fen": 100, "bonus_fen": 4_000_000}])
    b.sync()
    top_up(b.ctx, b.cashier, P1, 100, "cash")
    b.sync()
    codes = [q["code"] for q in list_quarantine(hq.engine)]
    # Its rules changes, made after it joined, are refused too.
    assert codes == [
        "hq_rules_after_joining", "hq_bonus_mismatch", "hq_rules_after_joining", "hq_waiting"
    ], codes  # fmt: skip
    a.sync()
    assert balances(a, member_id)[:2] == (100_000, 15_000)
    assert hq_member(hq, member_id).bonus_fen == 15_000


def test_a_voided_top_up_cannot_be_refunded(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """Once HQ voided a top-up and its counter reversed it, refunding it would pay it back a
    second time: refused."""
    import sqlite3

    from app.domain.errors import RuleError

    _a, b, member_id = two_stores(make_counter)
    conn = sqlite3.connect(str(b.ctx.db.path))
    rules = json.loads(conn.execute("SELECT rules_json FROM store").fetchone()[0])
    rules["topup_bonuses"] = [{"min_fen": 10_000, "bonus_fen": 9_000}]  # not HQ's
    conn.execute("UPDATE store SET rules_json = ?", (json.dumps(rules),))
    conn.commit()
    conn.close()
    done = top_up(b.ctx, b.cashier, P1, 50_000, "cash")
    b.sync()
    [held] = list_quarantine(hq.engine)
    assert held["code"] == "hq_bonus_mismatch"
    assert hq_main(["--db", hq.url, "quarantine", "resolve", str(held["id"]), "--void"]) == 0
    b.sync()
    assert balances(b, member_id)[:2] == (100_000, 15_000)
    with pytest.raises(RuleError) as refused:
        refund(b.ctx, b.cashier, done.txn_id, OK)
    assert refused.value.code == "txn_voided_at_hq"
    assert balances(b, member_id)[:2] == (100_000, 15_000)


def test_a_refund_hq_voided_is_reversed_and_cannot_be_made_again_here(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """HQ voids a refused refund of a checkout: the counter reverses it, the member's history
    no longer shows the sale refunded, and a second refund here is refused with the reason
    (a checkout has one refund; HQ settles it) and changes nothing."""
    from app.domain.errors import RuleError

    a, _b, member_id = two_stores(make_counter)
    sale_a = checkout(a.ctx, a.cashier, P1, 20_000)
    a.sync()
    before = balances(a, member_id)
    refund(a.ctx, a.cashier, sale_a.txn_id, OK)

    def more_back(ev: dict[str, Any]) -> None:
        ev["payload"]["sv_entries"][0]["principal_fen"] += 1_000

    held = forge(a, more_back)
    assert held["status"] == "quarantined", held
    [row] = list_quarantine(hq.engine)
    assert hq_main(["--db", hq.url, "quarantine", "resolve", str(row["id"]), "--void"]) == 0
    a.sync()
    assert balances(a, member_id) == before
    with a.ctx.reader() as uow:
        assert uow.refunded_among({sale_a.txn_id}) == set()
    with pytest.raises(RuleError) as refused:
        refund(a.ctx, a.cashier, sale_a.txn_id, OK)
    assert refused.value.code == "refund_voided_at_hq"
    assert balances(a, member_id) == before


def test_an_event_hq_staff_corrected_is_corrected_at_the_counter_that_made_it(
    hq: HQServer, make_counter: Callable[..., Counter], tmp_path: Path, capsys
) -> None:
    """A counter with rules of its own (充100送90) tops up another store's member; HQ refuses
    the bonus, its staff apply it corrected (充500送50). The counter that made it reverses its
    own postings and takes HQ's, once, and agrees with HQ after a rejoin too."""
    import sqlite3

    a, b, member_id = two_stores(make_counter)
    conn = sqlite3.connect(str(b.ctx.db.path))
    rules = json.loads(conn.execute("SELECT rules_json FROM store").fetchone()[0])
    rules["topup_bonuses"] = [{"min_fen": 10_000, "bonus_fen": 9_000}]
    conn.execute("UPDATE store SET rules_json = ?", (json.dumps(rules),))
    conn.commit()
    conn.close()
    top_up(b.ctx, b.cashier, P1, 50_000, "cash")
    b.sync()
    assert balances(b, member_id)[:2] == (150_000, 24_000)
    [held] = list_quarantine(hq.engine)
    capsys.readouterr()
    assert hq_main(["--db", hq.url, "--json", "quarantine", "show", str(held["id"])]) == 0
    payload = json.loads(capsys.readouterr().out)["payload"]
    payload["bonus_fen"] = payload["sv_entries"][0]["bonus_fen"] = 5_000
    path = tmp_path / "fixed.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    args = ["quarantine", "resolve", str(held["id"]), "--apply", "--payload", str(path)]
    assert hq_main(["--db", hq.url, *args]) == 0
    b.sync()
    b.sync()
    assert balances(b, member_id)[:2] == (150_000, 20_000)
    assert syncstate.status(b.ctx).refused == ()
    conn = sqlite3.connect(str(b.ctx.db.path))
    conn.execute("UPDATE sync_state SET joined_at = NULL")  # joins again from the snapshot
    conn.commit()
    conn.close()
    b.sync()
    assert balances(b, member_id)[:2] == (150_000, 20_000)
    a.sync()
    assert balances(a, member_id)[:2] == (150_000, 20_000)
