"""A counter that has worked by HQ's rules cannot bring in rules of its own (issue 11).

HQ judges a device's events about its own store's members by the rules the device held,
its own ``rules.changed`` included, so that a store that ran alone before it joined can
upload its history. Once the device has pushed an event made under one of HQ's rules
versions (an honest counter's rules editor is locked by then), a later ``rules.changed``
from it is quarantined, and what it did by those rules is judged by the rules it held
before. Against a real HQ on 127.0.0.1 (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable

import pytest
from sqlalchemy import select, update

from app.domain.messages import render_in
from app.services import rules_admin, syncstate
from app.services.members import Registration, register_member
from app.services.rules_admin import update_rules
from app.services.security import sign_in
from app.services.stored_value import top_up
from server import admin
from server import tables as t
from server.quarantine import list_quarantine
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer

PHONE = "13900000201"
CODE = "hq_rules_after_hq_rules"
AFTER_JOINING = "hq_rules_after_joining"
NOT_DECLARED = "hq_rules_not_declared"


def _head_of(hq: HQServer, code: str) -> dict[str, int]:
    """The parameters of the reason: the head of the store's one device."""
    if code != AFTER_JOINING:
        return {}
    with hq.engine.connect() as conn:
        return {"head": conn.execute(select(t.device.c.history_head_seq)).scalar_one()}


def _hq_balance(hq: HQServer, member_id: str) -> tuple[int, int]:
    with hq.engine.connect() as conn:
        row = conn.execute(select(t.member).where(t.member.c.id == member_id)).one()
    return row.principal_fen, row.bonus_fen


def _hq_rules_from(hq: HQServer, store_code: str) -> int | None:
    """Of the store's one device."""
    with hq.engine.connect() as conn:
        return conn.execute(
            select(t.device.c.hq_rules_from_seq).where(t.device.c.store_code == store_code)
        ).scalar_one()


def _modified(counter: Counter, monkeypatch: pytest.MonkeyPatch) -> None:
    """The counter's rules editor unlocked and its events no longer naming HQ's rules."""
    monkeypatch.setattr(rules_admin, "_managed_by_hq", lambda uow: False)
    conn = sqlite3.connect(str(counter.ctx.db.path))
    conn.execute("UPDATE sync_state SET rules_version = NULL")
    conn.commit()
    conn.close()


def _mint(counter: Counter) -> None:
    manager = sign_in(counter.ctx, MANAGER_NO, MANAGER_PIN)
    update_rules(counter.ctx, manager, topup_bonuses=[{"min_fen": 100, "bonus_fen": 5_000_000}])
    top_up(counter.ctx, counter.cashier, PHONE, 100, "cash")


def _own_member(counter: Counter) -> str:
    return register_member(
        counter.ctx, counter.cashier, Registration(name="孙一", phone=PHONE, consent=True)
    ).member_id


def _assert_refused(hq: HQServer, code: str = AFTER_JOINING) -> None:
    held = {q["type"]: q for q in list_quarantine(hq.engine)}
    assert sorted(held) == ["rules.changed", "stored_value.topped_up"], held
    assert held["rules.changed"]["code"] == code
    assert held["rules.changed"]["reason"] == render_in("zh", code, **_head_of(hq, code))
    # The top-up is judged by the rules the counter held before its own change: not them.
    assert held["stored_value.topped_up"]["code"] == "hq_bonus_mismatch"
    with hq.engine.connect() as conn:
        rules_events = conn.scalar(
            select(t.event.c.event_id).where(t.event.c.type == "rules.changed")
        )
    assert rules_events is None


@pytest.mark.parametrize("one_batch", [False, True], ids=["later_push", "same_batch"])
def test_a_counter_on_hq_rules_cannot_mint_bonus_with_rules_of_its_own(
    hq: HQServer,
    make_counter: Callable[..., Counter],
    monkeypatch: pytest.MonkeyPatch,
    one_batch: bool,
) -> None:
    """The attack: a modified counter writes itself rules (top up ¥1, get ¥50,000) and tops
    up its own store's member by them, in a push after the one that carried an event under
    HQ's rules, or in the same push right after it. Both are quarantined, HQ's balance is
    what the honest top-up made."""
    admin.set_rules(hq.engine, admin.get_rules(hq.engine))  # HQ manages the chain's rules
    a = make_counter("S001")
    member_id = _own_member(a)
    a.sync()  # pulls HQ's rules
    top_up(a.ctx, a.cashier, PHONE, 50_000, "cash")  # under HQ's rules: 充500送50
    if not one_batch:
        a.sync()
        assert _hq_balance(hq, member_id) == (50_000, 5_000)
        assert list_quarantine(hq.engine) == []
    _modified(a, monkeypatch)
    _mint(a)
    a.sync()
    _assert_refused(hq)
    assert _hq_balance(hq, member_id) == (50_000, 5_000)
    assert _hq_rules_from(hq, "S001") == 5  # store.initialised, 2 staff, the member, the top-up


def test_the_reasons_read_in_both_languages() -> None:
    assert render_in("zh", CODE) == "该收银机已使用总部规则,不能再上传自己的规则变更"
    assert render_in("en", CODE) == (
        "This counter already works by HQ's rules: it cannot upload its own rules changes"
    )
    assert render_in("zh", AFTER_JOINING, head=7) == (
        "该收银机加入总部时的记录到第 7 条为止,之后的规则变更只能由总部设置"
    )
    assert render_in("en", AFTER_JOINING, head=7) == (
        "This counter's history ended at event 7 when it joined HQ: later rules changes"
        " are HQ's to make"
    )
    assert render_in("zh", NOT_DECLARED) == "该规则变更不在收银机加入总部时申报的记录中"
    assert render_in("en", NOT_DECLARED) == (
        "This rules change is not among the history the counter declared when it joined HQ"
    )


def test_a_store_that_ran_alone_uploads_its_rules_then_works_by_hqs(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """The honest counter: its rules change of the time it ran alone is applied and judges
    the top-up made by it; after it joined, its top-ups name HQ's rules and are applied;
    nothing is quarantined. HQ notes where it began to work by HQ's rules."""
    admin.set_rules(hq.engine, admin.get_rules(hq.engine))
    c = make_counter("S009", enroll=False)
    manager = sign_in(c.ctx, MANAGER_NO, MANAGER_PIN)
    member_id = _own_member(c)
    update_rules(c.ctx, manager, topup_bonuses=[{"min_fen": 10_000, "bonus_fen": 3_000}])
    top_up(c.ctx, c.cashier, PHONE, 10_000, "cash")  # its own rules: 充100送30
    c.enroll(hq.base_url, hq.new_store("S009"))
    c.sync()
    assert _hq_rules_from(hq, "S009") is None  # nothing it made named HQ's rules yet
    top_up(c.ctx, c.cashier, PHONE, 50_000, "cash")  # HQ's rules now: 充500送50
    c.sync()
    assert list_quarantine(hq.engine) == []
    assert _hq_balance(hq, member_id) == (60_000, 8_000)
    with hq.engine.connect() as conn:
        seqs = conn.execute(
            select(t.event.c.device_seq).where(t.event.c.type == "stored_value.topped_up")
        ).scalars()
        last_topup = max(seqs)
    assert _hq_rules_from(hq, "S009") == last_topup


def test_a_counter_that_never_names_hqs_rules_cannot_mint_after_it_joined(
    hq: HQServer, make_counter: Callable[..., Counter], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack where HQ never set the chain's rules, so no event of the device ever names
    an HQ rules version: after it joined, a modified counter writes itself rules (top up ¥1,
    get ¥50,000) and tops up its own member by them. Its history ended at enrolment: the
    rules change is quarantined and the top-up judged without it."""
    a = make_counter("S001")
    member_id = _own_member(a)
    a.sync()
    assert _hq_rules_from(hq, "S001") is None
    _modified(a, monkeypatch)
    _mint(a)
    a.sync()
    _assert_refused(hq, AFTER_JOINING)
    assert _head_of(hq, AFTER_JOINING) == {"head": 3}  # store.initialised and the two staff
    assert _hq_balance(hq, member_id) == (0, 0)


def test_a_counter_that_declares_a_longer_history_still_brings_only_its_own_rules(
    hq: HQServer, make_counter: Callable[..., Counter], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A modified counter that says at enrolment it has made a million events (to go on
    writing "history" after it joined): a rules change it did not declare is refused."""
    a = make_counter("S002", enroll=False)
    member_id = _own_member(a)
    real = syncstate.history
    monkeypatch.setattr(syncstate, "history", lambda ctx: (1_000_000, real(ctx)[1]))
    a.enroll(hq.base_url, hq.new_store("S002"))
    monkeypatch.setattr(rules_admin, "_managed_by_hq", lambda uow: False)
    _mint(a)
    a.sync()
    _assert_refused(hq, NOT_DECLARED)
    assert _hq_balance(hq, member_id) == (0, 0)


def test_the_history_closes_a_week_after_enrolment(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """A declared head the device has not reached a week after it joined closes at what it
    has pushed: a declared rules event pushed later is refused (HQ staff may still apply it
    from the quarantine). The honest counter pushes its history at once."""
    c = make_counter("S003", enroll=False)
    manager = sign_in(c.ctx, MANAGER_NO, MANAGER_PIN)
    update_rules(c.ctx, manager, topup_bonuses=[{"min_fen": 10_000, "bonus_fen": 3_000}])
    c.enroll(hq.base_url, hq.new_store("S003"))
    with hq.engine.begin() as conn:
        head = conn.execute(select(t.device.c.history_head_seq)).scalar_one()
        assert head == 4  # store.initialised, two staff, the rules change
        enrolled = conn.execute(select(t.device.c.enrolled_at)).scalar_one()
        conn.execute(update(t.device).values(enrolled_at=enrolled - dt.timedelta(days=8)))
    c.sync()
    held = list_quarantine(hq.engine)
    assert [(q["type"], q["code"]) for q in held] == [("rules.changed", AFTER_JOINING)]
    with hq.engine.connect() as conn:
        assert conn.execute(select(t.device.c.history_head_seq)).scalar_one() == 0


def test_an_honest_store_declares_its_history_and_hq_keeps_it(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """What the counter declares when it joins: its last event and its rules changes by
    number and hash."""
    c = make_counter("S004", enroll=False)
    manager = sign_in(c.ctx, MANAGER_NO, MANAGER_PIN)
    update_rules(c.ctx, manager, topup_bonuses=[{"min_fen": 10_000, "bonus_fen": 3_000}])
    head, rules = syncstate.history(c.ctx)
    assert head == 4 and [seq for seq, _ in rules] == [4]
    c.enroll(hq.base_url, hq.new_store("S004"))
    with hq.engine.connect() as conn:
        row = conn.execute(select(t.device.c.history_head_seq, t.device.c.history_rules)).one()
    assert row.history_head_seq == 4
    assert json.loads(row.history_rules) == [[seq, h] for seq, h in rules]
    c.sync()
    assert list_quarantine(hq.engine) == []
