"""The cart's small questions: a line's quantity, its 改价, the order's 整单折扣.

Each only says what the cashier asked for; the cart prices it and the sale checks it (a
change beyond the cashier's limits is approved by a manager when the cart is paid).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from app.domain.cart import OrderDiscount, PriceChange
from app.domain.money import format_cny
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.session import Session
from ui.widgets.fields import DigitsEdit, LatinEdit, MoneyEdit

MAX_QUANTITY = 9999


class QuantityDialog(OpDialog):
    def __init__(self, session: Session, name: str, quantity: int, parent: QWidget) -> None:
        super().__init__(session, self.tr("数量"), parent)
        self.setMinimumWidth(420)
        form = QFormLayout()
        form.addRow(QLabel(name, self))
        self.quantity = DigitsEdit(4, self)
        self.quantity.setText(str(quantity))
        self.quantity.selectAll()
        form.addRow(self.tr("数量"), self.quantity)
        self.body.addLayout(form)
        self.quantity.textChanged.connect(self.revalidate)
        self.quantity.setFocus()
        self.revalidate()

    def problem(self) -> str | None:
        if not 0 < self.quantity.value() <= MAX_QUANTITY:
            return self.tr("数量要在 1 到 {0} 之间").format(MAX_QUANTITY)
        return None

    def perform(self) -> None:
        self.result_value = self.quantity.value()
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget, session: Session, name: str, quantity: int) -> int | None:
        dialog = cls(session, name, quantity, parent)
        return dialog.result_value if run_modal(dialog) else None


@dataclass(frozen=True)
class ChangeAsked:
    change: PriceChange | None  # None: back to the item's own price


class PriceChangeDialog(OpDialog):
    """改价: a new unit price or a new line amount (one of them); both empty: the change off."""

    def __init__(
        self, session: Session, name: str, member_fen: int, quantity: int, parent: QWidget
    ) -> None:
        super().__init__(session, self.tr("改价"), parent)
        self.setMinimumWidth(460)
        form = QFormLayout()
        form.addRow(QLabel(self.tr("{0} × {1},现价 {2}").format(
            name, quantity, format_cny(member_fen)), self))  # fmt: skip
        self.unit = MoneyEdit(self)
        self.unit.setPlaceholderText(self.tr("新的单价"))
        form.addRow(self.tr("单价改为(元)"), self.unit)
        self.line = MoneyEdit(self)
        self.line.setPlaceholderText(self.tr("或这一行的新小计"))
        form.addRow(self.tr("小计改为(元)"), self.line)
        form.addRow("", caption(self.tr("两项都不填:恢复原价。超出权限的改价在收款时由店长授权"),
                                self))  # fmt: skip
        self.body.addLayout(form)
        self.unit.textChanged.connect(self.revalidate)
        self.line.textChanged.connect(self.revalidate)
        self.unit.setFocus()
        self.revalidate()

    def problem(self) -> str | None:
        unit, line = self.unit.text().strip(), self.line.text().strip()
        if unit and line:
            return self.tr("单价和小计只填一项")
        if (unit and self.unit.fen() is None) or (line and self.line.fen() is None):
            return self.tr("请输入金额,如 12.50")
        return None

    def perform(self) -> None:
        unit, line = self.unit.fen(), self.line.fen()
        if unit is not None:
            change = PriceChange(unit_fen=unit)
        elif line is not None:
            change = PriceChange(line_fen=line)
        else:
            change = None
        self.result_value = ChangeAsked(change)
        self.accept()

    @classmethod
    def ask(
        cls, parent: QWidget, session: Session, name: str, member_fen: int, quantity: int
    ) -> ChangeAsked | None:
        dialog = cls(session, name, member_fen, quantity, parent)
        return dialog.result_value if run_modal(dialog) else None


@dataclass(frozen=True)
class DiscountAsked:
    discount: OrderDiscount | None  # None: no order discount


def zhe_to_bp(text: str) -> int | None:
    """ "9" (九折) → 1000 basis points off; "9.5" → 500; "8.8" → 1200; else None."""
    try:
        zhe = Decimal(text)
    except InvalidOperation:
        return None
    if not (Decimal(0) < zhe < Decimal(10)) or zhe != zhe.quantize(Decimal("0.01")):
        return None
    return int((Decimal(10) - zhe) * 1000)


class DiscountDialog(OpDialog):
    """整单折扣: a 折 (9 = 九折, 9.5 = 九五折) or an amount off; both empty: none."""

    def __init__(self, session: Session, subtotal_fen: int, parent: QWidget) -> None:
        super().__init__(session, self.tr("整单折扣"), parent)
        self.setMinimumWidth(460)
        self.subtotal_fen = subtotal_fen
        form = QFormLayout()
        form.addRow(QLabel(self.tr("折前合计 {0}").format(format_cny(subtotal_fen)), self))
        self.zhe = LatinEdit(self)
        self.zhe.setMaxLength(5)
        self.zhe.setPlaceholderText(self.tr("如 9 = 九折,9.5 = 九五折"))
        form.addRow(self.tr("打折(折)"), self.zhe)
        self.amount = MoneyEdit(self)
        self.amount.setPlaceholderText(self.tr("或减免的金额"))
        form.addRow(self.tr("减免(元)"), self.amount)
        hint = self.tr("两项都不填:取消整单折扣。超出权限的折扣在收款时由店长授权")
        form.addRow("", caption(hint, self))
        self.body.addLayout(form)
        self.zhe.textChanged.connect(self.revalidate)
        self.amount.textChanged.connect(self.revalidate)
        self.zhe.setFocus()
        self.revalidate()

    def problem(self) -> str | None:
        zhe, amount = self.zhe.text().strip(), self.amount.text().strip()
        if zhe and amount:
            return self.tr("折扣和减免只填一项")
        if zhe and zhe_to_bp(zhe) is None:
            return self.tr("折扣要在 0 到 10 之间,如 9 或 9.5")
        if amount:
            fen = self.amount.fen()
            if fen is None:
                return self.tr("请输入金额,如 12.50")
            if fen > self.subtotal_fen:
                return self.tr("减免不能超过合计 {0}").format(format_cny(self.subtotal_fen))
        return None

    def perform(self) -> None:
        zhe, amount = self.zhe.text().strip(), self.amount.fen()
        if zhe:
            discount: OrderDiscount | None = OrderDiscount(percent_bp=zhe_to_bp(zhe))
        elif amount is not None:
            discount = OrderDiscount(amount_fen=amount)
        else:
            discount = None
        self.result_value = DiscountAsked(discount)
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget, session: Session, subtotal_fen: int) -> DiscountAsked | None:
        dialog = cls(session, subtotal_fen, parent)
        return dialog.result_value if run_modal(dialog) else None
