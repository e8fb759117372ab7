"""Check out (F3) and redeem points (F4): amount, tier discount, points, tenders, change.

The quote is worked out as the cashier types, from the rules and usable points read when the
dialog opens; the service checks everything again when the sale is committed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.domain.errors import CounterError
from app.domain.money import format_cny
from app.domain.pricing import Quote, max_points_for_bill, quote_checkout
from app.services.checkout import CheckoutResult, checkout
from app.services.counter_info import CheckoutInfo, checkout_info
from app.services.lookup import MemberView
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.dialogs.methods import MethodPicker
from ui.errors import describe
from ui.models import method_name
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
        self.stored = MoneyEdit(self)
        self.stored_hint = caption("", self)
        pay.addRow(self.tr("储值支付(元)"), self.stored)
        pay.addRow("", self.stored_hint)
        self.methods = MethodPicker(parent=self)
        pay.addRow(self.tr("其余用"), self.methods)
        self.cash_given = MoneyEdit(self)
        self.cash_given.setPlaceholderText(self.tr("收到的现金,不填即正好"))
        pay.addRow(self.tr("实收现金(元)"), self.cash_given)
        # Touch: the notes the customer hands over (each tap adds one), or the amount due
        # rounded up to the next ¥10/¥50/¥100.
        self.notes = QWidget(self)
        notes = QGridLayout(self.notes)
        notes.setContentsMargins(0, 0, 0, 0)
        for col, fen in enumerate(NOTES_FEN):
            b = self._touch_button(f"¥{fen // 100}", lambda _=False, f=fen: self._add_note(f))
            notes.addWidget(b, 0, col)
        for col, fen in enumerate(ROUND_UP_FEN):
            text = self.tr("凑整 ¥{0}").format(fen // 100)
            b = self._touch_button(text, lambda _=False, f=fen: self._round_up(f))
            notes.addWidget(b, 1, col)
        clear = self._touch_button(self.tr("清零"), lambda: self.cash_given.clear())
        notes.addWidget(clear, 1, len(ROUND_UP_FEN))
        pay.addRow("", self.notes)
        self.change = QLabel(self)
        self.change.setProperty("role", "total")
        pay.addRow(self.tr("找零"), self.change)
        self.password = DigitsEdit(6, self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("会员输入 6 位支付密码"))
        pay.addRow(self.tr("支付密码"), self.password)
        self.body.addLayout(pay)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)

        self.stored_touched = False
        self.amount.textChanged.connect(self._amount_changed)
        self.points.textChanged.connect(self._amount_changed)
        self.stored.textEdited.connect(self._stored_edited)
        self.cash_given.textChanged.connect(self.revalidate)
        self.password.textChanged.connect(self.revalidate)
        self.methods.changed.connect(lambda _m: self.revalidate())
        # F4 (points) starts at the amount too: the cap on points depends on it. Enter after
        # the amount then goes to the points.
        self.amount.setFocus()
        ctx, actor, member_id = session.ctx, session.cashier, member.member_id
        Op(session.tasks, lambda: checkout_info(ctx, actor, member_id), owner=self).success(
            self._loaded
        ).failure(lambda exc: self.error.setText(describe(exc))).run()
        self.revalidate()

    def _touch_button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        b = QPushButton(text, self)
        b.setProperty("role", "preset")
        b.setAutoDefault(False)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.clicked.connect(slot)
        return b

    def _rest_fen(self) -> int:
        quote = self.quote()
        return max(0, quote.due_fen - (self.stored.fen() or 0)) if quote else 0

    def _add_note(self, fen: int) -> None:
        self.cash_given.set_fen((self.cash_given.fen() or 0) + fen)

    def _round_up(self, step_fen: int) -> None:
        rest = self._rest_fen()
        if rest:
            self.cash_given.set_fen(-(-rest // step_fen) * step_fen)

    def _loaded(self, info: CheckoutInfo) -> None:
        self.info = info
        self.password.setEnabled(info.has_payment_password)
        if not info.has_payment_password:
            self.password.setPlaceholderText(self.tr("会员未设支付密码"))
        self._amount_changed()

    def _stored_edited(self) -> None:
        self.stored_touched = True
        self.revalidate()

    def balance_fen(self) -> int:
        return self.info.principal_fen + self.info.bonus_fen if self.info else 0

    def card_usable(self) -> bool:
        return self.member.card_status in (None, "active") and self.member.status == "active"

    def _amount_changed(self) -> None:
        # Until the cashier changes it, stored value pays as much of the bill as it can.
        if not self.stored_touched:
            quote = self.quote()
            due = quote.due_fen if quote else 0
            usable = self.balance_fen() if self.card_usable() else 0
            self.stored.set_fen(min(due, usable)) if due else self.stored.clear()
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

    def tenders(self, due_fen: int) -> list[tuple[str, int]]:
        stored = self.stored.fen() or 0
        rest = due_fen - stored
        tenders = [(STORED_VALUE, stored)] if stored else []
        if rest > 0:
            method = self.methods.method()
            given = self.cash_given.fen() if method == "cash" else None
            tenders.append((method, given if given else rest))
        return tenders

    def _show_rows(self, stored: int, rest: int) -> None:
        """Only the payment rows this bill needs: the other method, cash given, password."""
        has_password = self.info is not None and self.info.has_payment_password
        self.pay.setRowVisible(self.methods, rest > 0)
        cash = rest > 0 and self.methods.method() == "cash"
        self.pay.setRowVisible(self.cash_given, cash)
        self.pay.setRowVisible(self.notes, cash)
        self.pay.setRowVisible(self.change, cash and bool(self.cash_given.fen()))
        self.pay.setRowVisible(self.password, stored > 0 and has_password)

    def problem(self) -> str | None:
        # Rows shown or hidden once per change, never in passing: hiding the focused
        # password field, even for a moment, would send the member's next digit elsewhere.
        quoted = self.quote()
        stored_now = self.stored.fen() or 0
        self._show_rows(stored_now, quoted.due_fen - stored_now if quoted else 0)
        for label in (*self.lines.values(), self.due):
            label.setText("—")
        self.summary.clear()
        self.stored_hint.clear()
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
        stored = self.stored.fen() or 0
        balance = self.balance_fen()
        self.stored_hint.setText(self.tr("储值余额 {0}").format(format_cny(balance)))
        if stored and not self.card_usable():
            return self.tr("会员卡不可用,不能使用储值")
        if stored > balance:
            return self.tr("储值余额不足:余额 {0}").format(format_cny(balance))
        if stored > q.due_fen:
            return self.tr("储值支付不能超过应付金额")
        rest = q.due_fen - stored
        method = self.methods.method()
        given = self.cash_given.fen() if method == "cash" else None
        if given is not None and given and given < rest:
            return self.tr("实收现金不足:还差 {0}").format(format_cny(rest - given))
        if stored and self.info.has_payment_password and len(self.password.text()) != 6:
            return self.tr("请会员输入 6 位支付密码")
        parts = []
        if stored:
            parts.append(self.tr("储值 {0}").format(format_cny(stored)))
        if rest:
            parts.append(f"{method_name(method)} {format_cny(given or rest)}")
        change = (given - rest) if given and rest else 0
        self.change.setText(format_cny(change))
        text = self.tr("收款:") + " + ".join(parts) if parts else self.tr("积分全额抵扣")
        if change:
            text += self.tr(",找零 {0}").format(format_cny(change))
        self.summary.setText(text)
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
        tenders = self.tenders(q.due_fen)
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
        if self.password.isVisible() and len(self.password.text()) != 6:
            return self.password
        if self.cash_given.isVisible() and self.focusWidget() is not self.cash_given:
            given, quote = self.cash_given.fen(), self.quote()
            if given is not None and quote is not None and given < quote.due_fen:
                return self.cash_given
        return None

    def on_refused(self, exc: BaseException) -> None:
        if isinstance(exc, CounterError) and exc.code.startswith("payment_password"):
            self.password.clear()
            self.password.setFocus()

    @classmethod
    def ask(
        cls, parent: QWidget, session: Session, member: MemberView, *, focus_points: bool = False
    ) -> CheckoutResult | None:
        dialog = cls(session, member, parent, focus_points=focus_points)
        return dialog.result_value if run_modal(dialog) else None
