"""HQ's count-card tables (h0013): the chain's card products, the cards members hold and
the append-only ledger of their times, written as each count-card event is applied (at
once, not at the batch's end: the next event of the same push is checked against them).
A visit that takes more times than HQ holds (two stores consuming one card offline) is
applied all the same and listed in ``hq_conflict`` (kind ``countcard_overuse``)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, Text

from server.tables import metadata

countcard_product = Table(
    "hq_countcard_product",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("store_code", String(32)),  # the store that defined it (None: HQ's own)
    Column("product_json", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

countcard = Table(
    "hq_countcard",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("member_id", String(36), nullable=False),
    Column("product_code", String(32), nullable=False),
    Column("store_code", String(32)),
    Column("header_json", Text, nullable=False),
    Column("status", String(12), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_hq_countcard_member", "member_id"),
)

countcard_entry = Table(
    "hq_countcard_entry",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("card_id", String(36), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("store_code", String(32)),
    Column("kind", String(12), nullable=False),
    Column("times", Text, nullable=False),
    Column("value_fen", Integer, nullable=False),
    Column("business_date", String(10), nullable=False),
    Column("offline", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_hq_countcard_entry_card", "card_id"),
)
