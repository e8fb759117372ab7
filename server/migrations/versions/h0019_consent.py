"""the consent ledger at HQ: every member's consent entries (hq_consent_entry)

Revision ID: h0019
Revises: h0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0019"
down_revision = "h0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hq_consent_entry",
        sa.Column("entry_id", sa.String(length=36), primary_key=True),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("wording_version", sa.String(length=24), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_hq_consent_entry_member", "hq_consent_entry", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_hq_consent_entry_member", table_name="hq_consent_entry")
    op.drop_table("hq_consent_entry")
