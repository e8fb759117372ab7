"""Paying the cart (F3 in the cart): points, stored value, another method, cash and change,
the member's payment password and, beyond the cashier's limits, a manager's approval.

The bill is priced again here as points are typed (points come after every discount); the
sale prices it once more in its own transaction and refuses what no longer holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QFormLayout, QFrame, QGridLayout, QLabel, QWidget

from app.domain.cart import CartLine, PricedCart
from app.domain.coupons import CouponUse
from app.domain.errors import CounterError
from app.domain.held import CartDraft
from app.domain.money import format_cny
from app.domain.price_limits import OverLimit
from app.services import cart_quote, sale
from app.services.cart_quote import CartRules
from app.services.counter_info import CheckoutInfo, checkout_info
from app.services.lookup import MemberView
from app.services.sale import SaleResult
from ui.dialogs.approval import ApprovalBox
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.dialogs.payment import PaymentRows
from ui.errors import describe
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import DigitsEdit


class CartPayDialog(OpDialog):
    def __init__(
        self,
        session: Session,
        rules: CartRules,
        draft: CartDraft,
        lines: Sequence[CartLine],
        member: MemberView | None,
        over: tuple[OverLimit, ...],
        held_number: int | None,
        parent: QWidget,
        coupons: Sequence[CouponUse] = (),
    ) -> None:
        super().__init__(session, self.tr("收款"), parent)
        self.setMinimumWidth(640)
        self.rules, self.draft, self.cart_lines = rules, draft, list(lines)
        self.member, self.over, self.held_number = member, over, held_number
        self.coupons = tuple(coupons)
        self.info: CheckoutInfo | None = None
        self.priced: PricedCart | None = None
        who = (
            self.tr("{0} · {1} · 储值 {2} · 积分 {3}").format(
                member.name, member.tier_name, format_cny(member.stored_value_fen),
                f"{member.points:,}",
            )
            if member is not None
            else self.tr("散客:现金、微信、支付宝或银行卡")
        )  # fmt: skip
        self.body.addWidget(QLabel(who, self))
        bill = QFrame(self)
        bill.setProperty("role", "card")
        grid = QGridLayout(bill)
        count = sum(line.quantity for line in lines)
        grid.addWidget(QLabel(self.tr("{0} 行 {1} 件,折后").format(len(lines), count), bill), 0, 0)
        self.after = QLabel("—", bill)
        grid.addWidget(self.after, 0, 1)
        points_title = QLabel(self.tr("积分抵现"), bill)
        grid.addWidget(points_title, 1, 0)
        self.points_off = QLabel("—", bill)
        grid.addWidget(self.points_off, 1, 1)
        points_title.setVisible(member is not None)  # a walk-in customer has no points
        self.points_off.setVisible(member is not None)
        grid.addWidget(QLabel(self.tr("应付"), bill), 2, 0)
        self.due = QLabel("—", bill)
        self.due.setProperty("role", "total")
        grid.addWidget(self.due, 2, 1)
        self.body.addWidget(bill)
        form = QFormLayout()
        self.points = DigitsEdit(9, self)
        self.points.setPlaceholderText("0")
        self.points_hint = caption("", self)
        if member is not None:
            form.addRow(self.tr("使用积分"), self.points)
            form.addRow("", self.points_hint)
        else:  # a walk-in customer has no points: the fields stay out of the dialog
            self.points.hide()
            self.points_hint.hide()
        self.payment = PaymentRows(form, self, stored_value=member is not None)
        self.body.addLayout(form)
        self.approval = ApprovalBox.of(session, self)
        self.approval.setVisible(bool(over))
        if over:
            self.body.addWidget(
                caption(self.tr("本单的改价、折扣或抹零超出你的权限,请店长授权"), self)
            )
        self.body.addWidget(self.approval)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        self.points.textChanged.connect(self._bill_changed)
        self.payment.changed.connect(self.revalidate)
        self.approval.staff_no.textChanged.connect(self.revalidate)
        self.approval.pin.textChanged.connect(self.revalidate)
        if member is not None:
            self.points.setFocus()
            ctx, actor, member_id = session.ctx, session.cashier, member.member_id
            Op(session.tasks, lambda: checkout_info(ctx, actor, member_id), owner=self).success(
                self._loaded
            ).failure(lambda exc: self.error.setText(describe(exc))).run()
        else:
            self._bill_changed()
            self.payment.cash_given.setFocus()  # cash by default: what the customer hands over
        self._bill_changed()

    def _loaded(self, info: CheckoutInfo) -> None:
        self.info = info
        m = self.member
        usable = m is not None and m.card_status in (None, "active") and m.status == "active"
        self.payment.set_member(info.principal_fen + info.bonus_fen, usable,
                                info.has_payment_password)  # fmt: skip
        self._bill_changed()

    def reprice(self) -> str | None:
        self.priced = None
        tier = self.member.tier if self.member is not None else None
        usable = self.info.usable_points if self.info is not None else 0
        try:
            self.priced, _ = cart_quote.price(
                self.rules, self.cart_lines, tier, self.draft.order_discount, self.draft.rounding,
                self.points.value(), usable, self.coupons,
            )  # fmt: skip
        except CounterError as exc:
            return exc.message
        return None

    def _bill_changed(self) -> None:
        self.reprice()
        self.payment.set_due(self.priced.due_fen if self.priced else 0)
        self.revalidate()

    def problem(self) -> str | None:
        refused = self.reprice()
        p = self.priced
        self.payment.due_fen = p.due_fen if p else 0
        self.payment.show_rows()
        self.summary.clear()
        if self.member is not None and self.info is None:
            return self.tr("正在读取会员信息…")
        if self.info is not None and p is not None:
            self.points_hint.setText(
                self.tr("可用 {0} 分,本单最多 {1} 分").format(
                    f"{self.info.usable_points:,}", f"{p.max_points:,}"
                )
            )
        if refused is not None or p is None:
            return refused or self.tr("购物车是空的")
        self.after.setText(format_cny(p.after_round_fen))
        self.points_off.setText(
            self.tr("−{0}({1} 分)").format(format_cny(p.points_value_fen), p.points_used)
        )
        self.due.setText(format_cny(p.due_fen))
        paying = self.payment.problem()
        if paying is not None:
            return paying
        if self.over and (missing := self.approval.missing()):
            return missing
        self.summary.setText(self.payment.summary())
        self.confirm_button.setText(self.tr("确认收款 {0} (Enter)").format(format_cny(p.due_fen)))
        return None

    def needed_field(self) -> QWidget | None:
        found = self.payment.needed_field(self.focusWidget())
        if found is not None:
            return found
        if self.over and self.approval.approval() is None:
            return self.approval.needed()
        return None

    def perform(self) -> None:
        p = self.priced
        assert p is not None
        ctx, actor, draft = self.session.ctx, self.session.cashier, self.draft
        member = self.member.member_id if self.member is not None else None
        tenders = self.payment.tenders()
        password = self.payment.password.text() or None
        approval = self.approval.approval() if self.over else None
        points, number = p.points_used, self.held_number
        codes = [c.code for c in self.coupons]
        self.run(
            lambda: sale.sell(
                ctx,
                actor,
                draft.lines,
                member=member,
                order_discount=draft.order_discount,
                rounding=draft.rounding,
                points=points,
                tenders=tenders,
                payment_password=password,
                approval=approval,
                held_number=number,
                coupons=codes,
            )
        )

    def on_refused(self, exc: BaseException) -> None:
        if isinstance(exc, CounterError):
            self.payment.refused(exc.code)
            if exc.code.startswith(("sale_over_limit", "sale_approver", "approval", "pin")):
                self.approval.setVisible(True)
                self.over = self.over or (OverLimit("approval", None, 0, 0),)
                self.approval.pin.clear()
                self.approval.needed().setFocus()

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        session: Session,
        rules: CartRules,
        draft: CartDraft,
        lines: Sequence[CartLine],
        member: MemberView | None,
        over: tuple[OverLimit, ...],
        held_number: int | None,
        coupons: Sequence[CouponUse] = (),
    ) -> SaleResult | None:
        dialog = cls(session, rules, draft, lines, member, over, held_number, parent, coupons)
        return dialog.result_value if run_modal(dialog) else None
