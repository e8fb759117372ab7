"""Applying one counter event to HQ's tables, inside the push's transaction.

Ledger rows are inserted with the ids the counter gave them; cached balances
move by the same amounts. An offline spend that takes a balance below zero is
still a fact: it is applied and listed as an overdraft conflict. A phone that an
active member already has becomes a duplicate pair for a manager to merge.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, select, update

from app.domain.events import Effects, effects, final_tier
from app.domain.hlc import newer
from app.domain.text import refused_chars
from server import consent, countcards, coupons, tags, tickets
from server import tables as t
from server.errors import HQError

_m = t.member.c
# With no member: a walk-in's sale (app.services.sale) and its partial refunds.
WALK_IN_TXNS = ("sale.completed", "sale.refunded")
# Compiled once (parameters, not values): a push runs it once per member it touches.
_MOVE = (
    update(t.member)
    .where(_m.id == bindparam("mid"))
    .values(
        principal_fen=_m.principal_fen + bindparam("p"),
        bonus_fen=_m.bonus_fen + bindparam("b"),
        points=_m.points + bindparam("pts"),
        cumulative_spend_fen=_m.cumulative_spend_fen + bindparam("spend"),
        updated_at=bindparam("now"),
    )
    .returning(_m.principal_fen, _m.bonus_fen, _m.points)
)


class Applier:
    """Applies events within one transaction. Ledger, transaction and event rows are
    append-only and nothing reads them back during a push, so they are collected and
    written together by :meth:`flush` (one ``executemany`` per table); member rows are
    written at once, since later events of the same batch read them."""

    def __init__(self, conn: Connection, now: dt.datetime) -> None:
        self.conn = conn
        self.now = now
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.moves: dict[str, list[int]] = {}  # member -> [principal, bonus, points, spend]
        self.spends: dict[str, tuple[str, str, str | None]] = {}  # member -> last spend event

    def mark(self) -> tuple[dict[str, int], dict[str, list[int]], dict[str, Any]]:
        """Where the batch stands: :meth:`undo` goes back there (an event HQ refused)."""
        return (
            {k: len(v) for k, v in self.rows.items()},
            {k: list(v) for k, v in self.moves.items()},
            dict(self.spends),
        )

    def undo(self, mark: tuple[dict[str, int], dict[str, list[int]], dict[str, Any]]) -> None:
        lengths, self.moves, self.spends = mark
        for name in list(self.rows):
            del self.rows[name][lengths.get(name, 0) :]

    def add(self, table: Any, row: dict[str, Any]) -> None:
        self.rows.setdefault(table.name, []).append(row)

    def move(
        self,
        member_id: str,
        principal: int,
        bonus: int,
        points: int,
        spend: int,
        event_id: str,
        event_type: str,
        store_code: str | None,
    ) -> None:
        """Balances move by the sum of the batch's entries, written once per member."""
        total = self.moves.setdefault(member_id, [0, 0, 0, 0])
        for i, v in enumerate((principal, bonus, points, spend)):
            total[i] += v
        if principal < 0 or bonus < 0 or points < 0:
            self.spends[member_id] = (event_id, event_type, store_code)

    def flush(self) -> None:
        rows, self.rows = self.rows, {}
        for name, values in rows.items():
            self.conn.execute(insert(t.metadata.tables[name]), values)
        moves, self.moves = self.moves, {}
        spends, self.spends = self.spends, {}
        for member_id in sorted(moves):  # one order everywhere: concurrent batches never deadlock
            p, b, pts, spend = moves[member_id]
            row = self.conn.execute(
                _MOVE,
                {"mid": member_id, "p": p, "b": b, "pts": pts, "spend": spend, "now": self.now},
            ).first()
            spent = spends.get(member_id)
            # An offline spend that took a balance below zero: a fact, listed for the manager.
            if row is not None and spent is not None and min(row) < 0:
                event_id, event_type, store_code = spent
                detail = {
                    "event_type": event_type,
                    "principal_fen": row.principal_fen,
                    "bonus_fen": row.bonus_fen,
                    "points": row.points,
                }
                self.conn.execute(
                    insert(t.conflict).values(
                        kind="overdraft",
                        member_id=member_id,
                        event_id=event_id,
                        store_code=store_code,
                        detail=json.dumps(detail, sort_keys=True),
                        created_at=self.now,
                    )
                )


def apply_effects(
    conn: Connection,
    eff: Effects,
    *,
    event_id: str,
    store_code: str | None,
    now: dt.datetime,
    applier: Applier | None = None,
) -> None:
    own = applier is None
    ap = applier or Applier(conn, now)
    if eff.new_member is not None:
        _register(conn, eff, store_code, now)
    if eff.txn_id is not None:
        ap.add(
            t.txn,
            {
                "id": eff.txn_id,
                "event_id": event_id,
                "type": eff.type,
                "member_id": eff.member_id,
                "store_code": store_code,
                "business_date": eff.business_date,
                "created_at": now,
                "original_txn_id": eff.original_txn_id,
            },
        )
    for e in eff.sv_entries:
        ap.add(
            t.sv_entry,
            {
                "entry_id": e["entry_id"],
                "member_id": e["member_id"],
                "txn_id": eff.txn_id,
                "event_id": event_id,
                "kind": e["kind"],
                "principal_fen": e["principal_fen"],
                "bonus_fen": e["bonus_fen"],
                "reverses": e.get("reverses"),
            },
        )
    for lot in eff.points_lots:
        ap.add(
            t.points_lot,
            {
                "id": lot["lot_id"],
                "member_id": lot["member_id"],
                "txn_id": eff.txn_id,
                "points": lot["points"],
                "earned_on": lot["earned_on"],
                "expires_on": lot["expires_on"],
                "source": lot["source"],
            },
        )
    for e in eff.points_entries:
        ap.add(
            t.points_entry,
            {
                "entry_id": e["entry_id"],
                "member_id": e["member_id"],
                "lot_id": e["lot_id"],
                "txn_id": eff.txn_id,
                "event_id": event_id,
                "kind": e["kind"],
                "points": e["points"],
                "reverses": e.get("reverses"),
            },
        )
    for member_id in eff.member_ids:
        p, b = eff.sv_delta(member_id)
        pts = eff.points_delta(member_id)
        spend = eff.spend_delta.get(member_id, 0)
        if p or b or pts or spend:
            ap.move(member_id, p, b, pts, spend, event_id, eff.type, store_code)
    _member_changes(conn, eff, now)
    if own:
        ap.flush()


def apply_event(
    conn: Connection,
    event_type: str,
    payload: dict[str, Any],
    *,
    event_id: str,
    store_code: str | None,
    now: dt.datetime,
    applier: Applier | None = None,
    device_id: str | None = None,
) -> bool:
    """Apply the event; True when other counters need it (it concerns a member).
    ``device_id``: the counter that sent it (None: HQ's own)."""
    eff = effects(event_type, payload)
    refuse_control_text(eff, payload)
    if event_type in countcards.EVENT_TYPES:  # count cards' own tables (server.countcards)
        countcards.apply(
            conn, event_type, payload, event_id=event_id, store_code=store_code, now=now
        )
    if event_type in tags.EVENT_TYPES:  # member tags' own tables (server.tags)
        tags.apply(conn, event_type, payload, store_code or "", now)
    if event_type in tickets.EVENT_TYPES:  # service tickets' own tables (server.tickets)
        tickets.apply(conn, event_type, payload, event_id, now)
    if event_type in consent.EVENT_TYPES:  # the consent ledger's own table (server.consent)
        consent.apply(conn, payload, now)
    if coupons.touches(event_type, payload):  # coupons' own tables (server.coupons)
        coupons.apply(conn, event_type, payload, event_id=event_id, device_id=device_id,
                      store_code=store_code, now=now)  # fmt: skip
    if eff.member_id is None:
        if event_type in WALK_IN_TXNS and eff.txn_id is not None:
            # A walk-in sale (散客) moves no member's figures: HQ keeps its transaction (the
            # lines are in its event) and its refunds' (what a later refund is checked
            # against) for a refund elsewhere; other counters need nothing.
            apply_effects(conn, eff, event_id=event_id, store_code=store_code, now=now,
                          applier=applier)  # fmt: skip
        return False
    apply_effects(conn, eff, event_id=event_id, store_code=store_code, now=now, applier=applier)
    return True


def refuse_control_text(eff: Effects, payload: dict[str, Any]) -> None:
    """A member's text with a control character is refused at HQ's edge, before any row is
    written, by the counter's own rule (:mod:`app.domain.text`): PostgreSQL cannot store
    NUL, and no database should store the rest."""
    fields: dict[str, Any] = {}
    for source in (eff.new_member, payload.get("member")):
        if isinstance(source, dict):
            fields.update((f"member.{k}", v) for k, v in source.items())
    if eff.new_card:
        fields["card.card_no"] = eff.new_card.get("card_no")
    fields.update((f"fields.{name}", value) for name, (value, _stamp) in eff.profile.items())
    fields.update(eff.origin)
    for name, value in fields.items():
        if isinstance(value, str) and refused_chars(value, multiline=name == "notes"):
            raise HQError("event_invalid", f"{name}: control characters")


def _register(conn: Connection, eff: Effects, store_code: str | None, now: dt.datetime) -> None:
    m = eff.new_member
    assert m is not None
    member_id = m["member_id"]
    if conn.scalar(select(t.member.c.id).where(t.member.c.id == member_id)) is not None:
        return
    if conn.dialect.name == "postgresql":
        # Two stores registering one phone at the same moment still see each other.
        conn.execute(select(func.pg_advisory_xact_lock(func.hashtext(m["phone"]))))
    clash = conn.execute(
        select(t.member.c.id).where(
            and_(t.member.c.phone == m["phone"], t.member.c.status == "active")
        )
    ).all()
    if eff.member_status.get(member_id) == "cancelled":
        clash = []  # an imported cancelled member (history) holds no phone: no duplicate
    conn.execute(
        insert(t.member),  # parameters, not .values(): compiled once for every registration
        {
            "id": member_id,
            "store_code": store_code,
            "name": m["name"],
            "phone": m["phone"],
            "gender": m.get("gender"),
            "birthday": m.get("birthday"),
            "email": m.get("email"),
            "address": m.get("address"),
            "referrer_id": m.get("referrer_id"),
            "source": m.get("source"),
            "consent_at": m.get("consent_at"),
            "status": "active",
            "card_id": eff.new_card["card_id"] if eff.new_card else None,
            "tier_code": m.get("tier") or "normal",
            "tier_overridden": False,
            "cumulative_spend_fen": 0,
            "principal_fen": 0,
            "bonus_fen": 0,
            "points": 0,
            "field_clocks": "{}",
            "notes": eff.origin.get("notes"),
            "registered_at": eff.origin.get("registered_at"),
            "home_store": eff.origin.get("home_store"),
            "created_at": now,
            "updated_at": now,
        },
    )
    for (other,) in clash:
        conn.execute(
            insert(t.duplicate).values(
                member_a=other, member_b=member_id, status="open", created_at=now
            )
        )


def _member_changes(conn: Connection, eff: Effects, now: dt.datetime) -> None:
    m = t.member.c
    if (
        eff.new_card is not None
        and conn.scalar(select(t.card.c.id).where(t.card.c.id == eff.new_card["card_id"])) is None
    ):
        conn.execute(
            insert(t.card),
            {
                "id": eff.new_card["card_id"],
                "card_no": eff.new_card["card_no"],
                "member_id": eff.new_card["member_id"],
                "status": "active",
            },
        )
        conn.execute(
            update(t.member)
            .where(m.id == eff.new_card["member_id"])
            .values(card_id=eff.new_card["card_id"], updated_at=now)
        )
    if eff.replaced_card_id and eff.new_card:
        conn.execute(
            update(t.card)
            .where(t.card.c.id == eff.replaced_card_id)
            .values(status="replaced", replaced_by=eff.new_card["card_id"])
        )
    for card_id, status in eff.card_status:
        conn.execute(update(t.card).where(t.card.c.id == card_id).values(status=status))
    tier = final_tier(eff)
    if tier is not None and eff.member_id:
        values: dict[str, Any] = {"tier_code": tier, "updated_at": now}
        if eff.tier_overridden:
            values["tier_overridden"] = True
        conn.execute(update(t.member).where(m.id == eff.member_id).values(**values))
    for member_id, status in eff.member_status.items():
        conn.execute(update(t.member).where(m.id == member_id).values(status=status))
    if eff.merged_into:
        dropped, kept = eff.merged_into
        conn.execute(update(t.member).where(m.id == dropped).values(merged_into=kept))
    if eff.password_hash and eff.member_id:
        conn.execute(
            update(t.member)
            .where(m.id == eff.member_id)
            .values(pay_password_hash=eff.password_hash, pay_password_failures=0, updated_at=now)
        )
    if eff.profile and eff.member_id:
        row = conn.execute(select(m.field_clocks).where(m.id == eff.member_id)).first()
        if row is None:
            return
        clocks = json.loads(row.field_clocks or "{}")
        values = {}
        for name, (value, stamp) in eff.profile.items():
            if newer(stamp, clocks.get(name)):
                values[name] = value
                clocks[name] = stamp
        if values:
            conn.execute(
                update(t.member)
                .where(m.id == eff.member_id)
                .values(**values, field_clocks=json.dumps(clocks, sort_keys=True), updated_at=now)
            )


def apply_staff(
    conn: Connection,
    event_type: str,
    payload: dict[str, Any],
    device_id: str,
    store_code: str,
    now: dt.datetime,
) -> None:
    """The counter's own staff accounts HQ learns (checked by :mod:`server.validate`): the
    first admin of ``store.initialised`` and each account of ``staff.added``."""
    if event_type == "store.initialised":
        staff_id, staff_no, role = payload["staff_id"], payload["staff_no"], "admin"
    elif event_type == "staff.added":
        staff_id, staff_no = payload["added_staff_id"], payload["added_staff_no"]
        role = payload["role"]
    else:
        return
    conn.execute(
        insert(t.store_staff).values(
            device_id=device_id,
            staff_id=staff_id,
            store_code=store_code,
            staff_no=staff_no,
            role=role,
            active=True,
            created_at=now,
        )
    )
