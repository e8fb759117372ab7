"""The counter's log: ``logs/member-counter.log`` in the data directory, rotated, owner-only.

The window logs there for as long as it runs; a CLI command only while it runs (an unexpected
failure's details go there, the terminal gets a sentence). No full phone number, e-mail or
SQL parameter is ever written to it (SQLAlchemy engines hide parameters; services log ids).
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from app.private_files import FILE_MODE, private_dir

LOG_NAME = "member-counter.log"
LOG_BYTES = 2_000_000
LOG_BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class OwnerOnlyFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files (the rotated ones too) are created 0600."""

    def _open(self) -> IO[Any]:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        # A full or failing disk: the line is lost, and no traceback lands on the terminal.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handleError(record)


def log_path(data_dir: Path) -> Path:
    return Path(data_dir) / "logs" / LOG_NAME


# Chatty libraries: their INFO lines (Alembic announces itself on every start) are noise.
QUIET = ("alembic", "PIL", "urllib3", "escpos")


def file_handler(data_dir: Path) -> OwnerOnlyFileHandler:
    path = log_path(data_dir)
    private_dir(Path(data_dir))
    private_dir(path.parent)
    handler = OwnerOnlyFileHandler(
        path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    for name in QUIET:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)
    return handler


def setup_logging(data_dir: Path) -> Path:
    """The window's logging: everything from INFO to the data directory's log, for good."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    # python-escpos calls logging.basicConfig() when imported, which prints every INFO line
    # to the terminal; the terminal gets warnings only, the log file everything.
    for h in root.handlers:
        if type(h) is logging.StreamHandler:
            h.setLevel(logging.WARNING)
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(file_handler(data_dir))
    return log_path(data_dir)


@contextmanager
def logging_to(data_dir: Path, *, again: bool = False) -> Iterator[Path | None]:
    """A CLI command's logging: INFO and up to the data directory's log while it runs.

    Yields the log's path, or None when it cannot be opened (a full disk): the command runs
    on without. ``again`` says the log is already open (nothing is added)."""
    if again:
        yield log_path(data_dir)
        return
    root = logging.getLogger()
    try:
        handler = file_handler(data_dir)
    except OSError:
        yield None
        return
    level = root.level
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    try:
        yield log_path(data_dir)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        with contextlib.suppress(OSError):  # a full disk cannot take the last buffered line
            handler.close()
