"""The red banner over the window when the disk refuses: full, failing or read-only.

It appears when an operation is refused by the disk (the operation was not saved; the data
already there is intact) and goes when space is back or the next operation commits. One line,
so the counter screen keeps its room at 1024×768; what to do is in its tooltip. A disk running
low is only a warning: :func:`low_space_text` is shown in the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QWidget

from app.domain.errors import StorageError

LOW_DISK_BYTES = 50 * 1024 * 1024  # below this, warn before operations start to fail
FREED_BYTES = 2 * LOW_DISK_BYTES  # a full disk's banner goes once this much is free


def low_space_text(free_bytes: int | None) -> str:
    """The status bar's warning while the data directory's disk runs low ("" when it does not)."""
    if free_bytes is None or free_bytes >= LOW_DISK_BYTES:
        return ""
    return QCoreApplication.translate("StorageBanner", "磁盘只剩 {0} MB,请尽快清理").format(
        free_bytes // (1024 * 1024)
    )


class StorageBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "warning")
        self.code: str | None = None  # the StorageError shown, or None
        self.hide()

    def refused(self, error: StorageError) -> None:
        """An operation the disk refused."""
        self.code = error.code
        self.setText(error.message)
        self.setToolTip(
            self.tr("可删除不用的文件或清空回收站;空间够了之后,重做刚才没有记下的那笔业务。")
            if error.code == "storage_full"
            else self.tr("请联系技术支持检查电脑的磁盘。")
        )
        self.show()

    def free_space(self, free_bytes: int | None) -> None:
        """The data directory's free space, as the status bar last measured it."""
        if self.code == "storage_full" and free_bytes is not None and free_bytes >= FREED_BYTES:
            self.clear_refusal()

    def committed(self) -> None:
        """An operation was saved: the disk takes writes again."""
        if self.code is not None:
            self.clear_refusal()

    def clear_refusal(self) -> None:
        self.code = None
        self.clear()
        self.setToolTip("")
        self.hide()
