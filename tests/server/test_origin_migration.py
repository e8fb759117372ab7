"""h0009: HQ's members imported before it get the notes, registration time and home store
their ``member.imported`` events said (SQLite and PostgreSQL); other members get nothing."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from app.domain.ids import uuid7
from server import admin
from server import tables as t
from server.db import make_engine, open_database
from server.device_secrets import Keyring
from tests.hqkit import Database
from tests.server.test_streams_migration import migrate_to


def test_members_imported_before_get_what_their_events_said(hq_db: Database) -> None:
    engine = make_engine(hq_db.url)
    migrate_to(engine, "h0008")
    said, bare, registered = uuid7(), uuid7(), uuid7()
    events = [
        ("member.imported", {"member": {"member_id": said}, "notes": "常客\n爱喝茶",
                             "registered_at": "2020-01-02T09:30:00", "home_store": "老店"}),
        ("member.imported", {"member": {"member_id": bare}}),
        ("member.registered", {"member": {"member_id": registered}, "notes": "not an import"}),
    ]  # fmt: skip
    now = admin.utcnow()
    with engine.begin() as conn:
        for member in (said, bare, registered):
            conn.execute(
                text(
                    "INSERT INTO hq_member (id, store_code, name, phone, status, tier_code, "
                    "tier_overridden, cumulative_spend_fen, principal_fen, bonus_fen, points, "
                    "field_clocks, created_at, updated_at) VALUES (:id, 'S001', '甲', "
                    "'13900000001', 'active', 'normal', false, 0, 0, 0, 0, '{}', :at, :at)"
                ),
                {"id": member, "at": now},
            )
        for seq, (kind, payload) in enumerate(events, 1):
            conn.execute(
                text(
                    "INSERT INTO hq_event (event_id, device_id, device_seq, type, payload, "
                    "payload_hash, created_at, applied_at) VALUES (:id, 'dev-a', :seq, :type, "
                    ":payload, 'h', :at, :at)"
                ),
                {"id": uuid7(), "seq": seq, "type": kind, "payload": json.dumps(payload),
                 "at": now},
            )  # fmt: skip
    engine.dispose()

    engine = open_database(hq_db.url, Keyring.generate())
    m = t.member.c
    with engine.connect() as conn:
        rows = {
            r.id: (r.notes, r.registered_at, r.home_store)
            for r in conn.execute(select(m.id, m.notes, m.registered_at, m.home_store))
        }
    engine.dispose()
    assert rows == {
        said: ("常客\n爱喝茶", "2020-01-02T09:30:00", "老店"),
        bare: (None, None, None),
        registered: (None, None, None),
    }
