"""The lookup queries, written once.

Each function builds a statement over the mapped tables. The unit of work runs
them through its ORM session (rows become ``Member``/``Card`` objects it can
change); :class:`app.persistence.reader.Reader` runs the same statements on a
plain Core connection (rows with the same attribute names), which is what the
scan box's read-only hot path needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import Select, func, select

from app.persistence.tables import Card, Member, MemberSearchKey, PointsEntry, PointsLot, StoreRow

SEARCH_LIMIT = 20


def store() -> Select:
    return select(StoreRow).where(StoreRow.id == 1)


def member(member_id: str) -> Select:
    return select(Member).where(Member.id == member_id)


def member_by_phone(phone: str) -> Select:
    return select(Member).where(Member.phone == phone, Member.status == "active")


def members_by_last4(last4: str, limit: int = SEARCH_LIMIT) -> Select:
    return (
        select(Member)
        .where(Member.phone_last4 == last4, Member.status == "active")
        .order_by(Member.name)
        .limit(limit)
    )


def members_by_name_prefix(prefix: str, limit: int = SEARCH_LIMIT) -> Select:
    return (
        select(Member)
        .where(
            Member.name >= prefix,
            Member.name < prefix + "\U0010ffff",
            Member.status == "active",
        )
        .order_by(Member.name)
        .limit(limit)
    )


def members_by_search_key(prefix: str, limit: int = SEARCH_LIMIT) -> Select:
    ids = (
        select(MemberSearchKey.member_id)
        .where(MemberSearchKey.key >= prefix, MemberSearchKey.key < prefix + "\x7f")
        .distinct()
        .limit(limit * 4)
        .scalar_subquery()
    )
    return (
        select(Member)
        .where(Member.id.in_(ids), Member.status == "active")
        .order_by(Member.name)
        .limit(limit)
    )


def card_by_no(card_no: str) -> Select:
    return select(Card).where(Card.card_no == card_no)


def cards(card_ids: Collection[str]) -> Select:
    return select(Card).where(Card.id.in_(card_ids))


def points_expiring(member_ids: Collection[str], before: dt.date) -> Select:
    """(member_id, points) still held in lots whose last day is on or before ``before``."""
    return (
        select(PointsLot.member_id, func.sum(PointsEntry.points))
        .join(PointsEntry, PointsEntry.lot_id == PointsLot.id)
        .where(PointsLot.member_id.in_(member_ids), PointsLot.expires_on <= before)
        .group_by(PointsLot.member_id)
    )
