"""A walk-in customer's amount-only sale (F3 with no member, in a store without a catalogue):
cash, WeChat, Alipay or bank card; no member, no discount, no points."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from app.domain.errors import CounterError
from app.domain.money import MAX_AMOUNT_FEN, format_cny
from app.services import sale
from app.services.sale import SaleResult
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.dialogs.payment import PaymentRows
from ui.session import Session
from ui.widgets.fields import MoneyEdit


class WalkInDialog(OpDialog):
    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(session, self.tr("散客收银"), parent)
        self.setMinimumWidth(620)
        self.body.addWidget(caption(self.tr("散客(不是会员):不打折、不积分。刷会员卡可按会员结账"),
                                    self))  # fmt: skip
        form = QFormLayout()
        self.amount = MoneyEdit(self)
        form.addRow(self.tr("收款金额(元)"), self.amount)
        self.payment = PaymentRows(form, self, stored_value=False)
        self.body.addLayout(form)
        self.summary = QLabel(self)
        self.body.addWidget(self.summary)
        self.amount.textChanged.connect(self._amount_changed)
        self.payment.changed.connect(self.revalidate)
        self.amount.setFocus()
        self._amount_changed()

    def _amount_changed(self) -> None:
        self.payment.set_due(self.amount.fen() or 0)
        self.revalidate()

    def problem(self) -> str | None:
        self.payment.due_fen = fen = self.amount.fen() or 0
        self.payment.show_rows()
        self.summary.clear()
        if not fen:
            return self.tr("请输入收款金额")
        if fen > MAX_AMOUNT_FEN:
            return self.tr("金额太大")
        paying = self.payment.problem()
        if paying is not None:
            return paying
        self.summary.setText(self.payment.summary())
        self.confirm_button.setText(self.tr("确认收款 {0} (Enter)").format(format_cny(fen)))
        return None

    def needed_field(self) -> QWidget | None:
        return self.payment.needed_field(self.focusWidget())

    def perform(self) -> None:
        ctx, actor = self.session.ctx, self.session.cashier
        fen, tenders = self.amount.fen() or 0, self.payment.tenders()
        self.run(lambda: sale.walk_in(ctx, actor, fen, tenders=tenders))

    def on_refused(self, exc: BaseException) -> None:
        if isinstance(exc, CounterError):
            self.payment.refused(exc.code)

    @classmethod
    def ask(cls, parent: QWidget, session: Session) -> SaleResult | None:
        dialog = cls(session, parent)
        return dialog.result_value if run_modal(dialog) else None
