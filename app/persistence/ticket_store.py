"""Reads and writes of service tickets (tables: app.persistence.ticket_tables)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select

from app.domain.tickets import OPEN_STATUSES
from app.persistence.tables import Member
from app.persistence.ticket_tables import Ticket, TicketEntry
from app.persistence.uow import UnitOfWork

Queries = UnitOfWork  # a reader answers the same reads


def by_id(uow: Queries, ticket_id: str) -> Ticket | None:
    return uow.session.get(Ticket, ticket_id)


def by_number(uow: Queries, number: str) -> Ticket | None:
    return uow.session.scalar(select(Ticket).where(Ticket.number == number))


def entry_exists(uow: Queries, entry_id: str) -> bool:
    return uow.session.get(TicketEntry, entry_id) is not None


def entries(uow: Queries, ticket_id: str) -> Sequence[TicketEntry]:
    """The ticket's history in the order of its clocks (every store's the same order)."""
    return uow.session.scalars(
        select(TicketEntry)
        .where(TicketEntry.ticket_id == ticket_id)
        .order_by(TicketEntry.hlc, TicketEntry.id)
    ).all()


def last_seq(uow: Queries, store_code: str, prefix: str) -> int:
    """The highest sequence of the numbers starting with ``prefix`` (this counter's) held
    here (0: none)."""
    numbers = uow.session.scalars(
        select(Ticket.number).where(Ticket.store_code == store_code)
    ).all()
    seqs = [int(n[len(prefix) :]) for n in numbers if n.startswith(prefix)]
    return max(seqs, default=0)


def find(
    uow: Queries,
    *,
    member_id: str | None = None,
    status: str | None = None,
    overdue_at: dt.datetime | None = None,
    store_code: str | None = None,
    limit: int = 500,
) -> Sequence[tuple[Ticket, Member]]:
    """Tickets with their member, the newest first; ``overdue_at``: only those still open
    and due before it."""
    stmt = select(Ticket, Member).join(Member, Member.id == Ticket.member_id)
    if member_id is not None:
        stmt = stmt.where(Ticket.member_id == member_id)
    if status is not None:
        stmt = stmt.where(Ticket.status == status)
    if overdue_at is not None:
        stmt = stmt.where(Ticket.status.in_(OPEN_STATUSES), Ticket.due_at < overdue_at)
    if store_code is not None:
        stmt = stmt.where(Ticket.store_code == store_code)
    stmt = stmt.order_by(Ticket.opened_at.desc(), Ticket.id.desc()).limit(limit)
    return [(t, m) for t, m in uow.session.execute(stmt).all()]


def open_count(uow: Queries, member_id: str) -> int:
    return int(
        uow.session.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.member_id == member_id, Ticket.status.in_(OPEN_STATUSES))
        )
        or 0
    )


def all_tickets(uow: Queries) -> Sequence[Ticket]:
    return uow.session.scalars(select(Ticket).order_by(Ticket.opened_at, Ticket.id)).all()


def of_member(uow: Queries, member_id: str) -> Sequence[Ticket]:
    return uow.session.scalars(
        select(Ticket).where(Ticket.member_id == member_id).order_by(Ticket.opened_at)
    ).all()
