"""No change wedges a counter (issue 11): a pulled change that cannot apply here is parked
with its reason, the rest applies, the parked one applies once what it needs arrives, and
``sync repair`` fetches the members it waits for from HQ (SQLite and PostgreSQL HQ)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from app.domain.ids import uuid7
from app.persistence import syncstore
from app.services import parking, syncstate
from app.services.members import Registration, register_member
from app.services.stored_value import top_up
from launcher import main as counter_main
from server import streams
from server.service import add_changes
from sync import engine
from tests.helpers import ledger_checked
from tests.hqkit import Counter, HQServer

P1, P2 = "13900000201", "13900000202"


def inject(hq: HQServer, store_code: str, *bodies: dict[str, Any]) -> None:
    """Changes HQ holds but would not accept today (an HQ restored from before issue 11, a
    bug): written straight into the store's change stream."""
    with hq.engine.begin() as conn:
        add_changes(
            conn, [streams.event_change(body, None, store_code) for body in bodies],
            dt.datetime.now(),
        )  # fmt: skip


def topup_of(member_id: str, fen: int) -> dict[str, Any]:
    payload = {
        "txn_id": uuid7(),
        "member_id": member_id,
        "business_date": "2026-12-01",
        "amount_fen": fen,
        "bonus_fen": 0,
        "tenders": [{"method": "cash", "amount_fen": fen, "change_fen": 0}],
        "sv_entries": [
            {"entry_id": uuid7(), "kind": "topup", "principal_fen": fen, "bonus_fen": 0}
        ],
    }
    return {"event_id": uuid7(), "type": "stored_value.topped_up", "payload": payload,
            "store_code": "S009"}  # fmt: skip


def registration_of(member_id: str, phone: str) -> dict[str, Any]:
    payload = {
        "txn_id": uuid7(),
        "member": {"member_id": member_id, "name": "郑九", "phone": phone, "tier": "normal"},
        "card": {"card_id": uuid7(), "card_no": "880000000099"},
    }
    return {"event_id": uuid7(), "type": "member.registered", "payload": payload,
            "store_code": "S009"}  # fmt: skip


def principal(counter: Counter, member_id: str) -> int | None:
    with counter.ctx.reader() as uow:
        m = uow.member(member_id)
        return m.principal_fen if m else None


def test_a_change_that_cannot_apply_is_parked_and_the_rest_applies(
    hq: HQServer, make_counter: Callable[..., Counter], capsys
) -> None:
    a = make_counter("S001")
    mine = register_member(a.ctx, a.cashier, Registration(name="冯一", phone=P1, consent=True))
    a.sync()
    b = make_counter("S001")  # a second counter of the store
    b.sync()
    stranger = uuid7()  # a member nobody has, HQ neither: fetching it fails
    malformed = topup_of(mine.member_id, 100)
    del malformed["payload"]["sv_entries"][0]["principal_fen"]
    top_up(a.ctx, a.cashier, P1, 5_000, "cash")  # before the bad ones, in the same pull
    a.sync()
    inject(hq, "S001", topup_of(stranger, 7_700), malformed)
    top_up(a.ctx, a.cashier, P1, 10_000, "cash")  # after them
    a.sync()

    b.sync()  # never raises: what cannot apply is parked
    status = syncstate.status(b.ctx)
    assert status.last_error is None and status.online and status.parked == 2
    # The rest applied, each once (the batch is tried whole first, then change by change).
    assert principal(b, mine.member_id) == 15_000
    with b.ctx.reader() as uow:
        assert uow.ledger_mismatches() == []
    held = {p["code"]: p for p in parking.parked(b.ctx)}
    assert set(held) == {"member_not_found", "pull_invalid"}
    assert held["member_not_found"]["member_id"] == stranger
    assert "没有找到会员" in held["member_not_found"]["reason"]
    capsys.readouterr()
    assert counter_main(["--data-dir", str(b.data_dir), "sync", "status"]) == 0
    out = capsys.readouterr().out
    assert "暂缓的总部数据:2 条" in out and "没有找到会员" in out and "离线" not in out

    # What it waited for arrives: it applies; the unreadable one stays parked.
    inject(hq, "S001", registration_of(stranger, P2))
    b.sync()
    assert principal(b, stranger) == 7_700
    assert [p["code"] for p in parking.parked(b.ctx)] == ["pull_invalid"]
    with b.ctx.reader() as uow:
        assert syncstore.parked_count(uow) == 1


def test_sync_repair_fetches_the_members_parked_changes_wait_for(
    hq: HQServer, make_counter: Callable[..., Counter], capsys, monkeypatch
) -> None:
    a = make_counter("S001")
    member = register_member(a.ctx, a.cashier, Registration(name="冯二", phone=P1, consent=True))
    top_up(a.ctx, a.cashier, P1, 10_000, "cash")
    a.sync()
    b = make_counter("S002")
    b.sync()
    with hq.engine.begin() as conn:  # b fetched the member, and the answer was lost
        streams.hold(conn, "S002", member.member_id, dt.datetime.now())
    top_up(a.ctx, a.cashier, P1, 5_000, "cash")
    a.sync()
    monkeypatch.setattr(engine, "MAX_PARKED_FETCH", 0)  # as if HQ could not be asked
    b.sync()
    assert principal(b, member.member_id) is None
    assert [p["code"] for p in parking.parked(b.ctx)] == ["member_not_found"]

    capsys.readouterr()
    code = counter_main(["--data-dir", str(b.data_dir), "--json", "sync", "repair"])
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0 and data["members"] == [member.member_id] and data["parked_left"] == 0
    assert ledger_checked(b.ctx, member.member_id) == (15_000, 0, 0)  # each entry once
    monkeypatch.undo()
    b.sync()
    assert syncstate.status(b.ctx).parked == 0 and principal(b, member.member_id) == 15_000


def test_a_change_about_a_member_not_here_fetches_them(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """HQ holds the member for the store but the counter does not have them (the answer to
    a fetch was lost): the change that names them is parked, the member fetched, and the
    change applied, in the same round."""
    a = make_counter("S001")
    member = register_member(a.ctx, a.cashier, Registration(name="冯三", phone=P1, consent=True))
    a.sync()
    b = make_counter("S002")
    b.sync()
    with hq.engine.begin() as conn:
        streams.hold(conn, "S002", member.member_id, dt.datetime.now())
    top_up(a.ctx, a.cashier, P1, 20_000, "cash")
    a.sync()
    b.sync()
    assert syncstate.status(b.ctx).parked == 0
    assert ledger_checked(b.ctx, member.member_id) == ledger_checked(a.ctx, member.member_id)
