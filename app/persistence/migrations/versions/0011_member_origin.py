"""member: a birthday known only by month and day, notes, and what the old system said of the
member (its registration time and home store), kept from an import

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = (
    ("birthday_md", sa.String(length=5)),
    ("notes", sa.String(length=500)),
    ("registered_at", sa.DateTime()),
    ("home_store", sa.String(length=64)),
)


def upgrade() -> None:
    # ADD COLUMN, not a batch (a batch copies the table and drops its triggers, migration 0005).
    for name, type_ in COLUMNS:
        op.add_column("member", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    for name, _type in reversed(COLUMNS):
        op.drop_column("member", name)
