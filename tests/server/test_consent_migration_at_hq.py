"""HQ migration h0019 (the consent ledger) on SQLite and PostgreSQL: up, down and up again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from app.persistence.migrate import MIGRATION_LOCK
from server.db import _config, make_engine
from tests.hqkit import Database

TABLE = "hq_consent_entry"


def _move(engine: Engine, how: str, revision: str) -> None:
    cfg = _config()
    with MIGRATION_LOCK, engine.connect() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, how)(cfg, revision)
        conn.commit()


def test_h0019_up_down_up(hq_db: Database) -> None:
    engine = make_engine(hq_db.url)
    _move(engine, "upgrade", "h0019")
    assert TABLE in inspect(engine).get_table_names()
    cols = {c["name"] for c in inspect(engine).get_columns(TABLE)}
    assert {"entry_id", "member_id", "purpose", "channel", "granted", "wording_version", "at",
            "store_code", "staff_no", "source", "hlc"} <= cols  # fmt: skip
    assert "ix_hq_consent_entry_member" in {i["name"] for i in inspect(engine).get_indexes(TABLE)}
    _move(engine, "downgrade", "h0018")
    names = set(inspect(engine).get_table_names())
    assert TABLE not in names and "hq_member_tag" in names  # h0017's tables stay
    _move(engine, "upgrade", "h0019")
    assert TABLE in inspect(engine).get_table_names()
    engine.dispose()
