"""Reads and writes of the consent ledger (table: app.persistence.consent_tables)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from app.domain.consent import Entry
from app.persistence.consent_tables import ConsentEntry
from app.persistence.uow import UnitOfWork

Queries = UnitOfWork  # a reader answers the same reads


def to_entry(row: ConsentEntry) -> Entry:
    return Entry(
        entry_id=row.id,
        member_id=row.member_id,
        purpose=row.purpose,
        channel=row.channel,
        granted=bool(row.granted),
        wording_version=row.wording_version,
        at=row.at.isoformat(),
        store_code=row.store_code,
        staff_no=row.staff_no,
        source=row.source,
        hlc=row.hlc,
    )


def exists(uow: Queries, entry_id: str) -> bool:
    return uow.session.get(ConsentEntry, entry_id) is not None


def add(uow: UnitOfWork, e: Entry) -> bool:
    """Append the entry unless held already (an entry never changes); True when added."""
    if exists(uow, e.entry_id):
        return False
    uow.add(
        ConsentEntry(
            id=e.entry_id,
            member_id=e.member_id,
            purpose=e.purpose,
            channel=e.channel,
            granted=e.granted,
            wording_version=e.wording_version,
            at=dt.datetime.fromisoformat(e.at),
            store_code=e.store_code,
            staff_no=e.staff_no,
            source=e.source,
            hlc=e.hlc,
        )
    )
    uow.flush()
    return True


def of_member(uow: Queries, member_id: str) -> list[Entry]:
    """The member's entries, oldest clock first."""
    rows = uow.session.scalars(
        select(ConsentEntry)
        .where(ConsentEntry.member_id == member_id)
        .order_by(ConsentEntry.hlc, ConsentEntry.id)
    ).all()
    return [to_entry(r) for r in rows]


def all_entries(uow: Queries, after: str | None, limit: int) -> Sequence[Entry]:
    """Every entry in id order, a page at a time (the proof export)."""
    stmt = select(ConsentEntry).order_by(ConsentEntry.id).limit(limit)
    if after is not None:
        stmt = stmt.where(ConsentEntry.id > after)
    return [to_entry(r) for r in uow.session.scalars(stmt).all()]
