"""shifts and the daily close

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shift",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("float_fen", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("counted_fen", sa.Integer(), nullable=True),
        sa.Column("count_detail", sa.Text(), nullable=True),
        sa.Column("expected_fen", sa.Integer(), nullable=True),
        sa.Column("over_short_fen", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("shift", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shift_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shift_business_date"), ["business_date"], unique=False)
    op.create_table(
        "day_close",
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by", sa.String(length=36), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.Column("report_hash", sa.String(length=64), nullable=False),
        sa.Column("principal_fen", sa.Integer(), nullable=False),
        sa.Column("bonus_fen", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("business_date"),
    )
    with op.batch_alter_table("txn", schema=None) as batch_op:
        batch_op.create_index("ix_txn_staff_created", ["staff_id", "created_at"], unique=False)
    # A closed day is kept as it was closed: its report is never rewritten or removed.
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER day_close_no_{verb.lower()} BEFORE {verb} ON day_close "
            "BEGIN SELECT RAISE(ABORT, 'day_close is append-only'); END"
        )


def downgrade() -> None:
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS day_close_no_{verb}")
    with op.batch_alter_table("txn", schema=None) as batch_op:
        batch_op.drop_index("ix_txn_staff_created")
    op.drop_table("day_close")
    with op.batch_alter_table("shift", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shift_business_date"))
        batch_op.drop_index(batch_op.f("ix_shift_staff_id"))
    op.drop_table("shift")
