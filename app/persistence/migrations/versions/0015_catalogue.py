"""the catalogue: categories, items, item barcodes (unique among active items) and the
pinyin search keys of item names

Revision ID: 0015
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_category",
        sa.Column("code", sa.String(length=32), primary_key=True),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("points_multiplier_permille", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "catalogue_item",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("code", sa.String(length=32), nullable=False, unique=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("initials", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("price_fen", sa.Integer(), nullable=False),
        sa.Column("member_prices", sa.Text(), nullable=False),
        sa.Column(
            "category_code",
            sa.String(length=32),
            sa.ForeignKey("catalogue_category.code", deferrable=True, initially="DEFERRED"),
            nullable=True,
        ),
        sa.Column("points_eligible", sa.Boolean(), nullable=False),
        sa.Column("service", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_catalogue_item_name", "catalogue_item", ["name"])
    op.create_table(
        "item_barcode",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "item_id",
            sa.String(length=36),
            sa.ForeignKey("catalogue_item.id", deferrable=True, initially="DEFERRED"),
            nullable=False,
        ),
        sa.Column("barcode", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_item_barcode_item_id", "item_barcode", ["item_id"])
    op.create_index("ix_item_barcode_barcode", "item_barcode", ["barcode"])
    op.create_index(
        "uq_item_barcode_active",
        "item_barcode",
        ["barcode"],
        unique=True,
        sqlite_where=sa.text("active = 1"),
    )
    op.create_table(
        "item_search_key",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "item_id",
            sa.String(length=36),
            sa.ForeignKey("catalogue_item.id", deferrable=True, initially="DEFERRED"),
            nullable=False,
        ),
        sa.Column("key", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_item_search_key_item_id", "item_search_key", ["item_id"])
    op.create_index("ix_item_search_key_key", "item_search_key", ["key"])


def downgrade() -> None:
    op.drop_table("item_search_key")
    op.drop_table("item_barcode")
    op.drop_table("catalogue_item")
    op.drop_table("catalogue_category")
