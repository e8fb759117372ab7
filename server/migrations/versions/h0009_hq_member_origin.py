"""what an import said of a member beyond the profile (hq_member.notes, registered_at,
home_store): the old system's notes, registration time and home store, so the store's other
counters receive them; filled for members imported before from the events HQ keeps

Revision ID: h0009
Revises: h0008
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "h0009"
down_revision = "h0008"
branch_labels = None
depends_on = None

FIELDS = ("notes", "registered_at", "home_store")


def upgrade() -> None:
    op.add_column("hq_member", sa.Column("notes", sa.String(500)))
    op.add_column("hq_member", sa.Column("registered_at", sa.String(32)))
    op.add_column("hq_member", sa.Column("home_store", sa.String(64)))
    conn = op.get_bind()
    member = sa.table("hq_member", sa.column("id"), *(sa.column(f) for f in FIELDS))
    event = sa.table("hq_event", sa.column("type"), sa.column("payload"))
    rows = (
        conn.execute(sa.select(event.c.payload).where(event.c.type == "member.imported"))
        .scalars()
        .all()
    )
    for text in rows:
        payload = json.loads(text)
        values = {f: payload[f] for f in FIELDS if payload.get(f)}
        if values:
            conn.execute(
                sa.update(member)
                .where(member.c.id == payload["member"]["member_id"])
                .values(**values)
            )


def downgrade() -> None:
    with op.batch_alter_table("hq_member") as batch_op:
        for name in reversed(FIELDS):
            batch_op.drop_column(name)
