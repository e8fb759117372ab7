"""the chain's catalogue, set at HQ and pulled by every counter: categories and items (an
item's whole record as JSON, its barcodes in a table of their own, unique among active
items)

Revision ID: h0010
Revises: h0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0010"
down_revision = "h0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hq_catalogue_category",
        sa.Column("code", sa.String(length=32), primary_key=True),
        sa.Column("category_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "hq_catalogue_item",
        sa.Column("code", sa.String(length=32), primary_key=True),
        sa.Column("item_json", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "hq_item_barcode",
        sa.Column("barcode", sa.String(length=32), primary_key=True),
        sa.Column("item_code", sa.String(length=32), nullable=False),
    )
    op.create_index("ix_hq_item_barcode_item", "hq_item_barcode", ["item_code"])


def downgrade() -> None:
    op.drop_index("ix_hq_item_barcode_item", table_name="hq_item_barcode")
    op.drop_table("hq_item_barcode")
    op.drop_table("hq_catalogue_item")
    op.drop_table("hq_catalogue_category")
