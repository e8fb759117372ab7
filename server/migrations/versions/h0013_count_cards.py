"""count cards at HQ: the chain's card products (hq_countcard_product), the cards members
hold (hq_countcard) and the append-only ledger of their times (hq_countcard_entry)

Revision ID: h0013
Revises: h0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0013"
down_revision = "h0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hq_countcard_product",
        sa.Column("code", sa.String(length=32), primary_key=True),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("product_json", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "hq_countcard",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("product_code", sa.String(length=32), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("header_json", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_hq_countcard_member", "hq_countcard", ["member_id"])
    op.create_table(
        "hq_countcard_entry",
        sa.Column("entry_id", sa.String(length=36), primary_key=True),
        sa.Column("card_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("times", sa.Text(), nullable=False),
        sa.Column("value_fen", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.String(length=10), nullable=False),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_hq_countcard_entry_card", "hq_countcard_entry", ["card_id"])


def downgrade() -> None:
    op.drop_index("ix_hq_countcard_entry_card", table_name="hq_countcard_entry")
    op.drop_table("hq_countcard_entry")
    op.drop_index("ix_hq_countcard_member", table_name="hq_countcard")
    op.drop_table("hq_countcard")
    op.drop_table("hq_countcard_product")
