"""Service calls off the UI thread, results back on it (Anki's CollectionOp/QueryOp idea).

Every database call runs on one single-worker executor, so SQLite sees one writer and the
calls of the window happen in the order they were asked for. Long reads (a member's history,
reports, exports) run on a read pool of their own, each on its own connection (WAL lets them
read beside the writer), so a scan never queues behind them; printing and network calls use
a third pool so a slow printer never delays a sale. Op code never touches widgets: the
success and failure callbacks run on the UI thread, delivered through a queued signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

from ui.errors import storage_refusal

T = TypeVar("T")
log = logging.getLogger(__name__)


class TaskManager(QObject):
    """Runs callables on worker threads and calls back on the UI thread."""

    _deliver = Signal(object)
    # An operation the disk refused (full, failing, read-only): the window shows a banner.
    storage_failed = Signal(object)  # StorageError

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
        self._read = ThreadPoolExecutor(max_workers=2, thread_name_prefix="read")
        self._io = ThreadPoolExecutor(max_workers=4, thread_name_prefix="io")
        self._deliver.connect(self._on_deliver, Qt.ConnectionType.QueuedConnection)
        self._lock = threading.Lock()
        self._running = 0
        self._reads: set[Future[Any]] = set()
        self._closed = False

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[Future[T]], None],
        *,
        io: bool = False,
        read: bool = False,
    ) -> Future[T]:
        """``read``: a read-only call that may take long (it must not write).

        After ``shutdown`` (the window is closing) nothing new starts: a late signal (a print
        job finishing, a device reporting) gets a cancelled future and no callback.
        """
        with self._lock:
            if self._closed:
                log.info("not started, the window is closing: %s", getattr(fn, "__qualname__", fn))
                late: Future[T] = Future()
                late.cancel()
                return late
            self._running += 1
        future = (self._io if io else self._read if read else self._db).submit(fn)
        if read:
            with self._lock:
                self._reads.add(future)
            future.add_done_callback(self._read_done)
        future.add_done_callback(lambda f: self._deliver.emit(lambda: on_done(f)))
        return future

    def _read_done(self, future: Future[Any]) -> None:
        with self._lock:
            self._reads.discard(future)

    def _on_deliver(self, closure: Callable[[], None]) -> None:
        with self._lock:
            self._running -= 1
        closure()

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._running > 0

    def drain(self, timeout: float = 30.0) -> None:
        """Block until every database call asked for so far has finished (committed or not)."""
        with self._lock:
            reads = set(self._reads)
        self._db.submit(lambda: None).result(timeout=timeout)
        wait(reads, timeout=timeout)

    def shutdown(self) -> None:
        """Wait for the work already asked for (a sale being committed must finish)."""
        with self._lock:
            self._closed = True
        self._db.shutdown(wait=True)
        self._read.shutdown(wait=True, cancel_futures=True)
        self._io.shutdown(wait=True, cancel_futures=True)


class Op(Generic[T]):
    """``Op(tasks, fn, owner=widget).success(cb).failure(cb).run()``: fn off the UI thread.

    The callbacks run on the UI thread, and only while ``owner`` still exists. Without a
    failure callback, errors go to ``default_failure`` (the window shows them).
    """

    default_failure: Callable[[BaseException], None] | None = None

    def __init__(
        self,
        tasks: TaskManager,
        fn: Callable[[], T],
        *,
        owner: QObject | None = None,
        io: bool = False,
        read: bool = False,
    ) -> None:
        self._tasks = tasks
        self._owner = owner
        self._fn = fn
        self._io = io
        self._read = read
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[BaseException], Any] | None = None
        self._finally: Callable[[], Any] | None = None

    def success(self, cb: Callable[[T], Any]) -> Op[T]:
        self._success = cb
        return self

    def failure(self, cb: Callable[[BaseException], Any]) -> Op[T]:
        self._failure = cb
        return self

    def finally_(self, cb: Callable[[], Any]) -> Op[T]:
        self._finally = cb
        return self

    def run(self) -> Future[T]:
        return self._tasks.run(self._fn, self._done, io=self._io, read=self._read)

    def _done(self, future: Future[T]) -> None:
        if future.cancelled():
            # Never ran: a read or a network call still queued when the window closed
            # (shutdown cancels those; database calls always finish).
            return
        if self._owner is not None and not shiboken6.isValid(self._owner):
            # The screen that asked is gone (closed, or rebuilt in another language): the
            # work itself is done and committed; there is nobody left to show it to.
            if future.exception() is not None:
                log.error(
                    "background op failed after its screen closed", exc_info=future.exception()
                )
            return
        try:
            exc = future.exception()
            storage = storage_refusal(exc) if exc is not None else None
            if storage is not None:
                self._tasks.storage_failed.emit(storage)
            if exc is None:
                if self._success:
                    self._success(future.result())
            else:
                handler = self._failure or Op.default_failure
                if handler is None:
                    log.error("unhandled error in background op", exc_info=exc)
                else:
                    handler(exc)
        finally:
            if self._finally:
                self._finally()
