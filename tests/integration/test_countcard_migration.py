"""Migrations 0018 and 0021 on a real SQLite file: up, down and up again; the count-card
ledger refuses updates and deletes; a product keeps the store that defined it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from app.persistence import migrate

TABLES = {"count_card_product", "member_count_card", "count_card_entry"}


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_0018_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("INSERT INTO count_card_entry (entry_id, card_id, kind, times, value_fen, "
                "offline, business_date, created_at) VALUES ('e', 'c', 'sold', '{}', 1, 0, "
                "'2026-01-01', '2026-01-01')")  # fmt: skip
    con.commit()
    for sql in ("UPDATE count_card_entry SET value_fen = 2", "DELETE FROM count_card_entry"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute(sql)
    con.close()
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0017")
        conn.commit()
    assert not (TABLES & _tables(path))
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES
    engine.dispose()


def test_0021_products_keep_the_store_that_defined_them(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0020")
        conn.commit()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO store (id, code, name, device_id, qr_key, timezone, rules_json, "
                "created_at) VALUES (1, 'S009', '九店', 'd', 'k', 'Asia/Shanghai', '{}', "
                "'2026-01-01')")  # fmt: skip
    con.execute("INSERT INTO count_card_product (code, name, items, price_fen, transferable, "
                "active, created_at, updated_at) VALUES ('W3', '洗车', '[]', 100, 0, 1, "
                "'2026-01-01', '2026-01-01')")  # fmt: skip
    con.commit()
    con.close()
    migrate.upgrade(engine)
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT store_code FROM count_card_product").fetchall() == [("S009",)]
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0020")
        conn.commit()
    with sqlite3.connect(path) as con:
        columns = {r[1] for r in con.execute("PRAGMA table_info(count_card_product)")}
    assert "store_code" not in columns
    migrate.upgrade(engine)
    engine.dispose()
