"""The push's fast path: publishing without a savepoint, and the rules a counter held found
through their own index. Each shortcut falls back to the careful way when it cannot hold."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select, text

from app.domain.ids import uuid7
from server import admin, streams
from server import tables as t
from server.db import open_database
from tests.hqkit import Database

NOW = dt.datetime(2026, 12, 1, 10, 0)


def member_row(member_id: str, store: str) -> dict:
    return {"id": member_id, "store_code": store, "name": "张三", "phone": "13800000001",
            "status": "active", "tier_code": "normal", "field_clocks": "{}",
            "created_at": NOW, "updated_at": NOW}  # fmt: skip


def change(member_id: str, store: str) -> streams.Outgoing:
    body = {"event_id": uuid7(), "type": "x", "payload": {}, "store_code": store}
    return streams.Outgoing("event", body, None, store, (member_id,))


@pytest.fixture
def chain(hq_db: Database):
    engine = open_database(hq_db.url)
    for code in ("S1", "S2", "S3"):
        admin.add_store(engine, code, f"门店{code}")
    yield engine
    engine.dispose()


def stream_of(engine, store: str) -> list[int]:
    with engine.connect() as conn:
        return list(
            conn.scalars(
                select(t.change.c.server_seq)
                .where(t.change.c.store_code == store)
                .order_by(t.change.c.server_seq)
            )
        )


def test_a_holder_added_after_the_read_that_sorts_last_is_locked_at_once(chain) -> None:
    m = uuid7()
    with chain.begin() as conn:
        conn.execute(insert(t.member).values(member_row(m, "S2")))
        conn.execute(insert(t.holding).values(store_code="S3", member_id=m, since=NOW))
        # Holders as read before any lock: none (S3 came in between).
        locked, held = streams.lock_fast(conn, {"S2"}, {m}, {})
        assert set(locked) == {"S2", "S3"} and held[m] == {"S3"}


def test_a_holder_added_after_the_read_that_sorts_first_starts_again(chain) -> None:
    m = uuid7()
    with chain.begin() as conn:
        conn.execute(insert(t.member).values(member_row(m, "S2")))
        conn.execute(insert(t.holding).values(store_code="S1", member_id=m, since=NOW))
        with pytest.raises(streams.Relock):
            streams.lock_fast(conn, {"S2"}, {m}, {})


def test_the_fast_publish_reaches_every_stream_or_starts_again_the_careful_way(chain) -> None:
    m = uuid7()
    with chain.begin() as conn:
        conn.execute(insert(t.member).values(member_row(m, "S2")))
        # A holder whose stream row does not exist yet (a store HQ made no stream for).
        conn.execute(insert(t.holding).values(store_code="S9", member_id=m, since=NOW))
    with pytest.raises(streams.Relock), chain.begin() as conn:
        streams.publish(conn, [change(m, "S2")], NOW, fast=True)
    assert stream_of(chain, "S2") == []  # rolled back: nothing numbered
    with chain.begin() as conn:
        streams.publish(conn, [change(m, "S2")], NOW)
    assert stream_of(chain, "S2") == [1] and stream_of(chain, "S9") == [1]
    with chain.begin() as conn:
        streams.publish(conn, [change(m, "S3")], NOW, fast=True)  # S3 serves m: a holder now
    assert stream_of(chain, "S2") == [1, 2] and stream_of(chain, "S9") == [1, 2]
    assert stream_of(chain, "S3") == [1]


@pytest.mark.parametrize("hq_db", ["sqlite"], indirect=True)  # PostgreSQL's plan: by size
def test_the_rules_a_counter_held_are_found_through_their_index(hq_db: Database) -> None:
    """Not by reading back through every event the counter sent since its last rules."""
    engine = open_database(hq_db.url)
    sql = (
        "EXPLAIN QUERY PLAN SELECT type, payload FROM hq_event WHERE device_id = 'd' "
        "AND device_seq < 9 AND type IN ('rules.changed', 'store.initialised') "
        "ORDER BY device_seq DESC LIMIT 1"
    )
    with engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.execute(text(sql)))
    engine.dispose()
    assert "ix_hq_event_rules" in plan, plan
