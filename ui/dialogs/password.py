"""The member's payment password (F8): set a first one, change it, or reset it with approval."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.services.lookup import MemberView
from app.services.members import reset_payment_password, set_payment_password
from ui.dialogs.approval import ApprovalBox
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.session import Session
from ui.widgets.fields import DigitsEdit


def _secret(parent: QWidget, placeholder: str) -> DigitsEdit:
    field = DigitsEdit(6, parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


class PaymentPasswordDialog(OpDialog):
    def __init__(self, session: Session, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("会员支付密码"), parent)
        self.member = member
        self.body.addWidget(
            caption(
                self.tr("请会员本人在键盘上输入 6 位数字密码。储值消费时需要输入此密码。"), self
            )
        )
        modes = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.change_button = QPushButton(self.tr("修改密码(需原密码)"), self)
        self.reset_button = QPushButton(self.tr("忘记密码重置(需店长授权)"), self)
        for b in (self.change_button, self.reset_button):
            b.setCheckable(True)
            b.setAutoDefault(False)
            b.setProperty("role", "preset")
            self.group.addButton(b)
            modes.addWidget(b)
            b.toggled.connect(lambda _on: self._mode_changed())
        self.body.addLayout(modes)
        form = QFormLayout()
        self.form = form
        self.old = _secret(self, self.tr("原支付密码"))
        self.new = _secret(self, self.tr("6 位数字"))
        self.again = _secret(self, self.tr("再输一次"))
        form.addRow(self.tr("原密码"), self.old)
        form.addRow(self.tr("新密码"), self.new)
        form.addRow(self.tr("确认新密码"), self.again)
        self.body.addLayout(form)
        self.approval = ApprovalBox.of(session, self)
        self.body.addWidget(self.approval)
        for f in (self.old, self.new, self.again, self.approval.staff_no, self.approval.pin):
            f.textChanged.connect(self.revalidate)
        if member.has_payment_password:
            self.change_button.setChecked(True)
        else:
            self.change_button.hide()
            self.reset_button.hide()
        self._mode_changed()
        self.confirm_button.setText(self.tr("保存密码 (Enter)"))

    def mode(self) -> str:
        if not self.member.has_payment_password:
            return "set"
        return "reset" if self.reset_button.isChecked() else "change"

    def _mode_changed(self) -> None:
        mode = self.mode()
        self.form.setRowVisible(self.old, mode == "change")
        self.approval.setVisible(mode == "reset")
        (self.old if mode == "change" else self.new).setFocus()
        self.revalidate()

    def problem(self) -> str | None:
        mode = self.mode()
        if mode == "change" and len(self.old.text()) != 6:
            return self.tr("请输入 6 位原密码")
        if len(self.new.text()) != 6:
            return self.tr("新密码应为 6 位数字")
        if self.new.text() != self.again.text():
            return self.tr("两次输入的新密码不一致")
        if mode == "reset":
            return self.approval.missing()
        return None

    def perform(self) -> None:
        ctx, actor, q = self.session.ctx, self.session.cashier, self.member.member_id
        new, old, approval = self.new.text(), self.old.text(), self.approval.approval()
        mode = self.mode()
        if mode == "reset":
            self.run(lambda: reset_payment_password(ctx, actor, q, new, approval) or True)
        else:
            old_password = old if mode == "change" else None
            self.run(
                lambda: set_payment_password(ctx, actor, q, new, old_password=old_password) or True
            )

    @classmethod
    def ask(cls, parent: QWidget, session: Session, member: MemberView) -> bool:
        return bool(run_modal(cls(session, member, parent)))
