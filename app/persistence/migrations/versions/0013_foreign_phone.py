"""other stores' members without their number or verifier: member.phone_hash (the chain's
keyed hash of the number; member.phone then holds the masked form), member.pay_password_at_hq
(a payment password whose verifier stays at HQ), store.phone_key (the chain key the hashes are
made with); the active-phone unique index covers full numbers only (two other stores' members
may share a masked form); a counter that joined HQ joins again

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN and index statements, not a batch copy: the member table may be large.
    op.add_column("member", sa.Column("phone_hash", sa.String(length=64), nullable=True))
    op.add_column(
        "member",
        sa.Column("pay_password_at_hq", sa.Boolean(), nullable=False, server_default="0"),
    )
    op.add_column("store", sa.Column("phone_key", sa.String(length=64), nullable=True))
    op.create_index("ix_member_phone_hash", "member", ["phone_hash"])
    op.drop_index("uq_member_active_phone", table_name="member")
    op.create_index(
        "uq_member_active_phone",
        "member",
        ["phone"],
        unique=True,
        sqlite_where=sa.text("status = 'active' AND phone_hash IS NULL"),
    )
    # A counter that joined HQ joins again at its next sync: the snapshot brings the other
    # stores' members it holds without their numbers and verifiers, and those it no longer
    # holds lose theirs then too (app.services.scope.join).
    op.execute("UPDATE sync_state SET joined_at = NULL")


def downgrade() -> None:
    op.drop_index("uq_member_active_phone", table_name="member")
    op.create_index(
        "uq_member_active_phone",
        "member",
        ["phone"],
        unique=True,
        sqlite_where=sa.text("status = 'active'"),
    )
    op.drop_index("ix_member_phone_hash", table_name="member")
    op.drop_column("store", "phone_key")
    op.drop_column("member", "pay_password_at_hq")
    op.drop_column("member", "phone_hash")
