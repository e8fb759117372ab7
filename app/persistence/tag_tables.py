"""Member tags' tables (migration 0025): the chain's tag definitions and each member's manual
tags.

A manual tag on a member is a row with its state (``present``) and its clock (``hlc``): taking a
tag off keeps the row, off, so an older "on" from another store does not bring it back (last
writer wins, :mod:`app.domain.hlc`). Rule tags are never stored: they are judged from the
member's figures when read (:func:`app.domain.tags.holds`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.tables import Base, fk


class TagDef(Base):
    __tablename__ = "tag_def"
    code: Mapped[str] = mapped_column(String(24), primary_key=True)
    name: Mapped[str] = mapped_column(String(16))
    colour: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(8))
    set_by: Mapped[str] = mapped_column(String(8))
    rule: Mapped[str | None] = mapped_column(Text)  # app.domain.tags.Rule.wire, JSON
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    store_code: Mapped[str | None] = mapped_column(String(32))  # the store that made it
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class MemberTag(Base):
    __tablename__ = "member_tag"
    member_id: Mapped[str] = mapped_column(fk("member.id"), primary_key=True)
    tag_code: Mapped[str] = mapped_column(String(24), primary_key=True, index=True)
    present: Mapped[bool] = mapped_column(Boolean)
    hlc: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
