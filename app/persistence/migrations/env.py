"""Alembic environment: always run against the connection handed in by app.persistence.migrate."""

from __future__ import annotations

from alembic import context

from app.persistence.tables import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
