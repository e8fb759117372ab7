"""Service tickets at HQ: checked (:mod:`server.validate`) against HQ's own tickets, and applied
here (:mod:`server.ticket_tables`).

* ``ticket.opened``: the member exists and is in the pushing counter's scope (its store is
  their home or holds them); the ticket is the event's member's, opened at the pushing
  counter's own store (a counter opens tickets for its own store only), new at HQ (its id,
  its number — ``T-<store>-...`` — and its history entry), ``new`` and unassigned, due by
  its priority's SLA from its opening (:func:`app.domain.tickets.due_at`), its texts as the
  domain takes them.
* ``ticket.updated``: the ticket is one HQ holds (an unknown ticket is refused), of the
  event's member, who is in the counter's scope; a status change is an allowed move from
  the status HQ holds (:func:`app.domain.tickets.allowed`), or — from a store that had not
  learnt of a change HQ took first — an allowed move from a status the ticket had at HQ (a
  move to the status HQ holds already changes nothing); either is kept in the history and
  the newer write of the status wins everywhere, so no honest store's change is refused
  and every copy converges; resolving has a resolution; a satisfaction is 1–5 on a ticket
  that is or was resolved; moving, assigning and resolving need ``ticket.handle``.

Applied in HQ's order, each field kept when its write's clock is newer than the last one
(as at the counters), every entry appended: two stores that change a ticket while apart
converge and its history keeps both. The events go on with the member (to their home store
and the stores that hold them); a snapshot's member line carries their tickets.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, insert, select, update

from app.domain import tickets as d
from app.domain.errors import CounterError
from app.domain.hlc import Stamp, ahead_of_hq, newer
from app.services.security import ROLE_PERMISSIONS, Permission, Role
from server import schemas as s
from server import streams
from server import ticket_tables as tt

EVENT_TYPES = frozenset(s.TICKET_SCHEMAS)
_t = tt.ticket.c
_e = tt.ticket_entry.c


class TicketRefused(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


def _ticket(conn: Connection, ticket_id: str) -> Any:
    return conn.execute(select(tt.ticket).where(_t.ticket_id == ticket_id)).first()


def _in_scope(conn: Connection, member: Any, store_code: str) -> None:
    if member.store_code == store_code:
        return
    if store_code not in streams.holders(conn, [member.id]).get(member.id, set()):
        raise TicketRefused("member_not_in_scope", member_id=member.id)


def _stamp(text: str) -> None:
    try:
        Stamp.parse(text)
    except (ValueError, TypeError):
        raise TicketRefused("schema", detail="hlc") from None
    if ahead_of_hq(text, int(time.time() * 1000)):  # it would outlast every later change
        raise TicketRefused("ticket_clock_ahead")


def _time(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise TicketRefused("schema", detail="time") from None


def _entry_new(conn: Connection, entry: s.TicketEntryWire, store_code: str) -> None:
    if conn.scalar(select(_e.entry_id).where(_e.entry_id == entry.entry_id)) is not None:
        raise TicketRefused("schema", detail="entry_id")
    if entry.store_code != store_code:
        raise TicketRefused("schema", detail="entry store")
    _stamp(entry.hlc)
    _time(entry.at)
    try:
        d.check_long_text(entry.note, "note")
    except CounterError:
        raise TicketRefused("schema", detail="note") from None


def _statuses_seen(conn: Connection, ticket_id: str) -> set[str]:
    """Every status the ticket has had at HQ (its history's moves)."""
    seen = {d.NEW}
    for (changes,) in conn.execute(select(_e.changes).where(_e.ticket_id == ticket_id)):
        move = json.loads(changes).get("status")
        if isinstance(move, list) and len(move) == 2:
            seen.add(move[1])
    return seen


def check_opened(conn: Connection, store_code: str, ev: s.TicketOpened, member: Any) -> None:
    t = ev.ticket
    _in_scope(conn, member, store_code)
    if t.member_id != ev.member_id:
        raise TicketRefused("ticket_member_mismatch", ticket=t.number)
    if t.store_code != store_code or not t.number.startswith(f"T-{store_code}-"):
        raise TicketRefused("ticket_foreign_store", owner=t.store_code)
    if _ticket(conn, t.ticket_id) is not None:
        raise TicketRefused("ticket_exists", ticket=t.number)
    if conn.scalar(select(_t.ticket_id).where(_t.number == t.number)) is not None:
        raise TicketRefused("ticket_number_taken", number=t.number)
    try:
        d.check_subject(t.subject)
        d.check_body(t.body)
    except CounterError:
        raise TicketRefused("schema", detail="ticket text") from None
    if _time(t.due_at) != d.due_at(_time(t.opened_at), t.priority):
        raise TicketRefused("schema", detail="due_at")
    _stamp(t.hlc)
    if ev.entry.action != "opened" or ev.entry.hlc != t.hlc:
        raise TicketRefused("schema", detail="entry")
    _entry_new(conn, ev.entry, store_code)


def check_updated(
    conn: Connection, store_code: str, ev: s.TicketUpdated, member: Any, role: Role | None
) -> None:
    row = _ticket(conn, ev.ticket_id)
    if row is None:
        raise TicketRefused("ticket_unknown", ticket=ev.number)
    if row.member_id != ev.member_id or row.number != ev.number:
        raise TicketRefused("ticket_member_mismatch", ticket=ev.number)
    _in_scope(conn, member, store_code)
    changes = ev.changes
    handled = bool({"status", "assignee", "resolution"} & set(changes))
    if handled and (role is None or Permission.TICKET_HANDLE not in ROLE_PERMISSIONS[role]):
        raise TicketRefused("staff_role", staff=ev.staff_no or "-", action="ticket.handle")
    for name, pair in changes.items():
        if len(pair) != 2:
            raise TicketRefused("schema", detail=name)
    status = row.status
    seen = _statuses_seen(conn, ev.ticket_id)
    if "status" in changes:
        before, target = changes["status"]
        if target not in d.STATUSES:
            raise TicketRefused("schema", detail="status")
        if target != status:
            resolution = changes.get("resolution", [None, None])[1] or row.resolution
            # An allowed move from HQ's status; or one made at a store that had not yet
            # learnt of a change HQ took first (from a status the ticket had at HQ): both
            # are kept, the newer write of the status winning everywhere.
            concurrent = before != status and before in seen and d.allowed(before, target)
            if not (d.allowed(status, target) or concurrent) or (
                target == d.RESOLVED and not resolution
            ):
                raise TicketRefused("ticket_move_refused", current=status, target=target)
            status = target
    try:
        if "assignee" in changes:
            d.check_assignee(changes["assignee"][1])
        if "resolution" in changes and changes["resolution"][1] is not None:
            d.check_long_text(changes["resolution"][1], "resolution")
    except CounterError:
        raise TicketRefused("schema", detail="ticket text") from None
    if "satisfaction" in changes:
        score = changes["satisfaction"][1]
        done = status in d.DONE_STATUSES or bool(seen & set(d.DONE_STATUSES))
        if type(score) is not int or not 1 <= score <= 5 or not done:
            raise TicketRefused("schema", detail="satisfaction")
    if ev.entry.action not in ("updated", "reopened"):
        raise TicketRefused("schema", detail="entry")
    if dict(ev.entry.changes) != {k: list(v) for k, v in changes.items()}:
        raise TicketRefused("schema", detail="entry changes")
    _entry_new(conn, ev.entry, store_code)


def apply(conn: Connection, event_type: str, payload: Mapping[str, Any], event_id: str,
          now: dt.datetime) -> None:  # fmt: skip
    """Write a checked ticket event into HQ's tables (at once: the next event of the same push
    is checked against them)."""
    entry = payload["entry"]
    if event_type == "ticket.opened":
        t = payload["ticket"]
        conn.execute(insert(tt.ticket).values(
            ticket_id=t["ticket_id"], number=t["number"], member_id=t["member_id"],
            store_code=t["store_code"], kind=t["kind"], priority=t["priority"],
            subject=t["subject"], body=t.get("body"), status=d.NEW, assignee=None,
            due_at=_time(t["due_at"]), opened_by=t.get("opened_by"),
            opened_at=_time(t["opened_at"]), resolution=None, resolved_at=None,
            satisfaction=None, clocks=json.dumps(dict.fromkeys(d.FIELDS, t["hlc"]),
                                                 sort_keys=True),
            hlc=t["hlc"], updated_at=now,
        ))  # fmt: skip
        ticket_id = t["ticket_id"]
    else:
        ticket_id = payload["ticket_id"]
        row = _ticket(conn, ticket_id)
        stamp = entry["hlc"]
        clocks = json.loads(row.clocks)
        values: dict[str, Any] = {}
        for name, (_before, value) in payload["changes"].items():
            if name not in d.FIELDS or not newer(stamp, clocks.get(name)):
                continue
            values[name] = value
            clocks[name] = stamp
            if name == "status" and value == d.RESOLVED:
                values["resolved_at"] = _time(entry["at"])
            elif name == "status" and value in (d.NEW, d.IN_PROGRESS):
                values["resolved_at"] = None
        values["clocks"] = json.dumps(clocks, sort_keys=True)
        values["hlc"] = stamp if newer(stamp, row.hlc) else row.hlc
        values["updated_at"] = now
        conn.execute(update(tt.ticket).where(_t.ticket_id == ticket_id).values(**values))
    conn.execute(insert(tt.ticket_entry).values(
        entry_id=entry["entry_id"], ticket_id=ticket_id, event_id=event_id,
        at=_time(entry["at"]), staff_no=entry.get("staff_no"),
        store_code=entry.get("store_code"), action=entry["action"],
        changes=json.dumps(entry.get("changes") or {}, sort_keys=True, ensure_ascii=False),
        note=entry.get("note"), hlc=entry["hlc"],
    ))  # fmt: skip


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def of_member(conn: Connection, member_id: str) -> list[dict[str, Any]]:
    """The member's tickets as HQ holds them, with their clocks and history (a snapshot's or
    a fetch's member line: :func:`app.services.tickets.apply_snapshot`)."""
    out = []
    for r in conn.execute(select(tt.ticket).where(_t.member_id == member_id)
                          .order_by(_t.opened_at, _t.ticket_id)):  # fmt: skip
        entries = [
            {"entry_id": e.entry_id, "at": e.at.isoformat(), "staff_no": e.staff_no,
             "store_code": e.store_code, "action": e.action, "changes": json.loads(e.changes),
             "note": e.note, "hlc": e.hlc}
            for e in conn.execute(select(tt.ticket_entry).where(_e.ticket_id == r.ticket_id)
                                  .order_by(_e.hlc, _e.entry_id))
        ]  # fmt: skip
        out.append({
            "ticket_id": r.ticket_id, "number": r.number, "member_id": r.member_id,
            "store_code": r.store_code, "kind": r.kind, "priority": r.priority,
            "subject": r.subject, "body": r.body, "status": r.status, "assignee": r.assignee,
            "due_at": r.due_at.isoformat(), "opened_by": r.opened_by,
            "opened_at": r.opened_at.isoformat(), "resolution": r.resolution,
            "resolved_at": _iso(r.resolved_at), "satisfaction": r.satisfaction,
            "clocks": json.loads(r.clocks), "hlc": r.hlc, "entries": entries,
        })  # fmt: skip
    return out
