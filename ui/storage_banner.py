"""The red banner over the window when the disk refuses: full, failing or read-only.

It appears when an operation is refused by the disk (the operation was not saved; the data
already there is intact) and, before that happens, when the data directory's disk runs low.
It goes when space is back or the next operation commits.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.domain.errors import StorageError

LOW_DISK_BYTES = 50 * 1024 * 1024  # below this, warn before operations start to fail
FREED_BYTES = 2 * LOW_DISK_BYTES  # a full disk's banner goes once this much is free


class StorageBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "warning")
        self.setWordWrap(True)
        self.code: str | None = None  # what it shows: a StorageError's code, "low", or None
        self.hide()

    def refused(self, error: StorageError) -> None:
        """An operation the disk refused."""
        self.code = error.code
        hint = (
            self.tr("可删除不用的文件或清空回收站;空间够了之后,重做刚才没有记下的那笔业务。")
            if error.code == "storage_full"
            else self.tr("请联系技术支持检查电脑的磁盘。")
        )
        self.setText(f"{error.message}\n{hint}")
        self.show()

    def free_space(self, free_bytes: int | None) -> None:
        """The data directory's free space, as the status bar last measured it."""
        if free_bytes is None:
            return
        if self.code == "storage_full" and free_bytes >= FREED_BYTES:
            self.clear_refusal()
        if self.code in (None, "low") and free_bytes < LOW_DISK_BYTES:
            self.code = "low"
            self.setText(
                self.tr("磁盘剩余空间只有 {0} MB:请尽快清理,空间用完后业务将无法保存。").format(
                    free_bytes // (1024 * 1024)
                )
            )
            self.show()
        elif self.code == "low" and free_bytes >= LOW_DISK_BYTES:
            self.clear_refusal()

    def committed(self) -> None:
        """An operation was saved: the disk takes writes again."""
        if self.code not in (None, "low"):
            self.clear_refusal()

    def clear_refusal(self) -> None:
        self.code = None
        self.clear()
        self.hide()
