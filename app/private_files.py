"""Files only their owner can read: the data directory, databases, backups, exports, logs.

On POSIX a directory this project creates is 0700 and a file 0600, whatever the umask; one
found wider (made by an older version, copied in, restored) is tightened when the counter or
HQ starts, with a log line. On Windows the data directory gets an owner-only ACL (icacls) when
it is created; the installer sets the same on the folders it makes.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

log = logging.getLogger("member_counter.files")

DIR_MODE = 0o700
FILE_MODE = 0o600
POSIX = os.name == "posix"


def tighten(path: Path) -> bool:
    """Take group and other permissions off ``path`` (POSIX); True when it had any."""
    if not POSIX:
        return False
    try:
        info = path.lstat()
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(info.st_mode) or not (info.st_mode & 0o077):
        return False
    if info.st_mode & stat.S_ISVTX or path.resolve() in (Path.home(), Path("/")):
        return False  # /tmp, a home folder or / named as a data directory: never ours to close
    if not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
        return False
    if info.st_uid != os.geteuid():
        return False  # not ours to change (e.g. root looking at a user's folder)
    wanted = DIR_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE
    os.chmod(path, stat.S_IMODE(info.st_mode) & wanted)
    log.info(
        "tightened permissions of %s from %o to %o",
        path, stat.S_IMODE(info.st_mode), stat.S_IMODE(info.st_mode) & wanted,
    )  # fmt: skip
    return True


def private_dir(path: Path) -> Path:
    """``path`` (and missing parents) created 0700, or tightened if it exists."""
    path = Path(path)
    if not path.exists():
        # Parents made on the way keep the umask: only the directory itself is ours alone.
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if sys.platform == "win32":
            _windows_owner_only(path)
    tighten(path)
    return path


def private_file(path: Path) -> Path:
    """``path`` created empty as 0600 if missing (so SQLite, which gives its -wal and -shm
    files the database's mode, makes those owner-only too), else tightened."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        tighten(path)
    else:
        os.close(fd)
    return path


@contextmanager
def open_private(path: Path, mode: str = "w", **kw: object) -> Iterator[IO]:
    """``open(path, mode)`` for a file this project writes, created 0600."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    if "b" in mode and hasattr(os, "O_BINARY"):
        flags |= os.O_BINARY
    fd = os.open(path, flags, FILE_MODE)
    with open(fd, mode, **kw) as f:  # type: ignore[call-overload]
        yield f


def tighten_tree(root: Path) -> int:
    """Tighten ``root`` and everything in it; the number of paths that had to change."""
    root = Path(root)
    if not root.is_dir():
        return 0
    changed = int(tighten(root))
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for name in (*dirnames, *filenames):
            changed += int(tighten(base / name))
    return changed


def _windows_owner_only(path: Path) -> None:
    """The folder's ACL: the signed-in user (and the system) only, inherited by its files."""
    user = os.environ.get("USERNAME")
    if not user:
        return
    try:
        subprocess.run(
            ["icacls", str(path), "/inheritance:r", "/grant:r", f"{user}:(OI)(CI)F",
             "/grant:r", "SYSTEM:(OI)(CI)F"],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("could not restrict %s to its owner: %s", path, exc)
