"""Service tickets' tables (migration 0026): each ticket with its current state, and every
change of it, append-only (ticket_entry).

A ticket's fields an update writes (status, assignee, resolution, satisfaction) each keep the
clock of their last write (``clocks``, JSON ``{field: hlc}``): the newest write wins, so the
stores that change one ticket while apart converge (:mod:`app.domain.tickets`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.tables import Base, fk


class Ticket(Base):
    __tablename__ = "ticket"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUIDv7
    number: Mapped[str] = mapped_column(String(48), unique=True)  # T-S001-7F3A-000123
    member_id: Mapped[str] = mapped_column(fk("member.id"), index=True)
    store_code: Mapped[str] = mapped_column(String(32), index=True)  # where it was opened
    kind: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(60))
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    assignee: Mapped[str | None] = mapped_column(String(32))  # a staff number
    due_at: Mapped[dt.datetime] = mapped_column(DateTime)
    opened_by: Mapped[str | None] = mapped_column(String(32))  # a staff number
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    clocks: Mapped[str] = mapped_column(Text)  # {field: hlc}, JSON
    hlc: Mapped[str] = mapped_column(String(64))  # the newest clock of any write
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class TicketEntry(Base):
    """One change of a ticket (append-only): opened, a status moved, assigned, a note..."""

    __tablename__ = "ticket_entry"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUIDv7
    ticket_id: Mapped[str] = mapped_column(fk("ticket.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    staff_no: Mapped[str | None] = mapped_column(String(32))
    store_code: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))  # opened | updated
    changes: Mapped[str] = mapped_column(Text)  # JSON: {field: [before, after]}
    note: Mapped[str | None] = mapped_column(Text)
    hlc: Mapped[str] = mapped_column(String(64))
