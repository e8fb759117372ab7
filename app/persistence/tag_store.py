"""Reads and writes of member tags (tables: app.persistence.tag_tables)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select

from app.persistence.countcard_tables import MemberCountCard
from app.persistence.tables import Member, Txn
from app.persistence.tag_tables import MemberTag, TagDef
from app.persistence.uow import UnitOfWork

Queries = UnitOfWork  # a reader answers the same reads

# What a member's 12-month spend adds up: their sales less their refunds (refunds are
# negative), as the cumulative spend counts them.
SPEND_KINDS = ("checkout", "refund")
# What counts as a visit: a transaction the member came in for.
VISIT_KINDS = ("checkout", "topup", "countcard_sale", "countcard_visit")


def tag(uow: Queries, code: str) -> TagDef | None:
    return uow.session.get(TagDef, code)


def tags(uow: Queries, *, include_inactive: bool = False) -> Sequence[TagDef]:
    stmt = select(TagDef).order_by(TagDef.kind, TagDef.code)
    if not include_inactive:
        stmt = stmt.where(TagDef.active.is_(True))
    return uow.session.scalars(stmt).all()


def member_tag(uow: Queries, member_id: str, code: str) -> MemberTag | None:
    return uow.session.get(MemberTag, (member_id, code))


def manual_codes(uow: Queries, member_id: str) -> list[str]:
    """The manual tags the member has now."""
    return list(
        uow.session.scalars(
            select(MemberTag.tag_code)
            .where(MemberTag.member_id == member_id, MemberTag.present.is_(True))
            .order_by(MemberTag.tag_code)
        )
    )


def clocks_of(uow: Queries, member_id: str) -> dict[str, tuple[bool, str]]:
    """Every manual tag row of the member, on or off, with its clock: what a snapshot or a
    fetch carries."""
    rows = uow.session.execute(
        select(MemberTag.tag_code, MemberTag.present, MemberTag.hlc).where(
            MemberTag.member_id == member_id
        )
    ).all()
    return {code: (bool(present), hlc) for code, present, hlc in rows}


def members_tagged(uow: Queries, code: str, limit: int) -> Sequence[Member]:
    return uow.session.scalars(
        select(Member)
        .join(MemberTag, MemberTag.member_id == Member.id)
        .where(MemberTag.tag_code == code, MemberTag.present.is_(True))
        .where(Member.status == "active")
        .order_by(Member.created_at, Member.id)
        .limit(limit)
    ).all()


def spend_since(uow: Queries, member_id: str, since: dt.date) -> int:
    return int(
        uow.session.scalar(
            select(func.coalesce(func.sum(Txn.due_fen), 0)).where(
                Txn.member_id == member_id,
                Txn.kind.in_(SPEND_KINDS),
                Txn.business_date >= since,
            )
        )
        or 0
    )


def last_visit(uow: Queries, member_id: str) -> dt.date | None:
    return uow.session.scalar(
        select(func.max(Txn.business_date)).where(
            Txn.member_id == member_id, Txn.kind.in_(VISIT_KINDS)
        )
    )


def ever_topped_up(uow: Queries, member_id: str) -> bool:
    found = uow.session.scalar(
        select(Txn.id).where(Txn.member_id == member_id, Txn.kind == "topup").limit(1)
    )
    return found is not None


def active_cards(uow: Queries, member_id: str, today: dt.date) -> Sequence[MemberCountCard]:
    return uow.session.scalars(
        select(MemberCountCard).where(
            MemberCountCard.member_id == member_id,
            MemberCountCard.status == "active",
            MemberCountCard.valid_until >= today,
        )
    ).all()


def active_members(uow: Queries, after: str | None, limit: int) -> Sequence[Member]:
    """Active members in id order, a page at a time (a rule tag's members are judged one by
    one)."""
    stmt = select(Member).where(Member.status == "active").order_by(Member.id).limit(limit)
    if after is not None:
        stmt = stmt.where(Member.id > after)
    return uow.session.scalars(stmt).all()
