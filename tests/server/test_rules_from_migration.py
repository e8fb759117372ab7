"""HQ migrations h0014 and h0015 on SQLite and PostgreSQL: up, down and up again."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import Engine, inspect, text

from app.persistence.migrate import MIGRATION_LOCK
from server.db import _config, make_engine
from tests.hqkit import Database


def _move(engine: Engine, how: str, revision: str) -> None:
    cfg = _config()
    with MIGRATION_LOCK, engine.connect() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, how)(cfg, revision)
        conn.commit()


def _columns(engine: Engine) -> set[str]:
    inspect(engine).clear_cache()
    return {c["name"] for c in inspect(engine).get_columns("hq_device")}


def test_h0014_up_down_up(hq_db: Database) -> None:
    engine = make_engine(hq_db.url)
    _move(engine, "upgrade", "h0014")
    assert "hq_rules_from_seq" in _columns(engine)
    _move(engine, "downgrade", "h0013")
    assert "hq_rules_from_seq" not in _columns(engine)
    assert "last_seq" in _columns(engine)
    _move(engine, "upgrade", "h0014")
    assert "hq_rules_from_seq" in _columns(engine)
    engine.dispose()


def test_h0015_gives_enrolled_devices_their_pushed_events_as_history(hq_db: Database) -> None:
    """A device enrolled before HQ asked for the history: its head is its last pushed event,
    no declared list (NULL: not checked); down and up again."""
    engine = make_engine(hq_db.url)
    _move(engine, "upgrade", "h0014")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO hq_device (device_id, store_code, name, secret, enrolled_at,"
                " last_seq) VALUES ('d1', 'S001', 'c', 'x', :at, 42)"
            ),
            {"at": dt.datetime(2026, 12, 1)},
        )
    _move(engine, "upgrade", "h0015")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT history_head_seq, history_rules FROM hq_device")).one()
    assert tuple(row) == (42, None)
    _move(engine, "downgrade", "h0014")
    assert not {"history_head_seq", "history_rules"} & _columns(engine)
    _move(engine, "upgrade", "h0015")
    assert {"history_head_seq", "history_rules"} <= _columns(engine)
    engine.dispose()
