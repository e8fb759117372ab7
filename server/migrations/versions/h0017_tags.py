"""member tags at HQ: the chain's tag definitions (hq_tag) and each member's manual tags with
their clocks (hq_member_tag)

Revision ID: h0017
Revises: h0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0017"
down_revision = "h0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hq_tag",
        sa.Column("code", sa.String(length=24), primary_key=True),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("tag_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "hq_member_tag",
        sa.Column("member_id", sa.String(length=36), primary_key=True),
        sa.Column("tag_code", sa.String(length=24), primary_key=True),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hq_member_tag")
    op.drop_table("hq_tag")
