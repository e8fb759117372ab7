"""Migrations 0015 (the catalogue) and 0019 (held carts) on a real SQLite file: up, down and
up again; the partial unique index keeps a barcode on one active item."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from app.persistence import migrate


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_0015_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) >= "0015"  # the head: 0015 or a later one
    catalogue = {"catalogue_category", "catalogue_item", "item_barcode", "item_search_key"}
    assert catalogue <= _tables(path)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO catalogue_item (id, code, name, initials, unit, price_fen, "
                     "member_prices, points_eligible, service, active, created_at, updated_at) "
                     "VALUES ('a', 'A', 'x', 'x', '件', 1, '{}', 1, 0, 1, '2026-01-01', "
                     "'2026-01-01')")  # fmt: skip
        conn.execute("INSERT INTO item_barcode (item_id, barcode, active) VALUES ('a', 'B1', 1)")
        conn.execute("INSERT INTO item_barcode (item_id, barcode, active) VALUES ('a', 'B1', 0)")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO item_barcode (item_id, barcode, active) VALUES ('a', 'B1', 1)"
            )
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
        conn.commit()
    assert not (catalogue & _tables(path))
    migrate.upgrade(engine)
    assert catalogue <= _tables(path)
    engine.dispose()


def test_0019_held_carts_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    assert "held_cart" in _tables(path)
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0018")
        conn.commit()
    assert "held_cart" not in _tables(path) and "count_card_entry" in _tables(path)
    migrate.upgrade(engine)
    assert "held_cart" in _tables(path)
    engine.dispose()
