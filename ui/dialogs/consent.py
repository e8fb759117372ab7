"""The member's marketing consent (Ctrl+M, or 营销同意 on the member panel): one button per
channel (1 短信, 2 微信, 3 邮件) with its state now; the wording for the chosen channel is shown
with its version, to be read to the member. Enter records the grant, or the withdrawal when
the channel is granted now (one transaction, in effect at once); Esc cancels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QWidget

from app.domain.consent import CHANNELS, CURRENT_WORDING, MARKETING, WORDINGS
from app.services import consent
from app.services.lookup import MemberView
from app.services.security import Permission
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.ops import Op
from ui.session import Session


class ConsentDialog(OpDialog):
    def __init__(self, session: Session, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("营销同意"), parent)
        self.member = member
        self.states: dict[str, consent.ConsentState] = {}
        self.body.addWidget(QLabel(self.tr("{0} 的营销同意").format(member.name), self))
        row = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        for i, channel in enumerate(CHANNELS):
            b = QPushButton(self)
            b.setCheckable(True)
            b.setAutoDefault(False)
            b.setMinimumHeight(48)
            b.setProperty("role", "preset")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the dialog keeps 1–3 and Enter
            b.setEnabled(False)
            self.group.addButton(b, i)
            self.buttons[channel] = b
            row.addWidget(b)
        self.group.idToggled.connect(lambda _i, on: on and self._chosen())
        self.body.addLayout(row)
        self.version = caption("", self)
        self.body.addWidget(self.version)
        self.wording = QLabel(self)
        self.wording.setWordWrap(True)
        self.wording.setProperty("role", "wording")
        self.body.addWidget(self.wording)
        self.hint = caption(self.tr("正在读取同意记录…"), self)
        self.body.addWidget(self.hint)
        self.confirm_button.setMinimumHeight(44)
        self.cancel_button.setMinimumHeight(44)
        self.confirm_button.setEnabled(False)
        self._label_buttons()
        ctx, q = session.ctx, member.member_id
        Op(session.tasks, lambda: consent.current_consent(ctx, q), owner=self, read=True).success(
            self._loaded
        ).run()

    def _channel_words(self, channel: str) -> str:
        return {"sms": self.tr("短信"), "wechat": self.tr("微信"), "email": self.tr("邮件")}[
            channel
        ]

    def _state_words(self, state: str) -> str:
        return {"granted": self.tr("已同意"), "withdrawn": self.tr("已撤回"),
                "none": self.tr("未同意")}[state]  # fmt: skip

    def _label_buttons(self) -> None:
        for i, channel in enumerate(CHANNELS):
            s = self.states.get(channel)
            state = f"\n{self._state_words(s.state)}" if s is not None else ""
            self.buttons[channel].setText(f"{i + 1}  {self._channel_words(channel)}{state}")

    def _loaded(self, found: list[consent.ConsentState]) -> None:
        self.states = {s.channel: s for s in found if s.purpose == MARKETING}
        self._label_buttons()
        for b in self.buttons.values():
            b.setEnabled(self.session.cashier.can(Permission.CONSENT_SET))
        self.hint.setText(self.tr("请向会员宣读以下文本;按数字键选择渠道,按 Enter 记录"))
        self.buttons["sms"].setChecked(True)
        self._chosen()

    def channel(self) -> str | None:
        i = self.group.checkedId()
        return CHANNELS[i] if i >= 0 else None

    def withdrawing(self) -> bool:
        channel = self.channel()
        s = self.states.get(channel) if channel else None
        return s is not None and s.granted

    def _chosen(self) -> None:
        channel = self.channel()
        if channel is None:
            return
        s = self.states.get(channel)
        version = (s.entry.wording_version if s is not None and s.granted and s.entry
                   else CURRENT_WORDING[(MARKETING, channel)])  # fmt: skip
        self.version.setText(self.tr("同意文本版本 {0}").format(version))
        self.wording.setText(WORDINGS[version].text)
        if self.withdrawing():
            self.confirm_button.setText(self.tr("撤回同意 (Enter)"))
        else:
            self.confirm_button.setText(self.tr("会员已同意 (Enter)"))
        self.revalidate()

    def problem(self) -> str | None:
        if not self.states:
            return self.tr("正在读取同意记录…")
        if not self.session.cashier.can(Permission.CONSENT_SET):
            return self.tr("没有记录同意的权限")
        return None if self.channel() else self.tr("请选择渠道")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """1–3 choose the channel of that number."""
        text = event.text()
        if text in ("1", "2", "3") and not self.busy and self.states:
            self.buttons[CHANNELS[int(text) - 1]].setChecked(True)
            return
        super().keyPressEvent(event)

    def perform(self) -> None:
        ctx, actor, q = self.session.ctx, self.session.cashier, self.member.member_id
        channel = self.channel()
        assert channel is not None
        if self.withdrawing():
            self.run(lambda: consent.withdraw(ctx, actor, q, MARKETING, channel))
        else:
            version = CURRENT_WORDING[(MARKETING, channel)]
            self.run(lambda: consent.grant(ctx, actor, q, MARKETING, channel,
                                           wording_version=version))  # fmt: skip

    @classmethod
    def ask(
        cls, parent: QWidget, session: Session, member: MemberView
    ) -> consent.ConsentState | None:
        dialog = cls(session, member, parent)
        return dialog.result_value if run_modal(dialog) else None
