"""count cards (次卡): card products, the cards members hold and the append-only ledger of
their times (sold, visit, refund, transfer, expire)

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _fk(target: str) -> sa.ForeignKey:
    return sa.ForeignKey(target, deferrable=True, initially="DEFERRED")


def upgrade() -> None:
    op.create_table(
        "count_card_product",
        sa.Column("code", sa.String(length=32), primary_key=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("price_fen", sa.Integer(), nullable=False),
        sa.Column("validity_days", sa.Integer(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("stores", sa.Text(), nullable=True),
        sa.Column("transferable", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "member_count_card",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("member_id", sa.String(length=36), _fk("member.id"), nullable=False),
        sa.Column("product_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("price_paid_fen", sa.Integer(), nullable=False),
        sa.Column("sold_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("stores", sa.Text(), nullable=True),
        sa.Column("transferable", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_member_count_card_member_id", "member_count_card", ["member_id"])
    op.create_table(
        "count_card_entry",
        sa.Column("entry_id", sa.String(length=36), primary_key=True),
        sa.Column("card_id", sa.String(length=36), _fk("member_count_card.id"), nullable=False),
        sa.Column("txn_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("times", sa.Text(), nullable=False),
        sa.Column("value_fen", sa.Integer(), nullable=False),
        sa.Column("from_member_id", sa.String(length=36), nullable=True),
        sa.Column("to_member_id", sa.String(length=36), nullable=True),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_count_card_entry_card_id", "count_card_entry", ["card_id"])
    op.create_index("ix_count_card_entry_business_date", "count_card_entry", ["business_date"])
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER count_card_entry_no_{verb.lower()} BEFORE {verb} ON "
            "count_card_entry BEGIN SELECT RAISE(ABORT, 'count_card_entry is append-only'); END"
        )


def downgrade() -> None:
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS count_card_entry_no_{verb}")
    op.drop_index("ix_count_card_entry_business_date", table_name="count_card_entry")
    op.drop_index("ix_count_card_entry_card_id", table_name="count_card_entry")
    op.drop_table("count_card_entry")
    op.drop_index("ix_member_count_card_member_id", table_name="member_count_card")
    op.drop_table("member_count_card")
    op.drop_table("count_card_product")
