"""What a cashier reads when something fails; the details go to the log."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication

from app.domain.errors import CounterError, StorageError
from app.ports import PrinterError

log = logging.getLogger("member_counter.ui")


def storage_refusal(exc: BaseException) -> StorageError | None:
    """The full or failing disk behind ``exc``, if that is what it is."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, OSError) and not isinstance(exc, PrinterError):
        return StorageError.from_os_error(exc)
    return None


def describe(exc: BaseException) -> str:
    """A message in the window's language, never an exception's class name. Refusals explain
    themselves and changed nothing (a full disk among them); for other faults the cashier is
    told to check the member's history before redoing the operation (a fault after the
    commit is unlikely, not impossible). Faults are logged."""
    if isinstance(exc, CounterError):
        return exc.message
    storage = storage_refusal(exc)
    if storage is not None:
        return storage.message
    if isinstance(exc, PrinterError):
        return str(exc)
    log.error("operation failed", exc_info=exc)
    if isinstance(exc, OSError):
        return QCoreApplication.translate(
            "errors", "磁盘或文件出错:{0}。请先在会员记录中核对这笔业务,再决定是否重做;详情见日志。"
        ).format(exc.strerror or exc.filename or "")
    return QCoreApplication.translate(
        "errors", "操作出错。请先在会员记录中核对这笔业务,再决定是否重做;详情见日志。"
    )
