"""Refund a checkout or a top-up (F7), with a manager's approval typed in the dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.domain.money import format_cny
from app.services.history import TxnLine
from app.services.refunds import RefundResult, refund
from ui.dialogs.approval import ApprovalBox
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.models import kind_name, tenders_text
from ui.session import Session


class RefundDialog(OpDialog):
    def __init__(self, session: Session, line: TxnLine, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("退款"), parent)
        self.line = line
        money = line.due_fen if line.kind == "checkout" else line.amount_fen
        self.body.addWidget(
            QLabel(
                self.tr("{0} {1} · {2} · {3}").format(
                    line.at.strftime("%Y-%m-%d %H:%M"),
                    kind_name(line.kind),
                    format_cny(money),
                    tenders_text(line),
                ),
                self,
            )
        )
        self.body.addWidget(
            caption(
                self.tr(
                    "按原支付方式退回;消费所得积分扣回,抵现积分退回。充值退款需赠送金额仍在账上。"
                ),
                self,
            )
        )
        self.approval = ApprovalBox.of(session, self)
        self.body.addWidget(self.approval)
        self.approval.staff_no.textChanged.connect(self.revalidate)
        self.approval.pin.textChanged.connect(self.revalidate)
        self.confirm_button.setText(self.tr("确认退款 (Enter)"))
        self.approval.staff_no.setFocus()
        self.revalidate()

    def problem(self) -> str | None:
        return self.approval.missing()

    def perform(self) -> None:
        ctx, actor, txn_id = self.session.ctx, self.session.cashier, self.line.txn_id
        approval = self.approval.approval()
        self.run(lambda: refund(ctx, actor, txn_id, approval))

    @classmethod
    def ask(cls, parent: QWidget, session: Session, line: TxnLine) -> RefundResult | None:
        dialog = cls(session, line, parent)
        return dialog.result_value if run_modal(dialog) else None
