"""An ORM object's INSERT or UPDATE as the session would write it, sent as one plain
statement: for the few rows of a sale that are not append-only (its txn, its member), whose
unit-of-work bookkeeping cost more than SQLite's work (docs/benchmarks.md, bench_sale)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, inspect, update
from sqlalchemy.orm import ColumnProperty, Session
from sqlalchemy.orm.base import NO_VALUE
from sqlalchemy.orm.exc import StaleDataError


def insert_values(row: Any) -> dict[str, Any]:
    """The column values the session's INSERT of a new ``row`` would carry: an attribute
    left unset or None takes its column's scalar default; a column with a server default
    is left to it. A Python-callable default is refused (it would be called per row)."""
    mapper = inspect(type(row))
    given = row.__dict__
    values: dict[str, Any] = {}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        value = given.get(prop.key)
        if value is None:
            default = column.default
            if default is not None:
                if not default.is_scalar:
                    raise ValueError(f"{column} has a computed default: add the row to the session")
                value = default.arg
            elif column.server_default is not None:
                continue
        values[column.key] = value
    return values


_UPDATES: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[Any, ...]]] = {}


def _update_plan(
    session: Session, table: Table, columns: tuple[str, ...]
) -> tuple[str, tuple[Any, ...]]:
    """(SQL, (column or key, bind processor) in parameter order) of the UPDATE of these
    columns of ``table`` by its primary key, compiled once."""
    found = _UPDATES.get((table.name, columns))
    if found is None:
        keys = list(table.primary_key.columns)
        stmt = (
            update(table)
            .where(*[c == bindparam(f"pk_{c.key}") for c in keys])
            .values({c: bindparam(c) for c in columns})
        )
        compiled = stmt.compile(dialect=session.get_bind().dialect)
        processors = compiled._bind_processors
        order = tuple((n, processors.get(n)) for n in compiled.positiontup or ())
        found = _UPDATES[(table.name, columns)] = (str(compiled), order)
    return found


def update_changed(session: Session, row: Any) -> None:
    """Write the changed columns of ``row`` (persistent in ``session``) as one UPDATE by
    primary key and mark it unchanged; nothing is sent when nothing changed."""
    state = inspect(row)
    if not state.persistent or not state.committed_state:
        return
    mapper = state.mapper
    values: dict[str, Any] = {}
    for key, old in state.committed_state.items():
        prop = mapper.attrs[key]
        if not isinstance(prop, ColumnProperty):
            session.flush([row])  # not a plain column: let the session write it all
            return
        new = state.dict.get(key, NO_VALUE)
        if new is NO_VALUE:
            continue
        if old is NO_VALUE or old != new:
            values[prop.columns[0].key] = new
    table = mapper.local_table
    if values:
        sql, order = _update_plan(session, table, tuple(sorted(values)))
        ids = mapper.primary_key_from_instance(row)
        values.update({f"pk_{c.key}": v for c, v in zip(mapper.primary_key, ids, strict=True)})
        params = tuple(values[n] if p is None else p(values[n]) for n, p in order)
        done = session.connection().exec_driver_sql(sql, params)
        if done.rowcount != 1:
            raise StaleDataError(f"UPDATE of {table.name} matched {done.rowcount} rows")
    state._commit_all(state.dict, session.identity_map)  # written: clean, as after a flush
