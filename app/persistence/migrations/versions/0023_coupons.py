"""coupons: templates, the coupons issued and their append-only ledger (issued, redeemed,
restored, voided, expired); each sale line's share of its coupons

Revision ID: 0023
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def _fk(target: str) -> sa.ForeignKey:
    return sa.ForeignKey(target, deferrable=True, initially="DEFERRED")


def upgrade() -> None:
    op.create_table(
        "coupon_template",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("validity_days", sa.Integer(), nullable=True),
        sa.Column("per_member_limit", sa.Integer(), nullable=True),
        sa.Column("refund_restores", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "coupon",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("code", sa.String(length=12), nullable=False, unique=True),
        sa.Column("template_id", sa.String(length=36), _fk("coupon_template.id"), nullable=False),
        sa.Column("member_id", sa.String(length=36), _fk("member.id"), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=True),
    )
    op.create_index("ix_coupon_template_id", "coupon", ["template_id"])
    op.create_index("ix_coupon_member_id", "coupon", ["member_id"])
    op.create_table(
        "coupon_entry",
        sa.Column("entry_id", sa.String(length=36), primary_key=True),
        sa.Column("coupon_id", sa.String(length=36), _fk("coupon.id"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("txn_id", sa.String(length=36), nullable=True),
        sa.Column("discount_fen", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Text(), nullable=True),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_coupon_entry_coupon_id", "coupon_entry", ["coupon_id"])
    op.create_index("ix_coupon_entry_txn_id", "coupon_entry", ["txn_id"])
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER coupon_entry_no_{verb.lower()} BEFORE {verb} ON "
            "coupon_entry BEGIN SELECT RAISE(ABORT, 'coupon_entry is append-only'); END"
        )
    # A plain ADD COLUMN: no copy of a store's every sale line.
    op.add_column(
        "txn_line", sa.Column("coupon_fen", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    with op.batch_alter_table("txn_line") as batch:
        batch.drop_column("coupon_fen")
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS coupon_entry_no_{verb}")
    op.drop_index("ix_coupon_entry_txn_id", table_name="coupon_entry")
    op.drop_index("ix_coupon_entry_coupon_id", table_name="coupon_entry")
    op.drop_table("coupon_entry")
    op.drop_index("ix_coupon_member_id", table_name="coupon")
    op.drop_index("ix_coupon_template_id", table_name="coupon")
    op.drop_table("coupon")
    op.drop_table("coupon_template")
