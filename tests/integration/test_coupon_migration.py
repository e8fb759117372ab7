"""Migration 0023 on a real SQLite file: up, down and up again; the coupon ledger refuses
updates and deletes; the sale lines written before it carry no coupon."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from app.persistence import migrate

TABLES = {"coupon_template", "coupon", "coupon_entry"}


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def test_0023_up_down_up_and_the_ledger_is_append_only(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES
    assert "coupon_fen" in _columns(path, "txn_line")
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("INSERT INTO coupon_entry (entry_id, coupon_id, kind, discount_fen, offline, "
                "business_date, created_at) VALUES ('e', 'c', 'issued', 0, 0, '2026-01-01', "
                "'2026-01-01')")  # fmt: skip
    con.commit()
    for sql in ("UPDATE coupon_entry SET kind = 'redeemed'", "DELETE FROM coupon_entry"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute(sql)
    con.close()
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0021")
        conn.commit()
    assert not (TABLES & _tables(path))
    assert "coupon_fen" not in _columns(path, "txn_line")
    migrate.upgrade(engine)
    assert _tables(path) >= TABLES
    engine.dispose()


def test_sale_lines_from_before_0023_carry_no_coupon(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0021")
        conn.commit()
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("INSERT INTO txn_line (txn_id, line_no, item_code, item_name, quantity, weighed, "
                "unit_price_fen, list_fen, member_basis, member_fen, changed_fen, "
                "order_discount_fen, round_off_fen, after_round_fen, points_used, "
                "points_value_fen, due_fen, points_earned, parts) VALUES ('t', 0, 'A', 'a', 1, "
                "0, 100, 100, 'list', 100, 100, 0, 0, 100, 0, 0, 100, 0, '{}')")  # fmt: skip
    con.commit()
    con.close()
    migrate.upgrade(engine)
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT coupon_fen, due_fen FROM txn_line").fetchall() == [(0, 100)]
    engine.dispose()


def test_0024_up_down_up_and_a_cause_issues_once(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    assert "issue_rule" in _columns(path, "coupon_template")
    assert "issue_key" in _columns(path, "coupon")
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=OFF")
    insert = ("INSERT INTO coupon (id, code, template_id, member_id, issued_at, valid_from, "
              "valid_until, issue_key) VALUES (?, ?, 't', 'm', '2026-01-01', '2026-01-01', "
              "'2026-01-31', ?)")  # fmt: skip
    con.execute(insert, ("a", "A", None))
    con.execute(insert, ("b", "B", None))  # by hand: as many as the limit says
    con.execute(insert, ("c", "C", "birthday:2026"))
    con.commit()
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        con.execute(insert, ("d", "D", "birthday:2026"))
    con.close()
    cfg = migrate._config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0023")
        conn.commit()
    assert "issue_key" not in _columns(path, "coupon")
    assert "issue_rule" not in _columns(path, "coupon_template")
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM coupon").fetchone() == (3,)
    migrate.upgrade(engine)
    assert "issue_key" in _columns(path, "coupon")
    engine.dispose()
