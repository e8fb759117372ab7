"""counter-local settings and the print queue

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "print_job",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("txn_id", sa.String(length=36), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("printed_at", sa.DateTime(), nullable=True),
        sa.Column("reprint", sa.Boolean(), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("claim", sa.String(length=36), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.create_index("ix_print_job_due", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_job_txn_id"), ["txn_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_print_job_txn_id"))
        batch_op.drop_index("ix_print_job_due")
    op.drop_table("print_job")
    op.drop_table("setting")
