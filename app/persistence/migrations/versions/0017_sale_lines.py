"""sale lines: a cart sale's lines with each allocated share, and its order-level terms

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "txn_cart",
        sa.Column(
            "txn_id",
            sa.String(length=36),
            sa.ForeignKey("txn.id", deferrable=True, initially="DEFERRED"),
            primary_key=True,
        ),
        sa.Column("order_discount_bp", sa.Integer(), nullable=True),
        sa.Column("order_discount_amount_fen", sa.Integer(), nullable=True),
        sa.Column("rounding", sa.String(length=8), nullable=False),
        sa.Column("list_fen", sa.Integer(), nullable=False),
        sa.Column("member_discount_fen", sa.Integer(), nullable=False),
        sa.Column("change_fen", sa.Integer(), nullable=False),
        sa.Column("order_discount_fen", sa.Integer(), nullable=False),
        sa.Column("round_off_fen", sa.Integer(), nullable=False),
    )
    op.create_table(
        "txn_line",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "txn_id",
            sa.String(length=36),
            sa.ForeignKey("txn.id", deferrable=True, initially="DEFERRED"),
            nullable=False,
        ),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=32), nullable=False),
        sa.Column("item_name", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("weighed", sa.Boolean(), nullable=False),
        sa.Column("unit_price_fen", sa.Integer(), nullable=False),
        sa.Column("list_fen", sa.Integer(), nullable=False),
        sa.Column("member_basis", sa.String(length=16), nullable=False),
        sa.Column("member_unit_fen", sa.Integer(), nullable=True),
        sa.Column("member_fen", sa.Integer(), nullable=False),
        sa.Column("change_unit_fen", sa.Integer(), nullable=True),
        sa.Column("change_line_fen", sa.Integer(), nullable=True),
        sa.Column("changed_fen", sa.Integer(), nullable=False),
        sa.Column("order_discount_fen", sa.Integer(), nullable=False),
        sa.Column("round_off_fen", sa.Integer(), nullable=False),
        sa.Column("after_round_fen", sa.Integer(), nullable=False),
        sa.Column("points_used", sa.Integer(), nullable=False),
        sa.Column("points_value_fen", sa.Integer(), nullable=False),
        sa.Column("due_fen", sa.Integer(), nullable=False),
        sa.Column("points_earned", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Text(), nullable=False),
        sa.UniqueConstraint("txn_id", "line_no", name="uq_txn_line_no"),
    )


def downgrade() -> None:
    op.drop_table("txn_line")
    op.drop_table("txn_cart")
