"""the first device_seq at which a counter pushed an event made under HQ's rules: from there
on its own rules changes are refused (hq_device.hq_rules_from_seq)

Revision ID: h0014
Revises: h0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0014"
down_revision = "h0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hq_device") as batch:
        batch.add_column(sa.Column("hq_rules_from_seq", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hq_device") as batch:
        batch.drop_column("hq_rules_from_seq")
