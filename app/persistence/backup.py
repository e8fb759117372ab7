"""Backup and restore of the counter's SQLite file, at the level of files and pages.

A backup is made with SQLite's online backup API into a new, owner-only temporary file beside
the target; it replaces nothing until it is complete, integrity-checked and synced to disk.
A restore copies a checked file *into* the live database through the same API, so every
connection sees the old database or the restored one, never a mix; only a live file SQLite
cannot open at all is moved aside as files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from app.domain.errors import StorageError, ValidationError
from app.persistence.db import storage_error
from app.private_files import FILE_MODE, private_file

LIVE_SUFFIXES = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True)
class FileFacts:
    """What a database file holds, read without changing it."""

    integrity: str
    revision: str | None  # its Alembic revision (None: not a counter database)
    store_code: str | None
    members: int
    last_device_seq: int  # the last outbox event it numbered (0: none)


def _storage(exc: BaseException, where: Path) -> BaseException:
    return storage_error(exc, where) or exc


def _read_only(path: Path) -> sqlite3.Connection:
    """A backup file opened as the unchanging file it is: no lock, no -wal or -shm made."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def inspect(path: Path) -> FileFacts:
    """Open ``path`` read-only and say what it is (refused if it is no SQLite database)."""
    try:
        return _inspect(path)
    except sqlite3.DatabaseError:
        raise ValidationError("restore_not_backup", path=path.name) from None


def _inspect(path: Path) -> FileFacts:
    conn = _read_only(path)
    try:
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"alembic_version", "store", "member", "outbox"} <= tables:
            return FileFacts(integrity, None, None, 0, 0)
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        store = conn.execute("SELECT code FROM store WHERE id = 1").fetchone()
        members = conn.execute("SELECT count(*) FROM member").fetchone()[0]
        seq = conn.execute("SELECT coalesce(max(device_seq), 0) FROM outbox").fetchone()[0]
        return FileFacts(
            integrity,
            revision[0] if revision else None,
            store[0] if store else None,
            int(members),
            int(seq),
        )
    finally:
        conn.close()


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _place(tmp: Path, target: Path, overwrite: bool) -> None:
    """Move the finished ``tmp`` to ``target``: replacing a file only with ``overwrite``, and
    never clobbering one that appeared in the meantime otherwise."""
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails if target exists: no window between check and write
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT on a USB stick)
        if target.exists():
            raise FileExistsError(target) from None
        os.rename(tmp, target)
    else:
        tmp.unlink()


def write_backup(engine: Engine, target: Path, *, overwrite: bool) -> FileFacts:
    """A consistent copy of the live database at ``target`` (checked before it is placed)."""
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)
    try:
        raw = engine.raw_connection()
        try:
            src = raw.driver_connection
            assert isinstance(src, sqlite3.Connection)
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)  # one step: a snapshot as of one moment, writers carry on
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            raw.close()
        facts = _inspect(tmp)
        if facts.integrity != "ok":
            raise StorageError("backup_corrupt", detail=facts.integrity)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        _place(tmp, target, overwrite)
        _fsync_dir(target.parent)
        return facts
    except (sqlite3.Error, OSError) as exc:
        raise _storage(exc, target.parent) from exc
    finally:
        tmp.unlink(missing_ok=True)


def stage_copy(source: Path, folder: Path) -> Path:
    """An owner-only working copy of ``source`` in ``folder`` (the restore works on it)."""
    staged = folder / f".restore-{uuid.uuid4().hex[:8]}.sqlite3"
    try:
        src = _read_only(source)
        try:
            dst = sqlite3.connect(private_file(staged))
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except (sqlite3.Error, OSError) as exc:
        discard(staged)
        raise _storage(exc, folder) from exc
    return staged


def copy_into(source: Path, engine: Engine) -> None:
    """Replace the live database's content with ``source``'s, through the backup API."""
    raw = engine.raw_connection()
    try:
        live = raw.driver_connection
        assert isinstance(live, sqlite3.Connection)
        src = _read_only(source)
        try:
            src.backup(live)
        finally:
            src.close()
    except (sqlite3.Error, OSError) as exc:
        raise _storage(exc, source.parent) from exc
    finally:
        raw.close()


def move_aside(db_path: Path, aside: Path) -> list[Path]:
    """Move the live file and its -wal/-shm/-journal (as files) into the folder ``aside``."""
    moved = []
    for suffix in LIVE_SUFFIXES:
        path = db_path.with_name(db_path.name + suffix)
        if path.exists():
            dest = aside / path.name
            shutil.move(path, dest)
            moved.append(dest)
    return moved


def discard(path: Path) -> None:
    for suffix in LIVE_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()
