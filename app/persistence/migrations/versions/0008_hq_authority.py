"""HQ is the authority: the rules version held, events HQ refused, changes parked here

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rules_version", sa.Integer(), nullable=True))
    op.create_table(
        "sync_refused",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=48), nullable=False),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("waiting_on", sa.String(length=36), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )


def downgrade() -> None:
    op.drop_table("sync_refused")
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.drop_column("rules_version")
