"""The store's recovery code, shown once after the store is set up: write it down."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.dialogs.base import caption, run_modal


class RecoveryCodeDialog(QDialog):
    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("管理员恢复码"))
        self.setModal(True)
        self.setMinimumWidth(560)
        column = QVBoxLayout(self)
        title = QLabel(self.tr("请把这个恢复码抄在纸上,妥善保管"), self)
        title.setProperty("role", "title")
        title.setWordWrap(True)
        column.addWidget(title)
        self.code = QLabel(code, self)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(22)
        font.setWeight(QFont.Weight.Bold)
        self.code.setFont(font)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code.setProperty("role", "figure")
        column.addWidget(self.code)
        column.addWidget(
            caption(
                self.tr(
                    "管理员忘记密码或输错被锁定时,用它解锁并设新密码:\n"
                    "member-counter staff recover --code 恢复码 --new-pin 新密码\n"
                    "每个恢复码只能用一次(用后会给出新的);它只显示这一次,本机只保存它的指纹。"
                ),
                self,
            )
        )
        self.done_button = QPushButton(self.tr("我已抄下 (Enter)"), self)
        self.done_button.setProperty("role", "primary")
        self.done_button.setDefault(True)
        self.done_button.clicked.connect(self.accept)
        column.addWidget(self.done_button)

    @classmethod
    def ask(cls, parent: QWidget | None, code: str) -> None:
        run_modal(cls(code, parent))
