"""Card operations (F6): report lost, freeze, unfreeze, replace, cancel the membership."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.domain.money import format_cny
from app.domain.rules import Rules
from app.services import cards
from app.services.lookup import MemberView
from app.services.rules_admin import current_rules
from ui.dialogs.approval import ApprovalBox
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.dialogs.methods import MethodPicker
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import LatinEdit

ACTIONS = ("lost", "freeze", "unfreeze", "replace", "cancel")


class CardOpsDialog(OpDialog):
    def __init__(self, session: Session, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("会员卡操作"), parent)
        self.member = member
        self.replace_fee_fen: int | None = None  # until the store's rules are read
        ctx, actor = session.ctx, session.cashier
        Op(session.tasks, lambda: current_rules(ctx, actor)[0], owner=self).success(
            self._rules_loaded
        ).run()
        status = {
            "active": self.tr("正常"),
            "lost": self.tr("已挂失"),
            "frozen": self.tr("已冻结"),
            "replaced": self.tr("已换卡"),
            "cancelled": self.tr("已注销"),
        }.get(member.card_status or "", self.tr("无卡"))
        self.body.addWidget(
            QLabel(
                self.tr("{0} · 卡号 {1} · 状态:{2}").format(
                    member.name, member.card_no or "—", status
                ),
                self,
            )
        )
        titles = {
            "lost": self.tr("挂失"),
            "freeze": self.tr("冻结"),
            "unfreeze": self.tr("解冻"),
            "replace": self.tr("补卡 / 换卡"),
            "cancel": self.tr("注销会员"),
        }
        grid = QGridLayout()
        self.group = QButtonGroup(self)
        self.action_buttons: dict[str, QPushButton] = {}
        for i, action in enumerate(ACTIONS):
            b = QPushButton(f"{i + 1}  {titles[action]}", self)
            b.setCheckable(True)
            b.setAutoDefault(False)
            b.setProperty("role", "preset")
            b.toggled.connect(lambda on, a=action: on and self._chosen(a))
            self.group.addButton(b)
            self.action_buttons[action] = b
            grid.addWidget(b, i // 3, i % 3)
        self.body.addLayout(grid)
        self.form = form = QFormLayout()
        self.new_card = LatinEdit(self, accepts_scan=True)
        self.new_card.setPlaceholderText(self.tr("刷新卡(不填则自动发电子卡)"))
        self.method = MethodPicker(parent=self)
        form.addRow(self.tr("新卡号"), self.new_card)
        form.addRow(self.tr("收费/退款方式"), self.method)
        self.body.addLayout(form)
        self.approval = ApprovalBox.of(session, self)
        self.body.addWidget(self.approval)
        self.explain = caption("", self)
        self.body.addWidget(self.explain)
        self.action: str | None = None
        self.approval.staff_no.textChanged.connect(self.revalidate)
        self.approval.pin.textChanged.connect(self.revalidate)
        self._chosen(None)
        self.action_buttons["lost"].setFocus()

    def _chosen(self, action: str | None) -> None:
        self.action = action
        self.form.setRowVisible(self.new_card, action == "replace")
        self.form.setRowVisible(self.method, action in ("replace", "cancel"))
        self.approval.setVisible(action == "cancel")
        self.explain.setText(
            {
                "lost": self.tr("挂失后此卡不能再使用,会员仍可凭手机号消费;补卡后恢复。"),
                "freeze": self.tr("冻结后不能储值消费、充值和使用积分,解冻后恢复。"),
                "unfreeze": self.tr("恢复此卡的全部功能。"),
                "replace": self.tr("发新卡,余额和积分转到新卡,旧卡作废。")
                + (
                    self.tr("工本费 {0},按下面的方式收取。").format(
                        format_cny(self.replace_fee_fen)
                    )
                    if self.replace_fee_fen
                    else ""
                ),
                "cancel": self.tr(
                    "注销:退还储值本金 {0},作废赠送金额和积分,会员资格结束。需店长授权。"
                ).format(format_cny(self.member.principal_fen)),
            }.get(action or "", self.tr("请选择操作(按 1–5)"))
        )
        if action == "replace":
            self.new_card.setFocus()  # a swipe of the new card fills it
        self.revalidate()

    def _rules_loaded(self, rules: Rules) -> None:
        self.replace_fee_fen = rules.card_replace_fee_fen
        self._chosen(self.action)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """1–5 choose the operation, unless a text field is being typed in."""
        typing = isinstance(self.focusWidget(), QLineEdit)
        if not typing and event.text() in ("1", "2", "3", "4", "5"):
            self.action_buttons[ACTIONS[int(event.text()) - 1]].setChecked(True)
            return
        super().keyPressEvent(event)

    def problem(self) -> str | None:
        if self.action is None:
            return self.tr("请选择要进行的卡操作")
        if self.action == "cancel":
            return self.approval.missing()
        return None

    def perform(self) -> None:
        ctx, actor, q = self.session.ctx, self.session.cashier, self.member.member_id
        method = self.method.method()
        new_card = self.new_card.text().strip() or None
        approval = self.approval.approval()
        calls: dict[str, Callable[[], Any]] = {
            "lost": lambda: cards.report_lost(ctx, actor, q),
            "freeze": lambda: cards.freeze_card(ctx, actor, q),
            "unfreeze": lambda: cards.unfreeze_card(ctx, actor, q),
            "replace": lambda: cards.replace_card(
                ctx, actor, q, new_card_no=new_card, fee_method=method
            ),
            "cancel": lambda: cards.cancel_card(ctx, actor, q, approval, refund_method=method),
        }
        assert self.action is not None
        self.run(calls[self.action])

    @classmethod
    def ask(cls, parent: QWidget, session: Session, member: MemberView) -> cards.CardResult | None:
        dialog = cls(session, member, parent)
        return dialog.result_value if run_modal(dialog) else None
