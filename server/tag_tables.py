"""HQ's member-tag tables (h0017): the chain's tag definitions and each member's manual tags
with their clocks (last writer wins per member and tag, as at the counters)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, String, Table, Text

from server.tables import metadata

tag = Table(
    "hq_tag",
    metadata,
    Column("code", String(24), primary_key=True),
    Column("store_code", String(32)),  # the store that defined it (None: HQ's own)
    Column("kind", String(8), nullable=False),
    Column("tag_json", Text, nullable=False),  # app.domain.tags.TagDef.wire
    Column("updated_at", DateTime, nullable=False),
)

member_tag = Table(
    "hq_member_tag",
    metadata,
    Column("member_id", String(36), primary_key=True),
    Column("tag_code", String(24), primary_key=True),
    Column("present", Boolean, nullable=False),
    Column("hlc", String(64), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
