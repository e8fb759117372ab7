"""Refund chosen lines of a cart sale (F7 on a sale of goods): how many of each, a reason
from the store's list, a manager's approval. What comes back (money by the original tenders,
stored value, points, spend) is worked out by the service exactly by the sale's allocation;
the dialog shows an estimate as the quantities are typed."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from app.domain.money import format_cny
from app.services import partial_refunds, walk_in_refunds
from app.services.partial_refunds import PartialRefundResult, SaleFound, SaleLineLeft, find_sale
from app.services.walk_in_refunds import AmountSale
from ui.dialogs.approval import ApprovalBox
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.models import method_name
from ui.session import Session
from ui.widgets.fields import LatinEdit


class _RefundDialog(OpDialog):
    """What both refund dialogs ask for: a reason from the store's list and a manager's
    approval (the PIN is cleared when the refund is refused)."""

    def add_reason(self, form: QFormLayout, label: str, reasons: Sequence[str]) -> None:
        self.reason = QComboBox(self)
        self.reason.setMinimumHeight(44)
        for r in reasons:
            self.reason.addItem(r)
        form.addRow(label, self.reason)

    def add_approval(self) -> None:
        self.approval = ApprovalBox.of(self.session, self)
        self.body.addWidget(self.approval)
        self.approval.staff_no.textChanged.connect(self.revalidate)
        self.approval.pin.textChanged.connect(self.revalidate)

    def on_refused(self, exc: BaseException) -> None:
        self.approval.pin.clear()


class LineRefundDialog(_RefundDialog):
    def __init__(
        self,
        session: Session,
        sale: SaleFound,
        lines: Sequence[SaleLineLeft],
        reasons: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(session, self.tr("退货"), parent)
        self.setMinimumWidth(640)
        self.sale, self.lines = sale, list(lines)
        self.body.addWidget(QLabel(self.tr("{0} 的销售 · 实付 {1}").format(
            sale.at.strftime("%Y-%m-%d %H:%M"), format_cny(sale.due_fen)), self))  # fmt: skip
        if sale.elsewhere:  # read from HQ: made at another store or counter
            self.body.addWidget(QLabel(self.tr("门店 {0} 的销售(总部记录),退货由总部核对").format(
                sale.store_code or "-"), self))  # fmt: skip
        form = QFormLayout()
        self.quantities: list[QSpinBox] = []
        for sold in self.lines:
            box = QSpinBox(self)
            box.setRange(0, sold.left)
            box.setEnabled(sold.left > 0)
            box.setSuffix(self.tr(" 件"))
            box.setMinimumHeight(44)
            box.valueChanged.connect(self.revalidate)
            label = self.tr("{0}. {1}(已售 {2},可退 {3},实付 {4})").format(
                sold.line_no + 1, sold.name, sold.sold, sold.left, format_cny(sold.due_fen)
            )
            form.addRow(label, box)
            self.quantities.append(box)
        self.add_reason(form, self.tr("退货原因"), reasons)
        self.body.addLayout(form)
        self.estimate = QLabel(self)
        self.body.addWidget(self.estimate)
        if sale.cash_back:  # the store's policy for another store's sale
            how = self.tr("储值退回会员账户,其余金额以现金退回;抵现积分退回,所得积分扣回。")
        else:
            how = self.tr("按原支付方式退回;储值退回会员账户,抵现积分退回,所得积分扣回。")
        self.how = caption(how + self.tr("剩余数量以后还可以退。"), self)
        self.body.addWidget(self.how)
        self.add_approval()
        self.confirm_button.setText(self.tr("确认退货 (Enter)"))
        first = next((b for b in self.quantities if b.isEnabled()), None)
        (first or self.approval.staff_no).setFocus()
        self.revalidate()

    def request(self) -> dict[int, int]:
        return {
            sold.line_no: box.value()
            for sold, box in zip(self.lines, self.quantities, strict=True)
            if box.value()
        }

    def problem(self) -> str | None:
        asked = self.request()
        value = sum(s.due_fen * q // s.sold for s in self.lines if (q := asked.get(s.line_no, 0)))
        pieces = sum(asked.values())
        self.estimate.setText(
            self.tr("退 {0} 件,约退回 {1}").format(pieces, format_cny(value)) if asked else ""
        )
        if not any(s.left for s in self.lines):
            return self.tr("这笔销售的商品已全部退完")
        if not asked:
            return self.tr("请填写要退的数量")
        if not self.reason.currentText():
            return self.tr("请选择退货原因")
        return self.approval.missing()

    def perform(self) -> None:
        ctx, actor, txn_id = self.session.ctx, self.session.cashier, self.sale.txn_id
        request, reason = self.request(), self.reason.currentText()
        approval = self.approval.approval()
        self.run(lambda: partial_refunds.refund(ctx, actor, txn_id, request, reason, approval))

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        session: Session,
        sale: SaleFound,
        lines: Sequence[SaleLineLeft],
        reasons: Sequence[str],
    ) -> PartialRefundResult | None:
        dialog = cls(session, sale, lines, reasons, parent)
        return dialog.result_value if run_modal(dialog) else None


class SaleNumberDialog(OpDialog):
    """F7 with no member on screen (a walk-in's goods brought back): the receipt's 单号,
    scanned or its last characters typed."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("退货:找到那笔销售"), parent)
        form = QFormLayout()
        self.number = LatinEdit(self, accepts_scan=True)
        self.number.setMaxLength(36)
        self.number.setPlaceholderText(self.tr("扫描小票上的单号,或输入单号后 6 位以上"))
        form.addRow(self.tr("小票单号"), self.number)
        self.body.addLayout(form)
        self.body.addWidget(caption(self.tr("会员的销售也可以先查到会员,再按 F7"), self))
        self.number.textChanged.connect(self.revalidate)
        self.confirm_button.setText(self.tr("查找 (Enter)"))
        self.number.setFocus()
        self.revalidate()

    def problem(self) -> str | None:
        return None if len(self.number.text().strip()) >= 6 else self.tr("请输入单号后 6 位以上")

    def take_scan(self, scan: str) -> None:
        """The receipt's QR code scanned (the scanner's Enter is the wedge's): its 单号,
        looked up at once."""
        if self.busy:
            return
        self.number.setText(scan.strip()[:36])
        self.confirm()

    def perform(self) -> None:
        ctx, actor, number = self.session.ctx, self.session.cashier, self.number.text()
        self.run(lambda: find_sale(ctx, actor, number))

    @classmethod
    def ask(cls, parent: QWidget, session: Session) -> SaleFound | None:
        dialog = cls(session, parent)
        return dialog.result_value if run_modal(dialog) else None


class AmountRefundDialog(_RefundDialog):
    """F7 on an amount-only walk-in sale (散客按金额结账, no goods to choose): all of it back
    by the tenders it was paid with, with a reason and a manager's approval."""

    def __init__(
        self,
        session: Session,
        sale: SaleFound,
        amount: AmountSale,
        reasons: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(session, self.tr("退款"), parent)
        self.setMinimumWidth(560)
        self.sale, self.amount = sale, amount
        self.body.addWidget(QLabel(self.tr("{0} 的散客销售 · 实付 {1}").format(
            sale.at.strftime("%Y-%m-%d %H:%M"), format_cny(amount.due_fen)), self))  # fmt: skip
        paid = self.tr("、").join(
            self.tr("{0} {1}").format(method_name(m), format_cny(f)) for m, f in amount.paid
        )
        self.paid_text = caption(self.tr("整单退款,按原支付方式退回:{0}").format(paid), self)
        self.body.addWidget(self.paid_text)
        form = QFormLayout()
        self.add_reason(form, self.tr("退款原因"), reasons)
        self.body.addLayout(form)
        self.add_approval()
        self.confirm_button.setText(self.tr("确认退款 (Enter)"))
        self.reason.setFocus()
        self.revalidate()

    def problem(self) -> str | None:
        if self.amount.refunded:
            return self.tr("这笔销售已经退过款")
        if not self.reason.currentText():
            return self.tr("请选择退款原因")
        return self.approval.missing()

    def perform(self) -> None:
        ctx, actor, txn_id = self.session.ctx, self.session.cashier, self.sale.txn_id
        reason, approval = self.reason.currentText(), self.approval.approval()
        self.run(lambda: walk_in_refunds.refund(ctx, actor, txn_id, reason, approval))

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        session: Session,
        sale: SaleFound,
        amount: AmountSale,
        reasons: Sequence[str],
    ) -> PartialRefundResult | None:
        dialog = cls(session, sale, amount, reasons, parent)
        return dialog.result_value if run_modal(dialog) else None
