"""changes pulled from HQ that cannot apply here yet, parked with the reason

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_parked",
        sa.Column("server_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("parked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("server_seq"),
    )
    with op.batch_alter_table("sync_parked", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_parked_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_table("sync_parked")
