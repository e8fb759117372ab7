"""Backing HQ up and restoring it: SQLite here, PostgreSQL with its own tools.

``member-hq backup FILE`` writes a consistent copy of an SQLite HQ through SQLite's online
backup API while ``serve`` keeps running; ``member-hq restore FILE`` copies a backup into a
fresh database (never over one that exists), migrates it and marks it restored. PostgreSQL is
backed up with ``pg_dump -Fc`` and restored with ``pg_restore`` into a fresh database, then
``member-hq mark-restored``.

Marking a database restored gives it a new *epoch*, which HQ sends with every answer
(:data:`EPOCH_HEADER`, ``epoch:position of the device's store stream at the restore``). A
counter that sees the epoch change sends again the events the backup misses and pulls again
from that point, so what happened after the backup is neither lost nor applied twice.
"""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.engine import make_url

from app.persistence.db import copy_database
from app.private_files import private_dir
from server import tables as t
from server.errors import HQError

EPOCH_HEADER = "X-MC-HQ-Epoch"
EPOCH, RESTORED_SEQ = "epoch", "restored_seq"


def _counter(engine: Engine, name: str) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(select(t.counter.c.value).where(t.counter.c.name == name))


def _set_counter(conn: Any, name: str, value: int) -> None:
    done = conn.execute(update(t.counter).where(t.counter.c.name == name).values(value=value))
    if done.rowcount == 0:
        conn.execute(insert(t.counter).values(name=name, value=value))


def new_epoch() -> int:
    return secrets.randbits(62) or 1


def epoch_value(engine: Engine) -> str:
    """``epoch:0`` of this database, as sent in :data:`EPOCH_HEADER` to an unsigned request
    (a signed one gets its store stream's position: ``HQService.load_epoch_for``)."""
    return f"{_counter(engine, EPOCH) or 0}:{_counter(engine, RESTORED_SEQ) or 0}"


def mark_restored(engine: Engine) -> dict[str, Any]:
    """A new epoch: the counters re-send and re-pull from their stream's last change here."""
    with engine.begin() as conn:
        positions = dict(
            conn.execute(select(t.stream.c.store_code, t.stream.c.value).with_for_update()).all()
        )
        conn.execute(update(t.stream).values(restored=t.stream.c.value))
        epoch = new_epoch()
        _set_counter(conn, EPOCH, epoch)
        _set_counter(conn, RESTORED_SEQ, 0)
    return {"epoch": epoch, "restored": positions}


def sqlite_file(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise HQError(
            "backup_postgres",
            "back up PostgreSQL with: pg_dump -Fc -f FILE DBNAME; restore with: "
            "createdb NEW && pg_restore -d NEW FILE && member-hq --db URL_OF_NEW mark-restored",
        )
    return Path(parsed.database)


def _check(path: Path) -> str:
    """The backup's integrity and that it is an HQ database; returns its schema revision."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise HQError("backup_invalid", f"{path}: {exc}") from None
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise HQError("backup_invalid", f"{path}: {result}")
        revision = conn.execute("SELECT version_num FROM hq_alembic_version").fetchone()
        conn.execute("SELECT count(*) FROM hq_device").fetchone()
    except sqlite3.DatabaseError as exc:
        raise HQError("backup_invalid", f"{path}: not an HQ database ({exc})") from None
    finally:
        conn.close()
    if not revision or not str(revision[0]).startswith("h"):
        raise HQError("backup_invalid", f"{path}: not an HQ database")
    return str(revision[0])


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        copy_database(src, target, mode=0o600)
    finally:
        src.close()


def _folder_for(target: Path) -> None:
    """The folder a backup or a restored database goes in: one made here is the owner's
    only (0700), like the counter's; one that exists is the operator's and left as it is."""
    if not target.parent.exists():
        private_dir(target.parent)


def backup(url: str, target: Path) -> dict[str, Any]:
    source = sqlite_file(url)
    if not source.exists():
        raise HQError("backup_invalid", f"no database at {source}")
    if target.resolve() == source.resolve():
        raise HQError("backup_invalid", "the backup cannot replace the database itself")
    _folder_for(target)
    _copy(source, target)
    revision = _check(target)
    return {"backup": str(target), "bytes": target.stat().st_size, "revision": revision}


def restore(url: str, source: Path) -> Path:
    """Copy the backup ``source`` into the (absent) SQLite database of ``url``."""
    target = sqlite_file(url)
    _check(source)
    if target.exists() and target.stat().st_size > 0:
        raise HQError(
            "restore_target_exists",
            f"{target} exists: restore into a fresh database (stop serve, move it aside)",
        )
    _folder_for(target)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    _copy(source, target)
    return target
