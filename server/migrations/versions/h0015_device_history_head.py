"""where a counter's own history ends when it joins HQ: the last device_seq it had made
(hq_device.history_head_seq) and the rules events among it, by number and payload hash
(hq_device.history_rules, JSON); a rules event after the head, or not among those, is refused

Devices enrolled before this revision get their last pushed device_seq as the head and no list
(NULL: not checked): what they pushed was their history, and their rules editor has been locked
since they joined.

Revision ID: h0015
Revises: h0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0015"
down_revision = "h0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hq_device") as batch:
        batch.add_column(sa.Column("history_head_seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("history_rules", sa.Text(), nullable=True))
    op.execute("UPDATE hq_device SET history_head_seq = last_seq")


def downgrade() -> None:
    with op.batch_alter_table("hq_device") as batch:
        batch.drop_column("history_rules")
        batch.drop_column("history_head_seq")
