"""HQ migration h0014 on SQLite and PostgreSQL: up, down to h0013 and up again."""

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
