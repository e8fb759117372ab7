"""Service tickets (服务工单, app.domain.tickets): opened for a member at the counter, handled
until resolved and closed, reported on.

Each write is one transaction with its audit entry and outbox event: ``ticket.opened`` (the
ticket and its first history entry) and ``ticket.updated`` (the fields it changed, each with
the write's clock, and its history entry). HQ checks both against its own state and passes them
on with the member, so every counter that holds the member holds their tickets. A counter
applies a pulled change field by field, the newest clock winning (:func:`apply_pulled`), so the
stores that change one ticket while apart converge and the history keeps every change.

Permissions: opening a ticket, a follow-up note and the member's satisfaction need
``ticket.open`` (cashiers); assigning, moving the status (resolve, close, reopen) and the
resolution need ``ticket.handle`` (managers).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.errors import NotFoundError, RuleError, ValidationError
from app.domain.hlc import newer
from app.domain.ids import uuid7
from app.domain.phone import mask_phone
from app.domain.tickets import (
    CLOSED,
    DONE_STATUSES,
    FIELDS,
    IN_PROGRESS,
    NEW,
    RESOLVED,
    check_assignee,
    check_body,
    check_kind,
    check_long_text,
    check_move,
    check_number,
    check_priority,
    check_satisfaction,
    check_status,
    check_subject,
    due_at,
    is_overdue,
    is_reopen,
    number,
    number_prefix,
)
from app.persistence import ticket_store
from app.persistence.tables import Member
from app.persistence.ticket_tables import Ticket, TicketEntry
from app.persistence.uow import UnitOfWork
from app.services import counter_clock
from app.services.context import CounterContext
from app.services.lookup import resolve_member
from app.services.recording import record
from app.services.security import Actor, Permission, require

OPENED = "ticket.opened"
UPDATED = "ticket.updated"
EVENT_TYPES = frozenset({OPENED, UPDATED})
MAX_LISTED = 500


@dataclass(frozen=True)
class TicketView:
    ticket_id: str
    number: str
    member_id: str
    member_name: str
    phone: str  # masked
    store_code: str
    kind: str
    priority: str
    subject: str
    body: str | None
    status: str
    assignee: str | None
    due_at: dt.datetime
    opened_by: str | None
    opened_at: dt.datetime
    resolution: str | None
    resolved_at: dt.datetime | None
    satisfaction: int | None
    overdue: bool

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        for key in ("due_at", "opened_at", "resolved_at"):
            out[key] = out[key].isoformat() if out[key] is not None else None
        return out


@dataclass(frozen=True)
class EntryView:
    at: dt.datetime
    staff_no: str | None
    store_code: str | None
    action: str
    changes: dict[str, list[Any]]
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "at": self.at.isoformat()}


@dataclass(frozen=True)
class TicketDetail:
    ticket: TicketView
    history: list[EntryView]

    def to_dict(self) -> dict[str, Any]:
        return {**self.ticket.to_dict(), "history": [e.to_dict() for e in self.history]}


def _view(row: Ticket, member: Member | None, now: dt.datetime) -> TicketView:
    return TicketView(
        row.id, row.number, row.member_id, member.name if member else "",
        mask_phone(member.phone) if member and member.phone else "", row.store_code,
        row.kind, row.priority, row.subject, row.body, row.status, row.assignee, row.due_at,
        row.opened_by, row.opened_at, row.resolution, row.resolved_at, row.satisfaction,
        is_overdue(row.status, row.due_at, now),
    )  # fmt: skip


def _entry_view(e: TicketEntry) -> EntryView:
    return EntryView(e.at, e.staff_no, e.store_code, e.action, json.loads(e.changes), e.note)


def _stamp(ctx: CounterContext, uow: UnitOfWork) -> str:
    return counter_clock.next_stamp(ctx, uow)


def _learn(ctx: CounterContext, uow: UnitOfWork, stamp: str) -> None:
    """The counter's clock learns of another store's write."""
    counter_clock.learn(ctx, uow, [stamp])


def ticket_wire(row: Ticket) -> dict[str, Any]:
    """What ``ticket.opened`` carries of the new ticket."""
    return {
        "ticket_id": row.id,
        "number": row.number,
        "member_id": row.member_id,
        "store_code": row.store_code,
        "kind": row.kind,
        "priority": row.priority,
        "subject": row.subject,
        "body": row.body,
        "status": row.status,
        "assignee": row.assignee,
        "due_at": row.due_at.isoformat(),
        "opened_by": row.opened_by,
        "opened_at": row.opened_at.isoformat(),
        "hlc": row.hlc,
    }


def entry_wire(e: TicketEntry) -> dict[str, Any]:
    return {
        "entry_id": e.id,
        "at": e.at.isoformat(),
        "staff_no": e.staff_no,
        "store_code": e.store_code,
        "action": e.action,
        "changes": json.loads(e.changes),
        "note": e.note,
        "hlc": e.hlc,
    }


def _entry_row(ticket_id: str, data: Mapping[str, Any]) -> TicketEntry:
    return TicketEntry(
        id=data["entry_id"], ticket_id=ticket_id, at=dt.datetime.fromisoformat(data["at"]),
        staff_no=data.get("staff_no"), store_code=data.get("store_code"),
        action=data["action"], changes=json.dumps(data.get("changes") or {}, sort_keys=True,
                                                  ensure_ascii=False),
        note=data.get("note"), hlc=data["hlc"],
    )  # fmt: skip


# -- open ------------------------------------------------------------------------------------
def open_ticket(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    *,
    kind: str,
    priority: str = "normal",
    subject: str,
    body: str | None = None,
) -> TicketView:
    """Open a ticket for the member ``query`` names, at this counter's store; due by its
    priority's SLA from now."""
    require(actor, Permission.TICKET_OPEN)
    kind, priority = check_kind(kind), check_priority(priority)
    subject, text = check_subject(subject), check_body(body)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, query)
        store = uow.store()
        store_code = store.code if store is not None else "LOCAL"
        device = store.device_id if store is not None else "0000"
        prefix = number_prefix(store_code, device)
        now = ctx.now()
        stamp = _stamp(ctx, uow)
        row = Ticket(
            id=uuid7(), number=number(store_code, device,
                                      ticket_store.last_seq(uow, store_code, prefix) + 1),
            member_id=member.id, store_code=store_code, kind=kind, priority=priority,
            subject=subject, body=text, status=NEW, assignee=None,
            due_at=due_at(now, priority), opened_by=actor.staff_no, opened_at=now,
            resolution=None, resolved_at=None, satisfaction=None,
            clocks=json.dumps(dict.fromkeys(FIELDS, stamp), sort_keys=True), hlc=stamp,
            updated_at=now,
        )  # fmt: skip
        entry = _entry_row(row.id, {
            "entry_id": uuid7(), "at": now.isoformat(), "staff_no": actor.staff_no,
            "store_code": store_code, "action": "opened",
            "changes": {"status": [None, NEW], "kind": [None, kind],
                        "priority": [None, priority]},
            "note": None, "hlc": stamp,
        })  # fmt: skip
        uow.add(row)
        uow.add(entry)
        wire = ticket_wire(row)
        record(ctx, uow, actor, action="ticket.open", entity="ticket", entity_id=row.id,
               before=None, after={"number": row.number, "kind": kind, "priority": priority,
                                   "subject": subject, "member_id": member.id},
               event_type=OPENED,
               payload={"member_id": member.id, "ticket": wire,
                        "entry": entry_wire(entry)})  # fmt: skip
        view = _view(row, member, now)
        uow.commit()
        return view


# -- update ----------------------------------------------------------------------------------
def update_ticket(
    ctx: CounterContext,
    actor: Actor,
    ticket_number: str,
    *,
    status: str | None = None,
    assignee: str | None = None,
    note: str | None = None,
    resolution: str | None = None,
    satisfaction: int | None = None,
) -> TicketView:
    """Change a ticket: its status (an allowed move: resolving needs a resolution, reopening
    goes back to in progress), whom it is assigned to, its resolution, the member's
    satisfaction (once resolved or closed), a follow-up note; all in one history entry."""
    num = check_number(ticket_number)
    target = check_status(status) if status is not None else None
    staff = check_assignee(assignee) if assignee is not None else None
    text = check_long_text(note, "note")
    solution = check_long_text(resolution, "resolution")
    if target is not None or staff is not None or solution is not None:
        require(actor, Permission.TICKET_HANDLE)
    else:
        require(actor, Permission.TICKET_OPEN)
    with ctx.uow() as uow:
        row = ticket_store.by_number(uow, num)
        if row is None:
            raise NotFoundError("ticket_unknown", number=num)
        changes: dict[str, list[Any]] = {}
        current = row.status
        if target is not None and target != current:
            check_move(current, target, solution or row.resolution)
            changes["status"] = [current, target]
        after = target if target is not None else current
        if after == CLOSED and current == CLOSED and (staff is not None or solution is not None):
            raise RuleError("ticket_closed")
        if staff is not None and staff != row.assignee:
            if uow.staff_by_no(staff) is None:
                raise NotFoundError("ticket_assignee_unknown", staff=staff)
            changes["assignee"] = [row.assignee, staff]
        if solution is not None and solution != row.resolution:
            changes["resolution"] = [row.resolution, solution]
        if satisfaction is not None:
            score = check_satisfaction(satisfaction, after)
            if score != row.satisfaction:
                changes["satisfaction"] = [row.satisfaction, score]
        if not changes and text is None:
            raise ValidationError("ticket_nothing_changed")
        now = ctx.now()
        stamp = _stamp(ctx, uow)
        store = uow.store()
        entry = _entry_row(row.id, {
            "entry_id": uuid7(), "at": now.isoformat(), "staff_no": actor.staff_no,
            "store_code": store.code if store is not None else None,
            "action": "reopened" if is_reopen(current, after) else "updated",
            "changes": changes, "note": text, "hlc": stamp,
        })  # fmt: skip
        uow.add(entry)
        _apply_changes(row, changes, stamp, now)
        record(ctx, uow, actor, action="ticket.update", entity="ticket", entity_id=row.id,
               before={k: v[0] for k, v in changes.items()},
               after={**{k: v[1] for k, v in changes.items()}, "number": row.number,
                      **({"note": text} if text else {})},
               event_type=UPDATED,
               payload={"member_id": row.member_id, "ticket_id": row.id,
                        "number": row.number, "ticket_store": row.store_code,
                        "changes": changes, "entry": entry_wire(entry)})  # fmt: skip
        view = _view(row, uow.member(row.member_id), now)
        uow.commit()
        return view


def _apply_changes(row: Ticket, changes: Mapping[str, list[Any]], stamp: str,
                   at: dt.datetime) -> None:  # fmt: skip
    """Each changed field written when ``stamp`` is newer than its last write's clock."""
    clocks = json.loads(row.clocks)
    for name, (_before, value) in changes.items():
        if name not in FIELDS or not newer(stamp, clocks.get(name)):
            continue
        setattr(row, name, value)
        clocks[name] = stamp
        if name == "status":
            if value == RESOLVED:
                row.resolved_at = at
            elif value in (NEW, IN_PROGRESS):
                row.resolved_at = None
    row.clocks = json.dumps(clocks, sort_keys=True)
    if newer(stamp, row.hlc):
        row.hlc = stamp
    row.updated_at = at


# -- pulled from HQ --------------------------------------------------------------------------
def apply_pulled(ctx: CounterContext, uow: UnitOfWork, body: Mapping[str, Any]) -> None:
    """A ticket another counter opened or changed, as HQ passes it on (with the member)."""
    type_, p = body["type"], body["payload"]
    if type_ not in EVENT_TYPES:
        return
    entry = p["entry"]
    if ticket_store.entry_exists(uow, entry["entry_id"]):
        return
    if type_ == OPENED:
        t = p["ticket"]
        if uow.member(t["member_id"]) is None:
            raise RuleError("member_not_found", query=t["member_id"])  # parked until here
        if ticket_store.by_id(uow, t["ticket_id"]) is None:
            _write_ticket(uow, t, ctx.now())
        row = ticket_store.by_id(uow, t["ticket_id"])
    else:
        row = ticket_store.by_id(uow, p["ticket_id"])
        if row is None:
            raise RuleError("ticket_unknown", number=p.get("number", ""))  # parked
        _apply_changes(row, p.get("changes") or {}, entry["hlc"],
                       dt.datetime.fromisoformat(entry["at"]))  # fmt: skip
    assert row is not None
    uow.add(_entry_row(row.id, entry))
    _learn(ctx, uow, entry["hlc"])


def _write_ticket(uow: UnitOfWork, t: Mapping[str, Any], now: dt.datetime) -> Ticket:
    row = Ticket(
        id=t["ticket_id"], number=t["number"], member_id=t["member_id"],
        store_code=t["store_code"], kind=t["kind"], priority=t["priority"],
        subject=t["subject"], body=t.get("body"), status=t.get("status", NEW),
        assignee=t.get("assignee"), due_at=dt.datetime.fromisoformat(t["due_at"]),
        opened_by=t.get("opened_by"), opened_at=dt.datetime.fromisoformat(t["opened_at"]),
        resolution=t.get("resolution"),
        resolved_at=dt.datetime.fromisoformat(t["resolved_at"]) if t.get("resolved_at")
        else None,
        satisfaction=t.get("satisfaction"),
        clocks=json.dumps(t.get("clocks") or dict.fromkeys(FIELDS, t["hlc"]), sort_keys=True),
        hlc=t["hlc"], updated_at=now,
    )  # fmt: skip
    uow.add(row)
    uow.flush()
    return row


def apply_snapshot(ctx: CounterContext, uow: UnitOfWork, line: Mapping[str, Any]) -> None:
    """A snapshot's or a fetch's member line: their tickets as HQ holds them, with their
    history (a ticket or an entry held already is kept)."""
    for t in line.get("tickets") or ():
        row = ticket_store.by_id(uow, t["ticket_id"])
        if row is None:
            row = _write_ticket(uow, t, ctx.now())
        for e in t.get("entries") or ():
            if not ticket_store.entry_exists(uow, e["entry_id"]):
                uow.add(_entry_row(row.id, e))
                if e["action"] != "opened":
                    _apply_changes(row, e.get("changes") or {}, e["hlc"],
                                   dt.datetime.fromisoformat(e["at"]))  # fmt: skip
                _learn(ctx, uow, e["hlc"])


# -- reads -----------------------------------------------------------------------------------
def list_tickets(
    ctx: CounterContext,
    *,
    member: str | None = None,
    status: str | None = None,
    overdue: bool = False,
    store: str | None = None,
    limit: int = MAX_LISTED,
) -> list[TicketView]:
    """Tickets, the newest first: of a member (a card, phone or id), at a status, only the
    overdue ones, of a store."""
    wanted = check_status(status) if status is not None else None
    with ctx.reader() as uow:
        member_id = resolve_member(ctx, uow, member).id if member else None
        now = ctx.now()
        rows = ticket_store.find(uow, member_id=member_id, status=wanted,
                                 overdue_at=now if overdue else None,
                                 store_code=store.strip().upper() if store else None,
                                 limit=limit)  # fmt: skip
        return [_view(t, m, now) for t, m in rows]


def overdue_tickets(ctx: CounterContext, *, store: str | None = None) -> list[TicketView]:
    """The tickets still open past their due time."""
    return list_tickets(ctx, overdue=True, store=store)


def show_ticket(ctx: CounterContext, ticket_number: str) -> TicketDetail:
    num = check_number(ticket_number)
    with ctx.reader() as uow:
        row = ticket_store.by_number(uow, num)
        if row is None:
            raise NotFoundError("ticket_unknown", number=num)
        history = [_entry_view(e) for e in ticket_store.entries(uow, row.id)]
        return TicketDetail(_view(row, uow.member(row.member_id), ctx.now()), history)


def open_count(uow: UnitOfWork, member_id: str) -> int:
    """The member's tickets still open (the member panel's figure)."""
    return ticket_store.open_count(uow, member_id)


@dataclass
class Figures:
    """Counts and time to resolve (hours) of a group of tickets."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    resolved: int = 0
    mean_hours: float | None = None
    median_hours: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Report:
    total: Figures
    by_kind: dict[str, Figures]
    by_store: dict[str, Figures]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total.to_dict(),
            "by_kind": {k: f.to_dict() for k, f in self.by_kind.items()},
            "by_store": {k: f.to_dict() for k, f in self.by_store.items()},
        }


def _figures(rows: list[Ticket], now: dt.datetime) -> Figures:
    f = Figures(total=len(rows))
    for r in rows:
        f.by_status[r.status] = f.by_status.get(r.status, 0) + 1
        f.overdue += is_overdue(r.status, r.due_at, now)
    hours = [
        (r.resolved_at - r.opened_at).total_seconds() / 3600
        for r in rows
        if r.status in DONE_STATUSES and r.resolved_at is not None
    ]
    f.resolved = len(hours)
    if hours:
        f.mean_hours = round(statistics.fmean(hours), 2)
        f.median_hours = round(statistics.median(hours), 2)
    return f


def report(ctx: CounterContext, actor: Actor) -> Report:
    """Counts by status, overdue ones, and the mean and median time from opening to
    resolving (hours, of the resolved and closed ones), in all, by kind and by store."""
    require(actor, Permission.REPORT_VIEW)
    with ctx.reader() as uow:
        rows = list(ticket_store.all_tickets(uow))
        now = ctx.now()
        kinds: dict[str, list[Ticket]] = {}
        stores: dict[str, list[Ticket]] = {}
        for r in rows:
            kinds.setdefault(r.kind, []).append(r)
            stores.setdefault(r.store_code, []).append(r)
        return Report(
            _figures(rows, now),
            {k: _figures(v, now) for k, v in sorted(kinds.items())},
            {k: _figures(v, now) for k, v in sorted(stores.items())},
        )


def member_open_count(ctx: CounterContext, member_id: str) -> int:
    """The member's tickets still open (new or in progress), in a read of its own."""
    with ctx.reader() as uow:
        return ticket_store.open_count(uow, member_id)
