"""HQ migration h0017 (member tags) on SQLite and PostgreSQL: up, down and up again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from app.persistence.migrate import MIGRATION_LOCK
from server.db import _config, make_engine
from tests.hqkit import Database


def _move(engine: Engine, how: str, revision: str) -> None:
    cfg = _config()
    with MIGRATION_LOCK, engine.connect() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, how)(cfg, revision)
        conn.commit()


def test_h0017_up_down_up(hq_db: Database) -> None:
    engine = make_engine(hq_db.url)
    _move(engine, "upgrade", "h0017")
    assert {"hq_tag", "hq_member_tag"} <= set(inspect(engine).get_table_names())
    _move(engine, "downgrade", "h0016")
    assert not {"hq_tag", "hq_member_tag"} & set(inspect(engine).get_table_names())
    _move(engine, "upgrade", "h0017")
    assert {"hq_tag", "hq_member_tag"} <= set(inspect(engine).get_table_names())
    engine.dispose()
