"""HQ migration h0018 (service tickets) on SQLite and PostgreSQL: up, down and up again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from app.persistence.migrate import MIGRATION_LOCK
from server.db import _config, make_engine
from tests.hqkit import Database

TABLES = {"hq_ticket", "hq_ticket_entry"}


def _move(engine: Engine, how: str, revision: str) -> None:
    cfg = _config()
    with MIGRATION_LOCK, engine.connect() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, how)(cfg, revision)
        conn.commit()


def test_h0018_up_down_up(hq_db: Database) -> None:
    engine = make_engine(hq_db.url)
    _move(engine, "upgrade", "h0018")
    assert set(inspect(engine).get_table_names()) >= TABLES
    indexes = {i["name"] for i in inspect(engine).get_indexes("hq_ticket_entry")}
    assert "ix_hq_ticket_entry_ticket_id" in indexes
    _move(engine, "downgrade", "h0017")
    names = set(inspect(engine).get_table_names())
    assert not TABLES & names
    assert {"hq_tag", "hq_member_tag"} <= names  # the migration before it stays
    _move(engine, "upgrade", "h0018")
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
