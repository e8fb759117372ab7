"""coupons at HQ: the chain's coupon templates (hq_coupon_template), the coupons issued
(hq_coupon) and the append-only ledger of their issue, redemptions and restorations
(hq_coupon_entry)

Revision ID: h0016
Revises: h0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0016"
down_revision = "h0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hq_coupon_template",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("template_json", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "hq_coupon",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("code", sa.String(length=12), nullable=False, unique=True),
        sa.Column("template_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("valid_from", sa.String(length=10), nullable=False),
        sa.Column("valid_until", sa.String(length=10), nullable=False),
        sa.Column("header_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_hq_coupon_member", "hq_coupon", ["member_id"])
    op.create_table(
        "hq_coupon_entry",
        sa.Column("entry_id", sa.String(length=36), primary_key=True),
        sa.Column("coupon_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("txn_id", sa.String(length=36), nullable=True),
        sa.Column("of_txn_id", sa.String(length=36), nullable=True),
        sa.Column("discount_fen", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.String(length=10), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_hq_coupon_entry_coupon", "hq_coupon_entry", ["coupon_id"])


def downgrade() -> None:
    op.drop_index("ix_hq_coupon_entry_coupon", table_name="hq_coupon_entry")
    op.drop_table("hq_coupon_entry")
    op.drop_index("ix_hq_coupon_member", table_name="hq_coupon")
    op.drop_table("hq_coupon")
    op.drop_table("hq_coupon_template")
