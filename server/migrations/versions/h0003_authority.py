"""HQ is the authority: quarantined events, the stores' own staff, the rules history, refunds
linked to what they refund

Revision ID: h0003
Revises: h0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "h0003"
down_revision = "h0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hq_quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("device_seq", sa.BigInteger(), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=48), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("waiting_on", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("device_id", "device_seq", name="uq_hq_quarantine_device_seq"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("hq_quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hq_quarantine_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            "ix_hq_quarantine_status_device", ["status", "device_id"], unique=False
        )
    op.create_table(
        "hq_store_staff",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "staff_id"),
    )
    op.create_table(
        "hq_rules_history",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rules_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    # The rules HQ holds today are version 1 of the history.
    op.execute(
        "INSERT INTO hq_rules_history (version, rules_json, created_at) "
        "SELECT 1, rules_json, updated_at FROM hq_rules WHERE id = 1"
    )
    with op.batch_alter_table("hq_txn", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_txn_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_hq_txn_original_txn_id"), ["original_txn_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("hq_txn", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hq_txn_original_txn_id"))
        batch_op.drop_column("original_txn_id")
    op.drop_table("hq_rules_history")
    op.drop_table("hq_store_staff")
    op.drop_table("hq_quarantine")
