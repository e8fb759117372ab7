"""A store's scope as HQ holds it now: how a new counter joins, and what an online fetch of
one member returns.

A join is one response of NDJSON lines read in one transaction (REPEATABLE READ on
PostgreSQL, one read transaction on SQLite), so every line describes the same moment:

    {"snapshot": 1, "cursor": W, "rules": {...} | null, "rules_version": N, "staff": [...],
     "phone_key": K}
    {"member": {...}, "cards": [...], "txns": [...], "sv": [...], "lots": [...], "points": [...]}
    ...
    {"end": true, "members": COUNT}

``cursor`` is the store stream's committed watermark at that moment: the counter follows the
stream from there, and no change after it is in the lines. The members are the store's own
and those it holds (``hq_holding``), each with every ledger row, lot, card and transaction HQ
has for them in the history window (:func:`window`: what came before is one carried row), so
the counter's balances are the sum of its rows, exactly as HQ's are, and a later change that
repeats a row (by its id) is not counted twice. Another store's member comes without their
number and payment-password verifier (:mod:`server.redact`; ``phone_key`` is the chain key
their ``phone_hash`` is made with).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, or_, select

from app.domain.window import CARRIED, carried_ids, window_start_at
from server import catalogue, consent, countcards, coupons, redact, streams, tags, tickets
from server import tables as t

PAGE = 500  # members read (and written as lines) at a time

_MEMBER_FIELDS = (
    "id", "store_code", "name", "phone", "gender", "birthday", "email", "address",
    "referrer_id", "source", "consent_at", "status", "card_id", "tier_code", "tier_overridden",
    "cumulative_spend_fen", "principal_fen", "bonus_fen", "points", "pay_password_hash",
    "merged_into", "field_clocks", "notes", "registered_at", "home_store",
)  # fmt: skip


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def members(
    conn: Connection,
    ids: Sequence[str],
    since: dt.date | None = None,
    for_store: str | None = None,
) -> list[dict[str, Any]]:
    """Each of ``ids`` HQ has, with all its rows (in ``ids`` order); with ``since``, the
    history window's rows only (:func:`window`); as ``for_store`` receives them when given
    (another store's member without number and verifier: server.redact)."""
    if not ids:
        return []
    rows = {r.id: r for r in conn.execute(select(t.member).where(t.member.c.id.in_(ids)))}
    by: dict[str, dict[str, list[dict[str, Any]]]] = {
        i: defaultdict(list) for i in ids if i in rows
    }
    for c in conn.execute(select(t.card).where(t.card.c.member_id.in_(ids))):
        by[c.member_id]["cards"].append(
            {"id": c.id, "card_no": c.card_no, "status": c.status, "replaced_by": c.replaced_by}
        )
    users: dict[str, set[str]] = defaultdict(set)  # txn id -> members whose rows name it
    sv = t.sv_entry.c
    for e in conn.execute(select(t.sv_entry).where(sv.member_id.in_(ids)).order_by(sv.entry_id)):
        users[e.txn_id].add(e.member_id)
        by[e.member_id]["sv"].append(
            {"entry_id": e.entry_id, "txn_id": e.txn_id, "kind": e.kind,
             "principal_fen": e.principal_fen, "bonus_fen": e.bonus_fen, "reverses": e.reverses}
        )  # fmt: skip
    lot = t.points_lot.c
    for x in conn.execute(select(t.points_lot).where(lot.member_id.in_(ids)).order_by(lot.id)):
        users[x.txn_id].add(x.member_id)
        by[x.member_id]["lots"].append(
            {"lot_id": x.id, "txn_id": x.txn_id, "points": x.points, "earned_on": x.earned_on,
             "expires_on": x.expires_on, "source": x.source}
        )  # fmt: skip
    pe = t.points_entry.c
    for p in conn.execute(
        select(t.points_entry).where(pe.member_id.in_(ids)).order_by(pe.entry_id)
    ):
        users[p.txn_id].add(p.member_id)
        by[p.member_id]["points"].append(
            {"entry_id": p.entry_id, "lot_id": p.lot_id, "txn_id": p.txn_id, "kind": p.kind,
             "points": p.points, "reverses": p.reverses}
        )  # fmt: skip
    tx = t.txn.c
    wanted = sorted(i for i in users if i)
    seen: set[tuple[str, str]] = set()
    dated: dict[str, str] = {}  # txn id -> its business date (ISO)
    for part in [wanted[i : i + PAGE] for i in range(0, len(wanted), PAGE)] or [[]]:
        for x in conn.execute(
            select(t.txn).where(or_(tx.member_id.in_(ids), tx.id.in_(part))).order_by(tx.id)
        ):
            # A transaction goes with the member it names, or with a member whose rows use it.
            if x.business_date:
                dated[x.id] = x.business_date
            owners = ({x.member_id} if x.member_id in by else set()) | users.get(x.id, set())
            for owner in sorted(owners):
                if (owner, x.id) in seen:
                    continue
                seen.add((owner, x.id))
                by[owner]["txns"].append(
                    {"id": x.id, "type": x.type, "store_code": x.store_code,
                     "business_date": x.business_date, "created_at": _iso(x.created_at)}
                )  # fmt: skip
    out = []
    key: str | None = None
    for member_id in ids:
        row = rows.get(member_id)
        if row is None:
            continue
        data = {name: _iso(getattr(row, name)) for name in _MEMBER_FIELDS}
        data["field_clocks"] = json.loads(row.field_clocks or "{}")
        if for_store is not None and row.store_code != for_store:
            key = key or redact.phone_key(conn)
            data = redact.member(data, key)
        parts = by[member_id]
        if since is not None:
            window(member_id, parts, since, dated)
        out.append(
            {"member": data, **{k: parts.get(k, []) for k in ("cards", "txns", "sv", "lots",
                                                             "points")}}
        )  # fmt: skip
        if since is not None:
            out[-1]["window"] = since.isoformat()
        cards = countcards.cards_of(conn, member_id)  # a member's count cards go with them
        if cards:
            out[-1]["countcards"] = cards
        flags = tags.of_member(conn, member_id)  # a member's manual tags go with them
        if flags:
            out[-1]["tags"] = flags
        held = coupons.coupons_of(conn, member_id)  # and their coupons
        if held:
            out[-1]["coupons"] = held
        opened = tickets.of_member(conn, member_id)  # and their service tickets
        if opened:
            out[-1]["tickets"] = opened
        entries = consent.of_member(conn, member_id)  # and their consent ledger
        if entries:
            out[-1]["consent"] = entries
    return out


def window(
    member_id: str,
    parts: dict[str, list[dict[str, Any]]],
    since: dt.date,
    dated: dict[str, str],
) -> None:
    """Keep the rows a counter keeps (:mod:`app.domain.window`): stored-value rows of
    transactions dated before ``since`` become one carried row; lots with nothing left whose
    rows are all before it go with their entries; transactions before it go unless a kept
    row names them (as :mod:`app.persistence.historystore` does at the counter)."""
    first = since.isoformat()

    def old(txn_id: str | None) -> bool:
        day = dated.get(txn_id or "")
        return day is not None and day < first

    sv = parts.get("sv", [])
    carried = [e for e in sv if old(e["txn_id"])]
    kept_sv = [e for e in sv if not old(e["txn_id"])]
    left: dict[str, int] = defaultdict(int)
    recent: set[str] = set()  # lots with a row in the window
    for e in parts.get("points", []):
        left[e["lot_id"]] += e["points"]
        if not old(e["txn_id"]):
            recent.add(e["lot_id"])
    lots = parts.get("lots", [])
    gone = {
        x["lot_id"]
        for x in lots
        if old(x["txn_id"]) and not left[x["lot_id"]] and x["lot_id"] not in recent
    }
    parts["lots"] = [x for x in lots if x["lot_id"] not in gone]
    parts["points"] = [e for e in parts.get("points", []) if e["lot_id"] not in gone]
    named = {e["txn_id"] for e in kept_sv}
    named |= {x["txn_id"] for x in parts["lots"]} | {e["txn_id"] for e in parts["points"]}
    parts["txns"] = [x for x in parts.get("txns", []) if not old(x["id"]) or x["id"] in named]
    if carried:
        txn_id, entry_id = carried_ids(member_id, since)
        parts["txns"].append(
            {"id": txn_id, "type": CARRIED, "store_code": None,
             "business_date": first, "created_at": window_start_at(since).isoformat()}
        )  # fmt: skip
        kept_sv.append(
            {"entry_id": entry_id, "txn_id": txn_id, "kind": CARRIED,
             "principal_fen": sum(e["principal_fen"] for e in carried),
             "bonus_fen": sum(e["bonus_fen"] for e in carried), "reverses": None}
        )  # fmt: skip
    parts["sv"] = kept_sv


def dumps(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_iso).encode()


def scope_ids(conn: Connection, store_code: str) -> list[str]:
    """The store's own members and those it holds, in id order."""
    own = select(t.member.c.id).where(t.member.c.store_code == store_code)
    held = select(t.holding.c.member_id).where(t.holding.c.store_code == store_code)
    return sorted(set(conn.scalars(own)) | set(conn.scalars(held)))


def _header(conn: Connection, store_code: str) -> dict[str, Any]:
    cursor, _restored = streams.watermark(conn, store_code)  # first read: the snapshot's moment
    rules = conn.scalar(select(t.rules.c.rules_json).where(t.rules.c.id == 1))
    version = conn.scalar(
        select(t.rules_history.c.version).order_by(t.rules_history.c.version.desc()).limit(1)
    )
    staff = [
        {"staff_no": s.staff_no, "name": s.name, "role": s.role, "pin_hash": s.pin_hash,
         "active": bool(s.active)}
        for s in conn.execute(select(t.staff).order_by(t.staff.c.staff_no))
    ]  # fmt: skip
    return {
        "snapshot": 1,
        "cursor": cursor,
        "rules": json.loads(rules) if rules else None,
        "rules_version": version,
        "staff": staff,
        "phone_key": redact.phone_key(conn),
        "catalogue": catalogue.snapshot(conn),
        "countcard_products": countcards.products_snapshot(conn),
        "tags": tags.definitions(conn),
        "coupon_templates": coupons.templates_snapshot(conn),
    }


def lines(engine: Engine, store_code: str, since: dt.date | None = None) -> Iterator[bytes]:
    """The store's scope as NDJSON lines (see the module doc), read in one transaction;
    ``since``: the history window's rows only."""
    options: dict[str, Any] = {"hq_readonly": True}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    with engine.connect().execution_options(**options) as conn, conn.begin():
        yield dumps(_header(conn, store_code)) + b"\n"
        ids = scope_ids(conn, store_code)
        for i in range(0, len(ids), PAGE):
            for member in members(conn, ids[i : i + PAGE], since, store_code):
                yield dumps(member) + b"\n"
        yield dumps({"end": True, "members": len(ids)}) + b"\n"
