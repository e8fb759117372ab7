"""HQ trusts no counter: each pushed event is checked here, in the push's transaction,
before it is applied.

1. **Shape**: the strict schema of its type (:mod:`server.schemas`); unknown types and the
   types only HQ makes are refused.
2. **Who**: the staff (and approver) known at HQ — the counter's own accounts HQ accepted
   from its ``store.initialised``/``staff.added``, or HQ's chain-wide staff — active, with
   the role the operation needs; a device acts only as itself for its own store.
3. **Whose member**: the member exists at HQ (or the event creates it with new ids); another
   store's member may be served (top-up, checkout, refunds of sales made here, report of a
   lost card) but not cancelled, given a password, changed or adjusted.
4. **Money adds up**, by the same pure rules (:mod:`app.domain.pricing`) the counter used
   and the rules version it held: tenders equal the amount due, a top-up's principal is
   what was paid and its bonus what the rules grant, stored-value postings equal the
   stored-value tender, a refund mirrors the transaction it refunds, once.

A failed check raises :class:`Refused` with a code and a reason in Chinese
(:mod:`app.domain.messages`); :mod:`server.quarantine` keeps the event.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import ValidationError as SchemaError
from sqlalchemy import Connection, bindparam, select, text

from app.domain.cart import PricedCart
from app.domain.catalogue import Category, Item
from app.domain.errors import CounterError
from app.domain.events import CARD_STATUS_EVENTS
from app.domain.messages import render_in
from app.domain.price_limits import limits_for, over_limits
from app.domain.pricing import (
    STORED_VALUE,
    Tender,
    max_points_for_bill,
    points_earned,
    points_value_fen,
    settle_tenders,
    topup_bonus,
)
from app.domain.rules import Rules, default_rules
from app.domain.sale import payment_parts, priced_again
from app.domain.text import refused_chars
from app.services.security import (
    APPROVER_ROLES,
    ROLE_PERMISSIONS,
    STORE_ROLES,
    Permission,
    Role,
)
from server import (
    consent,
    consent_tables,
    countcards,
    coupons,
    sale_refunds,
    tags,
    tickets,
)
from server import schemas as s
from server import tables as t


class Refused(Exception):
    """An event HQ will not apply: ``code`` (``hq_...``) and the reason in words."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = f"hq_{code}"
        self.params = params
        super().__init__(self.code)

    @property
    def reason(self) -> str:
        """In Chinese whatever language the process shows (the wire's reason is Chinese; a
        counter renders the code in its own language from it)."""
        return render_in("zh", self.code, **self.params)


# type -> (permission of the staff, needs a manager's approval, home store only)
POLICY: dict[str, tuple[Permission | None, bool, bool]] = {
    "member.registered": (Permission.MEMBER_REGISTER, False, False),
    "member.imported": (Permission.MEMBER_IMPORT, False, False),
    "member.import_batch": (Permission.MEMBER_IMPORT, False, False),
    "member.payment_password_set": (Permission.MEMBER_SET_PASSWORD, False, True),
    "member.profile_updated": (Permission.MEMBER_EDIT, False, True),
    "stored_value.topped_up": (Permission.TOPUP, False, False),
    "stored_value.adjusted": (Permission.STORED_VALUE_ADJUST, True, True),
    "stored_value.topup_refunded": (Permission.REFUND, True, False),
    "checkout.completed": (Permission.CHECKOUT, False, False),
    "checkout.refunded": (Permission.REFUND, True, False),
    "card.reported_lost": (Permission.CARD_LOST, False, False),
    "card.frozen": (Permission.CARD_FREEZE, False, True),
    "card.unfrozen": (Permission.CARD_UNFREEZE, False, True),
    "card.replaced": (Permission.CARD_REPLACE, False, True),
    "card.cancelled": (Permission.CARD_CANCEL, True, True),
    "points.expired": (Permission.POINTS_EXPIRE, False, True),
    "points.adjusted": (Permission.POINTS_ADJUST, True, True),
    "tier.overridden": (Permission.TIER_OVERRIDE, True, True),
    "store.initialised": (None, False, False),
    "staff.added": (Permission.STAFF_ADD, False, False),
    "staff.unlocked": (Permission.STAFF_UNLOCK, False, False),
    "staff.locked": (None, False, False),  # the counter locks an account itself
    "rules.changed": (Permission.RULES_EDIT, False, False),
    "day.closed": (Permission.DAY_CLOSE, False, False),
    "shift.opened": (Permission.SHIFT, False, False),
    "shift.closed": (Permission.SHIFT, False, False),
    "catalogue.item_saved": (Permission.CATALOGUE_EDIT, False, False),
    "catalogue.category_saved": (Permission.CATALOGUE_EDIT, False, False),
    "sale.completed": (Permission.CHECKOUT, False, False),  # approval: by its price limits
    "sale.refunded": (Permission.REFUND, True, False),
    # Count cards (server.countcards): another store's member may be served.
    "countcard.product_saved": (Permission.CATALOGUE_EDIT, False, False),
    "countcard.sold": (Permission.CHECKOUT, False, False),
    "countcard.used": (Permission.CHECKOUT, False, False),
    "countcard.refunded": (Permission.REFUND, True, False),
    "countcard.transferred": (Permission.COUNTCARD_TRANSFER, True, False),
    "countcard.expired": (Permission.POINTS_EXPIRE, False, False),
    # Member tags (server.tags): a store tags the members it serves; a definition is the
    # store's that made it.
    "tag.saved": (Permission.TAG_EDIT, False, False),
    "member.tag_set": (Permission.TAG_SET, False, False),
    # The consent ledger (server.consent): a store records consent of the members it serves.
    "consent.granted": (Permission.CONSENT_SET, False, False),
    "consent.withdrawn": (Permission.CONSENT_SET, False, False),
    # Coupons (server.coupons): as the counter requires (app.services.coupons).
    "coupon.template_saved": (Permission.COUPON_TEMPLATE_EDIT, False, False),
    "coupon.issued": (Permission.COUPON_ISSUE, False, False),
    "coupon.voided": (Permission.COUPON_VOID, False, False),
    # Service tickets (server.tickets): opened at the counter's own store for a member in its
    # scope; moving, assigning and resolving need ticket.handle (checked there).
    "ticket.opened": (Permission.TICKET_OPEN, False, False),
    "ticket.updated": (Permission.TICKET_OPEN, False, False),
}


def member_of(event_type: str, payload: dict[str, Any]) -> str | None:
    """The member an event concerns (read before any check: for the wait on a refused one)."""
    value = payload.get("member_id")
    if value is None and isinstance(payload.get("member"), dict):
        value = payload["member"].get("member_id")
    return value if isinstance(value, str) and len(value) <= 36 else None


@dataclass
class TxnInfo:
    type: str
    member_id: str | None
    store_code: str | None
    payload: dict[str, Any]


def _chunks(values: Iterable[str], size: int = 500) -> Iterator[list[str]]:
    items = sorted(values)
    for i in range(0, len(items), size):
        yield items[i : i + size]


# The tables whose new ids an event names (Batch.fresh), by table name.
_ID_COLUMNS = {
    "hq_member": t.member.c.id,
    "hq_card": t.card.c.id,
    "hq_txn": t.txn.c.id,
    "hq_sv_entry": t.sv_entry.c.entry_id,
    "hq_points_lot": t.points_lot.c.id,
    "hq_points_entry": t.points_entry.c.entry_id,
}


class _Row(NamedTuple):
    id: str
    store_code: str | None


class _CardRow(NamedTuple):
    id: str
    member_id: str | None


# What _held_ids reads for each key: (table, id column, other column or NULL, extra condition).
_HELD_QUERIES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "m": (("hq_member", "id", "store_code", ""),),
    "c": (("hq_card", "id", "member_id", ""),),
    "n": (("hq_card", "card_no", "NULL", " AND status != 'replaced'"),),
    "l": (("hq_points_lot", "id", "member_id", ""),),
    "hq_txn": (("hq_txn", "id", "NULL", ""),),
    "hq_sv_entry": (("hq_sv_entry", "entry_id", "NULL", ""),),
    "hq_points_entry": (("hq_points_entry", "entry_id", "NULL", ""),),
    "e": (("hq_event", "event_id", "NULL", ""), ("hq_quarantine", "event_id", "NULL", "")),
}


def _held_ids(conn: Connection, sets: dict[str, set[str]]) -> dict[str, list[tuple[str, Any]]]:
    """Which of these ids HQ holds, in one query (a UNION ALL, ``CHUNK`` ids a list): for
    each key of ``sets`` the (id, other) pairs found. Keys: "m" members (other: home store),
    "c" cards (their member), "n" card numbers in use, "l" points lots (their member),
    "e" events applied or in quarantine, and the tables of :data:`_ID_COLUMNS`. (Plain SQL
    with expanding parameters: built by SQLAlchemy's expression language, this one statement
    cost more to make on every push than all the reads it replaced.)"""
    parts: list[str] = []
    params: dict[str, list[str]] = {}
    for key, ids in sets.items():
        for n, chunk in enumerate(_chunks(ids)):
            name = f"{key}_{n}"
            params[name] = chunk
            for table, column, other, extra in _HELD_QUERIES[key]:
                parts.append(
                    f"SELECT '{key}' AS k, {column} AS id, {other} AS other FROM {table} "
                    f"WHERE {column} IN :{name}{extra}"
                )
    found: dict[str, list[tuple[str, Any]]] = {key: [] for key in sets}
    if not parts:
        return found
    statement = text(" UNION ALL ".join(parts)).bindparams(
        *(bindparam(name, expanding=True) for name in params)
    )
    for key, id_, value in conn.execute(statement, params):
        found[key].append((id_, value))
    return found


@functools.lru_cache(maxsize=64)
def parse_rules(rules_json: str) -> Rules:
    """Rules from their stored JSON (the same few texts are read on every push)."""
    return Rules.from_dict(json.loads(rules_json))


@dataclass
class Named:
    """The ids, numbers and staff a batch's events name, read from their raw payloads
    before any check: what :meth:`Batch.prefetch` looks up, one query per table."""

    ids: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in _ID_COLUMNS})
    members: set[str] = field(default_factory=set)
    cards: set[str] = field(default_factory=set)
    card_nos: set[str] = field(default_factory=set)
    lots: set[str] = field(default_factory=set)
    originals: set[str] = field(default_factory=set)
    staff_nos: set[str] = field(default_factory=set)

    @staticmethod
    def _text(value: Any) -> str | None:
        return value if isinstance(value, str) and 0 < len(value) <= 36 else None

    def _list(self, payload: dict[str, Any], key: str, *names: str) -> list[str]:
        rows = payload.get(key)
        out = []
        for row in rows if isinstance(rows, list) else ():
            for name in names:
                value = self._text(row.get(name)) if isinstance(row, dict) else None
                if value is not None:
                    out.append(value)
        return out

    def add(self, event_type: str, payload: dict[str, Any]) -> None:
        text = self._text
        member = member_of(event_type, payload)
        if member is not None:
            self.members.add(member)
            self.ids["hq_member"].add(member)
        card = payload.get("card")
        if isinstance(card, dict):
            for value in (text(card.get("card_id")),):
                if value is not None:
                    self.ids["hq_card"].add(value)
                    self.cards.add(value)
            if isinstance(card.get("card_no"), str) and len(card["card_no"]) <= 64:
                self.card_nos.add(card["card_no"])
        for key in ("card_id", "old_card_id"):
            value = text(payload.get(key))
            if value is not None:
                self.cards.add(value)
        value = text(payload.get("txn_id"))
        if value is not None:
            self.ids["hq_txn"].add(value)
        value = text(payload.get("original_txn_id"))
        if value is not None:
            self.originals.add(value)
        self.ids["hq_sv_entry"].update(self._list(payload, "sv_entries", "entry_id"))
        self.ids["hq_points_lot"].update(self._list(payload, "points_lots", "lot_id"))
        self.ids["hq_points_entry"].update(self._list(payload, "points_entries", "entry_id"))
        self.lots.update(self._list(payload, "points_entries", "lot_id"))
        for key in ("staff_no", "approver_no"):
            value = payload.get(key)
            if isinstance(value, str) and len(value) <= 32:
                self.staff_nos.add(value)


@dataclass
class Batch:
    """What one push has staged but not yet written (HQ writes ledgers at the end of a
    batch): the ids it created, its transactions and lots, so a later event of the same
    batch is checked against them.

    :meth:`prefetch` reads, one query per table, what HQ held at the batch's start about
    everything the batch's events name; each check answers from it and asks the database
    only what the prefetch cannot answer exactly (a row this batch wrote: a member, card or
    staff account is written at once). Without a prefetch every check asks the database."""

    conn: Connection
    device_id: str
    store_code: str
    # The device's last device_seq when the batch began: its own rules events all lie at or
    # before it, so the rules it held are the same for every newer event of the batch.
    after_seq: int | None = None
    # The first device_seq of this device made under one of HQ's rules versions (the
    # device's hq_rules_from_seq, or an event of this batch): its rules are HQ's from there.
    hq_rules_from: int | None = None
    # The history it declared when it joined (hq_device.history_head_seq / history_rules):
    # its own rules events must lie at or before the head and be among the declared ones.
    # None: not checked (a head: none declared before HQ asked; both: HQ staff applying a
    # quarantined event, their decision).
    history_head: int | None = None
    history_rules: frozenset[tuple[int, str]] | None = None
    ids: set[str] = field(default_factory=set)
    txns: dict[str, TxnInfo] = field(default_factory=dict)
    lots: dict[str, str] = field(default_factory=dict)  # lot -> member
    refunded: set[str] = field(default_factory=set)
    card_nos: set[str] = field(default_factory=set)  # taken by a card this batch made
    # -- the prefetch: (what was asked, what HQ holds) ------------------------------------
    asked: Named | None = None
    taken: dict[str, set[str]] = field(default_factory=dict)  # table -> ids HQ holds
    known_members: dict[str, Any] = field(default_factory=dict)
    known_cards: dict[str, Any] = field(default_factory=dict)
    taken_card_nos: set[str] = field(default_factory=set)
    known_lots: dict[str, str] = field(default_factory=dict)
    known_txns: dict[str, TxnInfo] = field(default_factory=dict)
    refunded_before: set[str] = field(default_factory=set)
    known_events: set[str] = field(default_factory=set)  # applied or held of those asked
    store_staff: dict[str, Any] | None = None  # staff_id -> this device's account
    chain_staff: dict[str, Any] = field(default_factory=dict)
    held: dict[str, str] | None = None  # member -> first held event of this device
    _rules: dict[Any, list[Rules]] = field(default_factory=dict)

    def prefetch(
        self, events: Iterable[tuple[str, dict[str, Any]]], event_ids: Iterable[str] = ()
    ) -> None:
        """Read what HQ holds about every id, card number and staff the events name, and
        which of ``event_ids`` HQ already has (applied or in quarantine): the ids in one
        query (:func:`_held_ids`), the rest in one query per kind."""
        named = Named()
        for event_type, payload in events:
            if isinstance(payload, dict):
                named.add(event_type, payload)
        conn = self.conn
        lots = named.ids["hq_points_lot"] | named.lots
        sets = {
            "m": named.members,
            "c": named.cards,
            "n": named.card_nos,
            "l": lots,
            "hq_txn": named.ids["hq_txn"],
            "hq_sv_entry": named.ids["hq_sv_entry"],
            "hq_points_entry": named.ids["hq_points_entry"],
            "e": set(event_ids),
        }
        found = _held_ids(conn, sets)
        self.known_members = {i: _Row(i, other) for i, other in found["m"]}
        self.known_cards = {i: _CardRow(i, other) for i, other in found["c"]}
        self.taken_card_nos = {i for i, _ in found["n"]}
        self.known_lots = {i: other for i, other in found["l"] if i in named.lots}
        self.taken = {
            "hq_member": {i for i in named.ids["hq_member"] if i in self.known_members},
            "hq_card": {i for i in named.ids["hq_card"] if i in self.known_cards},
            "hq_points_lot": {i for i, _ in found["l"] if i in named.ids["hq_points_lot"]},
        }
        for name in ("hq_txn", "hq_sv_entry", "hq_points_entry"):
            self.taken[name] = {i for i, _ in found[name]}
        self.known_events = {i for i, _ in found["e"]}
        for chunk in _chunks(named.originals):
            for row in conn.execute(
                select(
                    t.txn.c.id,
                    t.txn.c.type,
                    t.txn.c.member_id,
                    t.txn.c.store_code,
                    t.event.c.payload,
                )
                .join(t.event, t.event.c.event_id == t.txn.c.event_id)
                .where(t.txn.c.id.in_(chunk))
            ):
                self.known_txns[row.id] = TxnInfo(
                    row.type, row.member_id, row.store_code, json.loads(row.payload)
                )
            self.refunded_before.update(
                conn.scalars(
                    select(t.txn.c.original_txn_id).where(t.txn.c.original_txn_id.in_(chunk))
                )
            )
        self.store_staff = {
            row.staff_id: row
            for row in conn.execute(
                select(t.store_staff).where(t.store_staff.c.device_id == self.device_id)
            )
        }
        for chunk in _chunks(named.staff_nos):
            for row in conn.execute(select(t.staff).where(t.staff.c.staff_no.in_(chunk))):
                self.chain_staff[row.staff_no] = row
        self.held = {}
        for member_id, event_id in conn.execute(
            select(t.quarantine.c.member_id, t.quarantine.c.event_id)
            .where(
                t.quarantine.c.status == "held",
                t.quarantine.c.device_id == self.device_id,
                t.quarantine.c.member_id.is_not(None),
            )
            .order_by(t.quarantine.c.device_seq)
        ):
            self.held.setdefault(member_id, event_id)
        self.asked = named

    # -- what HQ holds ------------------------------------------------------------------
    def held_for(self, member_id: str) -> str | None:
        """The first held event of this device about ``member_id`` when the batch began
        (the push loop keeps the ones it holds itself)."""
        if self.held is not None:
            return self.held.get(member_id)
        from server import quarantine

        return quarantine.held_for(self.conn, self.device_id, member_id)

    def member(self, member_id: str) -> Any:
        """The member's id and home store (neither ever changes)."""
        if self.asked is not None and member_id in self.known_members:
            return self.known_members[member_id]
        # Not held when the batch began (or not asked): made by this batch, or unknown.
        row = self.conn.execute(
            select(t.member.c.id, t.member.c.store_code).where(t.member.c.id == member_id)
        ).first()
        if row is None:
            raise Refused("member_unknown", member_id=member_id)
        if self.asked is not None:
            # Written by an event of this batch already applied: a member row stays.
            self.known_members[member_id] = row
        return row

    def tier_of(self, member_id: str) -> str:
        """The member's tier now (an earlier event of the batch may have moved it)."""
        return self.conn.scalar(select(t.member.c.tier_code).where(t.member.c.id == member_id))

    def txn(self, txn_id: str) -> TxnInfo:
        if txn_id in self.txns:
            return self.txns[txn_id]
        if self.asked is not None and txn_id in self.asked.originals:
            # Transactions are written at the batch's end: HQ holds what it held at its start.
            info = self.known_txns.get(txn_id)
            if info is None:
                raise Refused("txn_unknown", txn_id=txn_id)
            return info
        row = self.conn.execute(
            select(t.txn.c.type, t.txn.c.member_id, t.txn.c.store_code, t.event.c.payload)
            .join(t.event, t.event.c.event_id == t.txn.c.event_id)
            .where(t.txn.c.id == txn_id)
        ).first()
        if row is None:
            raise Refused("txn_unknown", txn_id=txn_id)
        return TxnInfo(row.type, row.member_id, row.store_code, json.loads(row.payload))

    def already_refunded(self, txn_id: str) -> bool:
        if txn_id in self.refunded:
            return True
        if self.asked is not None and txn_id in self.asked.originals:
            return txn_id in self.refunded_before
        return (
            self.conn.scalar(select(t.txn.c.id).where(t.txn.c.original_txn_id == txn_id).limit(1))
            is not None
        )

    def fresh(self, what: str, table: Any, column: Any, ids: Iterable[str]) -> None:
        """Ids the event creates must be new, at HQ and within this batch."""
        wanted = list(ids)
        if len(set(wanted)) != len(wanted):
            raise Refused("id_taken", what=what, id=wanted[0])
        for i in wanted:
            if i in self.ids:
                raise Refused("id_taken", what=what, id=i)
        if not wanted:
            return
        asked = self.asked.ids.get(table.name) if self.asked is not None else None
        if asked is not None and _ID_COLUMNS[table.name] is column and asked.issuperset(wanted):
            # Rows this batch wrote carry ids of self.ids: HQ's others are the prefetched.
            taken = next((i for i in wanted if i in self.taken[table.name]), None)
        else:
            taken = self.conn.scalar(select(column).where(column.in_(wanted)).limit(1))
        if taken is not None:
            raise Refused("id_taken", what=what, id=taken)

    def lot_of(self, lot_id: str, member_id: str) -> None:
        owner = self.lots.get(lot_id)
        if owner is None:
            if self.asked is not None and lot_id in self.asked.lots:
                owner = self.known_lots.get(lot_id)  # lots are written at the batch's end
            else:
                owner = self.conn.scalar(
                    select(t.points_lot.c.member_id).where(t.points_lot.c.id == lot_id)
                )
        if owner != member_id:
            raise Refused("lot_unknown", lot_id=lot_id)

    def card_of(self, card_id: str, member_id: str) -> Any:
        row = self.known_cards.get(card_id) if self.asked is not None else None
        if row is None:  # not held when the batch began: made by it, or unknown
            row = self.conn.execute(
                select(t.card.c.id, t.card.c.member_id).where(t.card.c.id == card_id)
            ).first()
            if row is not None and self.asked is not None:
                self.known_cards[card_id] = row  # a card's member never changes
        if row is None or row.member_id != member_id:
            raise Refused("card_unknown", card_id=card_id)
        return row

    def card_no_free(self, card_no: str) -> None:
        # Answered from the prefetch when no card of the number was active at the batch's
        # start and none was made by it; otherwise (a refusal, or a card replaced since)
        # the database says.
        if (
            self.asked is None
            or card_no not in self.asked.card_nos
            or card_no in self.taken_card_nos
            or card_no in self.card_nos
        ):
            taken = self.conn.scalar(
                select(t.card.c.id).where(
                    t.card.c.card_no == card_no, t.card.c.status != "replaced"
                )
            )
            if taken is not None:
                raise Refused("card_taken", card_no=card_no)
        self.card_nos.add(card_no)

    # -- rules the counter held ---------------------------------------------------------
    def _rules_of(self, key: Any, text: str) -> Rules:
        """Parsed once per batch."""
        if key not in self._rules:
            self._rules[key] = [parse_rules(text)]
        return self._rules[key][0]

    def rules_held(self, version: int | None, device_seq: int, member: Any = None) -> list[Rules]:
        """The rules an event may have been made by. With a version: that version of HQ's
        history. Without: HQ's current ones (a counter that pulled them before HQ kept
        versions) and the defaults, and — only for a member of the device's own store — the
        counter's own (its last ``rules.changed`` or the rules it started with: a store that
        ran on its own before it joined). A device's own rules never judge what it does to
        another store's member: it could otherwise write itself rules that mint bonus and
        spend it there."""
        if version is not None:
            key = ("version", version)
            if key not in self._rules:
                text = self.conn.scalar(
                    select(t.rules_history.c.rules_json).where(t.rules_history.c.version == version)
                )
                if text is None:
                    raise Refused("rules_version_unknown", version=version)
                self._rules_of(key, text)
            return list(self._rules[key])
        own = member is None or getattr(member, "store_code", None) in (None, self.store_code)
        cached = "held" if own else "hq"
        same = self.after_seq is not None and device_seq > self.after_seq
        if same and cached in self._rules:
            return list(self._rules[cached])
        held: list[Rules] = []
        if own:
            row = self.conn.execute(
                select(t.event.c.device_seq, t.event.c.payload)
                .where(
                    t.event.c.device_id == self.device_id,
                    t.event.c.device_seq < device_seq,
                    t.event.c.type.in_(t.RULES_EVENT_TYPES),
                )
                .order_by(t.event.c.device_seq.desc())
                .limit(1)
            ).first()
            if row is not None and self.bound_to_hq(row.device_seq):
                # Its own rules made after it worked by HQ's (applied before HQ refused them).
                raise Refused("rules_after_hq_rules")
            if row is not None:
                with contextlib.suppress(CounterError, KeyError, TypeError, ValueError):
                    held.append(Rules.from_dict(json.loads(row.payload)["rules"]))
        if not held:
            held.append(default_rules())
        current = self.conn.scalar(select(t.rules.c.rules_json).where(t.rules.c.id == 1))
        if current is not None:
            held.append(parse_rules(current))
        if same:
            self._rules[cached] = list(held)
        return held

    def saw_rules_version(self, device_seq: int, payload: Any) -> bool:
        """Note an event made under one of HQ's rules versions; True when it is the first."""
        version = payload.get("rules_version") if isinstance(payload, dict) else None
        if type(version) is not int or self.hq_rules_from is not None:
            return False
        self.hq_rules_from = device_seq
        return True

    def check_history(self, device_seq: int, payload_hash: str) -> None:
        """A rules change of the device's own is part of the history it declared when it
        joined; after that its rules are HQ's (an honest counter's editor is locked), so one
        numbered after the head, or not declared, would be rules it wrote itself to judge
        its later events by."""
        if self.history_head is not None and device_seq > self.history_head:
            raise Refused("rules_after_joining", head=self.history_head)
        if self.history_rules is not None and (device_seq, payload_hash) not in self.history_rules:
            raise Refused("rules_not_declared")

    def bound_to_hq(self, device_seq: int) -> bool:
        """The device worked by HQ's rules at or before ``device_seq``: an honest counter's
        rules editor is locked from then on."""
        return self.hq_rules_from is not None and device_seq >= self.hq_rules_from

    def rules_changed(self, payload: Any) -> None:
        """A rules event of this device was applied in this batch: its newer events about its
        own store's members were made by those rules (:meth:`rules_held`)."""
        try:
            new = Rules.from_dict(payload["rules"])
        except (CounterError, KeyError, TypeError, ValueError):
            return
        prior = self._rules.get("held")
        if prior is None:
            current = self.conn.scalar(select(t.rules.c.rules_json).where(t.rules.c.id == 1))
            prior = [parse_rules(current)] if current is not None else []
        self._rules["held"] = [new, *prior]

    # -- who ----------------------------------------------------------------------------
    def role_of(self, staff_id: str | None, staff_no: str | None) -> Role | None:
        if staff_id is not None:
            row = self.store_staff.get(staff_id) if self.store_staff is not None else None
            if row is None:  # not this device's at the batch's start: added by it, or none
                row = self.conn.execute(
                    select(t.store_staff).where(
                        t.store_staff.c.device_id == self.device_id,
                        t.store_staff.c.staff_id == staff_id,
                    )
                ).first()
                if row is not None and self.store_staff is not None:
                    self.store_staff[staff_id] = row  # events add accounts, never change them
            if row is not None:
                ok = row.active and (staff_no is None or staff_no == row.staff_no)
                return Role(row.role) if ok else None
        if staff_no is not None:
            if self.asked is not None and staff_no in self.asked.staff_nos:
                row = self.chain_staff.get(staff_no)  # events never write HQ's own staff
            else:
                row = self.conn.execute(
                    select(t.staff).where(t.staff.c.staff_no == staff_no)
                ).first()
            if row is not None and row.active:
                return Role(row.role)
        return None


def parse(event_type: str, payload: dict[str, Any]) -> s.Envelope:
    if event_type in s.HQ_ONLY:
        raise Refused("type_forbidden", type=event_type)
    schema = s.SCHEMAS.get(event_type)
    if schema is None:
        raise Refused("type_unknown", type=event_type[:48])
    try:
        return schema.model_validate(payload)
    except SchemaError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "-"
        # The field and the kind of fault, never the value: it may be a phone number.
        raise Refused("schema", detail=f"{where} ({first.get('type', 'invalid')})") from None


def _text_ok(values: dict[str, Any], multiline: tuple[str, ...] = ()) -> None:
    for name, value in values.items():
        if isinstance(value, str) and refused_chars(value, multiline=name in multiline):
            raise Refused("text_invalid", field=name)


def check(batch: Batch, event_type: str, payload: dict[str, Any], device_seq: int) -> None:
    """Refuse (raise :class:`Refused`) what HQ must not apply; stage what it will."""
    ev = parse(event_type, payload)
    permission, approval, home_only = POLICY[event_type]
    _who(batch, event_type, ev, permission, approval)
    member = None
    member_id = member_of(event_type, payload)
    if member_id is not None and event_type not in ("member.registered", "member.imported"):
        member = batch.member(member_id)
        if home_only and member.store_code != batch.store_code:
            raise Refused("member_foreign", home=member.store_code or "总部", action=event_type)
    if isinstance(ev, s.CardStatus) and CARD_STATUS_EVENTS[event_type] != ev.status:
        raise Refused("schema", detail="status")
    _CHECKS[type(ev)](batch, ev, member, device_seq)
    txn_id = getattr(ev, "txn_id", None)
    if txn_id is not None:
        batch.txns[txn_id] = TxnInfo(event_type, member_id, batch.store_code, payload)
        original = getattr(ev, "original_txn_id", None)
        if original is not None:
            batch.refunded.add(original)


def _who(
    batch: Batch, event_type: str, ev: s.Envelope, permission: Permission | None, approval: bool
) -> None:
    if event_type == "store.initialised":
        assert isinstance(ev, s.StoreInitialised)
        if ev.device_id != batch.device_id or ev.code != batch.store_code:
            raise Refused("device_mismatch")
        return
    if permission is None:
        return
    staff = ev.staff_no or ev.staff_id or "-"
    role = batch.role_of(ev.staff_id, ev.staff_no)
    if role is None:
        raise Refused("staff_unknown", staff=staff)
    if permission not in ROLE_PERMISSIONS[role]:
        raise Refused("staff_role", staff=staff, action=event_type)
    if approval:
        if ev.approved_by is None and ev.approver_no is None:
            raise Refused("approval_missing")
        approver = ev.approver_no or ev.approved_by or "-"
        arole = batch.role_of(ev.approved_by, ev.approver_no)
        if arole is None:
            raise Refused("staff_unknown", staff=approver)
        if arole not in APPROVER_ROLES or permission not in ROLE_PERMISSIONS[arole]:
            raise Refused("approver_invalid", staff=approver)


# -- per type -------------------------------------------------------------------------
def _money(detail: str) -> Refused:
    return Refused("money_mismatch", detail=detail)


def _ledger_ids(
    batch: Batch,
    txn_id: str | None,
    sv: list[s.SvEntry] = (),  # type: ignore[assignment]
    lots: list[s.Lot] = (),  # type: ignore[assignment]
    entries: list[s.PointsEntry] = (),  # type: ignore[assignment]
    member_id: str | None = None,
) -> None:
    """New ids are new; points entries name lots of the member (held or made here)."""
    if txn_id is not None:
        batch.fresh("txn", t.txn, t.txn.c.id, [txn_id])
    batch.fresh("sv_entry", t.sv_entry, t.sv_entry.c.entry_id, [e.entry_id for e in sv])
    batch.fresh("lot", t.points_lot, t.points_lot.c.id, [lot.lot_id for lot in lots])
    batch.fresh(
        "points_entry", t.points_entry, t.points_entry.c.entry_id, [e.entry_id for e in entries]
    )
    new_lots = {lot.lot_id for lot in lots}
    for e in entries:
        if e.lot_id not in new_lots:
            assert member_id is not None
            batch.lot_of(e.lot_id, member_id)
    ids = [txn_id] if txn_id else []
    ids += [e.entry_id for e in sv] + [lot.lot_id for lot in lots] + [e.entry_id for e in entries]
    batch.ids.update(ids)
    for lot in lots:
        assert member_id is not None
        batch.lots[lot.lot_id] = member_id


def _kinds(rows: Iterable[Any], allowed: set[str]) -> None:
    for r in rows:
        if r.kind not in allowed:
            raise _money(f"ledger kind {r.kind}")


def _new_member(batch: Batch, ev: s.Registered | s.Imported) -> None:
    m = ev.member
    _text_ok({f"member.{k}": getattr(m, k) for k in ("name", "email", "address", "source")})
    _birthday_ok(m.birthday)
    batch.fresh("member", t.member, t.member.c.id, [m.member_id])
    batch.fresh("card", t.card, t.card.c.id, [ev.card.card_id])
    batch.card_no_free(ev.card.card_no)
    batch.ids.update((m.member_id, ev.card.card_id))


def _birthday_ok(text: str | None) -> None:
    """A birthday that is a real day of the year (--02-29 is one)."""
    if text is None:
        return
    try:
        dt.date.fromisoformat(text.replace("--", "2000-", 1) if text.startswith("--") else text)
    except ValueError:
        raise Refused("schema", detail="member.birthday (date)") from None


def _registered(batch: Batch, ev: s.Registered, _member: Any, _seq: int) -> None:
    _new_member(batch, ev)
    _ledger_ids(batch, ev.txn_id)


def _imported(batch: Batch, ev: s.Imported, _member: Any, _seq: int) -> None:
    _new_member(batch, ev)
    # Notes may run over lines, as the counter keeps them (app.services.importing).
    _text_ok({"notes": ev.notes, "home_store": ev.home_store}, multiline=("notes",))
    mid = ev.member.member_id
    _kinds(ev.sv_entries, {"migration"})
    _kinds(ev.points_entries, {"migration"})
    for e in ev.sv_entries:
        if e.principal_fen < 0 or e.bonus_fen < 0 or e.reverses is not None:
            raise _money("opening balance below zero")
    if ev.card_status == "cancelled" and (ev.sv_entries or ev.points_lots):
        raise _money("a cancelled member brings no balance or points")
    if len(ev.points_lots) != len(ev.points_entries):
        raise _money("opening points: one lot, one entry")
    for lot, e in zip(ev.points_lots, ev.points_entries, strict=True):
        if lot.source != "migration" or e.lot_id != lot.lot_id or e.points != lot.points:
            raise _money("opening points")
    _ledger_ids(batch, ev.txn_id, ev.sv_entries, ev.points_lots, ev.points_entries, mid)


def _nothing(_batch: Batch, _ev: s.Envelope, _member: Any, _seq: int) -> None:
    return None


def _profile(_batch: Batch, ev: s.ProfileUpdated, _member: Any, _seq: int) -> None:
    _text_ok({f"fields.{name}": change.value for name, change in ev.fields.items()})


def _topped_up(batch: Batch, ev: s.ToppedUp, member: Any, seq: int) -> None:
    tender = ev.tenders[0]
    if tender.method not in s.EXTERNAL or tender.amount_fen != ev.amount_fen or tender.change_fen:
        raise _money("the tender is not the amount paid")
    entry = ev.sv_entries[0]
    if (entry.kind, entry.principal_fen, entry.bonus_fen, entry.reverses) != (
        "topup",
        ev.amount_fen,
        ev.bonus_fen,
        None,
    ):
        raise _money("the posting is not the amount paid and its bonus")
    held = batch.rules_held(ev.rules_version, seq, member)
    if not any(
        ev.amount_fen <= r.max_topup_fen and topup_bonus(r, ev.amount_fen) == ev.bonus_fen
        for r in held
    ):
        raise Refused(
            "bonus_mismatch",
            amount=ev.amount_fen,
            expected=topup_bonus(held[0], ev.amount_fen),
            bonus=ev.bonus_fen,
        )
    _ledger_ids(batch, ev.txn_id, ev.sv_entries, member_id=member.id)


def _adjusted(batch: Batch, ev: s.Adjusted, member: Any, _seq: int) -> None:
    _text_ok({"reason": ev.reason})
    entry = ev.sv_entries[0]
    if entry.kind != "adjust" or entry.reverses is not None:
        raise _money(f"ledger kind {entry.kind}")
    if entry.principal_fen == 0 and entry.bonus_fen == 0:
        raise _money("an adjustment of nothing")
    _ledger_ids(batch, ev.txn_id, ev.sv_entries, member_id=member.id)


def _settled(due: int, tenders: list[s.Tender]) -> None:
    try:
        settled = settle_tenders(due, [(x.method, x.amount_fen) for x in tenders])
    except CounterError:
        raise _money("the tenders are not the amount due") from None
    if [x.change_fen for x in settled] != [x.change_fen for x in tenders]:
        raise _money("the change is wrong")


def _tiers(held: Rules, before: str, after: str, changes: list[s.TierChange]) -> bool:
    codes = {x.code for x in held.tiers}
    names = {before, after, *(c.from_ for c in changes), *(c.to for c in changes)}
    return names <= codes and (changes[-1].to if changes else before) == after


def _checkout(batch: Batch, ev: s.Checkout, member: Any, seq: int) -> None:
    _settled(ev.due_fen, ev.tenders)
    _sale_ledgers(ev)

    def by(rules: Rules) -> bool:
        try:
            tier = rules.tier(ev.tier_before)
            discount = ev.amount_fen * tier.discount_bp // 10000
            after = ev.amount_fen - discount
            value = points_value_fen(rules, ev.points_used)
        except CounterError:
            return False
        return (
            discount == ev.discount_fen
            and value == ev.points_value_fen
            and ev.points_used <= max_points_for_bill(rules, after)
            and ev.due_fen == after - value
            and ev.points_earned == points_earned(rules, ev.due_fen, tier)
            and _tiers(rules, ev.tier_before, ev.tier_after, ev.tier_changes)
        )

    if not any(by(r) for r in batch.rules_held(ev.rules_version, seq, member)):
        raise _money("discount, points or amount due break the rules")
    _ledger_ids(batch, ev.txn_id, ev.sv_entries, ev.points_lots, ev.points_entries, member.id)


def _sale_ledgers(ev: s.Checkout | s.SaleCompleted) -> None:
    """A member's sale: its stored-value posting is its stored-value tender, its points
    entries are the points used and earned, its spend is what was paid."""
    sv_paid = sum(x.amount_fen for x in ev.tenders if x.method == STORED_VALUE)
    _kinds(ev.sv_entries, {"spend"})
    if sv_paid:
        if len(ev.sv_entries) != 1:
            raise _money("a stored-value tender needs its posting")
        e = ev.sv_entries[0]
        if e.principal_fen > 0 or e.bonus_fen > 0 or -(e.principal_fen + e.bonus_fen) != sv_paid:
            raise _money("the stored-value posting is not the stored-value tender")
    elif ev.sv_entries:
        raise _money("a stored-value posting without its tender")
    if ev.cumulative_spend_delta_fen != ev.due_fen:
        raise _money("the spend is not the amount paid")
    _kinds(ev.points_entries, {"redeem", "earn"})
    redeemed = -sum(e.points for e in ev.points_entries if e.kind == "redeem")
    if any(e.points >= 0 for e in ev.points_entries if e.kind == "redeem"):
        raise _money("points redeemed with the wrong sign")
    if redeemed != ev.points_used:
        raise _money("the points redeemed are not the points used")
    earns = [e for e in ev.points_entries if e.kind == "earn"]
    if ev.points_earned:
        lot = ev.points_lots[0] if len(ev.points_lots) == 1 else None
        if (
            lot is None
            or len(earns) != 1
            or lot.source != "checkout"
            or lot.points != ev.points_earned
            or earns[0].points != ev.points_earned
            or earns[0].lot_id != lot.lot_id
        ):
            raise _money("the points earned are not one new lot")
    elif earns or ev.points_lots:
        raise _money("points earned out of nothing")


def _original(batch: Batch, txn_id: str, kind: str, member_id: str) -> TxnInfo:
    original = batch.txn(txn_id)
    if original.type != kind or original.member_id != member_id:
        raise Refused("txn_unknown", txn_id=txn_id)
    if original.store_code != batch.store_code:
        raise Refused("txn_foreign", txn_id=txn_id)
    if batch.already_refunded(txn_id):
        raise Refused("already_refunded", txn_id=txn_id)
    return original


def _refund(detail: str) -> Refused:
    return Refused("refund_mismatch", detail=detail)


def _refunded(batch: Batch, ev: s.Refunded, member: Any, _seq: int) -> None:
    orig = _original(batch, ev.original_txn_id, "checkout.completed", member.id).payload
    back = sorted(
        (x["method"], -(x["amount_fen"] - x["change_fen"]))
        for x in orig["tenders"]
        if x["method"] != STORED_VALUE
    )
    if sorted((x.method, x.amount_fen) for x in ev.tenders) != back or any(
        x.change_fen for x in ev.tenders
    ):
        raise _refund("money back is not what was paid")
    spends = {e["entry_id"]: e for e in orig.get("sv_entries") or () if e["kind"] == "spend"}
    if len(ev.sv_entries) != len(spends):
        raise _refund("stored value back")
    for e in ev.sv_entries:
        o = spends.get(e.reverses or "")
        if (
            e.kind != "spend_reversal"
            or o is None
            or (e.principal_fen, e.bonus_fen) != (-o["principal_fen"], -o["bonus_fen"])
        ):
            raise _refund("stored value back")
    if ev.cumulative_spend_delta_fen != -orig["due_fen"]:
        raise _refund("the spend taken back")
    entries = {e["entry_id"]: e for e in orig.get("points_entries") or ()}
    earned = sum(e["points"] for e in entries.values() if e["kind"] == "earn")
    redeems = {i for i, e in entries.items() if e["kind"] == "redeem"}
    clawed = 0
    restored: set[str] = set()
    _kinds(ev.points_entries, {"redeem_reversal", "clawback"})
    for e in ev.points_entries:
        o = entries.get(e.reverses or "")
        if o is None:
            raise _refund("points entry names no entry of the sale")
        if e.kind == "redeem_reversal":
            if o["kind"] != "redeem" or (e.lot_id, e.points) != (o["lot_id"], -o["points"]):
                raise _refund("points given back")
            restored.add(o["entry_id"])
        else:
            if o["kind"] != "earn" or e.points >= 0:
                raise _refund("points clawed back")
            clawed -= e.points
    if restored != redeems or clawed + ev.points_shortfall != earned:
        raise _refund("points given back or clawed back")
    held = batch.rules_held(ev.rules_version, _seq, member)
    after = ev.tier_changes[-1].to if ev.tier_changes else batch.tier_of(member.id)
    if not any(
        {c.to for c in ev.tier_changes} | {after} <= {x.code for x in r.tiers} for r in held
    ):
        raise _refund("tier")
    _ledger_ids(batch, ev.txn_id, ev.sv_entries, (), ev.points_entries, member.id)


def _topup_refunded(batch: Batch, ev: s.TopupRefunded, member: Any, _seq: int) -> None:
    orig = _original(batch, ev.original_txn_id, "stored_value.topped_up", member.id).payload
    topup = orig["sv_entries"][0]
    e = ev.sv_entries[0]
    if (e.kind, e.principal_fen, e.bonus_fen, e.reverses) != (
        "topup_refund",
        -orig["amount_fen"],
        -orig["bonus_fen"],
        topup["entry_id"],
    ):
        raise _refund("stored value taken back")
    paid = orig["tenders"][0]
    if [(x.method, x.amount_fen, x.change_fen) for x in ev.tenders] != [
        (paid["method"], -orig["amount_fen"], 0)
    ]:
        raise _refund("money back is not what was paid")
    _ledger_ids(batch, ev.txn_id, ev.sv_entries, member_id=member.id)


def _card_status(batch: Batch, ev: s.CardStatus, member: Any, _seq: int) -> None:
    batch.card_of(ev.card_id, member.id)
    _ledger_ids(batch, ev.txn_id)


def _card_replaced(batch: Batch, ev: s.CardReplaced, member: Any, _seq: int) -> None:
    batch.card_of(ev.old_card_id, member.id)
    batch.fresh("card", t.card, t.card.c.id, [ev.card.card_id])
    batch.card_no_free(ev.card.card_no)
    paid = [(x.method, x.amount_fen, x.change_fen) for x in ev.tenders]
    if ev.fee_fen and (len(paid) != 1 or paid[0][1:] != (ev.fee_fen, 0)):
        raise _money("the fee is not what was paid")
    if not ev.fee_fen and paid:
        raise _money("paid for no fee")
    if any(x.method not in s.EXTERNAL for x in ev.tenders):
        raise _money("a fee paid from stored value")
    batch.ids.add(ev.card.card_id)
    _ledger_ids(batch, ev.txn_id)


def _card_cancelled(batch: Batch, ev: s.CardCancelled, member: Any, _seq: int) -> None:
    batch.card_of(ev.card_id, member.id)
    _kinds(ev.sv_entries, {"cancel"})
    principal = 0
    for e in ev.sv_entries:
        if e.principal_fen > 0 or e.bonus_fen > 0:
            raise _money("a cancellation that adds value")
        principal = -e.principal_fen
    paid = [(x.method, x.amount_fen, x.change_fen) for x in ev.tenders]
    if principal and (
        len(paid) != 1 or paid[0][1:] != (-principal, 0) or paid[0][0] not in s.EXTERNAL
    ):
        raise _money("the principal paid back is not the principal voided")
    if not principal and paid:
        raise _money("money paid back for nothing")
    _kinds(ev.points_entries, {"void"})
    if any(e.points >= 0 for e in ev.points_entries):
        raise _money("points voided with the wrong sign")
    _ledger_ids(batch, ev.txn_id, ev.sv_entries, (), ev.points_entries, member.id)


def _points_expired(batch: Batch, ev: s.PointsExpired, member: Any, _seq: int) -> None:
    _kinds(ev.points_entries, {"expire"})
    if any(e.points >= 0 for e in ev.points_entries):
        raise _money("points expired with the wrong sign")
    _ledger_ids(batch, ev.txn_id, (), (), ev.points_entries, member.id)


def _points_adjusted(batch: Batch, ev: s.PointsAdjusted, member: Any, _seq: int) -> None:
    _text_ok({"reason": ev.reason})
    if ev.points_lots:
        lot = ev.points_lots[0]
        e = ev.points_entries[0]
        if (
            len(ev.points_entries) != 1
            or lot.source != "adjust"
            or (e.kind, e.lot_id, e.points) != ("earn", lot.lot_id, lot.points)
        ):
            raise _money("points added are not one new lot")
    else:
        _kinds(ev.points_entries, {"adjust"})
        if any(e.points >= 0 for e in ev.points_entries):
            raise _money("points taken with the wrong sign")
    _ledger_ids(batch, ev.txn_id, (), ev.points_lots, ev.points_entries, member.id)


def _tier_overridden(batch: Batch, ev: s.TierOverridden, member: Any, seq: int) -> None:
    _text_ok({"reason": ev.reason})
    change = ev.tier_changes[0]
    held = batch.rules_held(ev.rules_version, seq, member)
    if change.reason != "override" or not any(change.to in {x.code for x in r.tiers} for r in held):
        raise Refused("schema", detail="tier_changes")
    _ledger_ids(batch, ev.txn_id)


def _staff_added(batch: Batch, ev: s.StaffAdded, _member: Any, _seq: int) -> None:
    _text_ok({"name": ev.name})
    role = batch.role_of(ev.staff_id, ev.staff_no)
    # A manager adds cashiers; every other role is an admin's to give (as at the counter).
    if ev.role not in STORE_ROLES and role != Role.ADMIN:
        raise Refused("staff_role", staff=ev.staff_no or "-", action=f"staff.added {ev.role}")
    taken = batch.conn.scalar(
        select(t.store_staff.c.staff_id).where(
            t.store_staff.c.device_id == batch.device_id,
            t.store_staff.c.staff_id == ev.added_staff_id,
        )
    )
    if taken is not None:
        raise Refused("id_taken", what="staff", id=ev.added_staff_id)


def _store_initialised(batch: Batch, ev: s.StoreInitialised, _member: Any, seq: int) -> None:
    """A counter's first event, once: its store, its first rules and its administrator."""
    _text_ok({"name": ev.name})
    if seq != 1:
        raise Refused("device_mismatch")
    known = batch.conn.scalar(
        select(t.store_staff.c.staff_id).where(t.store_staff.c.device_id == batch.device_id)
    )
    if known is not None or ev.staff_id is None or ev.staff_no is None:
        raise Refused("device_mismatch")
    try:
        Rules.from_dict(ev.rules)
    except (CounterError, KeyError, TypeError, ValueError):
        raise Refused("schema", detail="rules") from None


def _rules_changed(batch: Batch, ev: s.RulesChanged, _member: Any, seq: int) -> None:
    """A store's own rules change, made while it ran alone (its history, uploaded when it
    joined). One made after the device pushed an event under HQ's rules is refused: the
    honest counter's editor is locked by then, and HQ would judge the device's own-store
    events by rules it wrote itself."""
    if batch.bound_to_hq(seq):
        raise Refused("rules_after_hq_rules")
    try:
        Rules.from_dict(ev.rules)
    except (CounterError, KeyError, TypeError, ValueError):
        raise Refused("schema", detail="rules") from None


def _shift_closed(batch: Batch, ev: s.ShiftClosed, _member: Any, _seq: int) -> None:
    """The difference is the count less the cash expected, as the counter recorded it; the
    shift was a staff member's of this store."""
    _text_ok({"reason": ev.reason})
    if ev.cashier_id is not None and batch.role_of(ev.cashier_id, None) is None:
        raise Refused("staff_unknown", staff=ev.cashier_id)
    if ev.over_short_fen != ev.counted_fen - ev.expected_fen:
        raise _money("the over/short is not the count less the cash expected")


def _catalogue(_batch: Batch, ev: s.ItemSaved | s.CategorySaved, _member: Any, _seq: int) -> None:
    """A store's own catalogue change, made while it had no HQ. One made while the counter
    was enrolled or held HQ's rules (HQ's catalogue wins there) is refused."""
    if ev.enrolled or ev.rules_version is not None:
        raise Refused("catalogue_managed_by_hq")
    try:
        if isinstance(ev, s.ItemSaved):
            _text_ok({"name": ev.item.name, "unit": ev.item.unit})
            Item.from_dict(ev.item.model_dump())
        else:
            _text_ok({"name": ev.category.name})
            Category.from_dict(ev.category.model_dump())
    except CounterError as exc:
        raise Refused("schema", detail=exc.code) from None


# -- cart sales and walk-in sales (app.services.sale) ---------------------------------
def _walk_in(detail: str) -> Refused:
    return Refused("sale_walk_in_invalid", detail=detail)


def _sale_parts(ev: s.SaleCompleted) -> list[tuple[str, int]]:
    settled = [Tender(x.method, x.amount_fen, x.change_fen) for x in ev.tenders]
    sv = ev.sv_entries[0] if ev.sv_entries else None
    return payment_parts(settled, (-sv.principal_fen, -sv.bonus_fen) if sv else (0, 0))


def _sale_priced(ev: s.SaleCompleted, rules: Rules) -> PricedCart | None:
    """The cart priced again by ``rules``, or None when the event's figures are not it."""
    assert ev.cart is not None
    try:
        tier = rules.tier(ev.tier_before) if ev.tier_before is not None else None
        priced = priced_again(rules, tier, ev.cart.model_dump(), ev.points_used, _sale_parts(ev))
    except (CounterError, ValueError):
        return None
    if priced is None or (
        priced.list_fen,
        priced.discount_fen,
        priced.points_value_fen,
        priced.due_fen,
        priced.points_earned,
    ) != (ev.amount_fen, ev.discount_fen, ev.points_value_fen, ev.due_fen, ev.points_earned):
        return None
    if ev.member_id is not None and not _tiers(
        rules, ev.tier_before or "", ev.tier_after or "", ev.tier_changes
    ):
        return None
    return priced


def _sale_approved(batch: Batch, ev: s.SaleCompleted, rules: Rules, priced: PricedCart) -> bool:
    """A price change, order discount or 抹零 beyond the cashier's role's limits carries the
    approval of staff whose own limits cover it."""
    role = batch.role_of(ev.staff_id, ev.staff_no)
    if role is None or not over_limits(limits_for(role, rules.extra), priced):
        return True
    approver = batch.role_of(ev.approved_by, ev.approver_no)
    if approver is None or approver not in APPROVER_ROLES:
        return False
    return not over_limits(limits_for(approver, rules.extra), priced)


def _sale_catalogue(batch: Batch, ev: s.SaleCompleted) -> None:
    """Where HQ sets the chain's catalogue, a line's item is one of HQ's, its list price one
    HQ has set for it and its member price one HQ has set for the member's tier (now, or
    before: a counter that had not pulled HQ's change yet). A store without a chain
    catalogue has its own."""
    assert ev.cart is not None
    chain = batch.conn.scalar(select(t.catalogue_item.c.code).limit(1)) is not None
    if not chain:
        return
    codes = sorted({line.item_code for line in ev.cart.lines})
    ic, ip = t.catalogue_item.c, t.item_price.c
    rows = [
        *batch.conn.execute(select(ic.code, ic.item_json).where(ic.code.in_(codes))),
        *batch.conn.execute(select(ip.item_code, ip.item_json).where(ip.item_code.in_(codes))),
    ]
    prices: dict[str, set[int]] = {}
    member: dict[str, set[int | None]] = {}
    for code, item_json in rows:
        item = Item.from_dict(json.loads(item_json))
        prices.setdefault(code, set()).add(item.price_fen)
        member.setdefault(code, {None}).add(item.member_price_for(ev.tier_before))
    for line in ev.cart.lines:
        if line.item_code not in prices:
            raise Refused("sale_item_unknown", item=line.item_code)
        if (
            line.unit_price_fen not in prices[line.item_code]
            or line.member_unit_fen not in member[line.item_code]
        ):
            raise Refused("sale_price_not_hqs", item=line.item_code)


def sale_check(batch: Batch, ev: s.SaleCompleted, member: Any, seq: int) -> None:
    _settled(ev.due_fen, ev.tenders)
    if ev.member_id is None:
        if ev.points_used or ev.points_earned or ev.points_entries or ev.points_lots:
            raise _walk_in("points")
        if ev.sv_entries or any(x.method == STORED_VALUE for x in ev.tenders):
            raise _walk_in("stored value")
        if ev.cumulative_spend_delta_fen or ev.tier_before or ev.tier_after or ev.tier_changes:
            raise _walk_in("member figures")
    else:
        if ev.tier_before is None or ev.tier_after is None:
            raise Refused("schema", detail="tier_before")
        _sale_ledgers(ev)
    if ev.cart is None:  # an amount-only sale is a walk-in's (a member's is checkout.completed)
        if ev.member_id is not None:
            raise Refused("schema", detail="cart")
        if ev.discount_fen or ev.amount_fen != ev.due_fen or ev.amount_fen <= 0:
            raise _money("an amount-only walk-in sale is its amount")
        return
    if ev.cart.coupons:  # HQ's own coupons; their discount is the re-pricing below
        try:
            coupons.check_sale(batch.conn, batch.device_id, ev, batch.store_code)
        except coupons.CouponRefused as exc:
            raise Refused(exc.code, **exc.params) from None
    _sale_catalogue(batch, ev)
    over = False
    for rules in batch.rules_held(ev.rules_version, seq, member):
        priced = _sale_priced(ev, rules)
        if priced is None:
            continue
        if _sale_approved(batch, ev, rules, priced):
            owner = member.id if member is not None else None
            _ledger_ids(batch, ev.txn_id, ev.sv_entries, ev.points_lots, ev.points_entries, owner)
            return
        over = True
    if over:
        raise Refused("sale_approval_missing")
    raise _money("the lines, their shares or the totals are not what the cart prices to")


def _refunds_of(batch: Batch, sale_id: str) -> list[dict[str, Any]]:
    """The partial refunds of the sale HQ accepted before, and this batch's so far."""
    rows = batch.conn.execute(
        select(t.event.c.payload)
        .join(t.event, t.event.c.event_id == t.txn.c.event_id)
        .where(t.txn.c.original_txn_id == sale_id, t.txn.c.type == "sale.refunded")
        .order_by(t.txn.c.created_at, t.event.c.device_seq)
    ).all()
    out = [json.loads(r.payload) for r in rows]
    out += [
        info.payload
        for info in batch.txns.values()
        if info.type == "sale.refunded" and info.payload.get("original_txn_id") == sale_id
    ]
    return out


def _sale_refunded(batch: Batch, ev: s.SaleRefunded, member: Any, seq: int) -> None:
    """A partial refund, against HQ's own copy of the sale and of its earlier refunds. Any
    store of the chain may refund a sale HQ holds (the counter fetched it: ``POST
    /v1/sales/get``); only another store's refund may pay the money back as cash
    (``cash_back``, its store's policy)."""
    _text_ok({"reason": ev.reason})
    sale = batch.txn(ev.original_txn_id)
    if sale.type != "sale.completed" or sale.member_id != ev.member_id:
        raise Refused("txn_unknown", txn_id=ev.original_txn_id)
    foreign = sale.store_code != batch.store_code
    if ev.cash_back and not foreign:
        raise Refused("sale_refund_mismatch", detail="cash back is for another store's sale")
    # Another store may refund this sale at the same moment: the sale's row is locked until
    # this push commits, so its earlier refunds are read after any that committed first.
    batch.conn.execute(
        select(t.txn.c.id).where(t.txn.c.id == ev.original_txn_id).with_for_update()
    ).first()
    earlier = _refunds_of(batch, ev.original_txn_id)
    try:
        sale_refunds.check(sale.payload, earlier, ev)
    except sale_refunds.SaleRefundRefused as exc:
        raise Refused(exc.code, **exc.params) from None
    if ev.coupon_entries:  # the coupons it gives back, by HQ's ledger and their templates
        try:
            coupons.check_refund(batch.conn, sale.payload, earlier, ev)
        except coupons.CouponRefused as exc:
            raise Refused(exc.code, **exc.params) from None
    owner = member.id if member is not None else None
    if member is not None:
        held = batch.rules_held(ev.rules_version, seq, member)
        after = ev.tier_changes[-1].to if ev.tier_changes else batch.tier_of(member.id)
        if not any(
            {c.to for c in ev.tier_changes} | {after} <= {x.code for x in r.tiers} for r in held
        ):
            raise Refused("sale_refund_mismatch", detail="tier")
    _ledger_ids(batch, ev.txn_id, ev.sv_entries, (), ev.points_entries, owner)


def _countcard(batch: Batch, ev: s.Envelope, _member: Any, _seq: int) -> None:
    """A count-card event, by HQ's own cards and products (:mod:`server.countcards`)."""
    try:
        countcards.check(batch.conn, batch.store_code, ev)
    except countcards.CardRefused as exc:
        raise Refused(exc.code, **exc.params) from None
    sv = getattr(ev, "sv_entries", [])
    member_id = getattr(ev, "member_id", None)
    if isinstance(ev, s.CountCardProductSaved):
        _text_ok({"name": ev.product.name})
    _ledger_ids(batch, getattr(ev, "txn_id", None), sv, member_id=member_id)


def _tag_saved(batch: Batch, ev: s.TagSaved, _member: Any, _seq: int) -> None:
    """A valid definition, the device store's own tag (or a new one), its kind as made."""
    try:
        tags.check_saved(batch.conn, batch.store_code, ev.tag)
    except tags.TagRefused as exc:
        raise Refused(exc.code, **exc.params) from None


def _member_tag_set(batch: Batch, ev: s.MemberTagSet, _member: Any, _seq: int) -> None:
    """A manual tag HQ knows, set by a staff member allowed to set it, with a clock."""
    role = batch.role_of(ev.staff_id, ev.staff_no)
    try:
        tags.check_set(batch.conn, ev.tag_code, ev.hlc, manager=role in APPROVER_ROLES)
    except tags.TagRefused as exc:
        raise Refused(exc.code, **exc.params) from None


def _coupon(batch: Batch, ev: s.Envelope, _member: Any, _seq: int) -> None:
    """A coupon template or issue, by HQ's own templates and coupons (:mod:`server.coupons`)."""
    try:
        coupons.check(batch.conn, batch.store_code, ev)
    except coupons.CouponRefused as exc:
        raise Refused(exc.code, **exc.params) from None


def _ticket_opened(batch: Batch, ev: s.TicketOpened, member: Any, _seq: int) -> None:
    """A new ticket of a member in the counter's scope, opened at its own store."""
    try:
        tickets.check_opened(batch.conn, batch.store_code, ev, member)
    except tickets.TicketRefused as exc:
        raise Refused(exc.code, **exc.params) from None


def _ticket_updated(batch: Batch, ev: s.TicketUpdated, member: Any, _seq: int) -> None:
    """A change of a ticket HQ holds, an allowed move from HQ's own state of it."""
    role = batch.role_of(ev.staff_id, ev.staff_no)
    try:
        tickets.check_updated(batch.conn, batch.store_code, ev, member, role)
    except tickets.TicketRefused as exc:
        raise Refused(exc.code, **exc.params) from None


def _consent(batch: Batch, ev: s.ConsentChanged, member: Any, _seq: int) -> None:
    """The member's own entry, of this store, by the event's staff member, a known wording."""
    event_type = "consent.granted" if isinstance(ev, s.ConsentGranted) else "consent.withdrawn"
    try:
        consent.check(
            batch.conn,
            event_type,
            member,
            ev.entry.model_dump(),
            member_id=ev.member_id,
            store_code=batch.store_code,
            staff_no=ev.staff_no,
        )
    except consent.ConsentRefused as exc:
        raise Refused(exc.code, **exc.params) from None
    ct = consent_tables.consent_entry
    batch.fresh("consent_entry", ct, ct.c.entry_id, [ev.entry.entry_id])
    batch.ids.add(ev.entry.entry_id)


_CHECKS: dict[type[s.Envelope], Any] = {
    s.Registered: _registered,
    s.Imported: _imported,
    s.ImportBatch: _nothing,
    s.PasswordSet: _nothing,
    s.ProfileUpdated: _profile,
    s.ToppedUp: _topped_up,
    s.Adjusted: _adjusted,
    s.TopupRefunded: _topup_refunded,
    s.Checkout: _checkout,
    s.Refunded: _refunded,
    s.CardStatus: _card_status,
    s.CardReplaced: _card_replaced,
    s.CardCancelled: _card_cancelled,
    s.PointsExpired: _points_expired,
    s.PointsAdjusted: _points_adjusted,
    s.TierOverridden: _tier_overridden,
    s.StoreInitialised: _store_initialised,
    s.StaffAdded: _staff_added,
    s.StaffUnlocked: _nothing,
    s.StaffLocked: _nothing,
    s.RulesChanged: _rules_changed,
    s.DayClosed: _nothing,
    s.ShiftOpened: _nothing,
    s.ShiftClosed: _shift_closed,
    s.ItemSaved: _catalogue,
    s.CategorySaved: _catalogue,
    s.SaleCompleted: sale_check,
    s.SaleRefunded: _sale_refunded,
    **dict.fromkeys(s.COUNTCARD_SCHEMAS.values(), _countcard),
    s.TagSaved: _tag_saved,
    s.MemberTagSet: _member_tag_set,
    s.ConsentGranted: _consent,
    s.ConsentWithdrawn: _consent,
    **dict.fromkeys(s.COUPON_SCHEMAS.values(), _coupon),
    s.TicketOpened: _ticket_opened,
    s.TicketUpdated: _ticket_updated,
}
