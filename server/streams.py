"""Per-store change streams: what each store's counters pull, numbered without one lock.

Every store has a stream (``hq_stream``) with its own sequence. A change about members goes
to the stream of each member's home store, to the streams of the stores that hold them
(``hq_holding``: they served the member and keep them) and to the stream of the store that
made it; a chain-wide change (rules, staff) goes to every stream. A counter pulls its own
store's stream only, so what it receives is proportional to its scope, not to the chain.

Numbers are taken with the stream row locked until COMMIT, so within a stream they commit
in order and the stream's value is a watermark that never passes an uncommitted change
(a PostgreSQL sequence would: its numbers are handed out before their rows commit). Two
stores pushing about their own members lock different rows and never wait for each other.
Several streams are locked in store-code order; the holders of a change's members are read
again after the home streams are locked, because :func:`hold` (an online fetch) takes the
home stream's lock before it adds a holder: a change either reaches the new holder or is
already in the member state the fetch returned (:func:`lock_with_holders` keeps the
store-code order then).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from app.domain.audit import canonical_json
from app.domain.events import effects
from app.domain.ids import uuid7
from server import redact
from server import tables as t

CHUNK = 500  # ids per IN (...) list
RELEASED = "member.released"  # HQ's change: a store no longer holds this member
RESOLVED = "quarantine.resolved"  # HQ's change: how HQ staff resolved a refused event


@dataclass(frozen=True)
class Outgoing:
    """A change to publish: ``kind`` "event", "rules" or "staff"; ``members`` the members an
    event concerns (empty for a chain-wide change); ``store_code`` the store that made it."""

    kind: str
    body: dict[str, Any]
    origin_device: str | None = None
    store_code: str | None = None
    members: tuple[str, ...] = field(default=())
    only: str | None = None  # for this store's stream alone (a holding released)
    # Members whose stores need it too without the maker holding them (a count card's
    # owner when another member's store used it before learning of its transfer).
    also: tuple[str, ...] = field(default=())
    # Stores whose streams need it whoever it concerns (the store that made a sale another
    # store refunded: its counters see what remains of the sale drop, a walk-in's too).
    stores: tuple[str, ...] = field(default=())

    @property
    def chain_wide(self) -> bool:
        return self.kind != "event"


def event_change(
    body: dict[str, Any], origin_device: str | None, store_code: str | None
) -> Outgoing:
    """The change of an applied event (its body: event_id, type, payload, store_code)."""
    eff = effects(body["type"], body["payload"])
    members = set(eff.member_ids) | set(eff.merged_into or ())
    return Outgoing("event", body, origin_device, store_code, tuple(sorted(members)))


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def homes(conn: Connection, member_ids: Iterable[str]) -> dict[str, str | None]:
    ids = sorted(set(member_ids))
    found: dict[str, str | None] = {}
    for part in _chunks(ids):
        found.update(
            conn.execute(
                select(t.member.c.id, t.member.c.store_code).where(t.member.c.id.in_(part))
            ).all()
        )
    return found


def holders(conn: Connection, member_ids: Iterable[str]) -> dict[str, set[str]]:
    ids = sorted(set(member_ids))
    held: dict[str, set[str]] = defaultdict(set)
    for part in _chunks(ids):
        for member_id, store_code in conn.execute(
            select(t.holding.c.member_id, t.holding.c.store_code).where(
                t.holding.c.member_id.in_(part)
            )
        ):
            held[member_id].add(store_code)
    return held


def all_streams(conn: Connection) -> list[str]:
    return list(conn.scalars(select(t.stream.c.store_code).order_by(t.stream.c.store_code)))


def lock(conn: Connection, stores: Iterable[str]) -> dict[str, int]:
    """Lock these streams (store-code order) until COMMIT; their current values."""
    wanted = sorted(set(stores))
    values: dict[str, int] = {}
    for part in _chunks(wanted):
        values.update(
            conn.execute(
                select(t.stream.c.store_code, t.stream.c.value)
                .where(t.stream.c.store_code.in_(part))
                .order_by(t.stream.c.store_code)
                .with_for_update()
            ).all()
        )
    return values


def _upsert(conn: Connection, table: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING on this database: a row a concurrent transaction
    inserted first is kept as it is."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    return upsert(table).on_conflict_do_nothing()


def ensure(conn: Connection, stores: Iterable[str]) -> None:
    """These stores' streams exist (made with the store; this covers a member whose home
    store HQ has no stream for): a change for them is never dropped. One read when they
    all do."""
    wanted = sorted({s for s in stores if s})
    have: set[str] = set()
    for part in _chunks(wanted):
        have.update(
            conn.scalars(select(t.stream.c.store_code).where(t.stream.c.store_code.in_(part)))
        )
    missing = [s for s in wanted if s not in have]
    if missing:
        conn.execute(
            _upsert(conn, t.stream), [{"store_code": s, "value": 0, "restored": 0} for s in missing]
        )


def _add_holdings(conn: Connection, pairs: set[tuple[str, str]], now: dt.datetime) -> None:
    """Insert holdings; one a concurrent transaction inserted first is kept as it is."""
    if not pairs:
        return
    conn.execute(
        _upsert(conn, t.holding),
        [{"store_code": s, "member_id": m, "since": now} for s, m in sorted(pairs)],
    )


class Relock(Exception):
    """:func:`publish` with ``fast=True`` found streams it cannot lock in store-code order
    from where it stands (a holder added in between that sorts before a stream it holds, or
    a stream row missing): the caller rolls its transaction back and runs it again with
    ``fast=False``."""


def homes_and_holders(
    conn: Connection, member_ids: Iterable[str]
) -> tuple[dict[str, str | None], dict[str, set[str]]]:
    """:func:`homes` and :func:`holders` in one read."""
    ids = sorted(set(member_ids))
    home: dict[str, str | None] = {}
    held: dict[str, set[str]] = defaultdict(set)
    m, h = t.member.c, t.holding.c
    for part in _chunks(ids):
        for member_id, home_store, holder in conn.execute(
            select(m.id, m.store_code, h.store_code)
            .select_from(t.member.outerjoin(t.holding, h.member_id == m.id))
            .where(m.id.in_(part))
        ):
            home[member_id] = home_store
            if holder is not None:
                held[member_id].add(holder)
    return home, held


def lock_with_holders(
    conn: Connection, wanted: set[str], member_ids: set[str]
) -> tuple[dict[str, int], dict[str, set[str]]]:
    """Lock ``wanted`` and the streams of every holder of ``member_ids``, all in store-code
    order, and return their values and the holders as read under those locks. Holders are
    read first, then again once the home streams are locked (a fetch adds a holder under
    its home stream's lock): one added in between is locked after a rollback to a savepoint
    (which releases the locks taken since) so that the order always holds."""
    held = holders(conn, member_ids)
    wanted = set(wanted) | {s for stores in held.values() for s in stores}
    ensure(conn, wanted)
    for _attempt in range(3):
        savepoint = conn.begin_nested()
        locked = lock(conn, wanted)
        held = holders(conn, member_ids)
        late = {s for stores in held.values() for s in stores} - set(locked)
        if not late:
            savepoint.commit()
            return locked, held
        savepoint.rollback()
        wanted |= late
        ensure(conn, late)
    locked = lock(conn, wanted)  # holders still moving: take them as they are now
    held = holders(conn, member_ids)
    locked.update(lock(conn, {s for stores in held.values() for s in stores} - set(locked)))
    return locked, held


def lock_fast(
    conn: Connection, wanted: set[str], member_ids: set[str], held: dict[str, set[str]]
) -> tuple[dict[str, int], dict[str, set[str]]]:
    """:func:`lock_with_holders` without its savepoint and stream check, for a transaction
    that can start again (raises :class:`Relock`): ``held`` as read before any lock; the
    holders are read again under the locks, and one added in between is locked at once
    when it sorts after every stream held (the order still holds), else :class:`Relock`."""
    wanted = set(wanted) | {s for stores in held.values() for s in stores}
    locked = lock(conn, wanted)
    if len(locked) != len(wanted):
        raise Relock  # a stream row to make first (ensure), before any lock
    if not member_ids:
        return locked, held
    held = holders(conn, member_ids)
    late = {s for stores in held.values() for s in stores} - set(locked)
    if late:
        if min(late) <= max(locked):
            raise Relock
        more = lock(conn, late)
        if len(more) != len(late):
            raise Relock
        locked.update(more)
    return locked, held


def publish(
    conn: Connection, changes: Sequence[Outgoing], now: dt.datetime, *, fast: bool = False
) -> None:
    """Number and store ``changes`` (in this order) in every stream that needs them. A store
    that made a change about another store's member holds that member from now on.
    ``fast``: fewer reads, no savepoint, and :class:`Relock` in the rare case that needs
    them (the caller starts its transaction again without ``fast``)."""
    if not changes:
        return
    member_ids = {m for c in changes for m in (*c.members, *c.also)}
    if fast:
        home, held = homes_and_holders(conn, member_ids)
    else:
        home = homes(conn, member_ids)
    everyone = all_streams(conn) if any(c.chain_wide for c in changes) else []
    wanted = set(everyone) | {h for h in home.values() if h}
    wanted |= {c.store_code for c in changes if c.store_code}
    wanted |= {c.only for c in changes if c.only}
    wanted |= {x for c in changes for x in c.stores}
    if fast:
        locked, held = lock_fast(conn, wanted, member_ids, held)
    else:
        locked, held = lock_with_holders(conn, wanted, member_ids)
    new_holdings: set[tuple[str, str]] = set()
    served: set[tuple[str, str]] = set()  # holdings served again: kept from now on
    for c in changes:
        if c.store_code and c.kind == "event":
            for m in c.members:
                if home.get(m) in (None, c.store_code):
                    continue
                if c.store_code in held[m]:
                    served.add((c.store_code, m))
                else:
                    new_holdings.add((c.store_code, m))
                    held[m].add(c.store_code)
    rows: list[dict[str, Any]] = []
    next_seq = dict(locked)
    key: str | None = None  # the phone key, read once a change needs it
    for c in changes:
        if c.chain_wide:
            targets = set(everyone)
        elif c.only:
            targets = {c.only}
        else:
            targets = {home[m] for m in (*c.members, *c.also) if home.get(m)}
            targets |= {s for m in (*c.members, *c.also) for s in held[m]}
            if c.store_code:
                targets.add(c.store_code)
            targets |= set(c.stores)
        body = canonical_json(c.body)
        # A registration or a password change goes to the other stores' streams without the
        # number and the verifier (server.redact); the home stream's row keeps them.
        owner = redact.member_of(c.body) if c.kind == "event" and redact.needed(c.body) else None
        redacted: str | None = None
        for store_code in sorted(targets):
            text = body
            if owner is not None and store_code != home.get(owner):
                if redacted is None:
                    key = key or redact.phone_key(conn)
                    redacted = canonical_json(redact.event(c.body, key))
                text = redacted
            next_seq[store_code] += 1
            rows.append(
                {
                    "store_code": store_code,
                    "server_seq": next_seq[store_code],
                    "kind": c.kind,
                    "origin_device": c.origin_device,
                    "body": text,
                    "created_at": now,
                }
            )
    for store_code, value in next_seq.items():
        if value != locked[store_code]:
            conn.execute(
                update(t.stream).where(t.stream.c.store_code == store_code).values(value=value)
            )
    if rows:
        conn.execute(insert(t.change), rows)
    _add_holdings(conn, new_holdings, now)
    for store_code, member_id in sorted(served):
        conn.execute(
            update(t.holding)
            .where(t.holding.c.store_code == store_code, t.holding.c.member_id == member_id)
            .values(since=now)
        )


def hold(conn: Connection, store_code: str, member_id: str, now: dt.datetime) -> bool:
    """``store_code`` holds ``member_id`` from now on (an online fetch); False when HQ has no
    such member. Takes the home stream's lock first (see the module doc); the caller reads
    the member's state after this, in the same transaction."""
    home = homes(conn, [member_id])
    if member_id not in home:
        return False
    home_store = home[member_id]
    # The home stream (which every change about the member takes); a member without a home
    # store: the fetching store's own, which every change it will receive takes.
    ensure(conn, [home_store or store_code])
    lock(conn, [home_store or store_code])
    if home_store == store_code:
        return True
    if store_code in holders(conn, [member_id])[member_id]:
        conn.execute(
            update(t.holding)
            .where(t.holding.c.store_code == store_code, t.holding.c.member_id == member_id)
            .values(since=now)
        )
    else:
        _add_holdings(conn, {(store_code, member_id)}, now)
    return True


def release_stale(conn: Connection, before: dt.datetime, now: dt.datetime) -> int:
    """Stores stop holding the other stores' members they have not served (fetched or made a
    change about) since ``before``: each such store's stream gets a ``released`` change, after
    which its counters serve that member only after an online lookup again."""
    stale = conn.execute(
        select(t.holding.c.store_code, t.holding.c.member_id).where(t.holding.c.since < before)
    ).all()
    if not stale:
        return 0
    for store_code, member_id in stale:
        conn.execute(
            delete(t.holding).where(
                t.holding.c.store_code == store_code, t.holding.c.member_id == member_id
            )
        )
    # An event any counter release can read (one before this meets no effects in it).
    publish(
        conn,
        [
            Outgoing("event", {"event_id": uuid7(), "type": RELEASED, "store_code": None,
                               "payload": {"member_id": m}}, only=s)
            for s, m in stale
        ],
        now,
    )  # fmt: skip
    return len(stale)


def add_holders(conn: Connection, member_id: str, stores: Iterable[str], now: dt.datetime) -> None:
    """These stores hold ``member_id`` too (e.g. the stores of a member merged into it).
    Under the member's home stream lock, like :func:`hold`."""
    home = homes(conn, [member_id]).get(member_id)
    if home:
        lock(conn, [home])
    have = holders(conn, [member_id])[member_id]
    _add_holdings(conn, {(s, member_id) for s in stores if s and s != home and s not in have}, now)


def watermark(conn: Connection, store_code: str) -> tuple[int, int]:
    """(value, restored) of the store's stream: committed changes only."""
    row = conn.execute(
        select(t.stream.c.value, t.stream.c.restored).where(t.stream.c.store_code == store_code)
    ).first()
    return (int(row.value), int(row.restored)) if row else (0, 0)
