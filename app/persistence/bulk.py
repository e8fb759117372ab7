"""Bulk reads and writes for a migration of many members in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select

from app.domain.phone import phone_hash
from app.persistence.tables import Base, Card, Member
from app.persistence.uow import UnitOfWork

CHUNK = 500  # SQLite's default limit on bound parameters is far above this


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


def active_members_by_phone(
    uow: UnitOfWork, phones: Sequence[str], status: str = "active"
) -> dict[str, tuple[str, str, int, int]]:
    """{phone: (member id, name, stored value, points)} of active members (or those of
    ``status``) with those phones: by the full number, or, for other stores' members held
    here, by the chain's hash of it (when this process holds the chain's key:
    app.persistence.phone_keys)."""
    conn = uow.session.connection()
    out: dict[str, tuple[str, str, int, int]] = {}
    found = (Member.id, Member.name, Member.principal_fen + Member.bonus_fen, Member.points)
    for chunk in _chunks(list(phones)):
        rows = conn.execute(
            select(Member.phone, *found).where(Member.status == status, Member.phone.in_(chunk))
        )
        for phone, mid, name, sv, pts in rows:
            out[phone] = (mid, name, int(sv), int(pts))
    key = uow.phone_key()
    if key is None:
        return out
    hashed = {phone_hash(key, p): p for p in phones if p not in out}
    for chunk in _chunks(list(hashed)):
        rows = conn.execute(
            select(Member.phone_hash, *found).where(
                Member.status == status, Member.phone_hash.in_(chunk)
            )
        )
        for digest, mid, name, sv, pts in rows:
            out[hashed[digest]] = (mid, name, int(sv), int(pts))
    return out


def cards_taken(uow: UnitOfWork, card_nos: Sequence[str]) -> dict[str, str]:
    """{card number: member id} of the given card numbers that exist."""
    conn = uow.session.connection()
    out: dict[str, str] = {}
    for chunk in _chunks(list(card_nos)):
        for card_no, member_id in conn.execute(
            select(Card.card_no, Card.member_id).where(Card.card_no.in_(chunk))
        ):
            out[card_no] = member_id
    return out


def insert_rows(uow: UnitOfWork, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Plain INSERTs of many rows (the columns of the first row) into ``table``."""
    if rows:
        uow.session.connection().execute(insert(Base.metadata.tables[table]), list(rows))
