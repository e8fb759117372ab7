"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 14:40:06.815593
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Foreign keys are checked at COMMIT (DEFERRABLE INITIALLY DEFERRED): one operation's rows
# are flushed together, in whatever order the unit of work writes them.

# Ledgers are append-only: corrections are new entries linked to the originals.
APPEND_ONLY = (
    "sv_entry",
    "points_entry",
    "points_lot",
    "txn_tender",
    "tier_change",
    "audit_log",
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=True),
        sa.Column("approved_by", sa.String(length=36), nullable=True),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("entity", sa.String(length=24), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "member",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.String(length=11), nullable=False),
        sa.Column("phone_last4", sa.String(length=4), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=True),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("referrer_id", sa.String(length=36), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=True),
        sa.Column("consent_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("card_id", sa.String(length=36), nullable=True),
        sa.Column("tier_code", sa.String(length=16), nullable=False),
        sa.Column("tier_overridden", sa.Boolean(), nullable=False),
        sa.Column("cumulative_spend_fen", sa.Integer(), nullable=False),
        sa.Column("principal_fen", sa.Integer(), nullable=False),
        sa.Column("bonus_fen", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("pay_password_hash", sa.String(length=256), nullable=True),
        sa.Column("pay_password_failures", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["member.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_phone_last4"), ["phone_last4"], unique=False)
        batch_op.create_index(
            "uq_member_active_phone",
            ["phone"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "outbox",
        sa.Column("device_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=48), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("pushed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("device_seq"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.String(length=256), nullable=False),
        sa.Column("failed_pins", sa.Integer(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_no"),
    )
    op.create_table(
        "store",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("qr_key", sa.String(length=128), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("rules_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "card",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("card_no", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("replaced_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("card_no"),
    )
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_member_id"), ["member_id"], unique=False)

    op.create_table(
        "member_search_key",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("member_search_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_search_key_key"), ["key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_member_search_key_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "txn",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("staff_id", sa.String(length=36), nullable=True),
        sa.Column("approved_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("discount_fen", sa.Integer(), nullable=False),
        sa.Column("points_used", sa.Integer(), nullable=False),
        sa.Column("points_value_fen", sa.Integer(), nullable=False),
        sa.Column("due_fen", sa.Integer(), nullable=False),
        sa.Column("bonus_fen", sa.Integer(), nullable=False),
        sa.Column("points_earned", sa.Integer(), nullable=False),
        sa.Column("points_shortfall", sa.Integer(), nullable=False),
        sa.Column("tier_before", sa.String(length=16), nullable=True),
        sa.Column("tier_after", sa.String(length=16), nullable=True),
        sa.Column("original_txn_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.ForeignKeyConstraint(
            ["original_txn_id"],
            ["txn.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("txn", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_txn_business_date"), ["business_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_txn_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            "uq_txn_refund_once",
            ["original_txn_id"],
            unique=True,
            sqlite_where=sa.text("kind IN ('refund', 'topup_refund')"),
        )

    op.create_table(
        "points_lot",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("txn_id", sa.String(length=36), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("earned_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.ForeignKeyConstraint(
            ["txn_id"],
            ["txn.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("points_lot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_lot_expires_on"), ["expires_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_points_lot_member_id"), ["member_id"], unique=False)

    op.create_table(
        "sv_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("txn_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("principal_fen", sa.Integer(), nullable=False),
        sa.Column("bonus_fen", sa.Integer(), nullable=False),
        sa.Column("reverses_entry_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.ForeignKeyConstraint(
            ["txn_id"],
            ["txn.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id"),
    )
    with op.batch_alter_table("sv_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sv_entry_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sv_entry_txn_id"), ["txn_id"], unique=False)

    op.create_table(
        "tier_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("txn_id", sa.String(length=36), nullable=False),
        sa.Column("from_tier", sa.String(length=16), nullable=False),
        sa.Column("to_tier", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=True),
        sa.Column("approved_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.ForeignKeyConstraint(
            ["txn_id"],
            ["txn.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tier_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tier_change_member_id"), ["member_id"], unique=False)

    op.create_table(
        "txn_tender",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("txn_id", sa.String(length=36), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("change_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["txn_id"],
            ["txn.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("txn_tender", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_txn_tender_txn_id"), ["txn_id"], unique=False)

    op.create_table(
        "points_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("lot_id", sa.String(length=36), nullable=False),
        sa.Column("txn_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reverses_entry_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lot_id"],
            ["points_lot.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.ForeignKeyConstraint(
            ["txn_id"],
            ["txn.id"],
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id"),
    )
    with op.batch_alter_table("points_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_entry_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_points_entry_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_points_entry_txn_id"), ["txn_id"], unique=False)
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    for table in APPEND_ONLY:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    with op.batch_alter_table("points_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_points_entry_txn_id"))
        batch_op.drop_index(batch_op.f("ix_points_entry_member_id"))
        batch_op.drop_index(batch_op.f("ix_points_entry_lot_id"))

    op.drop_table("points_entry")
    with op.batch_alter_table("txn_tender", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_txn_tender_txn_id"))

    op.drop_table("txn_tender")
    with op.batch_alter_table("tier_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_change_member_id"))

    op.drop_table("tier_change")
    with op.batch_alter_table("sv_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sv_entry_txn_id"))
        batch_op.drop_index(batch_op.f("ix_sv_entry_member_id"))

    op.drop_table("sv_entry")
    with op.batch_alter_table("points_lot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_points_lot_member_id"))
        batch_op.drop_index(batch_op.f("ix_points_lot_expires_on"))

    op.drop_table("points_lot")
    with op.batch_alter_table("txn", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_txn_refund_once", sqlite_where=sa.text("kind IN ('refund', 'topup_refund')")
        )
        batch_op.drop_index(batch_op.f("ix_txn_member_id"))
        batch_op.drop_index(batch_op.f("ix_txn_business_date"))

    op.drop_table("txn")
    with op.batch_alter_table("member_search_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_search_key_member_id"))
        batch_op.drop_index(batch_op.f("ix_member_search_key_key"))

    op.drop_table("member_search_key")
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_member_id"))

    op.drop_table("card")
    op.drop_table("store")
    op.drop_table("staff")
    op.drop_table("outbox")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index("uq_member_active_phone", sqlite_where=sa.text("status = 'active'"))
        batch_op.drop_index(batch_op.f("ix_member_phone_last4"))
        batch_op.drop_index(batch_op.f("ix_member_name"))

    op.drop_table("member")
    op.drop_table("audit_log")
