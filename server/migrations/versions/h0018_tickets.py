"""service tickets at HQ: each ticket with its state and clocks (hq_ticket) and its
append-only history (hq_ticket_entry)

Revision ID: h0018
Revises: h0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0018"
down_revision = "h0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hq_ticket",
        sa.Column("ticket_id", sa.String(length=36), primary_key=True),
        sa.Column("number", sa.String(length=48), nullable=False, unique=True),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee", sa.String(length=32), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by", sa.String(length=32), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_hq_ticket_member_id", "hq_ticket", ["member_id"])
    op.create_table(
        "hq_ticket_entry",
        sa.Column("entry_id", sa.String(length=36), primary_key=True),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=True),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_hq_ticket_entry_ticket_id", "hq_ticket_entry", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_hq_ticket_entry_ticket_id", table_name="hq_ticket_entry")
    op.drop_table("hq_ticket_entry")
    op.drop_index("ix_hq_ticket_member_id", table_name="hq_ticket")
    op.drop_table("hq_ticket")
