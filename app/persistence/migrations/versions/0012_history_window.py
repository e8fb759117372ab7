"""the history window: a counter enrolled with HQ lets go of its members' rows older than 18
months (app.domain.window); the append-only ledgers allow that one deletion, under a gate

Revision ID: 0012
Revises: 0011

The ledgers stay append-only for every operation: a row can be deleted only while a
``history_gate`` row names its member, and only if its transaction's business date lies
before the gate's window start. The gate row is written and removed inside the one
transaction that carries the member's old rows forward (app.persistence.historystore).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# table -> how a row's transaction is found (OLD is the row being deleted)
_GATED = {
    "sv_entry": "OLD.member_id",
    "points_entry": "OLD.member_id",
    "points_lot": "OLD.member_id",
    "tier_change": "OLD.member_id",
    "txn_tender": "(SELECT member_id FROM txn WHERE txn.id = OLD.txn_id)",
}


def _raise(table: str) -> str:
    return f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"


def upgrade() -> None:
    op.add_column("sync_state", sa.Column("history_carried_on", sa.Date(), nullable=True))
    op.create_table(
        "history_gate",
        sa.Column("member_id", sa.String(36), primary_key=True),
        sa.Column("since", sa.Date(), nullable=False),
    )
    for table, member in _GATED.items():
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "WHEN NOT EXISTS (SELECT 1 FROM history_gate g JOIN txn t ON t.id = OLD.txn_id "
            f"WHERE g.member_id = {member} AND t.business_date < g.since) " + _raise(table)
        )


def downgrade() -> None:
    for table in _GATED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} " + _raise(table))
    op.drop_table("history_gate")
    op.drop_column("sync_state", "history_carried_on")
