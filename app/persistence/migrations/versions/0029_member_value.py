"""members' lifecycle stages, their history and the month's RFM edges (member_value,
member_stage_entry, rfm_edges)

Revision ID: 0029
Revises: 0027
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0027"
branch_labels = None
depends_on = None


def _member() -> sa.ForeignKey:
    return sa.ForeignKey("member.id", deferrable=True, initially="DEFERRED")


def upgrade() -> None:
    op.create_table(
        "member_value",
        sa.Column("member_id", sa.String(length=36), _member(), primary_key=True),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("stage_since", sa.Date(), nullable=False),
        sa.Column("last_visit", sa.Date(), nullable=True),
        sa.Column("visits_12m", sa.Integer(), nullable=False),
        sa.Column("spend_12m_fen", sa.Integer(), nullable=False),
        sa.Column("r", sa.Integer(), nullable=False),
        sa.Column("f", sa.Integer(), nullable=False),
        sa.Column("m", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_member_value_stage", "member_value", ["stage"])
    op.create_table(
        "member_stage_entry",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.String(length=36), _member(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
    )
    op.create_index("ix_member_stage_entry_member_id", "member_stage_entry", ["member_id"])
    op.create_table(
        "rfm_edges",
        sa.Column("month", sa.String(length=7), primary_key=True),
        sa.Column("recency", sa.Text(), nullable=False),
        sa.Column("frequency", sa.Text(), nullable=False),
        sa.Column("monetary", sa.Text(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rfm_edges")
    op.drop_index("ix_member_stage_entry_member_id", table_name="member_stage_entry")
    op.drop_table("member_stage_entry")
    op.drop_index("ix_member_value_stage", table_name="member_value")
    op.drop_table("member_value")
