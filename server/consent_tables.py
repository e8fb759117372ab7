"""HQ's consent ledger (h0019): every member's consent entries as the counters recorded them,
append-only (the consent now is the latest entry by clock, as at the counters)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, String, Table

from server.tables import metadata

consent_entry = Table(
    "hq_consent_entry",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("member_id", String(36), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("channel", String(8), nullable=False),
    Column("granted", Boolean, nullable=False),
    Column("wording_version", String(24), nullable=False),
    Column("at", String(40), nullable=False),  # the counter's ISO time, as recorded
    Column("store_code", String(32), nullable=False),
    Column("staff_no", String(32)),
    Column("source", String(16), nullable=False),
    Column("hlc", String(64), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Index("ix_hq_consent_entry_member", "member_id"),
)
