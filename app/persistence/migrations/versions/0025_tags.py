"""member tags: the chain's tag definitions (tag_def) and each member's manual tags with
their clocks (member_tag)

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tag_def",
        sa.Column("code", sa.String(length=24), primary_key=True),
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("colour", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("set_by", sa.String(length=8), nullable=False),
        sa.Column("rule", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "member_tag",
        sa.Column(
            "member_id",
            sa.String(length=36),
            sa.ForeignKey("member.id", deferrable=True, initially="DEFERRED"),
            primary_key=True,
        ),
        sa.Column("tag_code", sa.String(length=24), primary_key=True),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_member_tag_tag_code", "member_tag", ["tag_code"])


def downgrade() -> None:
    op.drop_index("ix_member_tag_tag_code", table_name="member_tag")
    op.drop_table("member_tag")
    op.drop_table("tag_def")
