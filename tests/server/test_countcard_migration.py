"""HQ migration h0013 on SQLite and PostgreSQL: up, down to h0011 and up again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from app.persistence.migrate import MIGRATION_LOCK
from server.db import _config, make_engine
from tests.hqkit import Database

TABLES = {"hq_countcard_product", "hq_countcard", "hq_countcard_entry"}


def _move(engine, how: str, revision: str) -> None:
    cfg = _config()
    with MIGRATION_LOCK, engine.connect() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, how)(cfg, revision)
        conn.commit()


def test_h0013_up_down_up(hq_db: Database) -> None:
    engine = make_engine(hq_db.url)
    _move(engine, "upgrade", "h0013")
    assert set(inspect(engine).get_table_names()) >= TABLES
    _move(engine, "downgrade", "h0012")
    assert not (TABLES & set(inspect(engine).get_table_names()))
    _move(engine, "upgrade", "h0013")
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
