"""Who has the counter's data directory: the window while it runs, a restore while it works.

An OS file lock on ``counter.lock`` in the data directory (``flock`` on POSIX, ``msvcrt`` on
Windows), released by the OS if the process dies, so a crashed window never blocks a restore.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import IO

LOCK_NAME = "counter.lock"


class InstanceLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self, wait_seconds: float = 0.0) -> bool:
        """Take the lock, waiting up to ``wait_seconds``; False if another process has it."""
        deadline = time.monotonic() + wait_seconds
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        f = os.fdopen(fd, "r+b")
        while True:
            if _try_lock(f):
                self._file = f
                return True
            if time.monotonic() >= deadline:
                f.close()
                return False
            time.sleep(0.1)

    def release(self) -> None:
        if self._file is not None:
            _unlock(self._file)
            self._file.close()
            self._file = None

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if os.name == "nt":
    import msvcrt

    def _try_lock(f: IO[bytes]) -> bool:
        try:
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(f: IO[bytes]) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(f: IO[bytes]) -> bool:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(f: IO[bytes]) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
