"""partial refunds: the lines each refund of a cart sale gave back; a sale may have several

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# A checkout or top-up is refunded at most once; a cart sale's partial refunds (a refund
# with its reason in ``note``) may be several.
ONCE = "kind = 'topup_refund' OR (kind = 'refund' AND note IS NULL)"
ONCE_BEFORE = "kind IN ('refund', 'topup_refund')"


def _fk(target: str) -> sa.ForeignKey:
    return sa.ForeignKey(target, deferrable=True, initially="DEFERRED")


def upgrade() -> None:
    op.create_table(
        "txn_refund_line",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("txn_id", sa.String(length=36), _fk("txn.id"), nullable=False),
        sa.Column("original_txn_id", sa.String(length=36), _fk("txn.id"), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("list_fen", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Text(), nullable=False),
        sa.Column("points_used", sa.Integer(), nullable=False),
        sa.Column("points_earned", sa.Integer(), nullable=False),
    )
    op.create_index("ix_txn_refund_line_txn_id", "txn_refund_line", ["txn_id"])
    op.create_index("ix_txn_refund_line_original_txn_id", "txn_refund_line", ["original_txn_id"])
    op.drop_index("uq_txn_refund_once", table_name="txn")
    op.create_index(
        "uq_txn_refund_once",
        "txn",
        ["original_txn_id"],
        unique=True,
        sqlite_where=sa.text(ONCE),
    )


def downgrade() -> None:
    op.drop_index("uq_txn_refund_once", table_name="txn")
    op.create_index(
        "uq_txn_refund_once",
        "txn",
        ["original_txn_id"],
        unique=True,
        sqlite_where=sa.text(ONCE_BEFORE),
    )
    op.drop_index("ix_txn_refund_line_original_txn_id", table_name="txn_refund_line")
    op.drop_index("ix_txn_refund_line_txn_id", table_name="txn_refund_line")
    op.drop_table("txn_refund_line")
