"""The consent ledger at HQ: checked (:mod:`server.validate`) and applied here.

``consent.granted`` / ``consent.withdrawn`` carry one entry (app.domain.consent.Entry). HQ
takes it when: the entry is about the event's member, who exists and whom the pushing store
serves (its home store, or a store holding them); the entry's store is the pushing counter's
store; its staff number is the event's own (a staff member of that store, checked with the
event's permission); its wording version is one HQ knows, of its own purpose and channel;
its clock parses; its id is new (the batch checks it). Applied as it is (the ledger only
grows) and passed on with the member like any event about them, withdrawals included.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from sqlalchemy import Connection, insert, select

from app.domain.consent import WORDINGS, check_channel, check_purpose, check_source
from app.domain.errors import CounterError
from app.domain.hlc import Stamp, ahead_of_hq
from server import consent_tables as ct
from server import tables as t

EVENT_TYPES = frozenset({"consent.granted", "consent.withdrawn"})


class ConsentRefused(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


def check(
    conn: Connection,
    event_type: str,
    member: Any,
    entry: dict[str, Any],
    *,
    member_id: str,
    store_code: str,
    staff_no: str | None,
    now_ms: int | None = None,
) -> None:
    """Refuse (ConsentRefused) an entry a counter may not record; ``member``: HQ's row (id
    and home store), found already."""
    if entry["member_id"] != member_id:
        raise ConsentRefused("schema", detail="entry.member_id")
    if (event_type == "consent.granted") != entry["granted"]:
        raise ConsentRefused("schema", detail="entry.granted")
    try:
        purpose, channel = check_purpose(entry["purpose"]), check_channel(entry["channel"])
        check_source(entry["source"])
    except CounterError:
        raise ConsentRefused("schema", detail="entry") from None
    w = WORDINGS.get(entry["wording_version"])
    if w is None or (w.purpose, w.channel) != (purpose, channel):
        raise ConsentRefused("consent_wording", version=entry["wording_version"][:24],
                             purpose=purpose, channel=channel)  # fmt: skip
    if entry["store_code"] != store_code:
        raise ConsentRefused("consent_store", store=entry["store_code"][:32])
    if entry["staff_no"] is not None and entry["staff_no"] != staff_no:
        raise ConsentRefused("consent_staff", staff=entry["staff_no"][:32])
    if member.store_code != store_code and not _held(conn, store_code, member_id):
        raise ConsentRefused("consent_scope")
    try:
        Stamp.parse(entry["hlc"])
    except (ValueError, TypeError):
        raise ConsentRefused("schema", detail="entry.hlc") from None
    # The later clock decides a member's consent: an entry dated ahead of HQ (a counter's
    # clock run fast, or a forged one) would outlast every withdrawal made after it.
    if ahead_of_hq(entry["hlc"], int(time.time() * 1000) if now_ms is None else now_ms):
        raise ConsentRefused("consent_clock_ahead")
    try:
        dt.datetime.fromisoformat(entry["at"])
    except (ValueError, TypeError):
        raise ConsentRefused("schema", detail="entry.at") from None


def _held(conn: Connection, store_code: str, member_id: str) -> bool:
    h = t.holding.c
    return (
        conn.scalar(select(h.member_id).where(h.store_code == store_code, h.member_id == member_id))
        is not None
    )


def apply(conn: Connection, payload: dict[str, Any], now: dt.datetime) -> None:
    """Append the checked entry (once: a replayed event adds nothing)."""
    e = payload["entry"]
    c = ct.consent_entry.c
    if conn.scalar(select(c.entry_id).where(c.entry_id == e["entry_id"])) is not None:
        return
    conn.execute(insert(ct.consent_entry).values(**e, received_at=now))


def of_member(conn: Connection, member_id: str) -> list[dict[str, Any]]:
    """The member's entries in their wire form, oldest clock first (a snapshot's or a fetch's
    member carries them)."""
    c = ct.consent_entry.c
    rows = conn.execute(
        select(ct.consent_entry).where(c.member_id == member_id).order_by(c.hlc, c.entry_id)
    )
    return [
        {k: getattr(r, k) for k in ("entry_id", "member_id", "purpose", "channel", "granted",
                                    "wording_version", "at", "store_code", "staff_no",
                                    "source", "hlc")}
        for r in rows
    ]  # fmt: skip
