"""Migration 0027 (the consent ledger) on a real SQLite file: up, down and up again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from app.persistence import migrate

TABLES = {"consent_entry"}


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_0027_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES | {"member_tag"}
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0026")
        conn.commit()
    assert not (TABLES & _tables(path))
    assert "member_tag" in _tables(path)  # 0025's tables stay
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES
    with sqlite3.connect(path) as conn:
        index = conn.execute("PRAGMA index_list(consent_entry)").fetchall()
        cols = {r[1] for r in conn.execute("PRAGMA table_info(consent_entry)")}
    assert "ix_consent_entry_member" in {row[1] for row in index}
    assert cols == {"id", "member_id", "purpose", "channel", "granted", "wording_version",
                    "at", "store_code", "staff_no", "source", "hlc"}  # fmt: skip
    engine.dispose()
