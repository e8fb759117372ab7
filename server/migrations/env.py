"""Alembic environment of HQ: runs against the connection handed in by server.db.upgrade."""

from __future__ import annotations

from alembic import context

from server.tables import metadata

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    version_table="hq_alembic_version",
)
with context.begin_transaction():
    context.run_migrations()
