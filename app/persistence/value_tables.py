"""Members' lifecycle stages and RFM scores (migration 0029), derived by
:mod:`app.services.member_value` from the counter's own transactions.

``member_value`` holds each member's figures as of the last recompute; ``member_stage_entry``
is the history of the stages each member entered and left (append-only, but for ``left_on``
set once when the member leaves the stage); ``rfm_edges`` the quintile edges computed once a
month and kept, so a score means the same thing all month.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.tables import Base, fk


class MemberValue(Base):
    __tablename__ = "member_value"
    member_id: Mapped[str] = mapped_column(fk("member.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(8), index=True)
    stage_since: Mapped[dt.date] = mapped_column(Date)
    last_visit: Mapped[dt.date | None] = mapped_column(Date)
    visits_12m: Mapped[int] = mapped_column(Integer)
    spend_12m_fen: Mapped[int] = mapped_column(Integer)
    r: Mapped[int] = mapped_column(Integer)
    f: Mapped[int] = mapped_column(Integer)
    m: Mapped[int] = mapped_column(Integer)
    month: Mapped[str] = mapped_column(String(7))  # the edges the scores were taken against
    computed_on: Mapped[dt.date] = mapped_column(Date)


class MemberStageEntry(Base):
    __tablename__ = "member_stage_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(fk("member.id"), index=True)
    stage: Mapped[str] = mapped_column(String(8))
    entered_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)


class RfmEdges(Base):
    __tablename__ = "rfm_edges"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    recency: Mapped[str] = mapped_column(Text)  # JSON: four edges
    frequency: Mapped[str] = mapped_column(Text)
    monetary: Mapped[str] = mapped_column(Text)
    members: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime)
