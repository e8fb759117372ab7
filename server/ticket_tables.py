"""HQ's service-ticket tables (h0018): each ticket with its state and the clock of each field's
last write (the newest wins, as at the counters), and every change, append-only."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, Table, Text

from server.tables import metadata

ticket = Table(
    "hq_ticket",
    metadata,
    Column("ticket_id", String(36), primary_key=True),
    Column("number", String(48), nullable=False, unique=True),
    Column("member_id", String(36), nullable=False, index=True),
    Column("store_code", String(32), nullable=False),  # where it was opened
    Column("kind", String(16), nullable=False),
    Column("priority", String(8), nullable=False),
    Column("subject", String(60), nullable=False),
    Column("body", Text),
    Column("status", String(16), nullable=False),
    Column("assignee", String(32)),
    Column("due_at", DateTime, nullable=False),
    Column("opened_by", String(32)),
    Column("opened_at", DateTime, nullable=False),
    Column("resolution", Text),
    Column("resolved_at", DateTime),
    Column("satisfaction", Integer),
    Column("clocks", Text, nullable=False),  # {field: hlc}, JSON
    Column("hlc", String(64), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

ticket_entry = Table(
    "hq_ticket_entry",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("ticket_id", String(36), nullable=False, index=True),
    Column("event_id", String(36), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("staff_no", String(32)),
    Column("store_code", String(32)),
    Column("action", String(16), nullable=False),
    Column("changes", Text, nullable=False),  # JSON {field: [before, after]}
    Column("note", Text),
    Column("hlc", String(64), nullable=False),
)
