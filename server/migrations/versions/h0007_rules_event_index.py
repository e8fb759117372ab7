"""an index of each counter's rules events (the rules it held, found at once)

Revision ID: h0007
Revises: h0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0007"
down_revision = "h0006"
branch_labels = None
depends_on = None

_WHERE = sa.text("type IN ('rules.changed', 'store.initialised')")


def upgrade() -> None:
    op.create_index(
        "ix_hq_event_rules",
        "hq_event",
        ["device_id", "device_seq"],
        postgresql_where=_WHERE,
        sqlite_where=_WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_hq_event_rules", table_name="hq_event")
