"""A refused event HQ staff void is taken back at the counter that made it, whatever it
changed there: its postings, and a card's or the member's status, a replaced card, a tier.
Afterwards the counter holds of the member what HQ holds (a real HQ on 127.0.0.1, SQLite and
PostgreSQL; each type refused at HQ, then voided with ``member-hq quarantine resolve``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from app.persistence import syncstore
from app.services import cards, syncstate
from app.services.checkout import checkout
from app.services.members import Registration, register_member
from app.services.security import sign_in
from app.services.stored_value import adjust_stored_value, top_up
from app.services.tiers import override_tier
from server import tables as t
from server import validate
from server.cli import main as hq_main
from server.quarantine import list_quarantine
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer
from tests.server.test_authority import OK

P = "13900000111"


def at_counter(c: Counter, member_id: str) -> dict[str, Any]:
    with c.ctx.reader() as uow:
        m = uow.member(member_id)
        held = {x.id: x.status for x in syncstore.cards_of(uow, member_id)}
        return {"status": m.status, "sv": (m.principal_fen, m.bonus_fen), "points": m.points,
                "spend": m.cumulative_spend_fen, "tier": m.tier_code, "card": m.card_id,
                "cards": held}  # fmt: skip


def at_hq(hq: HQServer, member_id: str) -> dict[str, Any]:
    with hq.engine.connect() as conn:
        m = conn.execute(select(t.member).where(t.member.c.id == member_id)).one()
        rows = conn.execute(select(t.card.c.id, t.card.c.status).where(t.card.c.member_id == m.id))
        held = {row.id: row.status for row in rows}
    return {"status": m.status, "sv": (m.principal_fen, m.bonus_fen), "points": m.points,
            "spend": m.cumulative_spend_fen, "tier": m.tier_code, "card": m.card_id,
            "cards": held}  # fmt: skip


CASES: dict[str, tuple[Callable[[Counter], Any], str]] = {
    "card.frozen": (lambda c: cards.freeze_card(c.ctx, c.cashier, P), "voided_at_hq_reverted"),
    "card.reported_lost": (
        lambda c: cards.report_lost(c.ctx, c.cashier, P),
        "voided_at_hq_reverted",
    ),
    "card.replaced": (lambda c: cards.replace_card(c.ctx, manager(c), P), "voided_at_hq_reverted"),
    "card.cancelled": (lambda c: cards.cancel_card(c.ctx, c.cashier, P, OK), "voided_at_hq"),
    "tier.overridden": (
        lambda c: override_tier(c.ctx, c.cashier, P, "gold", "活动", OK),
        "voided_at_hq_reverted",
    ),
    "checkout.completed": (lambda c: checkout(c.ctx, c.cashier, P, 5_000), "voided_at_hq"),
    "stored_value.adjusted": (
        lambda c: adjust_stored_value(
            c.ctx,
            c.cashier,
            P,
            principal_delta_fen=1_000,
            bonus_delta_fen=0,
            reason="盘点",
            approval=OK,
        ),
        "voided_at_hq",
    ),
}


def manager(c: Counter) -> Any:
    return sign_in(c.ctx, MANAGER_NO, MANAGER_PIN)


@pytest.mark.parametrize("event_type", list(CASES))
def test_a_voided_event_leaves_the_counter_as_hq_holds_the_member(
    hq: HQServer,
    make_counter: Callable[..., Counter],
    monkeypatch: pytest.MonkeyPatch,
    event_type: str,
) -> None:
    a = make_counter("S001")
    member_id = register_member(
        a.ctx, a.cashier, Registration(name="孙一", phone=P, consent=True)
    ).member_id
    top_up(a.ctx, a.cashier, P, 100_000, "cash")
    a.sync()
    before = at_hq(hq, member_id)
    assert at_counter(a, member_id) == before
    real = validate.check

    def refusing(batch: Any, kind: str, payload: dict[str, Any], seq: int) -> None:
        if kind == event_type:  # HQ refuses it (whatever the reason)
            raise validate.Refused("schema", detail="refused here")
        real(batch, kind, payload, seq)

    monkeypatch.setattr(validate, "check", refusing)
    operation, code = CASES[event_type]
    operation(a)
    a.sync()
    assert at_counter(a, member_id) != before  # it took effect here
    [held] = list_quarantine(hq.engine)
    assert held["type"] == event_type
    monkeypatch.setattr(validate, "check", real)
    assert hq_main(["--db", hq.url, "quarantine", "resolve", str(held["id"]), "--void"]) == 0
    a.sync()
    a.sync()  # the notice is applied once
    here, there = at_counter(a, member_id), at_hq(hq, member_id)
    assert there == before
    # A card HQ never issued (a replacement) stays here as void, never in use.
    never = {i: s for i, s in here["cards"].items() if i not in there["cards"]}
    assert set(never.values()) <= {"cancelled"}
    assert {**here, "cards": {i: s for i, s in here["cards"].items() if i not in never}} == there
    [refusal] = syncstate.status(a.ctx).refused
    assert refusal.code == code
