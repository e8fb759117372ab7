"""HQ's coupon tables (h0016), mirroring the counter's (migration 0023): the chain's coupon
templates, the coupons issued to members and the append-only ledger of what happened to
each (issued, redeemed, restored), written as each coupon event or sale is applied (at once:
the next event of the same push is checked against them). A second redemption of one
coupon (two stores offline) is applied all the same and listed in ``hq_conflict`` (kind
``coupon_redeemed_twice``)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, Text

from server.tables import metadata

coupon_template = Table(
    "hq_coupon_template",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("store_code", String(32)),  # the store that defined it (None: HQ's own)
    Column("template_json", Text, nullable=False),  # the event's template, as sent
    Column("active", Boolean, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

coupon = Table(
    "hq_coupon",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(12), nullable=False, unique=True),
    Column("template_id", String(36), nullable=False),
    Column("member_id", String(36)),  # None: a bearer coupon
    Column("store_code", String(32)),  # the store that issued it
    Column("valid_from", String(10), nullable=False),
    Column("valid_until", String(10), nullable=False),
    Column("header_json", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_hq_coupon_member", "member_id"),
)

coupon_entry = Table(
    "hq_coupon_entry",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("coupon_id", String(36), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("device_id", String(36)),  # the counter that wrote it (None: HQ)
    Column("store_code", String(32)),
    Column("kind", String(12), nullable=False),
    Column("txn_id", String(36)),
    Column("of_txn_id", String(36)),  # a restoration's: the sale whose redemption it gives back
    Column("discount_fen", Integer, nullable=False),
    Column("business_date", String(10), nullable=False),
    Column("seq", Integer, nullable=False),  # HQ's order of the coupon's entries
    Column("created_at", DateTime, nullable=False),
    Index("ix_hq_coupon_entry_coupon", "coupon_id"),
)
