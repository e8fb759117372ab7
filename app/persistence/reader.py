"""Read-only lookups on a Core connection: the scan box's hot path, no ORM session.

Returns rows whose attributes are named like the mapped columns, so the
services read a row exactly as they read a ``Member`` or ``Card`` object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Row

from app.persistence import queries

# A row read by the Reader: attributes named like the mapped columns (member.name, card.status).
Record = Row[Any]


class Reader:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine.execution_options(counter_readonly=True)
        self._conn: Connection
        self._store: Row[Any] | None = None
        self._cards: dict[str, Row[Any]] = {}

    def __enter__(self) -> Reader:
        self._conn = self._engine.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.close()

    def store(self) -> Row[Any] | None:
        if self._store is None:
            self._store = self._conn.execute(queries.STORE).first()
        return self._store

    def member(self, member_id: str) -> Row[Any] | None:
        return self._conn.execute(queries.MEMBER, {"member_id": member_id}).first()

    def member_by_phone(self, phone: str) -> Row[Any] | None:
        return self._conn.execute(queries.MEMBER_BY_PHONE, {"phone": phone}).first()

    def members_by_last4(self, last4: str) -> Sequence[Row[Any]]:
        return self._conn.execute(queries.MEMBERS_BY_LAST4, {"last4": last4}).all()

    def members_by_name_prefix(self, prefix: str) -> Sequence[Row[Any]]:
        return self._conn.execute(queries.MEMBERS_BY_NAME_RANGE, queries.name_range(prefix)).all()

    def members_by_search_key(self, prefix: str) -> Sequence[Row[Any]]:
        return self._conn.execute(queries.MEMBERS_BY_KEY_RANGE, queries.key_range(prefix)).all()

    def card_by_no(self, card_no: str) -> Row[Any] | None:
        card = self._conn.execute(queries.CARD_BY_NO, {"card_no": card_no}).first()
        if card is not None:
            self._cards[card.id] = card
        return card

    def card(self, card_id: str) -> Row[Any] | None:
        return self.cards([card_id]).get(card_id)

    def cards(self, card_ids: Collection[str]) -> dict[str, Row[Any]]:
        """Cards by id, read in one statement (those already seen are not read again)."""
        missing = [i for i in card_ids if i not in self._cards]
        if missing:
            for card in self._conn.execute(queries.CARDS, {"ids": missing}):
                self._cards[card.id] = card
        return {i: self._cards[i] for i in card_ids if i in self._cards}

    def points_expiring(self, member_ids: Collection[str], before: dt.date) -> dict[str, int]:
        rows = self._conn.execute(
            queries.POINTS_EXPIRING, {"ids": list(member_ids), "before": before}
        )
        return {member_id: int(points) for member_id, points in rows}
