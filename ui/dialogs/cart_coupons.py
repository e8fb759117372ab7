"""The cart's coupons (F9 in the cart): the member's wallet to tick, or a code to scan or type.

Keys: ↑↓ choose a coupon, Space ticks or unticks it; a code scanned or typed in the box and
Enter adds it (checked as the sale will check it); Enter on an empty box takes the coupons
ticked; Esc leaves the cart's coupons as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.coupons import EXCHANGE, PER_EACH, PERCENT, THRESHOLD, Terms
from app.domain.money import format_cny
from app.services.coupon_cart import CartCoupon, cart_coupon, cart_wallet
from app.services.lookup import MemberView
from ui.dialogs.base import caption, run_modal
from ui.errors import describe
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import LatinEdit

ROW_PX = 44


def terms_words(t: Terms) -> str:
    """What a coupon takes off, as a cashier reads it."""
    if t.kind == THRESHOLD:
        return QCoreApplication.translate("coupons", "满 {0} 减 {1}").format(
            format_cny(t.threshold_fen), format_cny(t.amount_fen)
        )
    if t.kind == PER_EACH:
        return QCoreApplication.translate("coupons", "每满 {0} 减 {1}").format(
            format_cny(t.threshold_fen), format_cny(t.amount_fen)
        )
    if t.kind == PERCENT:
        return QCoreApplication.translate("coupons", "{0} 折").format(
            f"{(10000 - t.percent_bp) / 1000:g}"
        )
    if t.kind == EXCHANGE:
        return QCoreApplication.translate("coupons", "兑换 {0} 一件").format(
            next(iter(t.items), "")
        )
    return QCoreApplication.translate("coupons", "代金 {0}").format(format_cny(t.amount_fen))


class CouponPickDialog(QDialog):
    def __init__(
        self,
        session: Session,
        member: MemberView | None,
        chosen: Sequence[CartCoupon],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.session, self.member = session, member
        self.setWindowTitle(self.tr("优惠券"))
        self.setModal(True)
        self.setMinimumWidth(560)
        self.coupons: list[CartCoupon] = list(chosen)
        self.result_value: list[CartCoupon] | None = None
        self.offered: list[CartCoupon] = []  # the wallet's coupons usable now
        layout = QVBoxLayout(self)
        who = (
            self.tr("{0} 的券包:↑↓ 选择,空格勾选").format(member.name)
            if member is not None
            else self.tr("散客:只能使用无记名券")
        )
        layout.addWidget(QLabel(who, self))
        self.list = QListWidget(self)
        self.list.setObjectName("couponList")
        self.list.setMinimumHeight(ROW_PX * 5)
        self.list.itemActivated.connect(self._toggle)
        layout.addWidget(self.list, 1)
        self.code = LatinEdit(self, accepts_scan=True)
        self.code.setObjectName("couponCode")
        self.code.setMinimumHeight(ROW_PX)
        self.code.setPlaceholderText(self.tr("扫描或输入券码,按 Enter 加入"))
        self.code.returnPressed.connect(self._enter)
        self.code.installEventFilter(self)
        layout.addWidget(self.code)
        self.message = caption("", self)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.ok = QPushButton(self.tr("使用勾选的券 (Enter)"), self)
        self.ok.setProperty("role", "primary")
        self.cancel = QPushButton(self.tr("取消 (Esc)"), self)
        for b in (self.ok, self.cancel):
            b.setMinimumHeight(ROW_PX)
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
        self.ok.clicked.connect(self.take)
        self.cancel.clicked.connect(self.reject)
        layout.addLayout(buttons)
        self._show()
        self.code.setFocus()
        if member is not None:
            ctx, actor, member_id = session.ctx, session.cashier, member.member_id
            Op(session.tasks, lambda: cart_wallet(ctx, actor, member_id), owner=self).success(
                self._wallet
            ).failure(lambda exc: self._say(describe(exc), error=True)).run()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setProperty("role", "error" if error else "caption")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _wallet(self, found: list[CartCoupon]) -> None:
        ticked = {c.coupon_id for c in self.coupons}
        self.offered = found
        for c in found:
            if c.coupon_id not in ticked:
                self._row(c, False)
        if not found and not self.coupons:
            self._say(self.tr("该会员没有现在可用的券:可扫描或输入券码"))
        if self.list.count():
            self.list.setCurrentRow(0)

    def _row(self, c: CartCoupon, ticked: bool) -> None:
        item = QListWidgetItem(
            self.tr("{0}  {1}  {2}  有效期至 {3}").format(
                c.shown_code, c.name, terms_words(c.terms), c.valid_until.isoformat()
            )
        )
        item.setSizeHint(QSize(0, ROW_PX))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        item.setData(Qt.ItemDataRole.UserRole, c)
        self.list.addItem(item)

    def _show(self) -> None:
        self.list.clear()
        for c in self.coupons:
            self._row(c, True)

    def ticked(self) -> list[CartCoupon]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def _toggle(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def eventFilter(self, obj: Any, event: Any) -> bool:
        if obj is self.code and event.type() == event.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.list.count():
                row = self.list.currentRow() + (-1 if key == Qt.Key.Key_Up else 1)
                self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
                return True
            if key == Qt.Key.Key_Space and not self.code.text():
                item = self.list.currentItem()
                if item is not None:
                    self._toggle(item)
                return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # the code box decides
        super().keyPressEvent(event)

    def _enter(self) -> None:
        text = self.code.text().strip()
        if not text:
            self.take()
            return
        self.code.clear()
        ctx, actor = self.session.ctx, self.session.cashier
        member_id = self.member.member_id if self.member is not None else None
        Op(self.session.tasks, lambda: cart_coupon(ctx, actor, member_id, text),
           owner=self).success(self._added).failure(
            lambda exc: self._say(describe(exc), error=True)
        ).run()  # fmt: skip

    def _added(self, c: CartCoupon) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole).coupon_id == c.coupon_id:
                item.setCheckState(Qt.CheckState.Checked)
                self.list.setCurrentRow(i)
                break
        else:
            self._row(c, True)
            self.list.setCurrentRow(self.list.count() - 1)
        self._say(self.tr("已加入券 {0}").format(c.shown_code))

    def take(self) -> None:
        self.result_value = self.ticked()
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        session: Session,
        member: MemberView | None,
        chosen: Sequence[CartCoupon],
    ) -> list[CartCoupon] | None:
        dialog = cls(session, member, chosen, parent)
        return dialog.result_value if run_modal(dialog) else None
