"""Events HQ refused, kept with the reason (``hq_quarantine``).

A refused event consumes its ``device_seq`` (the device's chain goes on), is never applied
and never handed to other counters. Later events of the same device that concern the same
member wait behind it (``waiting_on``). HQ staff list and show them and resolve each one:
**void** (it stays unapplied for good), or **apply** — checked again, optionally with a
corrected payload — after which the events waiting on it are checked and applied in order.
Either way the event's store is told (:func:`tell_device`): a voided event's effect at the
counter that made it is reversed there with compensating entries.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from app.domain.audit import canonical_json
from app.domain.messages import render
from server import tables as t
from server.errors import HQError

HELD = "held"


def held_for(conn: Connection, device_id: str, member_id: str) -> str | None:
    """The first held event of ``device_id`` about ``member_id`` (an event on it must wait)."""
    return conn.scalar(
        select(t.quarantine.c.event_id)
        .where(
            t.quarantine.c.status == HELD,
            t.quarantine.c.device_id == device_id,
            t.quarantine.c.member_id == member_id,
        )
        .order_by(t.quarantine.c.device_seq)
        .limit(1)
    )


def at_seq(conn: Connection, device_id: str, device_seq: int) -> Any:
    return conn.execute(
        select(t.quarantine).where(
            t.quarantine.c.device_id == device_id, t.quarantine.c.device_seq == device_seq
        )
    ).first()


def put(
    conn: Connection,
    *,
    event_id: str,
    device_id: str,
    device_seq: int,
    store_code: str,
    event_type: str,
    payload: dict[str, Any],
    payload_hash: str,
    created_at: dt.datetime,
    member_id: str | None,
    code: str,
    reason: str,
    waiting_on: str | None,
    now: dt.datetime,
) -> None:
    conn.execute(
        insert(t.quarantine).values(
            event_id=event_id,
            device_id=device_id,
            device_seq=device_seq,
            store_code=store_code,
            type=event_type[:48],
            payload=canonical_json(payload),
            payload_hash=payload_hash,
            created_at=created_at,
            received_at=now,
            member_id=member_id,
            code=code,
            reason=reason,
            waiting_on=waiting_on,
            status=HELD,
        )
    )


def _row(r: Any, full: bool = False) -> dict[str, Any]:
    out = {
        "id": r.id,
        "event_id": r.event_id,
        "device_id": r.device_id,
        "device_seq": r.device_seq,
        "store_code": r.store_code,
        "type": r.type,
        "member_id": r.member_id,
        "code": r.code,
        "reason": r.reason,
        "waiting_on": r.waiting_on,
        "status": r.status,
        "received_at": r.received_at.isoformat(timespec="seconds"),
        "resolved_at": r.resolved_at.isoformat(timespec="seconds") if r.resolved_at else None,
        "note": r.note,
    }
    if full:
        out["payload"] = json.loads(r.payload)
    return out


def list_quarantine(engine: Engine, status: str | None = HELD) -> list[dict[str, Any]]:
    stmt = select(t.quarantine).order_by(t.quarantine.c.id)
    if status is not None:
        stmt = stmt.where(t.quarantine.c.status == status)
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(stmt)]


def show_quarantine(engine: Engine, qid: int) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(select(t.quarantine).where(t.quarantine.c.id == qid)).first()
    if row is None:
        raise HQError("quarantine_unknown", str(qid))
    return _row(row, full=True)


def resolve(
    engine: Engine,
    qid: int,
    action: str,
    *,
    payload: dict[str, Any] | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Void a held event, or apply it (with ``payload`` as corrected by HQ staff). Then the
    device's events that waited on it are checked again, in order: each one applies or
    stays held with its own reason. Returns the event and what became of those."""
    from server.service import admit_later, utcnow

    if action not in ("void", "apply"):
        raise HQError("quarantine_invalid", action)
    now = now or utcnow()
    with engine.begin() as conn:
        row = conn.execute(
            select(t.quarantine).where(t.quarantine.c.id == qid).with_for_update()
        ).first()
        if row is None:
            raise HQError("quarantine_unknown", str(qid))
        if row.status != HELD:
            raise HQError("quarantine_invalid", f"already {row.status}")
        # The device's row lock: a push of the same device waits until this is done.
        conn.execute(
            select(t.device.c.device_id)
            .where(t.device.c.device_id == row.device_id)
            .with_for_update()
        ).first()
        if action == "void":
            values: dict[str, Any] = {"status": "voided"}
        else:
            body = payload if payload is not None else json.loads(row.payload)
            refusal = admit_later(conn, row, body, now)
            if refusal is not None:
                raise HQError("quarantine_invalid", refusal.reason)
            values = {"status": "applied"}
            if payload is not None:
                values["payload"] = canonical_json(payload)
        conn.execute(
            update(t.quarantine)
            .where(t.quarantine.c.id == qid)
            .values(**values, resolved_at=now, note=note)
        )
        released = _release(conn, row.device_id, row.event_id, now)
        tell_device(conn, row, values["status"], now, corrected=payload)
    result = show_quarantine(engine, qid)
    result["released"] = released
    return result


def tell_device(
    conn: Connection,
    row: Any,
    status: str,
    now: dt.datetime,
    *,
    corrected: dict[str, Any] | None = None,
    refusal: tuple[str, str] | None = None,
) -> None:
    """The event's store hears how HQ resolved it (``quarantine.resolved``, in that store's
    stream alone): applied, the counter that made it drops its refusal; voided, it reverses
    what the event did there (app.services.voids), so its balances agree with HQ's again.
    Still held, for a reason of its own once what it waited on was resolved, the notice
    carries that reason. Applied as HQ staff corrected it, the notice carries the corrected
    postings: that
    counter reverses its own and posts HQ's (under ``correction``, which a release that does
    not know it reads nothing of)."""
    from app.domain.ids import uuid7
    from server.streams import RESOLVED, Outgoing, publish

    notice: dict[str, Any] = {
        "event_id": row.event_id, "device_id": row.device_id, "status": status,
    }  # fmt: skip
    if refusal is not None:
        notice["code"], notice["reason"] = refusal
    if status == "voided" and row.member_id:
        state = member_state(conn, row.member_id, row.store_code)
        if state is not None:
            notice["member_state"] = state
    if corrected is not None:
        notice["correction"] = {
            k: corrected[k]
            for k in ("txn_id", "sv_entries", "points_lots", "points_entries",
                      "cumulative_spend_delta_fen")
            if k in corrected
        }  # fmt: skip
    body = {"event_id": uuid7(), "type": RESOLVED, "store_code": None, "payload": notice}
    publish(conn, [Outgoing("event", body, only=row.store_code)], now)


def member_state(conn: Connection, member_id: str, store_code: str) -> dict[str, Any] | None:
    """What HQ holds of a member's profile, status, tier, cards and payment password, as
    ``store_code`` may receive it (no verifier for another store: server.redact): the counter
    that made a voided event about them takes these back (app.services.voids)."""
    m = t.member.c
    row = conn.execute(select(t.member).where(m.id == member_id)).first()
    if row is None:
        return None
    home = row.store_code == store_code
    cards = conn.execute(
        select(t.card.c.id, t.card.c.status).where(t.card.c.member_id == member_id)
    ).all()
    return {
        "profile": {k: getattr(row, k) for k in ("name", "gender", "birthday", "email", "address")},
        "status": row.status,
        "tier_code": row.tier_code,
        "tier_overridden": bool(row.tier_overridden),
        "card_id": row.card_id,
        "cards": {c.id: c.status for c in cards},
        "password_hash": row.pay_password_hash if home else None,
        "password_at_hq": row.pay_password_hash is not None and not home,
    }


def _release(
    conn: Connection, device_id: str, event_id: str, now: dt.datetime
) -> list[dict[str, Any]]:
    """The events that waited on ``event_id``: checked again and applied in order, or held
    with their own reason (waiting on nothing, or on an earlier one still held)."""
    from server.service import admit_later

    waiting = conn.execute(
        select(t.quarantine)
        .where(
            t.quarantine.c.status == HELD,
            t.quarantine.c.device_id == device_id,
            t.quarantine.c.waiting_on == event_id,
        )
        .order_by(t.quarantine.c.device_seq)
    ).all()
    out = []
    for w in waiting:
        blocker = w.member_id and _earlier_held(conn, device_id, w.member_id, w.device_seq)
        if blocker:
            conn.execute(
                update(t.quarantine).where(t.quarantine.c.id == w.id).values(waiting_on=blocker)
            )
            out.append({"id": w.id, "status": HELD, "waiting_on": blocker})
            continue
        refusal = admit_later(conn, w, json.loads(w.payload), now)
        if refusal is None:
            values: dict[str, Any] = {"status": "applied", "resolved_at": now}
        else:
            values = {"code": refusal.code, "reason": refusal.reason, "waiting_on": None}
        conn.execute(update(t.quarantine).where(t.quarantine.c.id == w.id).values(**values))
        if refusal is None:
            tell_device(conn, w, "applied", now)
        else:  # it waits no more, and is refused for a reason of its own: the counter says so
            tell_device(conn, w, HELD, now, refusal=(refusal.code, refusal.reason))
        out.append({"id": w.id, "status": values.get("status", HELD)})
    return out


def _earlier_held(conn: Connection, device_id: str, member_id: str, seq: int) -> str | None:
    return conn.scalar(
        select(t.quarantine.c.event_id)
        .where(
            t.quarantine.c.status == HELD,
            t.quarantine.c.device_id == device_id,
            t.quarantine.c.member_id == member_id,
            t.quarantine.c.device_seq < seq,
        )
        .order_by(t.quarantine.c.device_seq)
        .limit(1)
    )


def waiting_reason(event_id: str) -> tuple[str, str]:
    return "hq_waiting", render("hq_waiting", event_id=event_id)
