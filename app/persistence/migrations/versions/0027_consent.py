"""the consent ledger: append-only consent entries per member, purpose and channel
(consent_entry)

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_entry",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column(
            "member_id",
            sa.String(length=36),
            sa.ForeignKey("member.id", deferrable=True, initially="DEFERRED"),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("wording_version", sa.String(length=24), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_consent_entry_member", "consent_entry", ["member_id", "purpose", "channel"])


def downgrade() -> None:
    op.drop_index("ix_consent_entry_member", table_name="consent_entry")
    op.drop_table("consent_entry")
