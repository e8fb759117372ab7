"""Migration 0017 (sale lines) on a real SQLite file: up, down and up again; one line number
per sale."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from app.persistence import migrate

SALE = {"txn_cart", "txn_line"}


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _line(conn: sqlite3.Connection, line_no: int) -> None:
    conn.execute(
        "INSERT INTO txn_line (txn_id, line_no, item_code, item_name, quantity, weighed, "
        "unit_price_fen, list_fen, member_basis, member_fen, changed_fen, order_discount_fen, "
        "round_off_fen, after_round_fen, points_used, points_value_fen, due_fen, points_earned, "
        "parts) VALUES ('t', ?, 'A', 'x', 1, 0, 100, 100, 'list', 100, 100, 0, 0, 100, 0, 0, "
        "100, 1, '{\"cash\": 100}')",
        (line_no,),
    )


def test_0017_sale_lines_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    assert _tables(path) >= SALE
    with sqlite3.connect(path) as conn:
        _line(conn, 0)
        _line(conn, 1)
        with pytest.raises(sqlite3.IntegrityError):
            _line(conn, 1)
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0016")
        conn.commit()
    assert not (SALE & _tables(path)) and "txn_tender" in _tables(path)
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0017")
        conn.commit()
    assert _tables(path) >= SALE and "held_cart" not in _tables(path)
    migrate.upgrade(engine)
    assert SALE | {"held_cart"} <= _tables(path)
    engine.dispose()


def _refund(conn: sqlite3.Connection, txn_id: str, note: str | None, kind: str = "refund") -> None:
    conn.execute(
        "INSERT INTO txn (id, kind, created_at, business_date, original_txn_id, note, "
        "amount_fen, discount_fen, points_used, points_value_fen, due_fen, bonus_fen, "
        "points_earned, points_shortfall) "
        "VALUES (?, ?, '2026-03-15 10:00:00', '2026-03-15', 'sale', ?, 0, 0, 0, 0, 0, 0, 0, 0)",
        (txn_id, kind, note),
    )


def test_0020_partial_refunds_up_down_up(tmp_path: Path) -> None:
    """A sale may have several partial refunds (a refund with its reason); a whole refund or
    a top-up refund stays one per original, before and after."""
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    assert "txn_refund_line" in _tables(path)
    with sqlite3.connect(path) as conn:
        _refund(conn, "r1", "质量问题")
        _refund(conn, "r2", "其他")  # a second partial refund of the same sale
        _refund(conn, "r3", None)  # a whole refund
        with pytest.raises(sqlite3.IntegrityError):
            _refund(conn, "r4", None)
        conn.execute("DELETE FROM txn")
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0019")
        conn.commit()
    assert "txn_refund_line" not in _tables(path) and "held_cart" in _tables(path)
    with sqlite3.connect(path) as conn:
        _refund(conn, "r1", "质量问题")
        with pytest.raises(sqlite3.IntegrityError):  # the old rule: once
            _refund(conn, "r2", "其他")
        conn.execute("DELETE FROM txn")
    migrate.upgrade(engine)
    assert "txn_refund_line" in _tables(path)
    engine.dispose()
