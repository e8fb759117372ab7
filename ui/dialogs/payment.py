"""How a bill is paid: stored value, another method, cash handed over and change, the
member's payment password. Shared by the amount checkout and the cart's payment dialog.

The rows go into the dialog's own form; only the rows the bill needs are shown, once per
change and never in passing (hiding the focused password field, even for a moment, would
send the member's next digit elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.domain.money import format_cny
from ui.dialogs.base import caption
from ui.dialogs.methods import MethodPicker
from ui.models import method_name
from ui.widgets.fields import DigitsEdit, MoneyEdit

STORED_VALUE = "stored_value"
NOTES_FEN = (1000, 2000, 5000, 10000)
ROUND_UP_FEN = (1000, 5000, 10000)


class PaymentRows(QObject):
    """``changed`` whenever what was typed changes; the dialog validates again then."""

    changed = Signal()

    def __init__(self, form: QFormLayout, parent: QWidget, *, stored_value: bool = True) -> None:
        super().__init__(parent)
        self.form = form
        self.with_stored = stored_value  # False: a walk-in customer, who has no balance
        self.due_fen = 0
        self.balance_fen = 0
        self.card_usable = True
        self.has_password = False
        self.stored_touched = False
        self.stored = MoneyEdit(parent)
        self.stored_hint = caption("", parent)
        if stored_value:
            form.addRow(self.tr("储值支付(元)"), self.stored)
            form.addRow("", self.stored_hint)
        else:  # a walk-in customer has no balance: the fields stay out of the dialog
            self.stored.hide()
            self.stored_hint.hide()
        self.methods = MethodPicker(parent=parent)
        form.addRow(self.tr("其余用") if stored_value else self.tr("支付方式"), self.methods)
        self.cash_given = MoneyEdit(parent)
        self.cash_given.setPlaceholderText(self.tr("收到的现金,不填即正好"))
        form.addRow(self.tr("实收现金(元)"), self.cash_given)
        # Touch: the notes the customer hands over (each tap adds one), or the amount due
        # rounded up to the next ¥10/¥50/¥100.
        self.notes = QWidget(parent)
        notes = QGridLayout(self.notes)
        notes.setContentsMargins(0, 0, 0, 0)
        for col, fen in enumerate(NOTES_FEN):
            b = self._touch(f"¥{fen // 100}", lambda _=False, f=fen: self._add_note(f))
            notes.addWidget(b, 0, col)
        for col, fen in enumerate(ROUND_UP_FEN):
            text = self.tr("凑整 ¥{0}").format(fen // 100)
            b = self._touch(text, lambda _=False, f=fen: self._round_up(f))
            notes.addWidget(b, 1, col)
        notes.addWidget(self._touch(self.tr("清零"), self.cash_given.clear), 1, len(ROUND_UP_FEN))
        form.addRow("", self.notes)
        self.change = QLabel(parent)
        self.change.setProperty("role", "total")
        form.addRow(self.tr("找零"), self.change)
        self.password = DigitsEdit(6, parent)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("会员输入 6 位支付密码"))
        form.addRow(self.tr("支付密码"), self.password)
        self.stored.textEdited.connect(self._stored_edited)
        self.cash_given.textChanged.connect(self.changed)
        self.password.textChanged.connect(self.changed)
        self.methods.changed.connect(lambda _m: self.changed.emit())

    def _touch(self, text: str, slot: Callable[[], object]) -> QPushButton:
        b = QPushButton(text, self.notes)
        b.setProperty("role", "preset")
        b.setAutoDefault(False)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.clicked.connect(slot)
        return b

    def _stored_edited(self) -> None:
        self.stored_touched = True
        self.changed.emit()

    def _add_note(self, fen: int) -> None:
        self.cash_given.set_fen((self.cash_given.fen() or 0) + fen)

    def _round_up(self, step_fen: int) -> None:
        rest = self.rest_fen()
        if rest:
            self.cash_given.set_fen(-(-rest // step_fen) * step_fen)

    # -- the bill -----------------------------------------------------------------
    def set_member(self, balance_fen: int, card_usable: bool, has_password: bool) -> None:
        self.balance_fen = balance_fen
        self.card_usable = card_usable
        self.has_password = has_password
        self.password.setEnabled(has_password)
        if not has_password:
            self.password.setPlaceholderText(self.tr("会员未设支付密码"))

    def set_due(self, due_fen: int) -> None:
        """The amount due changed: until the cashier changes it, stored value pays as much
        of it as it can."""
        self.due_fen = due_fen
        if self.with_stored and not self.stored_touched:
            usable = self.balance_fen if self.card_usable else 0
            self.stored.set_fen(min(due_fen, usable)) if due_fen else self.stored.clear()

    def stored_fen(self) -> int:
        return (self.stored.fen() or 0) if self.with_stored else 0

    def rest_fen(self) -> int:
        return max(0, self.due_fen - self.stored_fen())

    def tenders(self) -> list[tuple[str, int]]:
        stored = self.stored_fen()
        rest = self.due_fen - stored
        tenders = [(STORED_VALUE, stored)] if stored else []
        if rest > 0:
            method = self.methods.method()
            given = self.cash_given.fen() if method == "cash" else None
            tenders.append((method, given if given else rest))
        return tenders

    def show_rows(self) -> None:
        stored = self.stored_fen()
        rest = self.due_fen - stored
        self.form.setRowVisible(self.methods, rest > 0)
        cash = rest > 0 and self.methods.method() == "cash"
        self.form.setRowVisible(self.cash_given, cash)
        self.form.setRowVisible(self.notes, cash)
        self.form.setRowVisible(self.change, cash and bool(self.cash_given.fen()))
        self.form.setRowVisible(self.password, stored > 0 and self.has_password)

    def problem(self) -> str | None:
        """What stops the payment (the due amount being known), or None."""
        self.show_rows()
        stored = self.stored_fen()
        if self.with_stored:
            self.stored_hint.setText(self.tr("储值余额 {0}").format(format_cny(self.balance_fen)))
        if stored and not self.card_usable:
            return self.tr("会员卡不可用,不能使用储值")
        if stored > self.balance_fen:
            return self.tr("储值余额不足:余额 {0}").format(format_cny(self.balance_fen))
        if stored > self.due_fen:
            return self.tr("储值支付不能超过应付金额")
        rest = self.due_fen - stored
        given = self.cash_given.fen() if self.methods.method() == "cash" else None
        if given is not None and given and given < rest:
            return self.tr("实收现金不足:还差 {0}").format(format_cny(rest - given))
        if stored and self.has_password and len(self.password.text()) != 6:
            return self.tr("请会员输入 6 位支付密码")
        self.change.setText(format_cny(self.change_fen()))
        return None

    def change_fen(self) -> int:
        rest = self.rest_fen()
        given = self.cash_given.fen() if self.methods.method() == "cash" else None
        return (given - rest) if given and rest else 0

    def summary(self) -> str:
        """收款:储值 ¥… + 现金 ¥…,找零 ¥… (or 积分全额抵扣 when nothing is left to pay)."""
        stored, rest = self.stored_fen(), self.rest_fen()
        method = self.methods.method()
        given = self.cash_given.fen() if method == "cash" else None
        parts = []
        if stored:
            parts.append(self.tr("储值 {0}").format(format_cny(stored)))
        if rest:
            parts.append(f"{method_name(method)} {format_cny(given or rest)}")
        text = self.tr("收款:") + " + ".join(parts) if parts else self.tr("积分全额抵扣")
        if self.change_fen():
            text += self.tr(",找零 {0}").format(format_cny(self.change_fen()))
        return text

    def needed_field(self, focus: QWidget | None) -> QWidget | None:
        """The member's payment password when stored value pays; the cash handed over when
        it is less than what is due."""
        if self.password.isVisible() and len(self.password.text()) != 6:
            return self.password
        if self.cash_given.isVisible() and focus is not self.cash_given:
            given = self.cash_given.fen()
            if given is not None and given < self.due_fen:
                return self.cash_given
        return None

    def refused(self, code: str) -> None:
        if code.startswith("payment_password"):
            # Emptied for another try without validating again: the refusal ("支付密码错误,
            # 还可尝试 N 次") stays on screen instead of "请输入支付密码".
            self.password.blockSignals(True)
            self.password.clear()
            self.password.blockSignals(False)
            self.password.setFocus()
