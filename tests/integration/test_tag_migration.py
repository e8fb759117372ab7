"""Migration 0025 (member tags) on a real SQLite file: up, down and up again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from app.persistence import migrate

TABLES = {"tag_def", "member_tag"}


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_0025_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0024")
        conn.commit()
    assert not (TABLES & _tables(path))
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES
    with sqlite3.connect(path) as conn:
        index = conn.execute("PRAGMA index_list(member_tag)").fetchall()
    assert "ix_member_tag_tag_code" in {row[1] for row in index}
    engine.dispose()
