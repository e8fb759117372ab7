"""Bring a database to the newest schema with Alembic (the only way the schema changes).

Opening a database whose schema is current (every start but the first after an upgrade)
does not import Alembic: the newest revision is read from the migration files' own
``revision`` and ``down_revision`` lines and compared with ``alembic_version``.
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)

# Alembic's ``op`` and ``context`` are process-wide proxies: two migrations running at once in
# one process (a sync worker opening its own connection while HQ starts, in a test) would
# trample each other. Every Alembic run in the process takes this lock (HQ's too).
MIGRATION_LOCK = threading.RLock()


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine) -> None:
    with MIGRATION_LOCK:
        if is_current(engine):
            return
        from alembic import command

        cfg = _config()
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()


@functools.cache
def head_revision(versions: Path = MIGRATIONS / "versions") -> str | None:
    """The one revision no other migration revises (None if there is not exactly one)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in versions.glob("*.py"):
        for key, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revisions if key == "revision" else revised).add(value)
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def is_current(engine: Engine) -> bool:
    head = head_revision()
    if head is None:  # not one head: let Alembic say what is wrong
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(_config()).get_current_head()
    with engine.execution_options(counter_lookup=True).connect() as conn:  # no BEGIN
        try:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:
            return False  # a new database: no alembic_version table yet
    return current == head
