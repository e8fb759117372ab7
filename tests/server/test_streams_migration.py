"""h0006: an HQ whose counters pulled one global stream is renumbered into per-store streams,
each change where it would go today, and starts a new epoch (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import select, text

from app.domain.ids import uuid7
from app.persistence.migrate import MIGRATION_LOCK
from server import admin, streams
from server import tables as t
from server.db import _config, make_engine, open_database
from server.device_secrets import Keyring
from tests.hqkit import Database


def registration(member_id: str, store: str) -> dict:
    return {"event_id": uuid7(), "type": "member.registered", "store_code": store,
            "payload": {"txn_id": uuid7(), "member": {"member_id": member_id, "name": "甲",
                                                       "phone": "13900000001"}}}  # fmt: skip


def topup(member_id: str, store: str) -> dict:
    payload = {"txn_id": uuid7(), "member_id": member_id,
               "sv_entries": [{"entry_id": uuid7(), "kind": "topup", "principal_fen": 100,
                               "bonus_fen": 0}]}  # fmt: skip
    return {"event_id": uuid7(), "type": "stored_value.topped_up", "store_code": store,
            "payload": payload}  # fmt: skip


def migrate_to(engine, revision: str) -> None:
    cfg = _config()
    with MIGRATION_LOCK, engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def test_the_global_stream_is_renumbered_into_store_streams(hq_db: Database) -> None:
    engine = make_engine(hq_db.url)
    migrate_to(engine, "h0005")
    m1, m2 = uuid7(), uuid7()
    changes = [
        ("event", "dev-a", registration(m1, "S001")),
        ("rules", None, {"rules": {}, "version": 1}),
        ("event", "dev-b", registration(m2, "S002")),
        ("event", "dev-b", topup(m1, "S002")),  # S002 served S001's member: holds them
        ("event", "dev-a", topup(m1, "S001")),  # which then reaches S002 too
    ]
    now = admin.utcnow()
    with engine.begin() as conn:
        for code in ("S001", "S002", "S003"):
            conn.execute(
                text("INSERT INTO hq_store (code, name, created_at) VALUES (:c, :c, :at)"),
                {"c": code, "at": now},
            )
        for member, store in ((m1, "S001"), (m2, "S002")):
            conn.execute(
                text(
                    "INSERT INTO hq_member (id, store_code, name, phone, status, tier_code, "
                    "tier_overridden, cumulative_spend_fen, principal_fen, bonus_fen, points, "
                    "field_clocks, created_at, updated_at) VALUES (:id, :s, '甲', '13900000001',"
                    " 'active', 'normal', false, 0, 0, 0, 0, '{}', :at, :at)"
                ),
                {"id": member, "s": store, "at": now},
            )
        for seq, (kind, origin, body) in enumerate(changes, 1):
            conn.execute(
                text(
                    "INSERT INTO hq_change (server_seq, kind, origin_device, body, created_at) "
                    "VALUES (:seq, :kind, :origin, :body, :at)"
                ),
                {"seq": seq, "kind": kind, "origin": origin, "body": json.dumps(body),
                 "at": now},
            )  # fmt: skip
        conn.execute(text("UPDATE hq_counter SET value = 5 WHERE name = 'server_seq'"))
        old_epoch = conn.scalar(text("SELECT value FROM hq_counter WHERE name = 'epoch'"))
    engine.dispose()

    engine = open_database(hq_db.url, Keyring.generate())
    with engine.connect() as conn:

        def stream(code: str) -> list[tuple[int, str, str | None]]:
            rows = conn.execute(
                select(t.change.c.server_seq, t.change.c.body, t.change.c.origin_device)
                .where(t.change.c.store_code == code)
                .order_by(t.change.c.server_seq)
            ).all()
            return [(r.server_seq, json.loads(r.body).get("event_id", "rules"), r.origin_device)
                    for r in rows]  # fmt: skip

        ids = [body.get("event_id", "rules") for _kind, _origin, body in changes]
        assert stream("S001") == [(1, ids[0], "dev-a"), (2, ids[1], None), (3, ids[3], "dev-b"),
                                  (4, ids[4], "dev-a")]  # fmt: skip
        assert stream("S002") == [(1, ids[1], None), (2, ids[2], "dev-b"), (3, ids[3], "dev-b"),
                                  (4, ids[4], "dev-a")]  # fmt: skip
        assert stream("S003") == [(1, ids[1], None)]
        assert [
            tuple(r) for r in conn.execute(select(t.holding.c.store_code, t.holding.c.member_id))
        ] == [("S002", m1)]
        assert {code: streams.watermark(conn, code) for code in ("S001", "S002", "S003")} == {
            "S001": (4, 0), "S002": (4, 0), "S003": (1, 0)}  # fmt: skip
        epoch = conn.scalar(text("SELECT value FROM hq_counter WHERE name = 'epoch'"))
    assert epoch != old_epoch  # counters pull their own stream again, from its start

    # Back down: one global stream again, each change once, in the order HQ stored them.
    cfg = _config()
    with MIGRATION_LOCK, engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "h0005")
        conn.commit()
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT server_seq, body FROM hq_change ORDER BY server_seq"))
        assert [(seq, json.loads(body).get("event_id", "rules")) for seq, body in rows] == list(
            enumerate(ids, 1)
        )
    engine.dispose()
