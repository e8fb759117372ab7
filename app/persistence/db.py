"""Opening the counter's SQLite database the one way it is ever opened.

WAL, ``synchronous=FULL`` (a committed sale survives a power cut),
``foreign_keys=ON``, a busy timeout, and ``BEGIN IMMEDIATE`` for every write
transaction so two writers never deadlock half-way through an operation.
Read-only units of work use a deferred ``BEGIN``; the scan box's lookups
(:class:`app.persistence.reader.Reader`) read in autocommit.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext

from app.domain.errors import StorageError
from app.persistence.peek import DB_FILENAME as DB_FILENAME  # its one definition
from app.persistence.reader import Reader
from app.persistence.uow import UnitOfWork

if TYPE_CHECKING:
    from app.persistence.backup import FileFacts

BUSY_TIMEOUT_MS = 10_000

# SQLite's primary result codes that mean the disk or the file refused, not the statement.
_SQLITE_STORAGE = {
    13: "storage_full",  # SQLITE_FULL: database or disk is full
    10: "storage_io",  # SQLITE_IOERR: disk I/O error
    8: "storage_readonly",  # SQLITE_READONLY: attempt to write a readonly database
    5: "storage_busy",  # SQLITE_BUSY: still locked after the busy timeout
    6: "storage_busy",  # SQLITE_LOCKED
    14: "storage_unavailable",  # SQLITE_CANTOPEN: unable to open database file
    11: "storage_corrupt",  # SQLITE_CORRUPT: database disk image is malformed
    26: "storage_corrupt",  # SQLITE_NOTADB: file is not a database
}
_SQLITE_MESSAGES = {
    "database or disk is full": "storage_full",
    "disk i/o error": "storage_io",
    "readonly database": "storage_readonly",
    "database is locked": "storage_busy",
    "unable to open database file": "storage_unavailable",
    "malformed": "storage_corrupt",
    "file is not a database": "storage_corrupt",
}


FULL_BELOW_BYTES = 256 * 1024  # an I/O error with less free than this is a full disk


def storage_error(exc: BaseException, where: Path | None = None) -> StorageError | None:
    """The refusal a storage failure of SQLite (or the OS) stands for, if it is one.

    SQLite reports a full disk as "disk I/O error" when it fails to grow its shared-memory
    file: with ``where`` (the database's folder) an I/O error on a disk with next to no free
    space is called what it is."""
    if isinstance(exc, OSError):
        return StorageError.from_os_error(exc)
    if not isinstance(exc, sqlite3.Error):
        return None
    name = None
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _SQLITE_STORAGE:
        name = _SQLITE_STORAGE[code & 0xFF]
    else:
        text = str(exc).lower()
        name = next((n for words, n in _SQLITE_MESSAGES.items() if words in text), None)
    if name == "storage_io" and where is not None and _free_bytes(where) < FULL_BELOW_BYTES:
        name = "storage_full"
    return StorageError(name) if name else None


def _free_bytes(where: Path) -> int:
    try:
        return shutil.disk_usage(where).free
    except OSError:
        return FULL_BELOW_BYTES  # unknown: leave the error as SQLite named it


def make_engine(path: Path | str) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        pool_pre_ping=False,
        hide_parameters=True,  # an error never carries a member's phone into a log
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        # A full or failing disk is a refusal the cashier can read (exit code 3), not a
        # traceback; SQLite has rolled the transaction back, so nothing is half-written.
        refusal = storage_error(context.original_exception, Path(path).parent)
        if refusal is not None:
            raise refusal from context.original_exception

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get("counter_lookup"):
            return  # one-shot lookups read in autocommit: each statement is its own snapshot
        conn.exec_driver_sql("BEGIN" if options.get("counter_readonly") else "BEGIN IMMEDIATE")

    return engine


def copy_database(src: sqlite3.Connection, target: Path | str, mode: int | None = None) -> None:
    """A consistent copy of ``src`` at ``target`` through SQLite's online backup API; an
    earlier file at ``target`` is replaced only by a complete copy (HQ's SQLite backups)."""
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    dst = sqlite3.connect(str(partial))
    try:
        src.backup(dst)
    finally:
        dst.close()
    if mode is not None and os.name == "posix":
        partial.chmod(mode)
    partial.replace(target)


class Database:
    """One counter database file: opened, migrated, and handed out as units of work."""

    def __init__(self, path: Path | str) -> None:
        from app.persistence import migrate

        self.path = Path(path)
        self.engine = make_engine(self.path)
        self.upgrade_backup = migrate.upgrade(self.engine, self._backup_before_upgrade)

    def _backup_before_upgrade(self, revision: str) -> Path:
        """The copy a new release writes (checked, owner-only) before it migrates this file."""
        from app.persistence import migrate

        folder = self.path.parent / migrate.BACKUP_DIRNAME
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / migrate.backup_name(revision)
        self.backup_to(target)
        return target

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def reader(self) -> UnitOfWork:
        return UnitOfWork(self.engine, readonly=True)

    def lookup(self) -> Reader:
        return Reader(self.engine)

    def backup_to(self, target: Path | str, *, overwrite: bool = False) -> FileFacts:
        """A checked, consistent copy at ``target`` (see :mod:`app.persistence.backup`)."""
        from app.persistence.backup import write_backup

        return write_backup(self.engine, Path(target), overwrite=overwrite)

    def integrity_check(self) -> str:
        with self.engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())

    def dispose(self) -> None:
        self.engine.dispose()
