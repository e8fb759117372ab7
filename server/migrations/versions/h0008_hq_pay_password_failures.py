"""wrong payment passwords counted at HQ (hq_member.pay_password_failures): another store's
counter has no verifier and asks HQ to check the password of a stored-value payment

Revision ID: h0008
Revises: h0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0008"
down_revision = "h0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "hq_member",
        sa.Column("pay_password_failures", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("hq_member") as batch_op:
        batch_op.drop_column("pay_password_failures")
