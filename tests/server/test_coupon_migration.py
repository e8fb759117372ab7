"""HQ migration h0016 on SQLite and PostgreSQL: up, down to h0015 and up again; the
metadata's coupon tables are the migration's."""

from __future__ import annotations

from sqlalchemy import inspect

from server import coupon_tables as ct
from server.db import make_engine
from tests.hqkit import Database
from tests.server.test_countcard_migration import _move

TABLES = {"hq_coupon_template", "hq_coupon", "hq_coupon_entry"}


def test_h0016_up_down_up(hq_db: Database) -> None:
    engine = make_engine(hq_db.url)
    _move(engine, "upgrade", "h0016")
    assert set(inspect(engine).get_table_names()) >= TABLES
    for table in (ct.coupon_template, ct.coupon, ct.coupon_entry):
        held = {c["name"] for c in inspect(engine).get_columns(table.name)}
        assert held == {c.name for c in table.columns}, table.name
    _move(engine, "downgrade", "h0015")
    assert not (TABLES & set(inspect(engine).get_table_names()))
    _move(engine, "upgrade", "h0016")
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()
