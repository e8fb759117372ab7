"""The consent ledger's table (migration 0027): append-only entries, each a member's consent
granted or withdrawn for one purpose on one channel, with its wording version and clock
(:mod:`app.domain.consent`). The consent now is read from them, never stored."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.tables import Base, fk


class ConsentEntry(Base):
    __tablename__ = "consent_entry"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUIDv7
    member_id: Mapped[str] = mapped_column(fk("member.id"))
    purpose: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8))
    granted: Mapped[bool] = mapped_column(Boolean)
    wording_version: Mapped[str] = mapped_column(String(24))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    store_code: Mapped[str] = mapped_column(String(32))
    staff_no: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    hlc: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_consent_entry_member", "member_id", "purpose", "channel"),)
