"""the release each counter runs (device.app_version)

Revision ID: h0002
Revises: h0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0002"
down_revision = "h0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hq_device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("app_version", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hq_device", schema=None) as batch_op:
        batch_op.drop_column("app_version")
