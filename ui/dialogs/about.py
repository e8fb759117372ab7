"""About (关于): this release, where its data lives, and whether HQ recommends a newer one."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from app.packaged import packaged_path
from app.services.syncstate import SyncStatus, status
from app.version import __version__
from ui.dialogs.base import OpDialog, run_modal
from ui.ops import Op
from ui.session import Session


def update_text(s: SyncStatus | None) -> str:
    """ "新版本可用 …" when HQ recommends a newer release, else an empty string."""
    if s is None or s.recommended is None:
        return ""
    where = s.recommended.url or QCoreApplication.translate("Update", "请向总部索取安装程序")
    text = QCoreApplication.translate("Update", "新版本可用:{0}(本机 {1})\n安装程序:{2}")
    line = text.format(s.recommended.version, s.app_version, where)
    if s.recommended.notes:
        line += "\n" + s.recommended.notes
    return line


def update_notice(parent: QWidget) -> QLabel:
    """The hidden-until-needed 新版本可用 notice (its text from :func:`update_text`)."""
    label = QLabel(parent)
    label.setProperty("role", "warning")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def show_update(label: QLabel, s: SyncStatus) -> None:
    text = update_text(s)
    label.setText(text)
    label.setVisible(bool(text))


class AboutDialog(OpDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("关于会员收银台"), parent)
        self.setMinimumWidth(680)
        icon = QLabel(self)
        icon.setPixmap(
            QPixmap(str(packaged_path("resources", "icons", "member-counter.png"))).scaledToHeight(
                64, Qt.TransformationMode.SmoothTransformation
            )
        )
        self.body.addWidget(icon)
        title = QLabel(self.tr("会员收银台 {0}").format(__version__), self)
        title.setProperty("role", "title")
        self.body.addWidget(title)
        form = QFormLayout()
        data_dir = session.ctx.data_dir
        for label, value in (
            (self.tr("版本"), __version__),
            (self.tr("数据目录"), str(data_dir) if data_dir else "—"),
            (self.tr("运行环境"), f"Python {platform.python_version()}, Qt {qVersion()}, "
                                  f"PySide6 {PySide6.__version__}"),
            (self.tr("系统"), platform.platform(terse=True)),
        ):  # fmt: skip
            field = QLabel(value, self)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setToolTip(value)
            form.addRow(label, field)
        self.body.addLayout(form)
        self.update_label = update_notice(self)
        self.body.addWidget(self.update_label)
        self.confirm_button.hide()
        self.cancel_button.setText(self.tr("关闭 (Esc)"))
        ctx = session.ctx
        Op(session.tasks, lambda: status(ctx), owner=self).success(self.show_status).run()

    def show_status(self, s: SyncStatus) -> None:
        show_update(self.update_label, s)
        self.adjustSize()

    def confirm(self) -> None:
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget, session: Session) -> None:
        run_modal(cls(session, parent))
