"""HQ operations run by HQ staff from ``member-hq``: stores, enrollment codes, devices,
rules, staff accounts, conflicts, duplicate members and their merge."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from app.domain import recovery
from app.domain.errors import CounterError
from app.domain.events import effects
from app.domain.ids import uuid7
from app.domain.offline import OfflineLimits
from app.domain.phone import mask_phone
from app.domain.release import Release
from app.domain.rules import Rules, default_rules
from app.services.hashing import Hasher
from app.services.security import Role, check_pin_format
from server import streams
from server import tables as t
from server.apply import apply_effects
from server.device_secrets import Keyring
from server.errors import HQError
from server.service import add_changes, code_hash, utcnow
from server.streams import Outgoing
from server.validate import member_of
from sync import signing

_STORE_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


def _dt(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def add_store(engine: Engine, code: str, name: str) -> None:
    code, name = (code or "").strip(), (name or "").strip()
    if not _STORE_CODE.fullmatch(code) or not (1 <= len(name) <= 64):
        raise HQError("store_unknown", f"invalid code or name: {code!r}")
    with engine.begin() as conn:
        existing = conn.scalar(select(t.store.c.name).where(t.store.c.code == code))
        if existing is None:
            conn.execute(insert(t.store).values(code=code, name=name, created_at=utcnow()))
        streams.ensure(conn, [code])


def new_enrollment_code(engine: Engine, store_code: str, ttl_hours: float = 24) -> dict[str, Any]:
    """A one-time code a counter of ``store_code`` enrolls with; only its hash is kept."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
    now = utcnow()
    expires = now + dt.timedelta(hours=ttl_hours)
    with engine.begin() as conn:
        if conn.scalar(select(t.store.c.code).where(t.store.c.code == store_code)) is None:
            raise HQError("store_unknown", store_code)
        conn.execute(
            insert(t.enrollment).values(
                code_hash=code_hash(code), store_code=store_code, created_at=now, expires_at=expires
            )
        )
    return {"store_code": store_code, "code": code, "expires_at": _dt(expires)}


def list_stores(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [
            {"code": r.code, "name": r.name, "created_at": _dt(r.created_at)}
            for r in conn.execute(select(t.store).order_by(t.store.c.code))
        ]


def list_devices(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [
            {
                "device_id": r.device_id,
                "store_code": r.store_code,
                "name": r.name,
                "enrolled_at": _dt(r.enrolled_at),
                "last_seen_at": _dt(r.last_seen_at),
                "last_seq": r.last_seq,
                # The history it brought when it joined: its events up to here.
                "history_head": r.history_head_seq,
                "app_version": r.app_version,
                "revoked": r.revoked_at is not None,
            }
            for r in conn.execute(select(t.device).order_by(t.device.c.enrolled_at))
        ]


def revoke_device(engine: Engine, device_id: str) -> None:
    with engine.begin() as conn:
        done = conn.execute(
            update(t.device)
            .where(t.device.c.device_id == device_id)
            .values(revoked_at=utcnow(), next_secret=None)
        )
        if done.rowcount == 0:
            raise HQError("device_unknown", device_id)


def parse_since(text: str) -> dt.datetime:
    """An ISO 8601 time as HQ stores times (naive UTC); one without an offset is UTC."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise HQError("time_invalid", text) from None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


def pushed_since(
    engine: Engine, device_id: str, since: dt.datetime | None = None
) -> dict[str, Any]:
    """What ``device_id`` pushed from ``since`` (default: its enrollment) for review: the
    events HQ applied and those it quarantined — ids, types, members, times; no payload."""
    with engine.connect() as conn:
        dev = conn.execute(select(t.device).where(t.device.c.device_id == device_id)).first()
        if dev is None:
            raise HQError("device_unknown", device_id)
        start = since or dev.enrolled_at
        e, q = t.event.c, t.quarantine.c
        events = conn.execute(
            select(e.event_id, e.device_seq, e.type, e.payload, e.applied_at)
            .where(e.device_id == device_id, e.applied_at >= start)
            .order_by(e.device_seq)
        ).all()
        held = conn.execute(
            select(q.event_id, q.device_seq, q.type, q.member_id, q.received_at, q.code, q.status)
            .where(q.device_id == device_id, q.received_at >= start)
            .order_by(q.device_seq)
        ).all()
    return {
        "device_id": device_id,
        "store_code": dev.store_code,
        "since": _dt(start),
        "events": [
            {
                "event_id": r.event_id,
                "device_seq": r.device_seq,
                "type": r.type,
                "member_id": member_of(r.type, json.loads(r.payload)),
                "pushed_at": _dt(r.applied_at),
            }
            for r in events
        ],
        "quarantined": [
            {
                "event_id": r.event_id,
                "device_seq": r.device_seq,
                "type": r.type,
                "member_id": r.member_id,
                "pushed_at": _dt(r.received_at),
                "code": r.code,
                "status": r.status,
            }
            for r in held
        ],
    }


def rotate_device_secret(engine: Engine, keyring: Keyring, device_id: str) -> dict[str, Any]:
    """A new secret for ``device_id``, kept beside the old one: HQ hands it to the counter on
    its next signed request (sealed under the old secret) and the old one stops working the
    first time the counter signs with the new one. A second rotation before that replaces
    the waiting secret."""
    with engine.begin() as conn:
        dev = conn.execute(
            select(t.device).where(t.device.c.device_id == device_id).with_for_update()
        ).first()
        if dev is None or dev.revoked_at is not None:
            raise HQError("device_unknown", device_id)
        keyring.decrypt(dev.secret)  # a wrong key refuses here, not at the counter's request
        conn.execute(
            update(t.device)
            .where(t.device.c.device_id == device_id)
            .values(next_secret=keyring.encrypt(signing.new_secret()))
        )
    return {"device_id": device_id, "store_code": dev.store_code, "handover": "pending"}


def device_recovery_code(engine: Engine, keyring: Keyring, device_id: str) -> dict[str, Any]:
    """A one-time code that unlocks the admin of the counter ``device_id`` (for a store that
    locked itself out): made with the device's secret, checked by the counter offline."""
    with engine.connect() as conn:
        dev = conn.execute(select(t.device).where(t.device.c.device_id == device_id)).first()
    if dev is None or dev.revoked_at is not None:
        raise HQError("device_unknown", device_id)
    now = dt.datetime.now(dt.UTC)
    code = recovery.hq_code(keyring.decrypt(dev.secret), device_id, now)
    expires = now + dt.timedelta(hours=recovery.HQ_TTL_HOURS)
    return {"device_id": device_id, "store_code": dev.store_code, "recovery_code": code,
            "valid_until": expires.isoformat(timespec="minutes")}  # fmt: skip


# -- rules and staff: HQ wins, every counter pulls them ------------------------------
def get_rules(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        text = conn.scalar(select(t.rules.c.rules_json).where(t.rules.c.id == 1))
    if text is None:
        rules = default_rules().to_dict()
        rules["extra"] = {"offline": OfflineLimits().to_dict()}
        return rules
    return json.loads(text)


def set_rules(engine: Engine, data: dict[str, Any]) -> dict[str, Any]:
    try:
        rules = Rules.from_dict(data)
        OfflineLimits.from_rules_extra(rules.extra)
    except (CounterError, TypeError, ValueError, KeyError) as exc:
        raise HQError("rules_invalid", str(exc)) from None
    clean = rules.to_dict()
    now = utcnow()
    with engine.begin() as conn:
        text = json.dumps(clean, ensure_ascii=False, sort_keys=True)
        if (
            conn.execute(
                update(t.rules).where(t.rules.c.id == 1).values(rules_json=text, updated_at=now)
            ).rowcount
            == 0
        ):
            conn.execute(insert(t.rules).values(id=1, rules_json=text, updated_at=now))
        # Each version is kept: a counter's top-up is checked against the rules it held.
        version = (conn.scalar(select(func.max(t.rules_history.c.version))) or 0) + 1
        conn.execute(
            insert(t.rules_history).values(version=version, rules_json=text, created_at=now)
        )
        add_changes(conn, [Outgoing("rules", {"rules": clean, "version": version})], now)
    return clean


def set_offline_limits(engine: Engine, **limits: int | None) -> dict[str, Any]:
    rules = get_rules(engine)
    extra = dict(rules.get("extra") or {})
    current = OfflineLimits.from_rules_extra(extra).to_dict()
    current.update({k: int(v) for k, v in limits.items() if v is not None})
    extra["offline"] = current
    rules["extra"] = extra
    return set_rules(engine, rules)


def get_release(engine: Engine) -> dict[str, Any] | None:
    """The release HQ recommends to its counters, or None."""
    release = Release.from_rules_extra(get_rules(engine).get("extra") or {})
    return release.to_dict() if release else None


def set_release(
    engine: Engine, version: str | None, url: str | None = None, notes: str | None = None
) -> dict[str, Any] | None:
    """Recommend ``version`` (None: withdraw the recommendation). It travels in the rules, so
    every enrolled counter learns it with its next pull."""
    rules = get_rules(engine)
    extra = dict(rules.get("extra") or {})
    if version is None:
        extra.pop("release", None)
        release = None
    else:
        try:
            release = Release.checked(version, url, notes)
        except CounterError as exc:
            raise HQError("release_invalid", exc.message) from None
        extra["release"] = release.to_dict()
    rules["extra"] = extra
    set_rules(engine, rules)
    return release.to_dict() if release else None


def put_staff(
    engine: Engine,
    *,
    staff_no: str,
    name: str,
    role: str,
    pin: str | None,
    active: bool = True,
    hasher: Hasher | None = None,
) -> dict[str, Any]:
    staff_no, name = (staff_no or "").strip(), (name or "").strip()
    if not (1 <= len(staff_no) <= 32) or not staff_no.isalnum() or not staff_no.isascii():
        raise HQError("staff_invalid", f"staff number {staff_no!r}")
    if not (1 <= len(name) <= 32):
        raise HQError("staff_invalid", "name must have 1-32 characters")
    if role not in {r.value for r in Role}:
        raise HQError("staff_invalid", f"role {role!r}")
    now = utcnow()
    with engine.begin() as conn:
        row = conn.execute(select(t.staff).where(t.staff.c.staff_no == staff_no)).first()
        if pin is not None:
            try:
                check_pin_format(pin)
            except CounterError as exc:
                raise HQError("staff_invalid", exc.code) from None
            pin_hash = (hasher or Hasher()).hash(pin)
        elif row is not None:
            pin_hash = row.pin_hash
        else:
            raise HQError("staff_invalid", "a new account needs a PIN")
        values = {
            "name": name,
            "role": role,
            "pin_hash": pin_hash,
            "active": active,
            "updated_at": now,
        }
        if row is None:
            conn.execute(insert(t.staff).values(staff_no=staff_no, **values))
        else:
            conn.execute(update(t.staff).where(t.staff.c.staff_no == staff_no).values(**values))
        body = {
            "staff_no": staff_no,
            "name": name,
            "role": role,
            "pin_hash": pin_hash,
            "active": active,
        }
        add_changes(conn, [Outgoing("staff", body)], now)
    return {k: v for k, v in body.items() if k != "pin_hash"}


def list_staff(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [
            {"staff_no": r.staff_no, "name": r.name, "role": r.role, "active": r.active}
            for r in conn.execute(select(t.staff).order_by(t.staff.c.staff_no))
        ]


# -- conflicts, duplicates, merge ----------------------------------------------------
def list_conflicts(engine: Engine, include_resolved: bool = False) -> list[dict[str, Any]]:
    stmt = select(t.conflict, t.member.c.name).outerjoin(
        t.member, t.member.c.id == t.conflict.c.member_id
    )
    if not include_resolved:
        stmt = stmt.where(t.conflict.c.resolved_at.is_(None))
    with engine.connect() as conn:
        return [
            {
                "id": r.id,
                "kind": r.kind,
                "member_id": r.member_id,
                "member_name": r.name,
                "store_code": r.store_code,
                "event_id": r.event_id,
                "detail": json.loads(r.detail),
                "created_at": _dt(r.created_at),
            }
            for r in conn.execute(stmt.order_by(t.conflict.c.id))
        ]


def list_duplicates(engine: Engine) -> list[dict[str, Any]]:
    a, b = t.member.alias("a"), t.member.alias("b")
    stmt = (
        select(t.duplicate, a.c.name.label("name_a"), b.c.name.label("name_b"), a.c.phone)
        .join(a, a.c.id == t.duplicate.c.member_a)
        .join(b, b.c.id == t.duplicate.c.member_b)
        .where(t.duplicate.c.status == "open")
        .order_by(t.duplicate.c.id)
    )
    with engine.connect() as conn:
        return [
            {
                "id": r.id,
                "member_a": r.member_a,
                "name_a": r.name_a,
                "member_b": r.member_b,
                "name_b": r.name_b,
                "phone": mask_phone(r.phone),
            }
            for r in conn.execute(stmt)
        ]


def merge_members(engine: Engine, keep: str, drop: str) -> dict[str, Any]:
    """Move the dropped member's balances, points lots and spend onto the kept one, as an
    explicit ``member.merged`` event every counter applies; the dropped member ends merged."""
    if keep == drop:
        raise HQError("merge_invalid", "the same member")
    now = utcnow()
    with engine.begin() as conn:
        rows = {
            r.id: r
            for r in conn.execute(
                select(t.member).where(t.member.c.id.in_([keep, drop])).with_for_update()
            )
        }
        if keep not in rows or drop not in rows:
            raise HQError("member_unknown")
        k, d = rows[keep], rows[drop]
        if k.status != "active" or d.status != "active":
            raise HQError("merge_invalid", "both members must be active")
        sv: list[dict[str, Any]] = []
        if d.principal_fen or d.bonus_fen:
            for member_id, sign, kind in ((drop, -1, "merge_out"), (keep, 1, "merge_in")):
                sv.append(
                    {
                        "member_id": member_id,
                        "entry_id": uuid7(),
                        "kind": kind,
                        "principal_fen": sign * d.principal_fen,
                        "bonus_fen": sign * d.bonus_fen,
                        "reverses": None,
                    }
                )
        lots, entries = [], []
        remaining = conn.execute(
            select(t.points_lot, func.sum(t.points_entry.c.points).label("left"))
            .join(t.points_entry, t.points_entry.c.lot_id == t.points_lot.c.id)
            .where(t.points_lot.c.member_id == drop)
            .group_by(t.points_lot.c.id)
            .order_by(t.points_lot.c.expires_on)
        ).all()
        for lot in remaining:
            if lot.left <= 0:
                continue
            new_lot = uuid7()
            lots.append(
                {
                    "member_id": keep,
                    "lot_id": new_lot,
                    "points": int(lot.left),
                    "earned_on": lot.earned_on,
                    "expires_on": lot.expires_on,
                    "source": "merge",
                }
            )
            entries.append(
                {
                    "member_id": drop,
                    "entry_id": uuid7(),
                    "lot_id": lot.id,
                    "kind": "merge_out",
                    "points": -int(lot.left),
                    "reverses": None,
                }
            )
            entries.append(
                {
                    "member_id": keep,
                    "entry_id": uuid7(),
                    "lot_id": new_lot,
                    "kind": "merge_in",
                    "points": int(lot.left),
                    "reverses": None,
                }
            )
        payload = {
            "txn_id": uuid7(),
            "member_id": drop,
            "into": keep,
            "sv_entries": sv,
            "points_lots": lots,
            "points_entries": entries,
            "spend_moves": {drop: -d.cumulative_spend_fen, keep: d.cumulative_spend_fen}
            if d.cumulative_spend_fen
            else {},
            "at": now.isoformat(),
        }
        event_id = uuid7()
        apply_effects(
            conn, effects("member.merged", payload), event_id=event_id, store_code=None, now=now
        )
        conn.execute(
            update(t.duplicate)
            .where(
                ((t.duplicate.c.member_a == keep) & (t.duplicate.c.member_b == drop))
                | ((t.duplicate.c.member_a == drop) & (t.duplicate.c.member_b == keep))
            )
            .values(status="merged", merged_at=now)
        )
        body = {
            "event_id": event_id,
            "type": "member.merged",
            "payload": payload,
            "store_code": None,
        }
        # The stores that served the dropped member serve the kept one from now on.
        had = {d.store_code, *streams.holders(conn, [drop])[drop]}
        streams.add_holders(conn, keep, {s for s in had if s}, now)
        add_changes(conn, [streams.event_change(body, None, None)], now)
    return {"kept": keep, "dropped": drop, "event_id": event_id}


HOLDING_DAYS = 548  # about 18 months


def release_holdings(engine: Engine, days: int = HOLDING_DAYS) -> dict[str, Any]:
    """Stores stop receiving the other stores' members they have not served in ``days``
    (:func:`streams.release_stale`); their counters fetch them again when they next serve
    them."""
    if days < 1:
        raise HQError("holding_days", f"{days}")
    now = utcnow()
    with engine.begin() as conn:
        released = streams.release_stale(conn, now - dt.timedelta(days=days), now)
    return {"released": released, "days": days}


def member_balances(engine: Engine) -> dict[str, tuple[int, int, int]]:
    """Every member's cached (principal, bonus, points) at HQ."""
    with engine.connect() as conn:
        return {
            r.id: (r.principal_fen, r.bonus_fen, r.points)
            for r in conn.execute(
                select(
                    t.member.c.id, t.member.c.principal_fen, t.member.c.bonus_fen, t.member.c.points
                )
            )
        }
