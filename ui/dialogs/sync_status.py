"""Sync with HQ (F12): where this counter stands, sync now, and enrollment for managers."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton, QWidget

from app.services.security import Role
from app.services.syncstate import SyncStatus, status
from ui.dialogs.about import show_update, update_notice
from ui.dialogs.base import OpDialog, caption, place_on_screen, run_modal
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import LatinEdit


class SyncDialog(OpDialog):
    commits_from_last_only = True  # Enter goes on to the optional CA file, registers from there

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("总部同步"), parent)
        self.current: SyncStatus | None = None
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, title in (
            ("state", self.tr("状态")),
            ("server", self.tr("总部地址")),
            ("pending", self.tr("待上传")),
            ("success", self.tr("上次成功")),
            ("error", self.tr("上次错误")),
            ("cursor", self.tr("已下载到")),
            ("refused", self.tr("总部拒收")),
            ("parked", self.tr("暂未应用")),
            ("version", self.tr("本机版本")),
        ):
            self.fields[key] = QLabel("—", self)
            self.fields[key].setWordWrap(True)
            form.addRow(title, self.fields[key])
        self.body.addLayout(form)
        self.update_label = update_notice(self)
        self.body.addWidget(self.update_label)
        self.sync_now = QPushButton(self.tr("立即同步"), self)
        self.sync_now.setAutoDefault(False)
        self.sync_now.clicked.connect(self._sync_now)
        self.body.addWidget(self.sync_now)
        self.enroll_box = QGroupBox(self.tr("注册到总部(店长)"), self)
        enroll = QFormLayout(self.enroll_box)
        # An address and a code: typed with the pinyin IME on, it would swallow the letters.
        self.server = LatinEdit(self.enroll_box)
        self.server.setObjectName("enrollServer")
        self.server.setPlaceholderText("https://hq.example.com:8700")
        self.code = LatinEdit(self.enroll_box)
        self.code.setObjectName("enrollCode")
        self.code.setPlaceholderText(self.tr("总部 member-hq store add 给出的注册码"))
        self.ca = QLineEdit(self.enroll_box)
        self.ca.setObjectName("enrollCa")
        self.ca.setPlaceholderText(self.tr("私有 CA 证书文件(选填)"))
        enroll.addRow(self.tr("总部地址"), self.server)
        enroll.addRow(self.tr("注册码"), self.code)
        enroll.addRow(self.tr("CA 证书"), self.ca)
        self.body.addWidget(self.enroll_box)
        self.body.addWidget(
            caption(self.tr("收银不依赖网络:断网时照常营业,恢复后自动补传,不会重复记账。"), self)
        )
        self.confirm_button.setText(self.tr("注册 (Enter)"))
        self.cancel_button.setText(self.tr("关闭 (Esc)"))
        for f in (self.server, self.code):
            f.textChanged.connect(self.revalidate)
        # Who cannot enroll never sees the form, not even before the status arrives: the
        # dialog is sized and centred for what it shows.
        self.enroll_box.setVisible(self._may_enroll())
        self.confirm_button.setVisible(self._may_enroll())
        if self._may_enroll():
            self.server.setFocus()
        session.sync.events.status_changed.connect(self.show_status)
        self.refresh()

    def _may_enroll(self) -> bool:
        """A manager or admin, on a counter that can enroll (the status says if it is yet)."""
        actor = self.session.actor
        manager = actor is not None and actor.role in (Role.MANAGER, Role.ADMIN)
        return manager and self.session.sync.enroll is not None

    def refresh(self) -> None:
        ctx = self.session.ctx
        Op(self.session.tasks, lambda: status(ctx), owner=self).success(self.show_status).run()

    def show_status(self, s: SyncStatus) -> None:
        self.current = s
        if not s.enrolled:
            state = self.tr("未注册到总部(单店使用)")
        elif s.online:
            state = self.tr("在线")
        else:
            state = self.tr("离线:断网期间的业务会在恢复后上传")
        self.fields["state"].setText(state)
        self.fields["server"].setText(s.server_url or "—")
        self.fields["pending"].setText(self.tr("{0} 条").format(s.pending))
        self.fields["success"].setText(self._when(s.last_success_at))
        self.fields["error"].setText(
            f"{self._when(s.last_error_at)} {s.last_error}" if s.last_error else "—"
        )
        self.fields["cursor"].setText(str(s.cursor))
        self.fields["refused"].setText(self._refused_text(s))
        self.fields["parked"].setText(
            self.tr("{0} 条总部数据暂未能在本机应用,所需会员到达后自动补上").format(s.parked)
            if s.parked
            else "—"
        )
        self.fields["version"].setText(s.app_version)
        show_update(self.update_label, s)
        can_enroll = self._may_enroll() and not s.enrolled
        self.enroll_box.setVisible(can_enroll)
        self.confirm_button.setVisible(can_enroll)
        self.sync_now.setEnabled(s.enrolled)
        self.revalidate()
        focus = self.focusWidget()
        if can_enroll and (focus is None or not self.enroll_box.isAncestorOf(focus)):
            self.server.setFocus()  # the form's first field, as the dialog opens
        # Rows came and went (the enrollment form, refusals): fit them, centred again.
        self.adjustSize()
        if self.isVisible():
            place_on_screen(self)

    def _refused_text(self, s: SyncStatus) -> str:
        """Each event HQ refused or holds, with HQ's reason (the newest five, then a count)."""
        if not s.refused:
            return "—"
        open_ = [r for r in s.refused if not r.code.startswith("voided_at_hq")]
        if open_:
            lines = [self.tr("{0} 条,请店长联系总部处理:").format(len(open_))]
        else:  # every one resolved: HQ voided them
            lines = [self.tr("{0} 条,总部已作废:").format(len(s.refused))]
        for r in s.refused[-5:]:
            if r.waiting_on:
                lines.append(self.tr("第 {0} 笔:等待前一笔处理后再上传").format(r.device_seq))
            else:
                lines.append(self.tr("第 {0} 笔:{1}").format(r.device_seq, r.text))
        if len(s.refused) > 5:
            lines.append(self.tr("……另有 {0} 条").format(len(s.refused) - 5))
        return "\n".join(lines)

    def _when(self, at: dt.datetime | None) -> str:
        return self.session.local(at).strftime("%Y-%m-%d %H:%M:%S") if at else "—"

    def _sync_now(self) -> None:
        self.session.sync.trigger()
        self.fields["state"].setText(self.tr("正在同步…"))

    def problem(self) -> str | None:
        if not self.confirm_button.isVisible():
            return None
        if not self.server.text().strip().startswith(("http://", "https://")):
            return self.tr("请填写总部地址(https://…)")
        if not self.code.text().strip():
            return self.tr("请填写注册码")
        return None

    def confirm(self) -> None:
        if self.confirm_button.isVisible():
            super().confirm()
        else:
            self.accept()

    def perform(self) -> None:
        enroll = self.session.sync.enroll
        assert enroll is not None
        server, code = self.server.text().strip(), self.code.text().strip()
        ca = self.ca.text().strip() or None

        def enrolled(_result: object) -> None:
            self.code.clear()
            self.session.sync.trigger()
            self.refresh()

        self.run(lambda: enroll(server, code, ca), enrolled)

    @classmethod
    def ask(cls, parent: QWidget, session: Session) -> None:
        run_modal(cls(session, parent))
