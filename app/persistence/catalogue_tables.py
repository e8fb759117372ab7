"""The catalogue's tables (migration 0015): categories, items, their barcodes and the pinyin
search keys of their names.

A barcode is unique among active items (a partial unique index); an inactive item keeps
its barcodes, so a barcode can move to a new item once the old one is deactivated. Member
prices are a small JSON object ``{tier code or "*": fen}``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.tables import Base, fk


class CatalogueCategory(Base):
    __tablename__ = "catalogue_category"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    points_multiplier_permille: Mapped[int] = mapped_column(Integer, default=1000)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CatalogueItem(Base):
    __tablename__ = "catalogue_item"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    initials: Mapped[str] = mapped_column(String(64))  # the name's first pinyin initials
    unit: Mapped[str] = mapped_column(String(8))
    price_fen: Mapped[int] = mapped_column(Integer)
    member_prices: Mapped[str] = mapped_column(Text, default="{}")
    category_code: Mapped[str | None] = mapped_column(fk("catalogue_category.code"))
    points_eligible: Mapped[bool] = mapped_column(Boolean, default=True)
    service: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ItemBarcode(Base):
    __tablename__ = "item_barcode"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(fk("catalogue_item.id"), index=True)
    barcode: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # the item's, kept with it
    __table_args__ = (
        Index("ix_item_barcode_barcode", "barcode"),
        Index(
            "uq_item_barcode_active",
            "barcode",
            unique=True,
            sqlite_where=text("active = 1"),
        ),
    )


class ItemSearchKey(Base):
    """Pinyin keys of an item's name: initials (可口可乐 → kkkl) and full syllables."""

    __tablename__ = "item_search_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(fk("catalogue_item.id"), index=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
