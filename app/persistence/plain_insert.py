"""Plain INSERTs of append-only rows, compiled once per (table, columns) and sent as the
driver's own statement: a sale writes some ten of them (fifty lines in one), and compiling,
binding and result handling per statement cost more than SQLite's work (docs/benchmarks.md,
bench_sale).

The values go through the column types' own bind processors, so what is stored is what a
Core ``insert(table)`` stores; a table with a Python-side default or a column the statement
would have to compute falls back to the Core insert (:func:`prepared` returns None).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert

_Processor = Callable[[Any], Any]
# (SQL, the row's values in parameter order, (position, bind processor) where one applies)
_Plan = tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]], tuple[tuple[int, _Processor], ...]]
_PREPARED: dict[tuple[str, tuple[str, ...]], _Plan | None] = {}


def prepared(conn: Connection, table: Table, columns: tuple[str, ...]) -> _Plan | None:
    """The plan of a plain INSERT of these columns of ``table``, or None when the Core
    insert would add anything of its own (a default, a computed column)."""
    key = (table.name, columns)
    if key in _PREPARED:
        return _PREPARED[key]
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(columns))
    names = tuple(compiled.positiontup or ())
    found: _Plan | None = None
    if names and sorted(names) == sorted(columns) and not compiled.postfetch:
        processors = compiled._bind_processors
        get = itemgetter(*names)
        values = get if len(names) > 1 else (lambda row: (get(row),))
        processed = tuple((i, processors[n]) for i, n in enumerate(names) if n in processors)
        found = (str(compiled), values, processed)
    _PREPARED[key] = found
    return found


def insert_rows(
    conn: Connection, table: Table, columns: tuple[str, ...], rows: Sequence[dict[str, Any]]
) -> None:
    """Insert ``rows`` (each with exactly ``columns``) in one statement (executemany)."""
    plan = prepared(conn, table, columns)
    if plan is None:
        conn.execute(insert(table), list(rows))
        return
    sql, values, processed = plan
    if processed:
        params = []
        for row in rows:
            bound = list(values(row))
            for i, process in processed:
                bound[i] = process(bound[i])
            params.append(tuple(bound))
    else:
        params = [values(row) for row in rows]
    conn.exec_driver_sql(sql, params if len(params) > 1 else params[0])
