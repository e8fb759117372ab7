"""indexes for a member's history pages and the range report; member.joined_on

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:00:00

``member.joined_on`` is derived data: the business date of the member's first ``register``
or ``import`` transaction, kept by the triggers below whatever writes the rows (services,
the importer, sync) and in whichever order one flush inserts them. A later migration that
rebuilds ``txn`` or ``member`` (batch "move and copy") must create these triggers again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JOIN_KINDS = "('register', 'import')"
TRIGGERS = {
    "txn_sets_member_joined_on": f"""
        CREATE TRIGGER txn_sets_member_joined_on AFTER INSERT ON txn
        WHEN NEW.kind IN {JOIN_KINDS} AND NEW.member_id IS NOT NULL
        BEGIN
            UPDATE member SET joined_on = NEW.business_date
            WHERE id = NEW.member_id AND (joined_on IS NULL OR joined_on > NEW.business_date);
        END""",
    "member_gets_joined_on": f"""
        CREATE TRIGGER member_gets_joined_on AFTER INSERT ON member
        BEGIN
            UPDATE member SET joined_on = (
                SELECT min(business_date) FROM txn
                WHERE txn.member_id = NEW.id AND txn.kind IN {JOIN_KINDS}
            )
            WHERE id = NEW.id;
        END""",
}


def upgrade() -> None:
    op.drop_index("ix_txn_member_id", table_name="txn")
    op.create_index("ix_txn_member_created", "txn", ["member_id", "created_at", "id"])
    op.create_index(
        "ix_txn_original",
        "txn",
        ["original_txn_id"],
        sqlite_where=sa.text("original_txn_id IS NOT NULL"),
    )
    op.create_index("ix_card_status", "card", ["status"])
    op.add_column("member", sa.Column("joined_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE member SET joined_on = (SELECT min(business_date) FROM txn"
        f" WHERE txn.member_id = member.id AND txn.kind IN {JOIN_KINDS})"
    )
    op.create_index("ix_member_tier_status", "member", ["tier_code", "status"])
    op.create_index("ix_member_joined_status", "member", ["joined_on", "status"])
    for sql in TRIGGERS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_member_joined_status", table_name="member")
    op.drop_index("ix_member_tier_status", table_name="member")
    with op.batch_alter_table("member") as batch_op:
        batch_op.drop_column("joined_on")
    op.drop_index("ix_card_status", table_name="card")
    op.drop_index("ix_txn_original", table_name="txn")
    op.drop_index("ix_txn_member_created", table_name="txn")
    op.create_index("ix_txn_member_id", "txn", ["member_id"])
