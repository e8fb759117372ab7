"""Count cards' tables (migration 0018, 0021): card products, the cards members hold and the
append-only ledger of their times.

A card's state is the fold of its entries (:mod:`app.domain.countcard_ledger`): ``sold``
grants the times, ``visit`` uses them, ``refund`` and ``expire`` end the rest, ``transfer``
moves the card to another member. The card row's ``status`` and ``member_id`` are caches
written in the same transaction as the entry that changes them. Times in an entry are a
JSON object ``{item code: [paid times, gift times]}``, never negative.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.tables import Base, fk


class CountCardProduct(Base):
    __tablename__ = "count_card_product"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    items: Mapped[str] = mapped_column(Text)  # [{"item_code", "times", "gift_times"}]
    price_fen: Mapped[int] = mapped_column(Integer)
    validity_days: Mapped[int | None] = mapped_column(Integer)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    stores: Mapped[str | None] = mapped_column(Text)  # JSON list of store codes; None: all
    transferable: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The store that defined it (migration 0021); None: HQ's own. Only that store changes it.
    store_code: Mapped[str | None] = mapped_column(String(32))


class MemberCountCard(Base):
    __tablename__ = "member_count_card"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(fk("member.id"), index=True)
    product_code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    price_paid_fen: Mapped[int] = mapped_column(Integer)
    sold_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    stores: Mapped[str | None] = mapped_column(Text)
    transferable: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12))
    store_code: Mapped[str | None] = mapped_column(String(32))  # the store that sold it
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CountCardEntry(Base):
    __tablename__ = "count_card_entry"
    entry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    card_id: Mapped[str] = mapped_column(fk("member_count_card.id"), index=True)
    txn_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(12))  # sold, visit, refund, transfer, expire
    times: Mapped[str] = mapped_column(Text)  # {"item": [paid, gift]}
    value_fen: Mapped[int] = mapped_column(Integer, default=0)
    from_member_id: Mapped[str | None] = mapped_column(String(36))
    to_member_id: Mapped[str | None] = mapped_column(String(36))
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    business_date: Mapped[dt.date] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
