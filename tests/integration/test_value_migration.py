"""Migration 0029 (members' stages and RFM) on a real SQLite file: up, down and up again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from app.persistence import migrate

TABLES = {"member_value", "member_stage_entry", "rfm_edges"}


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_0029_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES | {"consent_entry"}
    cfg = migrate._config()
    below = ScriptDirectory.from_config(cfg).get_revision("0029").down_revision
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, str(below))
        conn.commit()
    assert not (TABLES & _tables(path))
    assert "consent_entry" in _tables(path)  # 0027's table stays
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES
    with sqlite3.connect(path) as conn:
        index = {r[1] for r in conn.execute("PRAGMA index_list(member_value)")}
        cols = {r[1] for r in conn.execute("PRAGMA table_info(member_value)")}
    assert "ix_member_value_stage" in index
    assert cols == {"member_id", "stage", "stage_since", "last_visit", "visits_12m",
                    "spend_12m_fen", "r", "f", "m", "month", "computed_on"}  # fmt: skip
    engine.dispose()
