"""Bring a database to the newest schema with Alembic (the only way the schema changes)."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")

# Alembic's ``op`` and ``context`` are process-wide proxies: two migrations running at once in
# one process (a sync worker opening its own connection while HQ starts, in a test) would
# trample each other. Every Alembic run in the process takes this lock (HQ's too).
MIGRATION_LOCK = threading.RLock()


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine) -> None:
    with MIGRATION_LOCK:
        if is_current(engine):
            return
        cfg = _config()
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()


def known_revisions() -> set[str]:
    """Every schema revision this version of the counter can open (and migrate from)."""
    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def is_current(engine: Engine) -> bool:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current == head
