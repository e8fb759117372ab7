"""Migration 0026 (service tickets) on a real SQLite file: up, down and up again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from app.persistence import migrate

TABLES = {"ticket", "ticket_entry"}


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_0026_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0025")
        conn.commit()
    tables = _tables(path)
    assert not (TABLES & tables)
    assert {"tag_def", "member_tag"} <= tables  # the migration before it stays
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES
    with sqlite3.connect(path) as conn:
        index = {row[1] for row in conn.execute("PRAGMA index_list(ticket)").fetchall()}
        entry_index = {row[1] for row in conn.execute("PRAGMA index_list(ticket_entry)")}
    assert {"ix_ticket_member_id", "ix_ticket_status", "ix_ticket_store_code"} <= index
    assert "ix_ticket_entry_ticket_id" in entry_index
    engine.dispose()
