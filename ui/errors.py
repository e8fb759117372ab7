"""What a cashier reads when something fails; the details go to the log."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication

from app.domain.errors import CounterError

log = logging.getLogger("member_counter.ui")


def describe(exc: BaseException) -> str:
    """A message in the window's language. Refusals explain themselves and changed nothing;
    for other faults the cashier is told to check the member's history before redoing the
    operation (a fault after the commit is unlikely, not impossible). Faults are logged."""
    if isinstance(exc, CounterError):
        return exc.message
    log.error("operation failed", exc_info=exc)
    if "database is locked" in str(exc):
        return QCoreApplication.translate("errors", "数据库正忙,请稍后重试。没有任何改动。")
    if isinstance(exc, OSError):
        return QCoreApplication.translate(
            "errors", "磁盘或文件出错:{0}。请先在会员记录中核对这笔业务,再决定是否重做;详情见日志。"
        ).format(exc.strerror or exc)
    return QCoreApplication.translate(
        "errors", "操作出错({0})。请先在会员记录中核对这笔业务,再决定是否重做;详情见日志。"
    ).format(type(exc).__name__)
