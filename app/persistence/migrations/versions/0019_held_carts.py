"""held carts (挂单): the carts a cashier parked, kept until recalled and paid or discarded

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _fk(target: str) -> sa.ForeignKey:
    return sa.ForeignKey(target, deferrable=True, initially="DEFERRED")


def upgrade() -> None:
    op.create_table(
        "held_cart",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("number", sa.Integer(), nullable=False, unique=True),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.Column("held_by", sa.String(length=36), _fk("staff.id"), nullable=False),
        sa.Column("member_id", sa.String(length=36), _fk("member.id"), nullable=True),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=40), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=36), _fk("staff.id"), nullable=True),
        sa.Column("txn_id", sa.String(length=36), nullable=True),
    )
    op.create_index("ix_held_cart_state", "held_cart", ["state"])


def downgrade() -> None:
    op.drop_index("ix_held_cart_state", table_name="held_cart")
    op.drop_table("held_cart")
