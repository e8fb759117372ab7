"""What this counter holds of the chain (scoped replication): its store's members, and the
other stores' members it fetched to serve them.

A member comes whole from HQ — a line of HQ's snapshot (``server.snapshot``): the member,
cards, transactions and the ledger rows of the history window, what came before being one
carried row (``app.domain.window``; rows here from before the window are carried forward
first, so they are not counted beside it). Rows are added by their ids (one already here is
not added twice) and the balances are then the sums of the member's rows, as at HQ, so a
member fetched again, or a change pulled later that repeats a row, counts nothing twice. A
member this counter changed and has not pushed yet keeps its own status, tier and profile:
they are ahead of HQ's, and HQ sends back nothing this counter made.

Joining: a counter that never took its scope from HQ reads HQ's snapshot (one transaction at
HQ, at a stream position) instead of replaying the stream, a page of members per local
transaction, and sets its cursor to that position only at the end; an interrupted join starts
again and adds nothing twice. Members that came from HQ earlier and are not in the scope stay
on the counter but are no longer held: served after an online fetch, not from stale balances.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from app.domain.errors import CounterError, RuleError
from app.domain.events import PROFILE_FIELDS, birthday_parts, origin_columns
from app.domain.hlc import newer
from app.domain.window import CARRIED
from app.persistence import historystore, scopestore, syncstore
from app.persistence.tables import (
    Card,
    Member,
    MemberFieldClock,
    PointsEntry,
    PointsLot,
    StoredValueEntry,
    Txn,
)
from app.persistence.uow import UnitOfWork
from app.services import (
    consent,
    countcard_products,
    countcard_sync,
    coupon_sync,
    foreign,
    tags,
    tickets,
)
from app.services.catalogue import apply_catalogue
from app.services.context import CounterContext
from app.services.recording import record
from app.services.search_keys import search_keys

PAGE = 200  # members applied per local transaction while joining
log = logging.getLogger("member_counter.sync")


@dataclass(frozen=True)
class Joined:
    cursor: int
    members: int
    unheld: int


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _datetime(text: str | None, default: dt.datetime) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=None) if text else default


def apply_members(ctx: CounterContext, uow: UnitOfWork, lines: list[dict[str, Any]]) -> int:
    """Merge members as HQ has them (snapshot lines) into this counter; they are held here
    from now on. Returns how many were new here."""
    if not lines:
        return 0
    now = ctx.now()
    ids = [line["member"]["id"] for line in lines]
    known = scopestore.members_by_id(uow, ids)
    pending = scopestore.pending_members(uow) & set(ids)
    k = scopestore.KEYS

    def have(kind: str, field: str, part: str) -> set[str]:
        return scopestore.existing(uow, k[kind], [r[field] for line in lines for r in line[part]])

    txns, sv, lots, pts = (
        have("txn", "id", "txns"),
        have("sv", "entry_id", "sv"),
        have("lot", "lot_id", "lots"),
        have("points", "entry_id", "points"),
    )
    cards = have("card", "id", "cards")
    taken = scopestore.taken_card_nos(uow, [c["card_no"] for line in lines for c in line["cards"]])
    seen = {"cards": cards, "txns": txns, "sv": sv, "lots": lots, "pts": pts, "taken": taken}
    referrers = (
        set(ids)
        | set(known)
        | scopestore.existing(
            uow, k["member"], [line["member"].get("referrer_id") or "" for line in lines]
        )
    )
    new = 0
    for line in lines:
        before = {name: set(ids) for name, ids in seen.items()}
        try:
            with syncstore.savepoint(uow):
                new += _merge(ctx, uow, line, known, pending, referrers, now, seen)
                countcard_sync.apply_snapshot(ctx, uow, line)
                if line.get("tags"):  # its manual tags, on or off, with their clocks
                    flags = {c: (bool(p), str(h)) for c, (p, h) in line["tags"].items()}
                    tags.apply_member_tags(ctx, uow, line["member"]["id"], flags)
                consent.apply_entries(ctx, uow, line.get("consent") or [])  # their ledger
                coupon_sync.apply_snapshot(ctx, uow, line)
                tickets.apply_snapshot(ctx, uow, line)  # their service tickets
        except CounterError as exc:
            # One member this counter cannot take (a clash with data here): the others go
            # on; a change about them waits (parked) until it can.
            seen.update(before)
            log.warning("member %s from HQ not taken: %s", line["member"]["id"], exc.code)
    uow.flush()
    return new


def _merge(
    ctx: CounterContext,
    uow: UnitOfWork,
    line: dict[str, Any],
    known: dict[str, Member],
    pending: set[str],
    referrers: set[str],
    now: dt.datetime,
    seen: dict[str, set[str]],
) -> int:
    """One snapshot line merged in; 1 when the member was new here."""
    cards, txns, sv, lots, pts, taken = (
        seen["cards"],
        seen["txns"],
        seen["sv"],
        seen["lots"],
        seen["pts"],
        seen["taken"],
    )
    m = line["member"]
    new = 0
    member = known.get(m["id"])
    if member is None:
        member = _new_member(ctx, uow, m, referrers, now)
        new = 1
    elif m["id"] not in pending:
        _refresh(uow, member, m)
    member.held = True
    if line.get("window") and not new:  # (a member new here has no rows to carry)
        if m["id"] in pending:
            # Its rows here are ahead of HQ's: its history is carried on a later day, and
            # HQ's carried row (which sums rows this counter still has) is not taken.
            carried = {x["id"] for x in line["txns"] if x["type"] == CARRIED}
            line = {**line, "txns": [x for x in line["txns"] if x["id"] not in carried],
                    "sv": [e for e in line["sv"] if e["txn_id"] not in carried]}  # fmt: skip
        else:
            line = _within_window(uow, line, txns, sv)
    for c in line["cards"]:
        if c["id"] in cards or c["card_no"] in taken:
            continue  # a number another member uses here stays unknown: found by phone
        taken.add(c["card_no"])
        uow.add(
            Card(id=c["id"], card_no=c["card_no"], member_id=m["id"], status=c["status"],
                 issued_at=now, replaced_by=c.get("replaced_by"))
        )  # fmt: skip
    for x in line["txns"]:
        if x["id"] in txns:
            continue
        txns.add(x["id"])
        uow.add(
            Txn(id=x["id"], kind=CARRIED if x["type"] == CARRIED else "remote", member_id=m["id"],
                created_at=_datetime(x.get("created_at"), now),
                business_date=_date(x.get("business_date")) or ctx.business_date(uow),
                note=f"{x['type']} {x.get('store_code') or 'HQ'}")
        )  # fmt: skip
    uow.flush()
    for lot in line["lots"]:
        if lot["lot_id"] not in lots:
            lots.add(lot["lot_id"])
            uow.add(
                PointsLot(id=lot["lot_id"], member_id=m["id"], txn_id=lot["txn_id"],
                          points=lot["points"], earned_on=_date(lot["earned_on"]),
                          expires_on=_date(lot["expires_on"]), source=lot["source"])
            )  # fmt: skip
    for e in line["sv"]:
        if e["entry_id"] not in sv:
            sv.add(e["entry_id"])
            uow.add(
                StoredValueEntry(entry_id=e["entry_id"], member_id=m["id"],
                                 txn_id=e["txn_id"], kind=e["kind"],
                                 principal_fen=e["principal_fen"], bonus_fen=e["bonus_fen"],
                                 reverses_entry_id=e.get("reverses"), created_at=now)
            )  # fmt: skip
    uow.flush()
    for e in line["points"]:
        if e["entry_id"] not in pts:
            pts.add(e["entry_id"])
            uow.add(
                PointsEntry(entry_id=e["entry_id"], member_id=m["id"], lot_id=e["lot_id"],
                            txn_id=e["txn_id"], kind=e["kind"], points=e["points"],
                            reverses_entry_id=e.get("reverses"), created_at=now)
            )  # fmt: skip
    uow.flush()
    member.principal_fen, member.bonus_fen, member.points = scopestore.ledger_sums(uow, m["id"])
    if m.get("card_id") and (m["card_id"] in cards or uow.card(m["card_id"]) is not None):
        member.card_id = m["card_id"]
    member.updated_at = now
    return new


def _within_window(
    uow: UnitOfWork, line: dict[str, Any], txns: set[str], sv: set[str]
) -> dict[str, Any]:
    """The line as it merges with the member's rows here (``app.domain.window``). HQ's window
    starts where this counter's does, or later: the rows here before it are carried forward
    first, to what HQ's carried row says. Or this counter carried to a later start (their
    clocks' dates differ): HQ's stored-value rows before that start, its carried row among
    them, are in the carried row here already and are left out."""
    m = line["member"]
    since = dt.date.fromisoformat(line["window"])
    here = historystore.carried_since(uow, m["id"])
    if here is not None and here >= since:
        day = here.isoformat()
        dated = {x["id"]: x.get("business_date") or day for x in line["txns"]}
        kept = [e for e in line["sv"] if dated.get(e["txn_id"], day) >= day]
        return {**line, "sv": kept}
    hq = next(
        ((e["principal_fen"], e["bonus_fen"]) for e in line["sv"] if e["kind"] == CARRIED), (0, 0)
    )
    done = historystore.carry(uow, m["id"], since, hq)
    if done.written:
        txns.add(done.written[0])
        sv.add(done.written[1])
    return line


def _new_member(
    ctx: CounterContext,
    uow: UnitOfWork,
    m: dict[str, Any],
    referrers: set[str],
    now: dt.datetime,
) -> Member:
    clash = foreign.clash(uow, m, m["id"])
    status = m["status"]
    if status == "active" and clash is not None:
        status = "duplicate"  # two stores registered one phone while apart: a manager merges
    member = Member(
        id=m["id"], name=m["name"], **foreign.phone_columns(m),
        gender=m.get("gender"), birthday=birthday_parts(m.get("birthday"))[0],
        birthday_md=birthday_parts(m.get("birthday"))[1], email=m.get("email"),
        address=m.get("address"),
        referrer_id=m.get("referrer_id") if m.get("referrer_id") in referrers else None,
        source=m.get("source"), consent_at=_datetime(m.get("consent_at"), now), status=status,
        tier_code=m.get("tier_code") or "normal", tier_overridden=bool(m.get("tier_overridden")),
        cumulative_spend_fen=int(m.get("cumulative_spend_fen") or 0), principal_fen=0,
        bonus_fen=0, points=0, pay_password_hash=m.get("pay_password_hash"),
        pay_password_at_hq=bool(m.get("password_at_hq")), pay_password_failures=0,
        created_at=now, created_by=None, updated_at=now, held=True, **origin_columns(m),
    )  # fmt: skip
    uow.add(member)
    for name, stamp in (m.get("field_clocks") or {}).items():
        uow.add(MemberFieldClock(member_id=member.id, field=name, hlc=stamp))
    syncstore.replace_search_keys(uow, member.id, search_keys(member.name))
    uow.flush()
    return member


def _refresh(uow: UnitOfWork, member: Member, m: dict[str, Any]) -> None:
    """HQ's word on a member this counter has and has nothing pending about: its status
    (``duplicate`` while another active member here has the phone), tier, spend, verifier;
    each profile field whose stamp at HQ is newer than the one here (last writer wins). Another
    store's member comes without number and verifier (app.services.foreign)."""
    clash = foreign.clash(uow, m, member.id)
    status = m["status"]
    if status == "active" and clash is not None:
        status = "duplicate"  # two stores registered one phone while apart: a manager merges
    member.status = status
    for name, value in foreign.phone_columns(m).items():
        setattr(member, name, value)
    member.tier_code = m.get("tier_code") or member.tier_code
    member.tier_overridden = bool(m.get("tier_overridden"))
    member.cumulative_spend_fen = int(m.get("cumulative_spend_fen") or 0)
    member.pay_password_hash = m.get("pay_password_hash")
    member.pay_password_at_hq = bool(m.get("password_at_hq"))
    member.source = m.get("source") or member.source
    # An import's notes, registration time and home store (an HQ before h0009 has none:
    # what this counter holds stays).
    for name, value in origin_columns(m).items():
        setattr(member, name, value)
    renamed = False
    stamps = m.get("field_clocks") or {}
    for name in PROFILE_FIELDS:
        clock = syncstore.field_clock(uow, member.id, name)
        stamp = stamps.get(name)
        if clock is not None and not newer(stamp, clock.hlc):
            continue  # written here later than HQ's (or at the same moment)
        value = m.get(name)
        if name == "name":
            renamed = value != member.name
            value = value or member.name
        if name == "birthday":
            member.birthday, member.birthday_md = birthday_parts(value)
        else:
            setattr(member, name, value)
        if stamp and clock is None:
            uow.add(MemberFieldClock(member_id=member.id, field=name, hlc=stamp))
        elif stamp and clock is not None:
            clock.hlc = stamp
    if renamed:
        syncstore.replace_search_keys(uow, member.id, search_keys(member.name))


def fetched(ctx: CounterContext, line: dict[str, Any]) -> bool:
    """One member fetched from HQ (an online lookup before serving them): held from now on.
    True when the member was new here."""
    with ctx.uow() as uow:
        foreign.take_phone_key(uow, line.get("phone_key"))
        new = apply_members(ctx, uow, [line]) > 0
        uow.commit()
    return new


def join(
    ctx: CounterContext,
    lines: Iterable[bytes],
    epoch: Callable[[], str | None] | None = None,
) -> Joined:
    """Take this store's scope from HQ's snapshot lines (see the module doc). ``epoch``:
    HQ's epoch as its answer named it, stored with the cursor (the position is in it)."""
    it: Iterator[bytes] = iter(lines)
    header = json.loads(next(it))
    if header.get("snapshot") != 1:
        raise RuleError("snapshot_invalid")
    from app.services import remote

    with ctx.uow() as uow:
        state = syncstore.state_for_update(uow)
        foreign.take_phone_key(uow, header.get("phone_key"))
        if header.get("rules") is not None:
            remote.apply_rules(uow, header["rules"])
            state.rules_version = header.get("rules_version")
        for staff in header.get("staff") or ():
            remote.apply_staff(ctx, uow, staff)
        catalogue_of_hq = header.get("catalogue") or {}
        for category in catalogue_of_hq.get("categories") or ():
            apply_catalogue(ctx, uow, {"category": category})
        for item in catalogue_of_hq.get("items") or ():
            apply_catalogue(ctx, uow, {"item": item})
        for product in header.get("countcard_products") or ():
            countcard_products.apply_pulled(ctx, uow, product)
        for tag in header.get("tags") or ():
            tags.apply_pulled(ctx, uow, tag)
        for template in header.get("coupon_templates") or ():
            coupon_sync.apply_template(ctx, uow, template)
        uow.commit()
    held: set[str] = set()
    page: list[dict[str, Any]] = []
    ended = None
    for raw in it:
        line = json.loads(raw)
        if line.get("end"):
            ended = line
            break
        page.append(line)
        held.add(line["member"]["id"])
        if len(page) >= PAGE:
            _apply_page(ctx, page)
            page = []
    if ended is None or ended.get("members") != len(held):
        raise RuleError("snapshot_invalid")  # cut off: the next round joins again
    _apply_page(ctx, page)
    cursor = int(header["cursor"])
    with ctx.uow() as uow:
        state = syncstore.state_for_update(uow)
        unheld = scopestore.set_unheld_except(uow, held)
        key = uow.phone_key()
        if key is not None:  # numbers kept by an earlier release go
            scopestore.redact_not_held(uow, held, key)
        scopestore.clear_parked(uow)  # what they waited for came with the snapshot
        before = state.cursor
        state.cursor = cursor
        state.joined_at = ctx.now()
        seen = epoch() if epoch is not None else None
        if seen:
            state.hq_epoch = seen
        state.last_pull_at = ctx.now()
        record(
            ctx, uow, None, action="sync.join", entity="sync", entity_id=None,
            before={"cursor": before},
            after={"cursor": cursor, "members": len(held), "unheld": unheld},
            event_type=None, payload={},
        )  # fmt: skip
        uow.commit()
    return Joined(cursor, len(held), unheld)


def _apply_page(ctx: CounterContext, page: list[dict[str, Any]]) -> None:
    if not page:
        return
    with ctx.uow() as uow:
        apply_members(ctx, uow, page)
        uow.commit()


def require_held(member: Member) -> None:
    """Stored value and points of a member this counter is not kept up to date about are
    spent only after an online fetch: its balances here may be old."""
    if not member.held:
        raise RuleError("member_not_held")
