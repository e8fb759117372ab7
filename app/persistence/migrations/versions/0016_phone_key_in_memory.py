"""the chain's phone key leaves the counter's file: store.phone_key becomes store.phone_key_id,
the name of the key (app.domain.phone.phone_key_id); the key itself is kept in memory only
(app.persistence.phone_keys) and comes with the next pull

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _key_id(key: str) -> str:  # app.domain.phone.phone_key_id, as of this revision
    return hashlib.sha256(b"member-counter phone key\0" + key.encode()).hexdigest()[:16]


def _scrub_backups(database: str | None) -> None:
    """The backups in the data directory's ``backups`` folder (the one written before this
    upgrade among them) lose the key too: a copy of the folder must not give it away either.
    Each is emptied of it and vacuumed, so its old bytes go from the file's free pages."""
    if not database:
        return
    for path in sorted((Path(database).parent / "backups").glob("*.sqlite3")):
        try:
            con = sqlite3.connect(str(path))
            try:
                columns = {row[1] for row in con.execute("PRAGMA table_info(store)")}
                kept = (
                    "phone_key" in columns
                    and con.execute("SELECT 1 FROM store WHERE phone_key IS NOT NULL").fetchone()
                )
                if kept:
                    con.execute("UPDATE store SET phone_key = NULL")
                    con.commit()
                    con.execute("VACUUM")
            finally:
                con.close()
        except sqlite3.Error as exc:  # a backup it cannot open stays as it is, said in the log
            logging.getLogger("member_counter").warning(
                "backup %s: phone key not removed (%s)", path.name, exc
            )


def upgrade() -> None:
    conn = op.get_bind()
    keys = conn.execute(sa.text("SELECT id, phone_key FROM store")).all()
    op.execute("ALTER TABLE store RENAME COLUMN phone_key TO phone_key_id")
    for store_id, key in keys:
        conn.execute(
            sa.text("UPDATE store SET phone_key_id = :name WHERE id = :id"),
            {"name": _key_id(key) if key else None, "id": store_id},
        )
    _scrub_backups(conn.engine.url.database)


def downgrade() -> None:
    # The key is not on file any more: the counter gets it again from HQ's snapshot.
    op.execute("ALTER TABLE store RENAME COLUMN phone_key_id TO phone_key")
    op.execute("UPDATE store SET phone_key = NULL")
    op.execute("UPDATE sync_state SET joined_at = NULL")
