"""per-store change streams (hq_stream, hq_stream_change), the members each store holds
(hq_holding); the one global stream (hq_change) renumbered into them

Each old change goes to the streams it would go to today (server.streams): a chain-wide one
(rules, staff) to every store, one about members to their home stores and to the store that
made it, which from then on holds those of them that belong to another store. Every stream
starts a new epoch from 0: a counter pulls its own stream again from the start, which
applying idempotently makes harmless, and a counter of this release first joins from a
snapshot of its scope.

Revision ID: h0006
Revises: h0005
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.domain.events import effects

revision = "h0006"
down_revision = "h0005"
branch_labels = None
depends_on = None

_old = sa.table(
    "hq_change",
    sa.column("server_seq", sa.BigInteger),
    sa.column("kind", sa.String),
    sa.column("origin_device", sa.String),
    sa.column("body", sa.Text),
    sa.column("created_at", sa.DateTime),
)
_counter = sa.table("hq_counter", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
_store = sa.table("hq_store", sa.column("code", sa.String))
_member = sa.table("hq_member", sa.column("id", sa.String), sa.column("store_code", sa.String))


def _members(body: dict[str, Any]) -> set[str]:
    eff = effects(body["type"], body["payload"])
    ids = set(eff.member_ids)
    if eff.merged_into:
        ids.update(eff.merged_into)
    return ids


def upgrade() -> None:
    op.create_table(
        "hq_stream",
        sa.Column("store_code", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("restored", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("store_code"),
    )
    op.create_table(
        "hq_holding",
        sa.Column("store_code", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("store_code", "member_id"),
    )
    op.create_index("ix_hq_holding_member", "hq_holding", ["member_id"])
    stream_change = op.create_table(
        "hq_stream_change",
        sa.Column("store_code", sa.String(length=32), nullable=False),
        sa.Column("server_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("origin_device", sa.String(length=36), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("store_code", "server_seq"),
    )
    op.create_index("ix_hq_member_store", "hq_member", ["store_code"])
    conn = op.get_bind()
    stores = sorted(conn.scalars(sa.select(_store.c.code)))
    home: dict[str, str | None] = dict(
        conn.execute(sa.select(_member.c.id, _member.c.store_code)).all()
    )
    held: dict[str, set[str]] = defaultdict(set)
    # A stream for every store a member or a device names too, so no change is dropped.
    named = {h for h in home.values() if h}
    named |= set(
        conn.scalars(sa.select(sa.column("store_code")).select_from(sa.table("hq_device")))
    )
    seq = dict.fromkeys(sorted(set(stores) | named), 0)
    rows: list[dict[str, Any]] = []
    holdings: set[tuple[str, str]] = set()
    for old in conn.execute(sa.select(_old).order_by(_old.c.server_seq)):
        body = json.loads(old.body)
        if old.kind != "event":
            targets = set(seq)
        else:
            maker = body.get("store_code")
            members = _members(body)
            targets = {h for m in members if (h := home.get(m))}
            targets |= {s for m in members for s in held[m]}
            if maker:
                seq.setdefault(maker, 0)
                targets.add(maker)
                for m in members:
                    if home.get(m) not in (None, maker):
                        held[m].add(maker)
                        holdings.add((maker, m))
        for store_code in sorted(targets & seq.keys()):
            seq[store_code] += 1
            rows.append(
                {
                    "store_code": store_code,
                    "server_seq": seq[store_code],
                    "kind": old.kind,
                    "origin_device": old.origin_device,
                    "body": old.body,
                    "created_at": old.created_at,
                }
            )
        if len(rows) >= 1000:
            op.bulk_insert(stream_change, rows)
            rows = []
    if rows:
        op.bulk_insert(stream_change, rows)
    stream = sa.table(
        "hq_stream",
        sa.column("store_code", sa.String),
        sa.column("value", sa.BigInteger),
        sa.column("restored", sa.BigInteger),
    )
    if seq:
        conn.execute(
            sa.insert(stream),
            [{"store_code": s, "value": v, "restored": 0} for s, v in seq.items()],
        )
    now = sa.func.now() if conn.dialect.name == "postgresql" else sa.func.current_timestamp()
    holding = sa.table(
        "hq_holding",
        sa.column("store_code", sa.String),
        sa.column("member_id", sa.String),
        sa.column("since", sa.DateTime),
    )
    if holdings:
        since = conn.scalar(sa.select(now))
        conn.execute(
            sa.insert(holding),
            [{"store_code": s, "member_id": m, "since": since} for s, m in sorted(holdings)],
        )
    # A new epoch, every stream restored at 0: counters pull their own stream from its start.
    conn.execute(
        sa.update(_counter)
        .where(_counter.c.name == "epoch")
        .values(value=secrets.randbits(62) or 1)
    )
    conn.execute(sa.update(_counter).where(_counter.c.name == "restored_seq").values(value=0))
    op.drop_table("hq_change")


def downgrade() -> None:
    """One global stream again: each change once (the first stream that has it), in the
    order HQ stored them; counters pull again from the start of a new epoch."""
    old = op.create_table(
        "hq_change",
        sa.Column("server_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("origin_device", sa.String(length=36), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("server_seq"),
    )
    conn = op.get_bind()
    sc = sa.table(
        "hq_stream_change",
        sa.column("store_code", sa.String),
        sa.column("server_seq", sa.BigInteger),
        sa.column("kind", sa.String),
        sa.column("origin_device", sa.String),
        sa.column("body", sa.Text),
        sa.column("created_at", sa.DateTime),
    )
    # Each stream keeps the global order of its changes: merge them so every stream's order
    # holds (a change shared by several streams goes once, when it heads all of them).
    queues: dict[str, list[Any]] = defaultdict(list)
    where: dict[str, set[str]] = defaultdict(set)  # body -> streams that hold it
    for r in conn.execute(sa.select(sc).order_by(sc.c.store_code, sc.c.server_seq)):
        queues[r.store_code].append(r)
        where[r.body].add(r.store_code)
    heads = dict.fromkeys(queues, 0)
    rows: list[dict[str, Any]] = []
    while True:
        ready = [
            queues[code][i]
            for code, i in heads.items()
            if i < len(queues[code])
            and all(
                heads[o] < len(queues[o]) and queues[o][heads[o]].body == queues[code][i].body
                for o in where[queues[code][i].body]
            )
        ]
        if not ready:  # (one body twice in a stream) take the oldest head where it heads
            ready = [queues[c][i] for c, i in heads.items() if i < len(queues[c])]
            if not ready:
                break
        r = min(ready, key=lambda x: (x.created_at, x.store_code))
        for o in where[r.body]:
            if heads[o] < len(queues[o]) and queues[o][heads[o]].body == r.body:
                heads[o] += 1
        rows.append(
            {"server_seq": len(rows) + 1, "kind": r.kind, "origin_device": r.origin_device,
             "body": r.body, "created_at": r.created_at}
        )  # fmt: skip
    if rows:
        op.bulk_insert(old, rows)
    conn.execute(sa.update(_counter).where(_counter.c.name == "server_seq").values(value=len(rows)))
    conn.execute(
        sa.update(_counter)
        .where(_counter.c.name == "epoch")
        .values(value=secrets.randbits(62) or 1)
    )
    conn.execute(sa.update(_counter).where(_counter.c.name == "restored_seq").values(value=0))
    op.drop_index("ix_hq_member_store", table_name="hq_member")
    op.drop_table("hq_stream_change")
    op.drop_index("ix_hq_holding_member", table_name="hq_holding")
    op.drop_table("hq_holding")
    op.drop_table("hq_stream")
