"""How HQ resolved an event of this store it had refused (``quarantine.resolved``, in this
store's stream alone: server.quarantine.tell_device).

- **applied**: HQ holds the event now, as this counter does; the refusal shown in F12 and
  ``sync status`` goes. Applied as HQ staff corrected it (``correction``: HQ's postings),
  this counter's own postings of it are reversed and HQ's posted, in one transaction of kind
  ``hq_correction``, so the balances here are HQ's.
- **voided**: HQ never applied it and never will. At the counter that made it the event took
  effect when it was made; it is reversed here with compensating entries, never by deleting
  rows: every stored-value and points entry of its transaction gets an entry of the opposite
  amount (kind ``hq_void``, ``reverses_entry_id`` the original) in one transaction of kind
  ``hq_void``, and the cumulative spend it moved moves back, so this member's balances agree
  with HQ's again. The refusal stays listed, worded as voided, with what was reversed: money
  taken at the counter (the cash of a top-up) is for the manager to settle with the customer.
  What an event changed beside its entries (a profile, a payment password, a card's or the
  member's status, a card replaced, a tier) goes back to what HQ holds of the member; an
  event whose change cannot be taken back here is kept, and the refusal says so.
  A count-card event (a sale, a visit, a refund, an expiry, a transfer) is taken back by a
  compensating entry in the card's ledger (``void_<kind>``, :mod:`app.domain.countcard_ledger`)
  with the times and value of its own: a voided sale leaves the card void, a voided visit
  gives its times back, a voided refund or expiry opens the card again, a voided transfer
  gives the card back to the giver.

The reversal's id is made from the voided event's, so a notice applied twice (a repair)
reverses once. The other counters of the store never had the event's effect: for them the
notice is a no-op.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from app.domain.countcard_ledger import TRANSFER, VOIDS, void_entry_id
from app.domain.events import birthday_parts, effects
from app.domain.ids import uuid7
from app.domain.messages import render_in
from app.domain.money import format_yuan
from app.persistence import countcard_store, syncstore
from app.persistence.countcard_tables import CountCardEntry
from app.persistence.tables import (
    Member,
    SyncRefused,
    Txn,
)
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext
from app.services.ledger import apply_lot, apply_points, apply_sv
from app.services.recording import record
from app.services.search_keys import search_keys

VOID = "hq_void"
CORRECTION = "hq_correction"
_NAMESPACE = uuid.UUID("3b7d51c2-08e4-5f6a-9c2d-7e41a0b3f958")


def void_txn_id(event_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, event_id))


def voided(uow: Any, txn_id: str) -> bool:
    """Whether HQ voided the transaction ``txn_id`` and this counter reversed it (it can be
    neither refunded nor reversed again)."""
    return syncstore.txn_voided(uow, txn_id, VOID)


def resolved(ctx: CounterContext, uow: UnitOfWork, payload: dict[str, Any]) -> None:
    """Apply HQ's notice (see the module doc)."""
    store = uow.store()
    if store is None or payload.get("device_id") != store.device_id:
        return  # another counter's event: it had no effect here
    event_id = str(payload["event_id"])
    refusal = uow.session.get(SyncRefused, event_id)
    if payload.get("status") == "held":  # waits no more; refused for its own reason
        if refusal is not None and payload.get("code"):
            refusal.code = str(payload["code"])[:48]
            refusal.reason = str(payload.get("reason") or "")
            refusal.waiting_on = None
            refusal.at = ctx.now()
        return
    if payload.get("status") == "applied":
        if refusal is not None:
            uow.session.delete(refusal)
        if isinstance(payload.get("correction"), dict):
            _correct(ctx, uow, event_id, payload["correction"])
        return
    if payload.get("status") != "voided" or uow.session.get(Txn, void_txn_id(event_id)):
        return
    event = syncstore.outbox_event(uow, event_id)
    eff = effects(event.type, json.loads(event.payload)) if event is not None else None
    moved = None
    card: dict[str, Any] | None = None
    if eff is not None and eff.txn_id:
        txn = _txn(ctx, uow, void_txn_id(event_id), VOID, eff)
        moved = _reverse(ctx, uow, txn, eff)
        card = _reverse_count_card(ctx, uow, txn, eff.txn_id)
        after = {"event_id": event_id, "void_txn": txn.id, **moved}
        if card is not None:
            after["count_card"] = card
        record(ctx, uow, None, action="event.voided_at_hq", entity="txn", entity_id=eff.txn_id,
               before=None, after=after, event_type=None, payload={})  # fmt: skip
    reverted = False
    if event is not None and isinstance(payload.get("member_state"), dict):
        # A card's or the member's status, a tier: events of a transaction change these too
        # (a freeze, a replacement, a cancellation, an override, a checkout's upgrade).
        reverted = _take_back(ctx, uow, eff, payload["member_state"])
    posted = moved is not None and (any(moved.values()) or not reverted)
    if refusal is not None:
        if not posted and card is None and reverted:
            refusal.code = "voided_at_hq_reverted"
            refusal.reason = render_in("zh", "voided_at_hq_reverted")
        elif moved is None:
            refusal.code = "voided_at_hq_kept"
            refusal.reason = render_in("zh", "voided_at_hq_kept")
        elif card is not None:
            refusal.code = "voided_at_hq"
            refusal.reason = render_in(
                "zh", "voided_at_hq_countcard", what=_card_words(card),
                principal=format_yuan(-moved["principal_fen"]),
                bonus=format_yuan(-moved["bonus_fen"]),
            )  # fmt: skip
        else:
            refusal.code = "voided_at_hq"
            refusal.reason = render_in(
                "zh", "voided_at_hq", principal=format_yuan(-moved["principal_fen"]),
                bonus=format_yuan(-moved["bonus_fen"]), points=-moved["points"],
            )  # fmt: skip
        refusal.waiting_on = None
        refusal.at = ctx.now()


def _reverse_count_card(
    ctx: CounterContext, uow: UnitOfWork, txn: Txn, voided_txn_id: str
) -> dict[str, Any] | None:
    """The compensating entry (``void_<kind>``, in ``txn``) of the count-card entry the
    voided transaction wrote here, and the card's cached status and owner from the ledger;
    what it took back (None: the transaction wrote no count-card entry)."""
    entry = countcard_store.entry_of_txn(uow, voided_txn_id)
    if entry is None or entry.kind not in VOIDS:
        return None
    void_id = void_entry_id(entry.entry_id)
    if countcard_store.entry_exists(uow, void_id):
        return None
    row = countcard_store.card(uow, entry.card_id)
    assert row is not None  # an entry's card is never deleted
    uow.add(
        CountCardEntry(
            entry_id=void_id,
            card_id=row.id,
            txn_id=txn.id,
            kind=VOIDS[entry.kind],
            times=entry.times,
            value_fen=entry.value_fen,
            from_member_id=entry.to_member_id,  # a transfer taken back goes the other way
            to_member_id=entry.from_member_id,
            offline=False,
            business_date=txn.business_date,
            created_at=ctx.now(),
        )
    )
    uow.session.flush()
    if entry.kind == TRANSFER and entry.from_member_id:
        row.member_id = entry.from_member_id
    row.status = countcard_store.state(uow, row).status
    return {
        "card_id": row.id,
        "product_code": row.product_code,
        "kind": entry.kind,
        "times": json.loads(entry.times),
        "value_fen": entry.value_fen,
        "status": row.status,
    }


def _card_words(card: dict[str, Any]) -> str:
    """What a voided count-card entry was, in the refusal's words (Chinese)."""
    kind = {"sold": "售卡", "visit": "使用", "refund": "退卡", "expire": "过期",
            "transfer": "转让"}.get(card["kind"], card["kind"])  # fmt: skip
    times = "、".join(f"{item} {p + g} 次" for item, (p, g) in sorted(card["times"].items()))
    return " ".join(x for x in (card["product_code"], kind, times) if x)


def _take_back(ctx: CounterContext, uow: UnitOfWork, eff: Any, state: dict[str, Any]) -> bool:
    """What a voided event changed here beside its postings (a profile, a payment password,
    a card's or the member's status, a tier) goes back to what HQ holds. Returns
    whether it touched anything (a registration HQ never took has no state to go back to)."""
    if eff is None or not eff.member_id:
        return False
    member = uow.member(eff.member_id)
    if member is None:
        return False
    now = ctx.now()
    touched = False
    for name in eff.profile:
        value = (state.get("profile") or {}).get(name)
        if name == "birthday":
            member.birthday, member.birthday_md = birthday_parts(value)
        else:
            setattr(member, name, value)
        touched = True
    if eff.profile and "name" in eff.profile:
        syncstore.replace_search_keys(uow, member.id, search_keys(member.name))
    if eff.type == "member.payment_password_set":
        member.pay_password_hash = state.get("password_hash")
        member.pay_password_at_hq = bool(state.get("password_at_hq"))
        member.pay_password_failures = 0
        touched = True
    cards = state.get("cards") or {}
    if eff.card_status or eff.new_card is not None or eff.member_status:
        for card in syncstore.cards_of(uow, member.id):
            card.status = cards.get(card.id, "cancelled")  # a card HQ never issued: void
        if state.get("card_id") in cards:
            member.card_id = state["card_id"]
        member.status = str(state.get("status") or member.status)
        touched = True
    if eff.tier_overridden or eff.tier_changes:
        member.tier_code = str(state.get("tier_code") or member.tier_code)
        member.tier_overridden = bool(state.get("tier_overridden"))
        touched = True
    if touched:
        member.updated_at = now
    return touched


def correction_txn_id(event_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "corrected:" + event_id))


def _correct(ctx: CounterContext, uow: UnitOfWork, event_id: str, fix: dict[str, Any]) -> None:
    """HQ applied the event as its staff corrected it: this counter's own postings of it are
    reversed and HQ's posted, in one ``hq_correction`` transaction (new entry ids: the
    originals stay as they were), so the balances here are HQ's."""
    if uow.session.get(Txn, correction_txn_id(event_id)) is not None:
        return  # applied once already
    event = syncstore.outbox_event(uow, event_id)
    if event is None:
        return
    old = effects(event.type, json.loads(event.payload))
    if not old.txn_id:
        return
    new = effects(event.type, {**fix, "member_id": old.member_id, "txn_id": old.txn_id})
    txn = _txn(ctx, uow, correction_txn_id(event_id), CORRECTION, old)
    moved = _reverse(ctx, uow, txn, old)
    now = ctx.now()
    for lot in new.points_lots:
        if not syncstore.lot_exists(uow, lot["lot_id"]):
            apply_lot(uow, lot, txn.id)
    uow.session.flush()
    for e in new.sv_entries:
        moved["principal_fen"] += e["principal_fen"]
        moved["bonus_fen"] += e["bonus_fen"]
        apply_sv(uow, _member(uow, e["member_id"]), txn.id, kind=e["kind"],
                 principal_fen=e["principal_fen"], bonus_fen=e["bonus_fen"], entry_id=uuid7(),
                 reverses=e.get("reverses"), now=now)  # fmt: skip
    for e in new.points_entries:
        moved["points"] += e["points"]
        apply_points(uow, _member(uow, e["member_id"]), txn.id, kind=e["kind"],
                     points=e["points"], lot_id=e["lot_id"], entry_id=uuid7(),
                     reverses=e.get("reverses"), now=now)  # fmt: skip
    for mid, delta in new.spend_delta.items():
        _member(uow, mid).cumulative_spend_fen += delta
    record(ctx, uow, None, action="event.corrected_at_hq", entity="txn", entity_id=old.txn_id,
           before=None, after={"event_id": event_id, "correction_txn": txn.id, **moved},
           event_type=None, payload={})  # fmt: skip


def _member(uow: UnitOfWork, member_id: str) -> Member:
    found = uow.member(member_id)
    assert found is not None  # members are never deleted
    return found


def _txn(ctx: CounterContext, uow: UnitOfWork, txn_id: str, kind: str, eff: Any) -> Txn:
    """The compensating transaction (``kind``) of the event whose effects are ``eff``."""
    original = uow.session.get(Txn, eff.txn_id)
    txn = Txn(
        id=txn_id,
        kind=kind,
        member_id=original.member_id if original is not None else eff.member_id,
        created_at=ctx.now(),
        business_date=ctx.business_date(uow),
        note=f"{eff.type} {eff.txn_id}",
        original_txn_id=original.id if original is not None else None,  # what it reverses
    )
    uow.add(txn)
    uow.session.flush()
    return txn


def _reverse(ctx: CounterContext, uow: UnitOfWork, txn: Txn, eff: Any) -> dict[str, int]:
    """Entries in ``txn`` of the opposite amounts of every one the event's transaction
    posted here; what they moved."""
    now = ctx.now()
    moved = {"principal_fen": 0, "bonus_fen": 0, "points": 0}
    sv_entries, points_entries = syncstore.txn_entries(uow, eff.txn_id)
    for e in sv_entries:
        moved["principal_fen"] -= e.principal_fen
        moved["bonus_fen"] -= e.bonus_fen
        apply_sv(uow, _member(uow, e.member_id), txn.id, kind=txn.kind,
                 principal_fen=-e.principal_fen, bonus_fen=-e.bonus_fen, entry_id=uuid7(),
                 reverses=e.entry_id, now=now)  # fmt: skip
    for e in points_entries:
        moved["points"] -= e.points
        apply_points(uow, _member(uow, e.member_id), txn.id, kind=txn.kind, points=-e.points,
                     lot_id=e.lot_id, entry_id=uuid7(), reverses=e.entry_id,
                     now=now)  # fmt: skip
    for mid, delta in eff.spend_delta.items():
        _member(uow, mid).cumulative_spend_fen -= delta
    return moved
