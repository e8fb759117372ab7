"""scoped replication: whether this counter keeps a member up to date (member.held), when it
last joined HQ from a snapshot of its store's scope (sync_state.joined_at)

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN, not a batch copy: the member table may hold a million rows and triggers.
    op.add_column("member", sa.Column("held", sa.Boolean(), nullable=False, server_default="1"))
    op.add_column("sync_state", sa.Column("joined_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("sync_state", "joined_at")
    op.drop_column("member", "held")
