"""Empty databases at the newest schema, migrated once per test process and copied.

Migrating a new counter database with Alembic takes about 0.3 s, HQ's about 0.2 s; hundreds of
tests only need an empty database to start from. Each gets a file copy of one migrated by the
real code (``Database`` / ``open_database``) in this process, so opening it finds the schema
current, as every start after the first does. Tests of migrations themselves (tests/integration
test_upgrade.py, test_catalogue_migration.py, a fresh ``open_counter`` in the CLI and the app)
do not use these copies and still migrate from nothing or from old releases.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import sqlite3
import tempfile
from pathlib import Path

from app.persistence.db import DB_FILENAME, Database
from app.private_files import private_dir

HQ_DB_FILENAME = "hq.sqlite3"  # server.db.DB_FILENAME (the server is imported lazily)


def _folder(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, True)
    return folder


@functools.cache
def _counter_template() -> Path:
    path = _folder("counter-template-") / DB_FILENAME
    Database(path).dispose()  # the last connection closed: the WAL is checkpointed away
    assert not path.with_name(path.name + "-wal").exists()
    return path


@functools.cache
def _hq_template() -> Path:
    from server import redact
    from server.backup import EPOCH
    from server.db import open_database, sqlite_url

    folder = _folder("hq-template-")
    path = folder / HQ_DB_FILENAME
    engine = open_database(sqlite_url(folder))
    engine.dispose()
    # HQ's epoch and phone key are random per database: each copy draws its own on opening.
    conn = sqlite3.connect(path)
    try:
        conn.execute("DELETE FROM hq_counter WHERE name IN (?, ?)", (EPOCH, redact.PHONE_KEY))
        conn.commit()
    finally:
        conn.close()
    assert not path.with_name(path.name + "-wal").exists()
    return path


def _copy(template: Path, folder: Path, name: str) -> Path:
    private_dir(folder)
    target = folder / name
    if target.exists():
        raise FileExistsError(target)  # a template never replaces a database
    shutil.copyfile(template, target)
    target.chmod(0o600)
    return target


def fresh_counter_db(data_dir: Path) -> Path:
    """``data_dir`` (made owner-only) with an empty counter database at the newest schema."""
    return _copy(_counter_template(), data_dir, DB_FILENAME)


def fresh_hq_db(hq_dir: Path) -> Path:
    """``hq_dir`` (made owner-only) with an empty HQ SQLite database at the newest schema."""
    return _copy(_hq_template(), hq_dir, HQ_DB_FILENAME)
