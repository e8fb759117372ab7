"""members a device's online lookup found (hq_lookup_grant): that device may hold them for a
few minutes without naming the reason again, as a counter of the release before HQ asked for
one does

Revision ID: h0011
Revises: h0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0011"
down_revision = "h0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hq_lookup_grant",
        sa.Column("device_id", sa.String(length=36), primary_key=True),
        sa.Column("member_id", sa.String(length=36), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hq_lookup_grant")
