"""What an outbox event does to a member, read from its payload.

The counter that made an event already applied it; HQ and the other counters
apply the same facts — the very ledger entries, lots and card changes, with
their ids — so every copy of a ledger holds the same rows. Both sides read an
event through :func:`effects` and write the result into their own tables.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

PROFILE_FIELDS = ("name", "gender", "birthday", "email", "address")

# Events that bring a new member: a registration at a counter, or an import of an old system's.
NEW_MEMBER_EVENTS = ("member.registered", "member.imported")

# What an import says of its member beyond the profile, when the old system's file had it.
ORIGIN_FIELDS = ("notes", "registered_at", "home_store")

# A birthday known by month and day only travels as ISO 8601's "--MM-DD".
_MONTH_DAY = re.compile(r"--(\d{2}-\d{2})")


def birthday_wire(birthday: dt.date | None, month_day: str | None) -> str | None:
    """A member's birthday in an event: YYYY-MM-DD, or --MM-DD without a year."""
    if birthday is not None:
        return birthday.isoformat()
    return f"--{month_day}" if month_day else None


def birthday_parts(text: str | None) -> tuple[dt.date | None, str | None]:
    """(birthday, month_day) of an event's birthday (see :func:`birthday_wire`)."""
    if not text:
        return None, None
    m = _MONTH_DAY.fullmatch(text)
    if m is not None:
        return None, m[1]
    return dt.date.fromisoformat(text), None


def origin_columns(values: dict[str, Any]) -> dict[str, Any]:
    """A member's ORIGIN_FIELDS as the counter's columns hold them (the registration time a
    datetime) from an event's or HQ's values; only those given."""
    out: dict[str, Any] = {k: values[k] for k in ORIGIN_FIELDS if values.get(k)}
    if "registered_at" in out:
        out["registered_at"] = dt.datetime.fromisoformat(out["registered_at"]).replace(tzinfo=None)
    return out


CARD_STATUS_EVENTS = {
    "card.reported_lost": "lost",
    "card.frozen": "frozen",
    "card.unfrozen": "active",
}


@dataclass
class Effects:
    type: str
    member_id: str | None = None
    txn_id: str | None = None
    original_txn_id: str | None = None  # what a refund refunds
    business_date: str | None = None
    new_member: dict[str, Any] | None = None  # the registration's profile
    origin: dict[str, str] = field(default_factory=dict)  # an import's ORIGIN_FIELDS
    new_card: dict[str, Any] | None = None  # {card_id, card_no, member_id}
    replaced_card_id: str | None = None  # the card the new one replaces
    card_status: list[tuple[str, str]] = field(default_factory=list)  # (card_id, status)
    sv_entries: list[dict[str, Any]] = field(default_factory=list)  # each with member_id
    points_lots: list[dict[str, Any]] = field(default_factory=list)
    points_entries: list[dict[str, Any]] = field(default_factory=list)
    spend_delta: dict[str, int] = field(default_factory=dict)  # member_id -> fen
    tier_changes: list[dict[str, Any]] = field(default_factory=list)
    tier_overridden: bool = False
    member_status: dict[str, str] = field(default_factory=dict)  # member_id -> status
    merged_into: tuple[str, str] | None = None  # (dropped member, kept member)
    password_hash: str | None = None
    password_at_hq: bool = False  # set, its verifier kept at HQ (another store's member)
    profile: dict[str, tuple[Any, str]] = field(default_factory=dict)  # field -> (value, hlc)
    tags: dict[str, tuple[bool, str]] = field(default_factory=dict)  # manual tag -> (on, hlc)
    also_members: set[str] = field(default_factory=set)  # a count card's receiver

    @property
    def member_ids(self) -> set[str]:
        ids = {e["member_id"] for e in (*self.sv_entries, *self.points_lots, *self.points_entries)}
        if self.member_id:
            ids.add(self.member_id)
        return ids | self.also_members

    def sv_delta(self, member_id: str) -> tuple[int, int]:
        rows = [e for e in self.sv_entries if e["member_id"] == member_id]
        return sum(e["principal_fen"] for e in rows), sum(e["bonus_fen"] for e in rows)

    def points_delta(self, member_id: str) -> int:
        return sum(e["points"] for e in self.points_entries if e["member_id"] == member_id)


def _owned(rows: list[dict[str, Any]] | None, member_id: str | None) -> list[dict[str, Any]]:
    return [{"member_id": member_id, **row} for row in rows or ()]


def effects(event_type: str, payload: dict[str, Any]) -> Effects:
    """The facts an event of ``event_type`` carries (nothing for store and staff events)."""
    member_id = payload.get("member_id")
    if event_type in NEW_MEMBER_EVENTS:
        member_id = payload["member"]["member_id"]
    eff = Effects(
        type=event_type,
        member_id=member_id,
        txn_id=payload.get("txn_id"),
        original_txn_id=payload.get("original_txn_id"),
        business_date=payload.get("business_date"),
        sv_entries=_owned(payload.get("sv_entries"), member_id),
        points_lots=_owned(payload.get("points_lots"), member_id),
        points_entries=_owned(payload.get("points_entries"), member_id),
        tier_changes=list(payload.get("tier_changes") or ()),
    )
    delta = payload.get("cumulative_spend_delta_fen")
    if delta and member_id:
        eff.spend_delta[member_id] = int(delta)
    if event_type in NEW_MEMBER_EVENTS:
        eff.new_member = dict(payload["member"])
        eff.origin = {k: payload[k] for k in ORIGIN_FIELDS if payload.get(k)}
        card = payload.get("card")
        if card:
            eff.new_card = {**card, "member_id": member_id}
            if payload.get("card_status"):  # an import's frozen, lost or cancelled card
                eff.card_status.append((card["card_id"], payload["card_status"]))
            if payload.get("card_status") == "cancelled":  # 注销 in the old system: history
                eff.member_status[member_id] = "cancelled"
        opening = payload.get("cumulative_spend_fen")  # an import's spend in the old system
        if opening and member_id:
            eff.spend_delta[member_id] = int(opening)
    elif event_type == "member.payment_password_set":
        # Another store's counters receive no verifier, only that one is set (server.redact).
        eff.password_hash = payload.get("password_hash")
        eff.password_at_hq = bool(payload.get("password_at_hq")) and eff.password_hash is None
    elif event_type in CARD_STATUS_EVENTS:
        eff.card_status.append((payload["card_id"], CARD_STATUS_EVENTS[event_type]))
    elif event_type == "card.replaced":
        eff.new_card = {**payload["card"], "member_id": member_id}
        eff.replaced_card_id = payload["old_card_id"]
    elif event_type == "card.cancelled":
        eff.card_status.append((payload["card_id"], "cancelled"))
        eff.member_status[member_id] = "cancelled"
    elif event_type == "tier.overridden":
        eff.tier_overridden = True
    elif event_type == "member.profile_updated":
        eff.profile = {
            name: (change["value"], change["hlc"])
            for name, change in payload["fields"].items()
            if name in PROFILE_FIELDS
        }
    elif event_type == "member.tag_set":
        eff.tags = {str(payload["tag_code"]): (bool(payload["present"]), str(payload["hlc"]))}
    elif event_type == "countcard.transferred":  # the receiver's stores learn the card too
        eff.also_members.add(payload["to_member_id"])
    elif event_type == "member.merged":
        # Entries of a merge name their own member: out of the dropped one, into the kept one.
        eff.sv_entries = list(payload.get("sv_entries") or ())
        eff.points_lots = list(payload.get("points_lots") or ())
        eff.points_entries = list(payload.get("points_entries") or ())
        eff.spend_delta = {k: int(v) for k, v in (payload.get("spend_moves") or {}).items()}
        eff.merged_into = (member_id, payload["into"])
        eff.member_status[member_id] = "merged"
    return eff


def final_tier(eff: Effects) -> str | None:
    return eff.tier_changes[-1]["to"] if eff.tier_changes else None
