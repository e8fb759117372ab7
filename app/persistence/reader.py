"""Read-only lookups on a Core connection: the scan box's hot path, no ORM session.

It runs the statements of :mod:`app.persistence.queries`, each member read together
with the member's card in one statement, and hands back records whose attributes
are named like the mapped columns, so the services read a record exactly as they
read a ``Member`` or ``Card`` object.

A lookup is a handful of indexed reads, where SQLAlchemy's per-statement machinery
would cost ten times the query. So each statement is compiled once by SQLAlchemy's
SQLite dialect and run on the pooled DB-API connection, its parameters and
results converted by the column types' own processors.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Collection, Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import LABEL_STYLE_TABLENAME_PLUS_COL, Connection, Engine, Select
from sqlalchemy.dialects import sqlite

from app.domain.phone import phone_hash
from app.persistence import phone_keys, queries
from app.persistence.tables import Card, Member, StoreRow

# A record read by the Reader: attributes named like the mapped columns (m.name, card.status).
Record = SimpleNamespace

_MEMBER_COLUMNS = [c.name for c in Member.__table__.columns]
_CARD_COLUMNS = [c.name for c in Card.__table__.columns]
_STORE_COLUMNS = [c.name for c in StoreRow.__table__.columns]


def _with_store(stmt: Select) -> Select:
    # The store's one row rides along: a lookup then needs no statement of its own for
    # the rules and time zone the member's view is made with.
    return (
        stmt.add_columns(*StoreRow.__table__.columns)
        .join(StoreRow.__table__, StoreRow.id == 1)
        .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)
    )


def _with_card(stmt: Select) -> Select:
    """The member statement, also selecting the member's current card (if any)."""
    return _with_store(
        stmt.add_columns(*Card.__table__.columns).outerjoin(
            Card.__table__, Card.id == Member.card_id
        )
    )


def _card_with_member(stmt: Select) -> Select:
    return _with_store(
        stmt.add_columns(*Member.__table__.columns).join(
            Member.__table__, Member.id == Card.member_id
        )
    )


_DIALECT = sqlite.dialect()


class _Compiled:
    """A statement compiled once, run on a sqlite3 connection."""

    def __init__(self, stmt: Select) -> None:
        compiled = stmt.compile(dialect=_DIALECT)
        self.sql = str(compiled)
        self.order = list(compiled.positiontup or ())
        self.defaults = dict(compiled.params)
        self.binds = {
            name: compiled.binds[name].type.dialect_impl(_DIALECT).bind_processor(_DIALECT)
            for name in self.order
        }
        self.names = list(stmt.selected_columns.keys())
        self.results = [
            col.type.dialect_impl(_DIALECT).result_processor(_DIALECT, None)
            for col in stmt.selected_columns
        ]

    def _arg(self, name: str, value: Any) -> Any:
        process = self.binds[name]
        return process(value) if process else value

    def run(self, conn: sqlite3.Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
        sql, args = self.sql, []
        for name in self.order:
            value = params.get(name, self.defaults.get(name))
            if isinstance(value, list):  # an expanding IN (...) parameter
                sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join("?" * len(value)))
                args.extend(self._arg(name, v) for v in value)
            else:
                args.append(self._arg(name, value))
        return [
            {
                name: process(value) if process else value
                for name, process, value in zip(self.names, self.results, row, strict=True)
            }
            for row in conn.execute(sql, args)
        ]


_STORE = _Compiled(queries.STORE)
_MEMBER = _Compiled(_with_card(queries.MEMBER))
_MEMBER_BY_PHONE = _Compiled(_with_card(queries.MEMBER_BY_PHONE))
_MEMBER_BY_PHONE_HASH = _Compiled(_with_card(queries.MEMBER_BY_PHONE_HASH))
_MEMBERS_BY_LAST4 = _Compiled(_with_card(queries.MEMBERS_BY_LAST4))
_MEMBERS_BY_NAME_RANGE = _Compiled(_with_card(queries.MEMBERS_BY_NAME_RANGE))
_MEMBERS_BY_KEY_RANGE = _Compiled(_with_card(queries.MEMBERS_BY_KEY_RANGE))
_CARD_BY_NO = _Compiled(_card_with_member(queries.CARD_BY_NO))
_CARDS = _Compiled(queries.CARDS)
_POINTS_EXPIRING = _Compiled(queries.POINTS_EXPIRING)
_BUSINESS_DAY = _Compiled(queries.BUSINESS_DAY)


class Reader:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine.execution_options(counter_lookup=True)
        self._conn: Connection
        self._db: sqlite3.Connection
        self._store: Record | None = None
        self._cards: dict[str, Record] = {}
        self._members: dict[str, Record] = {}

    def __enter__(self) -> Reader:
        # A pooled connection, set up like every other (WAL, busy timeout, ...); its
        # statements run in autocommit, each one its own snapshot.
        self._conn = self._engine.connect()
        driver = self._conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        self._db = driver
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.close()

    # -- rows split into their store, member and card records, all remembered ---
    def _split(self, values: dict[str, Any]) -> tuple[Record, Record]:
        if self._store is None:
            self._store = Record(**{c: values[f"store_{c}"] for c in _STORE_COLUMNS})
        member = Record(**{c: values[f"member_{c}"] for c in _MEMBER_COLUMNS})
        self._members[member.id] = member
        card = None
        if values["card_id"] is not None:
            card = Record(**{c: values[f"card_{c}"] for c in _CARD_COLUMNS})
            self._cards[card.id] = card
        return member, card

    def _member_rows(self, stmt: _Compiled, params: dict[str, Any]) -> list[Record]:
        return [self._split(values)[0] for values in stmt.run(self._db, params)]

    def _one_member(self, stmt: _Compiled, params: dict[str, Any]) -> Record | None:
        found = self._member_rows(stmt, params)
        return found[0] if found else None

    # -- the queries the lookup services ask -------------------------------------
    def store(self) -> Record | None:
        if self._store is None:
            rows = _STORE.run(self._db, {})
            self._store = Record(**rows[0]) if rows else None
        return self._store

    def business_day_marks(self) -> tuple[dt.date | None, str | None]:
        """(last closed business date, the business-day setting's JSON)."""
        row = _BUSINESS_DAY.run(self._db, {})[0]
        return row["last_closed"], row["day_start"]

    def member(self, member_id: str) -> Record | None:
        if member_id in self._members:
            return self._members[member_id]
        return self._one_member(_MEMBER, {"member_id": member_id})

    def member_by_phone(self, phone: str) -> Record | None:
        found = self._one_member(_MEMBER_BY_PHONE, {"phone": phone})
        if found is not None:
            return found
        store = self.store()  # another store's member: by the chain's hash of the number
        key = phone_keys.key_for(store.phone_key_id if store else None)
        if key is None:
            return None
        hashed = phone_hash(key, phone)
        return self._one_member(_MEMBER_BY_PHONE_HASH, {"phone_hash": hashed})

    def phone_key(self) -> str | None:
        """The chain's phone key, when this process holds it (never stored here)."""
        store = self.store()
        return phone_keys.key_for(store.phone_key_id if store else None)

    def members_by_last4(self, last4: str) -> Sequence[Record]:
        return self._member_rows(_MEMBERS_BY_LAST4, {"last4": last4})

    def members_by_name_prefix(self, prefix: str) -> Sequence[Record]:
        return self._member_rows(_MEMBERS_BY_NAME_RANGE, queries.name_range(prefix))

    def members_by_search_key(self, prefix: str) -> Sequence[Record]:
        return self._member_rows(_MEMBERS_BY_KEY_RANGE, queries.key_range(prefix))

    def card_by_no(self, card_no: str) -> Record | None:
        rows = _CARD_BY_NO.run(self._db, {"card_no": card_no})
        return self._split(rows[0])[1] if rows else None

    def card(self, card_id: str) -> Record | None:
        return self.cards([card_id]).get(card_id)

    def cards(self, card_ids: Collection[str]) -> dict[str, Record]:
        """Cards by id; those already read with their member are not read again."""
        missing = [i for i in card_ids if i not in self._cards]
        if missing:
            for values in _CARDS.run(self._db, {"ids": missing}):
                self._cards[values["id"]] = Record(**values)
        return {i: self._cards[i] for i in card_ids if i in self._cards}

    def points_expiring(self, member_ids: Collection[str], before: dt.date) -> dict[str, int]:
        rows = _POINTS_EXPIRING.run(self._db, {"ids": list(member_ids), "before": before})
        return {values["member_id"]: int(values["sum"]) for values in rows}
