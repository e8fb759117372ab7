"""Bring a database to the newest schema with Alembic (the only way the schema changes).

Opening a database whose schema is current (every start but the first after an upgrade)
does not import Alembic: the newest revision is read from the migration files' own
``revision`` and ``down_revision`` lines and compared with ``alembic_version``.

Before a new release migrates a database that holds data, a consistent copy is written to
the ``backups/`` folder beside it (SQLite's backup API), so an upgrade that goes wrong can be
undone by restoring that copy. A database made by a newer release than this one is refused
with a message, never "migrated" backwards.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from app.domain.errors import RuleError
from app.packaged import packaged_path

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

BACKUP_DIRNAME = "backups"
_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)

# Alembic's ``op`` and ``context`` are process-wide proxies: two migrations running at once in
# one process (a sync worker opening its own connection while HQ starts, in a test) would
# trample each other. Every Alembic run in the process takes this lock (HQ's too).
MIGRATION_LOCK = threading.RLock()


def migrations_dir() -> Path:
    return packaged_path("app.persistence", "migrations")


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The revision in ``alembic_version`` (None for a new database), read without Alembic."""
    with engine.execution_options(counter_lookup=True).connect() as conn:  # no BEGIN
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:
            return None  # a new database: no alembic_version table yet


@functools.cache
def _head_in(versions: Path) -> str | None:
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in versions.glob("*.py"):
        for key, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revisions if key == "revision" else revised).add(value)
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def head_revision() -> str | None:
    """The one revision no other migration revises, from the files (Alembic if not one)."""
    head = _head_in(migrations_dir() / "versions")
    if head is None:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(_config()).get_current_head()
    return head


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
        current = current_revision(engine)
        if current == head_revision():
            return None
        from alembic import command
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(_config())
        check_known(script, current)
        written = backup(current) if backup is not None and current is not None else None
        cfg = _config()
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        return written


def known_revisions() -> set[str]:
    """Every schema revision this version of the counter can open (and migrate from)."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


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
