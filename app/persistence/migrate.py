"""Bring a database to the newest schema with Alembic (the only way the schema changes).

Before a new release migrates a database that holds data, a consistent copy is written to
the ``backups/`` folder beside it (SQLite's backup API), so an upgrade that goes wrong can be
undone by restoring that copy. A database made by a newer release than this one is refused
with a message, never "migrated" backwards.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.domain.errors import RuleError
from app.packaged import packaged_path

BACKUP_DIRNAME = "backups"

# Alembic's ``op`` and ``context`` are process-wide proxies: two migrations running at once in
# one process (a sync worker opening its own connection while HQ starts, in a test) would
# trample each other. Every Alembic run in the process takes this lock (HQ's too).
MIGRATION_LOCK = threading.RLock()


def migrations_dir() -> Path:
    return packaged_path("app.persistence", "migrations")


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def check_known(script: ScriptDirectory, current: str | None) -> None:
    """Refuse a database whose revision this release does not know (made by a newer one)."""
    if current is None:
        return
    try:
        script.get_revision(current)
    except Exception:  # alembic raises several kinds for an unknown revision
        raise RuleError("database_newer", revision=current) from None


def upgrade(engine: Engine, backup: Callable[[str], Path] | None = None) -> Path | None:
    """Migrate to the newest revision; returns the pre-upgrade backup written, if any.

    ``backup(current_revision)`` is called before a database that already has a schema is
    migrated; it writes the copy and returns its path."""
    with MIGRATION_LOCK:
        script = ScriptDirectory.from_config(_config())
        head = script.get_current_head()
        current = current_revision(engine)
        if current == head:
            return None
        check_known(script, current)
        written = backup(current) if backup is not None and current is not None else None
        cfg = _config()
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        return written


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def backup_name(revision: str, now: dt.datetime | None = None) -> str:
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"before-upgrade-r{revision}-{stamp}.sqlite3"


def file_revision(path: Path) -> str | None:
    """The Alembic revision stored in a database file (e.g. a backup), read-only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
