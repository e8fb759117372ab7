"""Backups that cannot destroy, a restore that keeps what it replaces, and automatic backups.

- ``backup`` writes a consistent, checked copy. It refuses the live database and its -wal,
  -shm and -journal files, any other path in the data directory but its ``backups`` folder,
  an existing file unless ``overwrite`` is given, and anything that is not a regular file or
  a new path (``/dev/null``, a FIFO, a folder, a link).
- ``restore_backup`` (manager or admin, the window closed) checks the file (a whole counter
  database of this store, of a schema this version knows, not older than what HQ already
  holds of this counter), keeps the current database aside in ``restore-aside``, and brings
  the backup back; the restore is audited in the restored database.
- ``auto_backup`` runs after each daily close (on by default), keeping the last N.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from app.domain.errors import CounterError, RuleError, StorageError, ValidationError
from app.instance import InstanceLock
from app.persistence import backup as files
from app.persistence import syncstore
from app.persistence.db import DB_FILENAME, Database
from app.ports import Clock
from app.private_files import private_dir
from app.services.context import CounterContext, open_counter
from app.services.hashing import Hasher
from app.services.recording import record
from app.services.security import Actor, Permission, require, sign_in
from app.services.settings import backup_settings

log = logging.getLogger("member_counter.backup")

BACKUP_FOLDER = "backups"
ASIDE_FOLDER = "restore-aside"
_AUTO = re.compile(r"counter-(?P<store>[A-Za-z0-9_-]+)-\d{4}-\d\d-\d\d-\d{6}\.sqlite3")


@dataclass(frozen=True)
class BackupResult:
    path: str
    bytes: int
    members: int
    store_code: str | None
    integrity: str = "ok"


@dataclass(frozen=True)
class RestoreResult:
    restored_from: str
    store_code: str
    members: int
    kept_aside: str | None  # where the database it replaced now is (None: there was none)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def checked_target(data_dir: Path, target: Path, *, overwrite: bool) -> Path:
    """``target`` if a backup may be written there, else the refusal saying why."""
    data_dir = data_dir.resolve()
    if not target.name:
        raise ValidationError("backup_target_special", path=str(target))
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ValidationError("file_error", path=str(target), reason=exc.strerror) from None
    resolved = target.resolve()
    live_names = {DB_FILENAME + suffix for suffix in files.LIVE_SUFFIXES}
    if (resolved.parent == data_dir and resolved.name in live_names) or (
        _inside(resolved, data_dir) and not _inside(resolved, data_dir / BACKUP_FOLDER)
    ):
        raise ValidationError("backup_target_live", path=str(target))
    if info is not None:
        if not stat.S_ISREG(info.st_mode):  # /dev/null, a FIFO, a folder, a link
            raise ValidationError("backup_target_special", path=str(target))
        live = data_dir / DB_FILENAME
        if live.exists() and os.path.samefile(resolved, live):  # a hard link to it
            raise ValidationError("backup_target_live", path=str(target))
        if not overwrite:
            raise ValidationError("backup_target_exists", path=str(target))
    return resolved


def _data_dir(ctx: CounterContext) -> Path:
    return ctx.data_dir or ctx.db.path.parent


def default_folder(ctx: CounterContext) -> Path:
    folder = backup_settings(ctx).folder
    return Path(folder) if folder else _data_dir(ctx) / BACKUP_FOLDER


def _name(ctx: CounterContext, store_code: str, day: dt.date) -> str:
    now = ctx.clock.now().astimezone(dt.UTC)
    return f"counter-{store_code}-{day.isoformat()}-{now:%H%M%S}.sqlite3"


def _write(ctx: CounterContext, target: Path, overwrite: bool) -> BackupResult:
    if not target.parent.exists():
        private_dir(target.parent)  # a folder made for backups is the owner's only
    facts = ctx.db.backup_to(target, overwrite=overwrite)
    return BackupResult(str(target), target.stat().st_size, facts.members, facts.store_code)


def backup(
    ctx: CounterContext, actor: Actor, target: Path | None = None, *, overwrite: bool = False
) -> BackupResult:
    """A consistent, checked copy of the database at ``target`` (default: the backup folder)."""
    require(actor, Permission.BACKUP)
    with ctx.reader() as uow:
        store = uow.store()
        code = store.code if store else "store"
        day = ctx.local_date(uow) if store else ctx.clock.now().date()
    if target is None:
        folder = private_dir(default_folder(ctx))
        target = folder / _name(ctx, code, day)
    target = checked_target(_data_dir(ctx), Path(target), overwrite=overwrite)
    result = _write(ctx, target, overwrite)
    with ctx.uow() as uow:
        record(ctx, uow, actor, action="backup.create", entity="backup", entity_id=None,
               before=None, after={"file": result.path, "bytes": result.bytes},
               event_type=None, payload={})  # fmt: skip
        uow.commit()
    return result


def prune(folder: Path, store_code: str, keep: int) -> list[Path]:
    """Delete this store's automatic backups in ``folder`` but the newest ``keep``."""
    mine = sorted(
        p
        for p in folder.iterdir()
        if (m := _AUTO.fullmatch(p.name)) and m["store"] == store_code and p.is_file()
    )
    gone = mine[: max(0, len(mine) - keep)]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def auto_backup(ctx: CounterContext, day: dt.date) -> dict[str, object] | None:
    """The backup after the daily close of ``day`` (None when turned off). A failure is
    reported, not raised: the close itself has been committed."""
    settings = backup_settings(ctx)
    if not settings.auto:
        return None
    with ctx.reader() as uow:
        store = uow.store()
        code = store.code if store else "store"
    try:
        folder = private_dir(default_folder(ctx))
        result = _write(ctx, folder / _name(ctx, code, day), False)
        removed = prune(folder, code, settings.keep)
    except (CounterError, OSError) as exc:
        refusal = exc if isinstance(exc, CounterError) else StorageError.from_os_error(exc)
        message = refusal.message if refusal else (exc.strerror or str(exc))
        log.warning("automatic backup after the close of %s failed: %s", day, message)
        return {"error": message}
    return {"path": result.path, "bytes": result.bytes, "removed": len(removed)}


# -- restore -------------------------------------------------------------------------------


def _source(data_dir: Path, source: Path) -> files.FileFacts:
    try:
        info = source.stat()
    except OSError as exc:
        raise ValidationError("file_error", path=str(source), reason=exc.strerror) from None
    if not stat.S_ISREG(info.st_mode):
        raise ValidationError("backup_target_special", path=str(source))
    if source.resolve().parent == data_dir.resolve() and source.name.startswith(DB_FILENAME):
        raise ValidationError("restore_live", path=str(source))
    facts = files.inspect(source)
    if facts.integrity != "ok":
        raise ValidationError("restore_corrupt", path=source.name, detail=facts.integrity)
    if facts.revision is None or facts.store_code is None:
        raise ValidationError("restore_not_backup", path=source.name)
    from app.persistence.migrate import known_revisions  # Alembic loads only for a restore

    if facts.revision not in known_revisions():
        raise ValidationError("restore_newer", path=source.name)
    return facts


def _open_live(data_dir: Path, clock: Clock | None, hasher: Hasher | None) -> CounterContext | None:
    """The live database, or None when there is none or SQLite cannot use it (damaged)."""
    if not (data_dir / DB_FILENAME).exists():
        return None
    try:
        return open_counter(data_dir, clock=clock, hasher=hasher)
    except StorageError as exc:
        if exc.code not in ("storage_corrupt", "storage_unavailable"):
            raise
        return None


def restore_backup(
    data_dir: Path,
    source: Path,
    staff_no: str,
    pin: str,
    *,
    clock: Clock | None = None,
    hasher: Hasher | None = None,
) -> RestoreResult:
    """Bring ``source`` back as the counter's database; the current one is kept aside.

    The staff member signs in against the current database, or, if it cannot be opened,
    against the backup. Refused while the window runs on this data directory."""
    data_dir = Path(data_dir)
    source = Path(source)
    facts = _source(data_dir, source)
    lock = InstanceLock(private_dir(data_dir))
    if not lock.acquire():
        raise RuleError("restore_window_open")
    try:
        live = _open_live(data_dir, clock, hasher)
        staged = files.stage_copy(source, data_dir)
        staged_db: Database | None = None
        try:
            staged_db = Database(staged)  # migrated to this version's schema
            staged_ctx = CounterContext(
                db=staged_db, hasher=hasher or Hasher(), data_dir=data_dir, **_clock(clock)
            )
            actor = sign_in(live if live is not None else staged_ctx, staff_no, pin)
            require(actor, Permission.RESTORE)
            if live is not None:
                _check_against_live(live, facts)
            staged_db.dispose()
            aside = _keep_aside(data_dir, live)
            if live is not None:
                files.copy_into(staged, live.db.engine)
            else:
                os.replace(staged, data_dir / DB_FILENAME)
        finally:
            if staged_db is not None:
                staged_db.dispose()
            files.discard(staged)
            if live is not None:
                live.close()
        restored = open_counter(data_dir, clock=clock, hasher=hasher)
        try:
            if restored.db.integrity_check() != "ok":
                raise StorageError("storage_corrupt")
            _audit(restored, actor, source, aside)
        finally:
            restored.close()
    finally:
        lock.release()
    return RestoreResult(str(source), facts.store_code or "", facts.members,
                         str(aside) if aside else None)  # fmt: skip


def _clock(clock: Clock | None) -> dict[str, Clock]:
    return {"clock": clock} if clock is not None else {}


def _check_against_live(live: CounterContext, facts: files.FileFacts) -> None:
    with live.reader() as uow:
        store = uow.store()
        code = store.code if store is not None else None
        pushed = syncstore.last_pushed_seq(uow)
    if code is not None and code != facts.store_code:
        raise RuleError("restore_other_store", backup=facts.store_code, store=code)
    if pushed > facts.last_device_seq:
        # HQ holds events numbered after the backup: the counter would number new ones the
        # same, and HQ would refuse them as conflicts. HQ must be asked first.
        raise RuleError("restore_behind_hq", pushed=pushed, backup=facts.last_device_seq)


def _keep_aside(data_dir: Path, live: CounterContext | None) -> Path | None:
    folder = private_dir(data_dir / ASIDE_FOLDER)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    if live is not None:
        target = folder / f"counter-before-restore-{stamp}.sqlite3"
        live.db.backup_to(target)
        return target
    if not (data_dir / DB_FILENAME).exists():
        return None
    damaged = private_dir(folder / f"damaged-{stamp}")
    files.move_aside(data_dir / DB_FILENAME, damaged)
    return damaged


def _audit(ctx: CounterContext, actor: Actor, source: Path, aside: Path | None) -> None:
    sha = hashlib.sha256()
    with source.open("rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    digest = sha.hexdigest()
    with ctx.uow() as uow:
        record(ctx, uow, None, action="backup.restore", entity="backup", entity_id=None,
               before=None,
               after={"file": str(source), "sha256": digest, "by": actor.staff_no,
                      "kept_aside": str(aside) if aside else None},
               event_type=None, payload={})  # fmt: skip
        uow.commit()
