"""the prices HQ has set for each item (hq_item_price): a counter that had not pulled HQ's
latest price sells at one HQ set before, which a sale's check accepts

Revision ID: h0012
Revises: h0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0012"
down_revision = "h0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hq_item_price",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("item_code", sa.String(length=32), nullable=False),
        sa.Column("item_json", sa.Text(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_hq_item_price_item", "hq_item_price", ["item_code"])


def downgrade() -> None:
    op.drop_index("ix_hq_item_price_item", table_name="hq_item_price")
    op.drop_table("hq_item_price")
