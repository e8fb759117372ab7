"""Reads and writes of the members this counter holds (scoped replication), page at a time."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable

from sqlalchemy import delete, func, select, update

from app.domain.events import effects
from app.domain.phone import mask_phone, phone_hash
from app.persistence.tables import (
    Card,
    Member,
    OutboxEvent,
    PointsEntry,
    PointsLot,
    StoredValueEntry,
    SyncParked,
    Txn,
)
from app.persistence.uow import UnitOfWork

CHUNK = 500


def _chunks(ids: Collection[str]) -> Iterable[list[str]]:
    items = sorted(ids)
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def existing(uow: UnitOfWork, column: object, ids: Collection[str]) -> set[str]:
    """Which of ``ids`` are in ``column`` (a key column of a table) already."""
    found: set[str] = set()
    for part in _chunks(set(ids)):
        found.update(uow.session.scalars(select(column).where(column.in_(part))))  # type: ignore[attr-defined]
    return found


def members_by_id(uow: UnitOfWork, ids: Collection[str]) -> dict[str, Member]:
    found: dict[str, Member] = {}
    for part in _chunks(set(ids)):
        found.update(
            (m.id, m) for m in uow.session.scalars(select(Member).where(Member.id.in_(part)))
        )
    return found


def full_numbers_ending(uow: UnitOfWork, last4: str) -> list[Member]:
    """Active members whose full number is here (no hash) and ends in ``last4``."""
    return list(
        uow.session.scalars(
            select(Member).where(
                Member.phone_last4 == last4, Member.status == "active", Member.phone_hash.is_(None)
            )
        )
    )


def taken_card_nos(uow: UnitOfWork, card_nos: Collection[str]) -> set[str]:
    return existing(uow, Card.card_no, card_nos)


def ledger_sums(uow: UnitOfWork, member_id: str) -> tuple[int, int, int]:
    """(principal, bonus, points) of the member's rows here: what the balances are."""
    p, b = uow.session.execute(
        select(
            func.coalesce(func.sum(StoredValueEntry.principal_fen), 0),
            func.coalesce(func.sum(StoredValueEntry.bonus_fen), 0),
        ).where(StoredValueEntry.member_id == member_id)
    ).one()
    pts = uow.session.scalar(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            PointsEntry.member_id == member_id
        )
    )
    return int(p), int(b), int(pts or 0)


def pending_members(uow: UnitOfWork) -> set[str]:
    """Members named by events not yet pushed (their state here is ahead of HQ's)."""
    found: set[str] = set()
    for type_, payload in uow.session.execute(
        select(OutboxEvent.type, OutboxEvent.payload).where(OutboxEvent.pushed_at.is_(None))
    ):
        try:
            found |= effects(type_, json.loads(payload)).member_ids
        except (KeyError, TypeError, ValueError):
            continue
    return found


def set_unheld_except(uow: UnitOfWork, held: Collection[str]) -> int:
    """Every member that came from HQ (no local creator) and is not in ``held`` is no longer
    kept up to date here; returns how many."""
    keep = set(held)
    candidates = set(
        uow.session.scalars(
            select(Member.id).where(Member.created_by.is_(None), Member.held.is_(True))
        )
    )
    drop = sorted(candidates - keep)
    for part in _chunks(drop):
        uow.session.execute(update(Member).where(Member.id.in_(part)).values(held=False))
    return len(drop)


def redact_not_held(uow: UnitOfWork, held: Collection[str], key: str) -> int:
    """Members from HQ outside this store's scope (other stores' members) whose full number
    is still here, from a release that kept it: the number becomes its masked form and the
    chain's keyed hash, and the verifier goes (a password stays known as set, at HQ). Members
    this counter made, or has events pending about, are left as they are. Returns how many."""
    keep = set(held) | pending_members(uow)
    m = Member.__table__.c
    rows = uow.session.execute(
        select(m.id, m.phone, m.pay_password_hash).where(
            m.created_by.is_(None), m.phone_hash.is_(None)
        )
    ).all()
    done = 0
    for member_id, phone, verifier in rows:
        if member_id in keep:
            continue
        uow.session.execute(
            update(Member.__table__)
            .where(m.id == member_id)
            .values(
                phone=mask_phone(phone),
                phone_hash=phone_hash(key, phone),
                pay_password_hash=None,
                pay_password_at_hq=verifier is not None,
            )
        )
        done += 1
    return done


def clear_parked(uow: UnitOfWork) -> int:
    return uow.session.execute(delete(SyncParked)).rowcount


def unheld_among(uow: UnitOfWork, ids: Collection[str]) -> set[str]:
    found: set[str] = set()
    for part in _chunks(set(ids)):
        found.update(
            uow.session.scalars(
                select(Member.id).where(Member.id.in_(part), Member.held.is_(False))
            )
        )
    return found


# The key columns :func:`existing` reads, by name.
KEYS: dict[str, object] = {
    "member": Member.id,
    "card": Card.id,
    "txn": Txn.id,
    "sv": StoredValueEntry.entry_id,
    "lot": PointsLot.id,
    "points": PointsEntry.entry_id,
}
