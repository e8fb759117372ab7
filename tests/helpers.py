"""Assertions shared by the service tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from app.domain.errors import CounterError
from app.services.context import CounterContext

Snapshot = Callable[[], dict[str, list[tuple]]]


def refused(snapshot: Snapshot, code: str, fn: Callable[..., Any], *args: Any, **kw: Any):
    """Call ``fn``; it must raise a CounterError with ``code`` and leave every table unchanged."""
    before = snapshot()
    with pytest.raises(CounterError) as exc:
        fn(*args, **kw)
    assert exc.value.code == code, exc.value.code
    assert snapshot() == before
    return exc.value


def query(ctx: CounterContext, sql: str, *params: Any) -> list[tuple]:
    conn = sqlite3.connect(str(ctx.db.path))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
