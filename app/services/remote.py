"""Applying what the counter pulls from HQ: other stores' events, HQ's rules and staff.

One pull batch is one transaction that also moves the pull cursor, so a batch
is applied completely or not at all and never twice. Other stores' ledger rows
arrive with their own ids and are inserted as they are; the member's cached
balances move with them. An offline spend elsewhere may take a balance below
zero here too: that is a fact HQ lists as a conflict, not something to refuse.
Transactions of other stores are kept as ``kind="remote"`` rows with no amounts,
so this store's shift and day reports never count them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.errors import RuleError
from app.domain.events import Effects, birthday_parts, effects, final_tier, origin_columns
from app.domain.hlc import ZERO, Stamp, newer, receive
from app.domain.ids import uuid7
from app.domain.rules import Rules
from app.persistence import syncstore
from app.persistence.tables import (
    Card,
    Member,
    MemberFieldClock,
    Staff,
    TierChange,
    Txn,
)
from app.persistence.uow import UnitOfWork
from app.services import (
    chain_sales,
    consent,
    countcard_products,
    countcard_sync,
    coupon_sync,
    foreign,
    parking,
    tags,
    tickets,
    voids,
)
from app.services.catalogue import apply_catalogue
from app.services.context import CounterContext
from app.services.ledger import apply_lot, apply_points, apply_sv
from app.services.recording import record
from app.services.search_keys import search_keys


@dataclass(frozen=True)
class PulledChange:
    server_seq: int
    kind: str  # "event", "rules", "staff" or "catalogue"
    body: dict[str, Any]


@dataclass(frozen=True)
class PullApplied:
    cursor: int
    applied: int


def apply_changes(
    ctx: CounterContext, changes: Sequence[PulledChange], cursor: int, *, replay: bool = False
) -> PullApplied:
    """Apply a batch pulled from HQ and store ``cursor`` in the same transaction
    (``replay``: changes fetched again by ``sync repair``, applied whatever the cursor)."""
    with ctx.uow() as uow:
        state = syncstore.state_for_update(uow)
        if cursor <= state.cursor and not changes:
            return PullApplied(state.cursor, 0)
        before = state.cursor
        # (those at or below the cursor were applied by an earlier pull)
        fresh = [c for c in changes if replay or c.server_seq > before]
        if parking.attempt_all(ctx, uow, state, fresh, _apply_one):
            applied = len(fresh)
        else:  # one that cannot apply here is parked with its reason; the rest goes on
            applied = sum(parking.attempt(ctx, uow, state, c, _apply_one) for c in fresh)
        applied += parking.retry(ctx, uow, state, _apply_one)
        state.cursor = max(before, cursor)
        state.last_pull_at = ctx.now()
        if applied:
            record(
                ctx,
                uow,
                None,
                action="sync.pull",
                entity="sync",
                entity_id=None,
                before={"cursor": before},
                after={"cursor": state.cursor, "changes": applied},
                event_type=None,
                payload={},
            )
        uow.commit()
        return PullApplied(state.cursor, applied)


def retry_parked(ctx: CounterContext) -> int:
    """Try every parked change again now (``sync repair``); returns how many applied."""
    with ctx.uow() as uow:
        state = syncstore.state_for_update(uow)
        done = parking.retry(ctx, uow, state, _apply_one)
        uow.commit()
        return done


def _apply_one(ctx: CounterContext, uow: UnitOfWork, state: Any, change: PulledChange) -> None:
    if change.kind == "event":
        _apply_event(ctx, uow, state, change.body)
    elif change.kind == "rules":
        apply_rules(uow, change.body["rules"])
        state.rules_version = change.body.get("version")
    elif change.kind == "staff":
        apply_staff(ctx, uow, change.body)
    elif change.kind == "catalogue" and "countcard_product" in change.body:
        countcard_products.apply_pulled(ctx, uow, change.body["countcard_product"])
    elif change.kind == "catalogue" and "tag" in change.body:
        tags.apply_pulled(ctx, uow, change.body)
    elif change.kind == "catalogue" and "coupon_template" in change.body:
        coupon_sync.apply_template(ctx, uow, change.body["coupon_template"])
    elif change.kind == "catalogue":
        apply_catalogue(ctx, uow, change.body)


def apply_rules(uow: UnitOfWork, data: dict[str, Any]) -> None:
    rules = Rules.from_dict(data)  # refuses rules this counter cannot use
    store = uow.store()
    if store is None:
        raise RuleError("store_not_initialised")
    store.rules_json = json.dumps(rules.to_dict(), ensure_ascii=False)


def apply_staff(ctx: CounterContext, uow: UnitOfWork, body: dict[str, Any]) -> None:
    staff = uow.staff_by_no(body["staff_no"])
    if staff is None:
        uow.add(
            Staff(
                id=uuid7(),
                staff_no=body["staff_no"],
                name=body["name"],
                role=body["role"],
                pin_hash=body["pin_hash"],
                failed_pins=0,
                locked=False,
                active=bool(body["active"]),
                created_at=ctx.now(),
            )
        )
        return
    staff.name = body["name"]
    staff.role = body["role"]
    staff.pin_hash = body["pin_hash"]
    staff.active = bool(body["active"])


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _member(uow: UnitOfWork, member_id: str) -> Member:
    member = uow.member(member_id)
    if member is None:
        raise RuleError("member_not_found", query=member_id)
    return member


def _apply_event(ctx: CounterContext, uow: UnitOfWork, state: Any, body: dict[str, Any]) -> None:
    if body["type"] == "member.released":
        # HQ no longer sends this store another store's member it has not served for long:
        # kept here, served again after an online lookup.
        member = uow.member(body["payload"]["member_id"])
        if member is not None:
            member.held = False
        return
    if body["type"] == "quarantine.resolved":  # HQ resolved an event of this store it refused
        voids.resolved(ctx, uow, body["payload"])
        return
    eff = effects(body["type"], body["payload"])
    if eff.member_id is None:
        if body["type"] == "sale.refunded":  # a walk-in's sale of this store, refunded elsewhere
            chain_sales.pulled_refund(ctx, uow, body)
        return
    if countcard_sync.received_only(uow, body):  # a card given to a member held here
        countcard_sync.apply_pulled(ctx, uow, body)
        return
    now = ctx.now()
    if eff.new_member is not None:
        _register(ctx, uow, eff)
    fresh = eff.txn_id is None or not syncstore.txn_exists(uow, eff.txn_id)
    if eff.txn_id is not None and fresh:
        uow.add(
            Txn(
                id=eff.txn_id,
                kind="remote",
                member_id=eff.member_id,
                created_at=now,
                business_date=_date(eff.business_date) or ctx.business_date(uow),
                note=f"{eff.type} {body.get('store_code') or 'HQ'}",
            )
        )
    for e in eff.sv_entries:
        if not syncstore.sv_entry_exists(uow, e["entry_id"]):
            apply_sv(uow, _member(uow, e["member_id"]), eff.txn_id, kind=e["kind"],
                     principal_fen=e["principal_fen"], bonus_fen=e["bonus_fen"],
                     entry_id=e["entry_id"], reverses=e.get("reverses"), now=now)  # fmt: skip
    for lot in eff.points_lots:
        if not syncstore.lot_exists(uow, lot["lot_id"]):
            apply_lot(uow, lot, eff.txn_id)
    for e in eff.points_entries:
        if not syncstore.points_entry_exists(uow, e["entry_id"]):
            apply_points(uow, _member(uow, e["member_id"]), eff.txn_id, kind=e["kind"],
                         points=e["points"], lot_id=e["lot_id"], entry_id=e["entry_id"],
                         reverses=e.get("reverses"), now=now)  # fmt: skip
    if fresh:  # cumulative spend moves once per transaction, like the ledgers
        for member_id, delta in eff.spend_delta.items():
            _member(uow, member_id).cumulative_spend_fen += delta
    _member_changes(ctx, uow, state, eff, now, fresh)
    if body["type"] == "sale.refunded":  # a sale held here with its lines, refunded elsewhere
        chain_sales.pulled_refund(ctx, uow, body)
    countcard_sync.apply_pulled(ctx, uow, body)  # a count card's rows (its own module)
    coupon_sync.apply_pulled(ctx, uow, body)  # a coupon's rows (its own module)
    tickets.apply_pulled(ctx, uow, body)  # a service ticket's rows (its own module)
    consent.apply_pulled(ctx, uow, body)  # a consent entry (app.services.consent)


def _register(ctx: CounterContext, uow: UnitOfWork, eff: Effects) -> None:
    m = eff.new_member
    assert m is not None
    if uow.member(m["member_id"]) is not None:
        return
    clash = foreign.clash(uow, m, m["member_id"])
    referrer = m.get("referrer_id")
    now = ctx.now()
    member = Member(
        id=m["member_id"],
        name=m["name"],
        **foreign.phone_columns(m),  # another store's member: masked number and hash
        gender=m.get("gender"),
        birthday=birthday_parts(m.get("birthday"))[0],
        birthday_md=birthday_parts(m.get("birthday"))[1],
        email=m.get("email"),
        address=m.get("address"),
        referrer_id=referrer if referrer and uow.member(referrer) else None,
        source=m.get("source"),
        consent_at=dt.datetime.fromisoformat(m["consent_at"]) if m.get("consent_at") else now,
        # Two stores registered this phone while apart: HQ keeps both until a manager merges.
        status="duplicate" if clash is not None else "active",
        tier_code=m.get("tier") or "normal",
        tier_overridden=False,
        cumulative_spend_fen=0,
        principal_fen=0,
        bonus_fen=0,
        points=0,
        pay_password_failures=0,
        created_at=now,
        created_by=None,
        updated_at=now,
        **origin_columns(eff.origin),  # an import's notes, registration time, home store
    )
    uow.add(member)
    syncstore.replace_search_keys(uow, member.id, search_keys(member.name))
    uow.flush()  # later changes of this batch find the member


def _member_changes(
    ctx: CounterContext,
    uow: UnitOfWork,
    state: Any,
    eff: Effects,
    now: dt.datetime,
    fresh: bool = True,
) -> None:
    if eff.new_card is not None and uow.card(eff.new_card["card_id"]) is None:
        # A card number another store already uses here stays unknown to this counter:
        # the member is still found by phone.
        if not syncstore.card_no_taken(uow, eff.new_card["card_no"]):
            uow.add(
                Card(
                    id=eff.new_card["card_id"],
                    card_no=eff.new_card["card_no"],
                    member_id=eff.new_card["member_id"],
                    status="active",
                    issued_at=now,
                )
            )
            uow.flush()
        owner = _member(uow, eff.new_card["member_id"])
        owner.card_id = eff.new_card["card_id"]
        if eff.replaced_card_id:
            old = uow.card(eff.replaced_card_id)
            if old is not None:
                old.status = "replaced"
                old.replaced_by = eff.new_card["card_id"]
    for card_id, status in eff.card_status:
        card = uow.card(card_id)
        if card is not None:
            card.status = status
    tier = final_tier(eff)
    if tier is not None and eff.member_id:
        member = _member(uow, eff.member_id)
        for change in eff.tier_changes if fresh else ():  # (a replayed change: logged once)
            uow.add(
                TierChange(
                    member_id=member.id,
                    txn_id=eff.txn_id,
                    from_tier=change["from"],
                    to_tier=change["to"],
                    reason=change["reason"],
                    created_at=now,
                )
            )
        member.tier_code = tier
        if eff.tier_overridden:
            member.tier_overridden = True
    for member_id, status in eff.member_status.items():
        _member(uow, member_id).status = status
    if eff.merged_into:
        uow.flush()  # the dropped member leaves "active" before the kept one may enter it
        kept = _member(uow, eff.merged_into[1])
        if kept.status == "duplicate":
            kept.status = "active"
    if (eff.password_hash or eff.password_at_hq) and eff.member_id:
        member = _member(uow, eff.member_id)
        member.pay_password_hash = eff.password_hash
        member.pay_password_at_hq = eff.password_at_hq
        member.pay_password_failures = 0
    if eff.profile and eff.member_id:
        apply_profile(ctx, uow, state, _member(uow, eff.member_id), eff.profile)
    if eff.tags and eff.member_id:
        _member(uow, eff.member_id)  # parked until the member is here
        tags.apply_member_tags(ctx, uow, eff.member_id, eff.tags)


def node_of(uow: UnitOfWork) -> str:
    """This counter's name in clock stamps (its device id without dashes)."""
    return syncstore.node_of(uow)


def apply_profile(
    ctx: CounterContext,
    uow: UnitOfWork,
    state: Any,
    member: Member,
    fields: dict[str, tuple[Any, str]],
) -> dict[str, Any]:
    """Write each field whose stamp is newer than the stored one (last writer wins)."""
    written: dict[str, Any] = {}
    last = Stamp.parse(state.hlc) if state.hlc else ZERO
    now_ms = int(ctx.clock.now().timestamp() * 1000)
    node = node_of(uow)
    for name, (value, stamp) in fields.items():
        last = receive(last, Stamp.parse(stamp), now_ms, node)
        clock = syncstore.field_clock(uow, member.id, name)
        if clock is not None and not newer(stamp, clock.hlc):
            continue
        if name == "birthday":
            member.birthday, member.birthday_md = birthday_parts(value)
        else:
            setattr(member, name, value)
        if clock is None:
            uow.add(MemberFieldClock(member_id=member.id, field=name, hlc=stamp))
        else:
            clock.hlc = stamp
        written[name] = value
    state.hlc = last.text() if last != ZERO else state.hlc
    if "name" in written:
        syncstore.replace_search_keys(uow, member.id, search_keys(member.name))
    member.updated_at = ctx.now()
    return written
