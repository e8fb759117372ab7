"""Held carts (挂单, migration 0019): what a cashier parked to serve someone else, kept
across a restart and a cashier switch until it is recalled and paid or discarded.

Held carts are this counter's own: they are no sale yet and go nowhere. Their state moves
held → recalled → sold, recalled → held (the recalled cart was not paid), held → discarded.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.tables import Base, fk


class HeldCart(Base):
    __tablename__ = "held_cart"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)  # the one a cashier reads out
    business_date: Mapped[dt.date] = mapped_column(Date)
    held_at: Mapped[dt.datetime] = mapped_column(DateTime)
    held_by: Mapped[str] = mapped_column(fk("staff.id"))
    member_id: Mapped[str | None] = mapped_column(fk("member.id"))
    draft: Mapped[str] = mapped_column(Text)  # app.domain.held.to_json
    line_count: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(Integer)  # as priced when held (for the list)
    note: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(16), index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(fk("staff.id"))
    txn_id: Mapped[str | None] = mapped_column(String(36))  # the sale that paid it
