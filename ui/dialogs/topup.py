"""Top up stored value (F2): preset or free amount, the bonus shown before confirming."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QFormLayout, QGridLayout, QLabel, QPushButton, QWidget

from app.domain.money import format_cny
from app.domain.pricing import topup_bonus
from app.domain.rules import Rules
from app.services.lookup import MemberView
from app.services.rules_admin import current_rules
from app.services.stored_value import TopUpResult, top_up
from ui.dialogs.base import OpDialog, run_modal
from ui.dialogs.methods import MethodPicker
from ui.errors import describe
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import MoneyEdit

PRESETS_YUAN = (100, 200, 500, 1000)


class TopUpDialog(OpDialog):
    def __init__(self, session: Session, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("储值充值"), parent)
        self.member = member
        self.rules: Rules | None = None
        head = QLabel(
            self.tr("{0} · {1} · 当前余额 {2}").format(
                member.name, member.tier_name, format_cny(member.stored_value_fen)
            ),
            self,
        )
        self.body.addWidget(head)
        presets = QGridLayout()
        self.preset_group = QButtonGroup(self)
        self.preset_buttons: dict[int, QPushButton] = {}
        for i, yuan in enumerate(PRESETS_YUAN):
            b = QPushButton(f"¥{yuan:,}", self)
            b.setCheckable(True)
            b.setAutoDefault(False)
            b.setProperty("role", "preset")
            b.clicked.connect(lambda _=False, y=yuan: self.amount.set_fen(y * 100))
            self.preset_group.addButton(b)
            self.preset_buttons[yuan] = b
            presets.addWidget(b, 0, i)
        self.body.addLayout(presets)
        form = QFormLayout()
        self.amount = MoneyEdit(self)
        self.amount.textChanged.connect(self._amount_changed)
        form.addRow(self.tr("充值金额(元)"), self.amount)
        self.methods = MethodPicker(parent=self)
        self.methods.changed.connect(lambda _m: self.revalidate())
        form.addRow(self.tr("支付方式"), self.methods)
        self.body.addLayout(form)
        self.preview = QLabel(self)
        self.preview.setProperty("role", "total")
        self.preview_detail = QLabel(self)
        self.body.addWidget(self.preview)
        self.body.addWidget(self.preview_detail)
        self.confirm_button.setText(self.tr("确认充值 (Enter)"))
        self.amount.setFocus()
        ctx = session.ctx
        actor = session.cashier
        Op(session.tasks, lambda: current_rules(ctx, actor)[0], owner=self).success(
            self._loaded
        ).failure(lambda exc: self.error.setText(describe(exc))).run()

    def _loaded(self, rules: Rules) -> None:
        self.rules = rules
        for yuan, b in self.preset_buttons.items():
            bonus = topup_bonus(rules, yuan * 100)
            gift = f"¥{bonus // 100:,}" if bonus % 100 == 0 else format_cny(bonus)
            b.setText(self.tr("充{0}送{1}").format(f"{yuan:,}", gift) if bonus else f"¥{yuan:,}")
        self.revalidate()

    def _amount_changed(self) -> None:
        fen = self.amount.fen()
        for yuan, b in self.preset_buttons.items():
            if b.isChecked() != (fen == yuan * 100):
                self.preset_group.setExclusive(False)
                b.setChecked(fen == yuan * 100)
                self.preset_group.setExclusive(True)
        self.revalidate()

    def bonus_fen(self) -> int:
        fen = self.amount.fen()
        return topup_bonus(self.rules, fen) if self.rules and fen else 0

    def problem(self) -> str | None:
        fen = self.amount.fen()
        self.preview.clear()
        self.preview_detail.clear()
        if self.rules is None:
            return self.tr("正在读取充值规则…")
        if not fen:
            return self.tr("请选择或输入充值金额")
        if fen > self.rules.max_topup_fen:
            return self.tr("单次充值不能超过 {0}").format(format_cny(self.rules.max_topup_fen))
        bonus = self.bonus_fen()
        self.preview.setText(
            self.tr("实收 {0} · 赠送 {1}").format(format_cny(fen), format_cny(bonus))
        )
        self.preview_detail.setText(
            self.tr("到账 {0},充值后余额 {1}").format(
                format_cny(fen + bonus), format_cny(self.member.stored_value_fen + fen + bonus)
            )
        )
        return None

    def perform(self) -> None:
        ctx, actor = self.session.ctx, self.session.cashier
        member_id, fen, method = self.member.member_id, self.amount.fen(), self.methods.method()
        assert fen is not None
        self.run(lambda: top_up(ctx, actor, member_id, fen, method))

    @classmethod
    def ask(cls, parent: QWidget, session: Session, member: MemberView) -> TopUpResult | None:
        dialog = cls(session, member, parent)
        return dialog.result_value if run_modal(dialog) else None
