"""sync state: pull cursor, last results, hybrid logical clock; profile field clocks

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("server_url", sa.String(length=200), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(), nullable=True),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("last_push_at", sa.DateTime(), nullable=True),
        sa.Column("last_pull_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "member_field_clock",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=24), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], initially="DEFERRED", deferrable=True
        ),
        sa.PrimaryKeyConstraint("member_id", "field"),
    )
    # Pending outbox events are read in device_seq order by the sync worker.
    op.create_index("ix_outbox_pending", "outbox", ["pushed_at", "device_seq"])


def downgrade() -> None:
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("member_field_clock")
    op.drop_table("sync_state")
