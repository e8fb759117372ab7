"""Check out (F3) and redeem points (F4): amount, tier discount, points, tenders, change.

The quote is worked out as the cashier types, from the rules and usable points read when the
dialog opens; the service checks everything again when the sale is committed.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QWidget,
)

from app.domain.errors import CounterError
from app.domain.money import format_cny
from app.domain.pricing import Quote, max_points_for_bill, quote_checkout
from app.services.checkout import CheckoutResult, checkout
from app.services.counter_info import CheckoutInfo, checkout_info
from app.services.lookup import MemberView
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.dialogs.payment import PaymentRows
from ui.errors import describe
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import DigitsEdit, MoneyEdit

STORED_VALUE = "stored_value"
NOTES_FEN = (1000, 2000, 5000, 10000)
ROUND_UP_FEN = (1000, 5000, 10000)


class CheckoutDialog(OpDialog):
    def __init__(
        self,
        session: Session,
        member: MemberView,
        parent: QWidget | None = None,
        *,
        focus_points: bool = False,
    ) -> None:
        super().__init__(session, self.tr("收银结账"), parent)
        self.setMinimumWidth(700)
        self.member = member
        self.info: CheckoutInfo | None = None
        self.focus_points = focus_points
        self.body.addWidget(
            QLabel(
                self.tr("{0} · {1} · 储值 {2} · 积分 {3}").format(
                    member.name,
                    member.tier_name,
                    format_cny(member.stored_value_fen),
                    f"{member.points:,}",
                ),
                self,
            )
        )
        form = QFormLayout()
        self.amount = MoneyEdit(self)
        form.addRow(self.tr("消费金额(元)"), self.amount)
        self.points = DigitsEdit(9, self)
        self.points.setPlaceholderText("0")
        self.points_hint = caption("", self)
        form.addRow(self.tr("使用积分"), self.points)
        form.addRow("", self.points_hint)
        self.body.addLayout(form)

        bill = QFrame(self)
        bill.setProperty("role", "card")
        grid = QGridLayout(bill)
        self.lines: dict[str, QLabel] = {}
        for row, (key, title) in enumerate(
            (
                ("amount", self.tr("消费金额")),
                ("discount", self.tr("会员折扣")),
                ("points", self.tr("积分抵现")),
            )
        ):
            grid.addWidget(QLabel(title, bill), row, 0)
            self.lines[key] = QLabel("—", bill)
            grid.addWidget(self.lines[key], row, 1)
        grid.addWidget(QLabel(self.tr("应付"), bill), 3, 0)
        self.due = QLabel("—", bill)
        self.due.setProperty("role", "total")
        grid.addWidget(self.due, 3, 1)
        self.body.addWidget(bill)

        self.pay = pay = QFormLayout()
        self.payment = PaymentRows(pay, self)
        # The payment's fields, as the tests and the keyboard grammar know them.
        self.stored, self.stored_hint = self.payment.stored, self.payment.stored_hint
        self.methods, self.cash_given = self.payment.methods, self.payment.cash_given
        self.change, self.password = self.payment.change, self.payment.password
        self.body.addLayout(pay)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)

        self.amount.textChanged.connect(self._amount_changed)
        self.points.textChanged.connect(self._amount_changed)
        self.payment.changed.connect(self.revalidate)
        # F4 (points) starts at the amount too: the cap on points depends on it. Enter after
        # the amount then goes to the points.
        self.amount.setFocus()
        ctx, actor, member_id = session.ctx, session.cashier, member.member_id
        Op(session.tasks, lambda: checkout_info(ctx, actor, member_id), owner=self).success(
            self._loaded
        ).failure(lambda exc: self.error.setText(describe(exc))).run()
        self.revalidate()

    def _loaded(self, info: CheckoutInfo) -> None:
        self.info = info
        self.payment.set_member(
            info.principal_fen + info.bonus_fen, self.card_usable(), info.has_payment_password
        )
        self._amount_changed()

    def card_usable(self) -> bool:
        return self.member.card_status in (None, "active") and self.member.status == "active"

    def _amount_changed(self) -> None:
        quote = self.quote()
        self.payment.set_due(quote.due_fen if quote else 0)
        self.revalidate()

    def quote(self) -> Quote | None:
        fen = self.amount.fen()
        if self.info is None or not fen:
            return None
        try:
            return quote_checkout(
                self.info.rules, fen, self.info.tier, self.points.value(), self.info.usable_points
            )
        except CounterError:
            return None

    def problem(self) -> str | None:
        quoted = self.quote()
        self.payment.due_fen = quoted.due_fen if quoted else 0
        self.payment.show_rows()
        for label in (*self.lines.values(), self.due):
            label.setText("—")
        self.summary.clear()
        self.payment.stored_hint.clear()
        if self.info is None:
            return self.tr("正在读取会员信息…")
        fen = self.amount.fen()
        after = fen - fen * self.info.tier.discount_bp // 10000 if fen else 0
        cap = min(max_points_for_bill(self.info.rules, after), self.info.usable_points)
        self.points_hint.setText(
            self.tr("可用 {0} 分,本单最多 {1} 分({2} 分 = ¥1,最多抵应付的 {3}%)").format(
                f"{self.info.usable_points:,}",
                f"{cap:,}",
                self.info.rules.points_per_yuan_cash,
                self.info.rules.max_points_ratio_bp // 100,
            )
        )
        if not fen:
            return self.tr("请输入消费金额")
        try:
            q = quote_checkout(
                self.info.rules, fen, self.info.tier, self.points.value(), self.info.usable_points
            )
        except CounterError as exc:
            return exc.message
        rate = self.info.tier.discount_bp / 100
        self.lines["amount"].setText(format_cny(q.amount_fen))
        self.lines["discount"].setText(
            self.tr("−{0}({1} {2}%)").format(
                format_cny(q.discount_fen), self.info.tier.name, f"{rate:g}"
            )
        )
        self.lines["points"].setText(
            self.tr("−{0}({1} 分)").format(format_cny(q.points_value_fen), q.points_used)
        )
        self.due.setText(format_cny(q.due_fen))
        refused = self.payment.problem()
        if refused is not None:
            return refused
        self.summary.setText(self.payment.summary())
        self.confirm_button.setText(self.tr("确认收款 {0} (Enter)").format(format_cny(q.due_fen)))
        self._show_due(q.due_fen)
        return None

    def _show_due(self, due_fen: int) -> None:
        """The amount due on the customer display, once per change of the amount."""
        display = self.session.devices.display()
        if display is None or due_fen == getattr(self, "_shown_due", None):
            return
        self._shown_due = due_fen
        Op(self.session.tasks, lambda: display.show_due(due_fen), owner=self, io=True).failure(
            lambda exc: None
        ).run()

    def perform(self) -> None:
        q = self.quote()
        assert q is not None
        ctx, actor, member_id = self.session.ctx, self.session.cashier, self.member.member_id
        tenders = self.payment.tenders()
        password = self.password.text() or None
        amount, points = q.amount_fen, q.points_used
        self.run(
            lambda: checkout(
                ctx,
                actor,
                member_id,
                amount,
                points=points,
                tenders=tenders,
                payment_password=password,
            )
        )

    def enter_commits(self) -> bool:
        if self.focus_points and self.focusWidget() is self.amount:
            return False  # F4: the points come next
        return super().enter_commits()

    def needed_field(self) -> QWidget | None:
        """Enter goes where the bill still needs something: the points after the amount on
        F4, the member's payment password when stored value pays."""
        if self.focus_points and self.focusWidget() is self.amount and self.amount.fen():
            return self.points
        return self.payment.needed_field(self.focusWidget())

    def on_refused(self, exc: BaseException) -> None:
        if isinstance(exc, CounterError):
            self.payment.refused(exc.code)

    @classmethod
    def ask(
        cls, parent: QWidget, session: Session, member: MemberView, *, focus_points: bool = False
    ) -> CheckoutResult | None:
        dialog = cls(session, member, parent, focus_points=focus_points)
        return dialog.result_value if run_modal(dialog) else None
