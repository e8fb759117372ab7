"""Service tickets across stores and HQ (issue 18, point 5), against a real HQ on 127.0.0.1
(SQLite and PostgreSQL): a ticket opened at one store is at HQ and at every store that holds
the member, and changes made there come back; two stores that change one ticket while apart
converge, its history keeping both; a new counter's snapshot brings the tickets with their
history; HQ refuses what a counter may not do with tickets, and the store's sync goes on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from app.domain.ids import uuid7
from app.services import tickets
from app.services.members import Registration, register_member
from app.services.security import sign_in
from server import ticket_tables as tt
from server.quarantine import list_quarantine
from tests.conftest import MANAGER_NO, MANAGER_PIN
from tests.hqkit import Counter, HQServer
from tests.server.test_authority import forge, quarantined

PHONE = "13900000081"


def _two_stores(make_counter) -> tuple[Counter, Counter, str]:
    a, b = make_counter("S001"), make_counter("S002")
    member_id = register_member(
        a.ctx, a.cashier, Registration(name="郑一", phone=PHONE, consent=True)
    ).member_id
    a.sync()
    b.sync()
    b.lookup(PHONE)  # held at B from now on
    return a, b, member_id


def _state(c: Counter, number: str) -> tuple[Any, ...]:
    t = tickets.show_ticket(c.ctx, number)
    v = t.ticket
    history = [(e.action, e.store_code, e.changes, e.note) for e in t.history]
    return (v.status, v.assignee, v.resolution, v.satisfaction, history)


def _hq_ticket(hq: HQServer, ticket_id: str) -> Any:
    with hq.engine.connect() as conn:
        row = conn.execute(select(tt.ticket).where(tt.ticket.c.ticket_id == ticket_id)).one()
        n = conn.execute(
            select(tt.ticket_entry.c.entry_id).where(tt.ticket_entry.c.ticket_id == ticket_id)
        ).all()
    return row, len(n)


def test_a_ticket_opened_at_one_store_reaches_the_other_and_back(
    hq: HQServer, make_counter
) -> None:
    a, b, member_id = _two_stores(make_counter)
    t = tickets.open_ticket(a.ctx, a.cashier, PHONE, kind="complaint", priority="urgent",
                            subject="会员卡刷不出")  # fmt: skip
    a.sync()
    b.sync()
    [seen] = tickets.list_tickets(b.ctx, member=PHONE)
    assert (seen.number, seen.store_code, seen.status, seen.due_at) == (
        t.number, "S001", "new", t.due_at)  # fmt: skip
    assert seen.phone == "139****0081"
    # B's manager takes it on; A learns it.
    b_boss = sign_in(b.ctx, MANAGER_NO, MANAGER_PIN)
    tickets.update_ticket(b.ctx, b_boss, t.number, status="in_progress", assignee=MANAGER_NO,
                          note="已联系会员")  # fmt: skip
    b.sync()
    a.sync()
    assert _state(a, t.number) == _state(b, t.number)
    assert _state(a, t.number)[:2] == ("in_progress", MANAGER_NO)
    assert [h[:2] for h in _state(a, t.number)[4]] == [("opened", "S001"), ("updated", "S002")]
    row, entries = _hq_ticket(hq, t.ticket_id)
    assert (row.status, row.assignee, row.member_id, entries) == (
        "in_progress", MANAGER_NO, member_id, 2)  # fmt: skip
    assert list_quarantine(hq.engine) == []


def test_two_stores_apart_converge_and_the_history_keeps_both(hq: HQServer, make_counter) -> None:
    """Both stores resolve the same ticket while apart, B later by its clock, and B assigns it
    too: HQ takes both (the second resolve finds it resolved already), every copy ends with
    B's resolution and A's satisfaction, and each history holds all four entries."""
    a, b, _member_id = _two_stores(make_counter)
    a_boss, b_boss = sign_in(a.ctx, MANAGER_NO, MANAGER_PIN), sign_in(b.ctx, MANAGER_NO,
                                                                        MANAGER_PIN)  # fmt: skip
    t = tickets.open_ticket(a.ctx, a.cashier, PHONE, kind="feedback", subject="停车难")
    a.sync()
    b.sync()
    tickets.update_ticket(a.ctx, a_boss, t.number, status="resolved", resolution="发停车券")
    tickets.update_ticket(a.ctx, a.cashier, t.number, satisfaction=4)
    b.clock.advance(seconds=5)
    tickets.update_ticket(b.ctx, b_boss, t.number, status="resolved", resolution="告知附近车场",
                          assignee=MANAGER_NO)  # fmt: skip
    b.sync()
    a.sync()
    b.sync()
    assert _state(a, t.number) == _state(b, t.number)
    status, assignee, resolution, satisfaction, history = _state(a, t.number)
    assert (status, assignee, resolution, satisfaction) == ("resolved", MANAGER_NO,
                                                            "告知附近车场", 4)  # fmt: skip
    assert [h[1] for h in history] == ["S001", "S001", "S001", "S002"]
    row, entries = _hq_ticket(hq, t.ticket_id)
    assert (row.status, row.resolution, row.satisfaction, entries) == (
        "resolved", "告知附近车场", 4, 4)  # fmt: skip
    assert list_quarantine(hq.engine) == []


def test_a_close_and_a_reopen_made_apart_are_both_taken(hq: HQServer, make_counter) -> None:
    """A resolved ticket: A closes it, B (later by its clock) reopens it, both offline; B's
    reaches HQ first, so A's close is a move from a status HQ no longer holds: HQ keeps it
    (an honest store that had not learnt of B's), and the newer write, B's, wins everywhere."""
    a, b, _member_id = _two_stores(make_counter)
    a_boss, b_boss = sign_in(a.ctx, MANAGER_NO, MANAGER_PIN), sign_in(b.ctx, MANAGER_NO,
                                                                        MANAGER_PIN)  # fmt: skip
    t = tickets.open_ticket(a.ctx, a.cashier, PHONE, kind="complaint", subject="会员价没算")
    tickets.update_ticket(a.ctx, a_boss, t.number, status="resolved", resolution="补差价")
    a.sync()
    b.sync()
    tickets.update_ticket(a.ctx, a_boss, t.number, status="closed")
    b.clock.advance(seconds=5)
    tickets.update_ticket(b.ctx, b_boss, t.number, status="in_progress", note="会员不认可")
    b.sync()
    a.sync()
    b.sync()
    assert list_quarantine(hq.engine) == []
    assert _state(a, t.number) == _state(b, t.number)
    status, _assignee, _resolution, _score, history = _state(a, t.number)
    assert status == "in_progress" and len(history) == 4
    assert {h[2]["status"][1] for h in history[2:]} == {"closed", "in_progress"}
    row, entries = _hq_ticket(hq, t.ticket_id)
    assert (row.status, entries) == ("in_progress", 4)


def test_a_new_counter_takes_the_tickets_with_its_snapshot(hq: HQServer, make_counter) -> None:
    a, _b, _member_id = _two_stores(make_counter)
    boss = sign_in(a.ctx, MANAGER_NO, MANAGER_PIN)
    t = tickets.open_ticket(a.ctx, a.cashier, PHONE, kind="suggestion", subject="多开一个窗口")
    tickets.update_ticket(a.ctx, boss, t.number, status="resolved", resolution="周末加开")
    a.sync()
    a2 = make_counter("S001")  # a second counter of the same store
    a2.sync()
    assert _state(a2, t.number) == _state(a, t.number)
    got = tickets.show_ticket(a2.ctx, t.number).ticket
    assert got.resolved_at == tickets.show_ticket(a.ctx, t.number).ticket.resolved_at
    # Both counters of the store open tickets while apart: their numbers never clash.
    a2.sync()
    nxt = tickets.open_ticket(a2.ctx, a2.cashier, PHONE, kind="consultation", subject="营业时间")
    mine = tickets.open_ticket(a.ctx, a.cashier, PHONE, kind="consultation", subject="发票")
    assert nxt.number.startswith("T-S001-") and nxt.number.endswith("-000001")
    assert mine.number.endswith("-000002") and nxt.number != mine.number
    a2.sync()
    a.sync()
    a2.sync()
    assert list_quarantine(hq.engine) == []
    numbers = {v.number for v in tickets.list_tickets(a2.ctx, member=PHONE)}
    assert numbers == {t.number, nxt.number, mine.number}


def test_hq_refuses_what_a_counter_may_not_do_with_tickets(hq: HQServer, make_counter) -> None:
    """Each forgery about a member of its own (a refused event's member waits behind it)."""
    a, b, _member_id = _two_stores(make_counter)
    b_boss = sign_in(b.ctx, MANAGER_NO, MANAGER_PIN)
    phones = iter(f"1360000{n:04d}" for n in range(100))
    other = register_member(a.ctx, a.cashier, Registration(name="王", phone="13600009999",
                                                           consent=True)).member_id  # fmt: skip
    a.sync()  # A's member, never looked up at B

    def member() -> str:
        phone = next(phones)
        register_member(b.ctx, b.cashier, Registration(name="吴", phone=phone, consent=True))
        b.sync()
        return phone

    def opened(phone: str) -> tickets.TicketView:
        return tickets.open_ticket(b.ctx, b.cashier, phone, kind="complaint", subject="排队久")

    def out_of_scope(ev: dict[str, Any]) -> None:
        ev["payload"]["member_id"] = other
        ev["payload"]["ticket"]["member_id"] = other

    opened(member())
    quarantined(forge(b, out_of_scope), "hq_member_not_in_scope")
    opened(member())

    def for_s001(ev: dict[str, Any]) -> None:  # B opens a ticket as if at A's store
        t = ev["payload"]["ticket"]
        t["store_code"] = "S001"
        t["number"] = t["number"].replace("S002", "S001")

    quarantined(forge(b, for_s001), "hq_ticket_foreign_store")
    opened(member())

    def later_due(ev: dict[str, Any]) -> None:  # an urgent ticket given a week
        t = ev["payload"]["ticket"]
        t["due_at"] = (dt.datetime.fromisoformat(t["opened_at"]) + dt.timedelta(days=7)
                       ).isoformat()  # fmt: skip

    quarantined(forge(b, later_due), "hq_schema")
    phone = member()
    t = opened(phone)
    b.sync()
    tickets.update_ticket(b.ctx, b.cashier, t.number, note="会员再次来电")

    def unknown(ev: dict[str, Any]) -> None:
        ev["payload"]["ticket_id"] = uuid7()

    quarantined(forge(b, unknown), "hq_ticket_unknown")
    t = opened(member())
    b.sync()
    tickets.update_ticket(b.ctx, b_boss, t.number, status="in_progress")

    def skips_to_closed(ev: dict[str, Any]) -> None:  # HQ holds it new: new -> closed
        ev["payload"]["changes"] = {"status": ["new", "closed"]}
        ev["payload"]["entry"]["changes"] = {"status": ["new", "closed"]}

    quarantined(forge(b, skips_to_closed), "hq_ticket_move_refused")
    t = opened(member())
    b.sync()
    tickets.update_ticket(b.ctx, b_boss, t.number, status="in_progress")

    def from_a_status_it_never_had(ev: dict[str, Any]) -> None:  # resolved -> closed, never
        ev["payload"]["changes"] = {"status": ["resolved", "closed"]}  # resolved at HQ
        ev["payload"]["entry"]["changes"] = {"status": ["resolved", "closed"]}

    quarantined(forge(b, from_a_status_it_never_had), "hq_ticket_move_refused")
    t = opened(member())
    b.sync()
    tickets.update_ticket(b.ctx, b.cashier, t.number, note="补充说明")

    def cashier_assigns(ev: dict[str, Any]) -> None:
        ev["payload"]["changes"] = {"assignee": [None, "c01"]}
        ev["payload"]["entry"]["changes"] = {"assignee": [None, "c01"]}

    quarantined(forge(b, cashier_assigns), "hq_staff_role")
    t = opened(member())
    b.sync()
    tickets.update_ticket(b.ctx, b.cashier, t.number, note="再补充")

    def two_days_ahead(ev: dict[str, Any]) -> None:  # it would outlast every later change
        wall, rest = ev["payload"]["entry"]["hlc"].split("-", 1)
        ev["payload"]["entry"]["hlc"] = f"{int(wall) + 2 * 86_400_000:013d}-{rest}"

    quarantined(forge(b, two_days_ahead), "hq_ticket_clock_ahead")
    honest = opened(member())  # B's later events go on
    tickets.update_ticket(b.ctx, b_boss, honest.number, status="resolved", resolution="已道歉")
    assert b.sync() is not None
    row, entries = _hq_ticket(hq, honest.ticket_id)
    assert (row.status, entries) == ("resolved", 2)
    with hq.engine.connect() as conn:
        stores = set(conn.execute(select(tt.ticket.c.store_code)).scalars())
        members = set(conn.execute(select(tt.ticket.c.member_id)).scalars())
    assert stores == {"S002"} and other not in members
