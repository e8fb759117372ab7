"""service tickets: each ticket with its state and clocks (ticket) and its append-only
history (ticket_entry)

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def _fk(target: str) -> sa.ForeignKey:
    return sa.ForeignKey(target, deferrable=True, initially="DEFERRED")


def upgrade() -> None:
    op.create_table(
        "ticket",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("number", sa.String(length=48), nullable=False, unique=True),
        sa.Column("member_id", sa.String(length=36), _fk("member.id"), nullable=False),
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
    op.create_index("ix_ticket_member_id", "ticket", ["member_id"])
    op.create_index("ix_ticket_store_code", "ticket", ["store_code"])
    op.create_index("ix_ticket_status", "ticket", ["status"])
    op.create_table(
        "ticket_entry",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("ticket_id", sa.String(length=36), _fk("ticket.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=True),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_ticket_entry_ticket_id", "ticket_entry", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_entry_ticket_id", table_name="ticket_entry")
    op.drop_table("ticket_entry")
    op.drop_index("ix_ticket_status", table_name="ticket")
    op.drop_index("ix_ticket_store_code", table_name="ticket")
    op.drop_index("ix_ticket_member_id", table_name="ticket")
    op.drop_table("ticket")
