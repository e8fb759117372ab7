"""Count cards (次卡, F11) for the member on screen: use a card (核销), sell one (售卡),
refund one (退卡), give one to another member (转让, with a manager's approval). Keys 1 to 4
(or the buttons) choose; using a card comes first when the member holds one.

The cards, the products and the member's balance are read when the dialog opens; the
service checks everything again in its own transaction and refuses what no longer holds.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from app.domain.errors import CounterError, NotFoundError
from app.domain.money import format_cny
from app.services import countcards
from app.services.catalogue import show_item
from app.services.context import CounterContext
from app.services.countcard_products import ProductView, list_products
from app.services.countcards import CardResult, CardView
from app.services.counter_info import CheckoutInfo, checkout_info
from app.services.lookup import MemberView, show_member
from app.services.security import Actor
from ui.dialogs.approval import ApprovalBox
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.dialogs.methods import METHODS, MethodPicker
from ui.dialogs.payment import PaymentRows
from ui.errors import describe
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import DigitsEdit, LatinEdit

USE, SELL, REFUND, TRANSFER = "use", "sell", "refund", "transfer"
MODES = (USE, SELL, REFUND, TRANSFER)
TOUCH_PX = 44
MAX_TIMES_DIGITS = 3  # at most 999 times in one visit


def _products_with_names(
    ctx: CounterContext, actor: Actor
) -> tuple[list[ProductView], dict[str, str]]:
    """The active products and the catalogue names of their service items."""
    products = list_products(ctx, actor)
    names: dict[str, str] = {}
    for code in {i.item_code for p in products for i in p.items}:
        try:
            names[code] = show_item(ctx, actor, code).item.name
        except NotFoundError:
            names[code] = code
    return products, names


W = TypeVar("W", bound=QWidget)


def _touch(widget: W) -> W:
    widget.setMinimumHeight(TOUCH_PX)
    return widget


class CountCardDialog(OpDialog):
    def __init__(self, session: Session, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("次卡"), parent)
        self.setMinimumWidth(640)
        self.member = member
        self.cards: list[CardView] | None = None  # the member's usable cards, once read
        self.products: list[ProductView] | None = None
        self.info: CheckoutInfo | None = None
        self.item_names: dict[str, str] = {}  # the products' service items: code → name
        self.mode = USE
        self.done_text = ""
        self.load_error: str | None = None  # what could not be read when the dialog opened
        self.body.addWidget(
            QLabel(
                self.tr("{0} · {1} · 储值 {2}").format(
                    member.name, member.tier_name, format_cny(member.stored_value_fen)
                ),
                self,
            )
        )
        titles = {
            USE: self.tr("核销"), SELL: self.tr("售卡"), REFUND: self.tr("退卡"),
            TRANSFER: self.tr("转让"),
        }  # fmt: skip
        modes = QGridLayout()
        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QPushButton] = {}
        for i, mode in enumerate(MODES):
            b = QPushButton(f"{i + 1}  {titles[mode]}", self)
            b.setCheckable(True)
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the fields keep the keys
            b.setProperty("role", "preset")
            b.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            self.mode_group.addButton(b)
            self.mode_buttons[mode] = b
            modes.addWidget(b, 0, i)
            # A digit typed into a field stays there (a line edit takes printable keys
            # before any shortcut); elsewhere it chooses the mode.
            key = QShortcut(QKeySequence(str(i + 1)), self)
            key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            key.activated.connect(lambda m=mode: self.set_mode(m))
        self.body.addLayout(modes)
        self.pages = QStackedWidget(self)
        self.body.addWidget(self.pages)
        self.pages.addWidget(self._use_page())
        self.pages.addWidget(self._sell_page())
        self.pages.addWidget(self._refund_page())
        self.pages.addWidget(self._transfer_page())
        ctx, actor, member_id = session.ctx, session.cashier, member.member_id
        failed = self._load_failed
        Op(session.tasks, lambda: countcards.show(ctx, actor, member_id), owner=self).success(
            self._cards_loaded
        ).failure(failed).run()
        Op(session.tasks, lambda: _products_with_names(ctx, actor), owner=self).success(
            self._products_loaded
        ).failure(failed).run()
        Op(session.tasks, lambda: checkout_info(ctx, actor, member_id), owner=self).success(
            self._info_loaded
        ).failure(failed).run()
        self.set_mode(USE)

    # -- the three pages ----------------------------------------------------------------
    def _use_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.use_card = _touch(QComboBox(page))
        # One row per service item of the card with times left: a visit takes one item or
        # several, each as many times as typed (0 or empty: not this visit).
        self.use_items = QWidget(page)
        self.use_grid = QGridLayout(self.use_items)
        self.use_grid.setContentsMargins(0, 0, 0, 0)
        self.use_grid.setColumnStretch(0, 1)
        self.item_times: dict[str, DigitsEdit] = {}
        self.use_password = _touch(DigitsEdit(6, page))
        self.use_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.use_password.setPlaceholderText(self.tr("会员输入 6 位支付密码"))
        self.use_after = QLabel(page)
        self.use_after.setProperty("role", "total")
        self.use_after.setWordWrap(True)
        form.addRow(self.tr("次卡"), self.use_card)
        form.addRow(self.tr("项目 · 次数"), self.use_items)
        form.addRow(self.tr("支付密码"), self.use_password)
        form.addRow("", self.use_after)
        self.use_form = form
        form.setRowVisible(self.use_password, False)  # until the member is read
        self.use_card.currentIndexChanged.connect(self._use_card_chosen)
        self.use_password.textChanged.connect(self.revalidate)
        return page

    def _sell_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.product = _touch(QComboBox(page))
        self.product_detail = caption("", page)
        self.price = QLabel("—", page)
        self.price.setProperty("role", "total")
        form.addRow(self.tr("次卡产品"), self.product)
        priced = QHBoxLayout()  # one row: the dialog fits a 768-pixel screen with the payment
        priced.addWidget(self.price)
        priced.addWidget(self.product_detail, 1)
        form.addRow(self.tr("售价"), priced)
        self.payment = PaymentRows(form, page)
        self.sell_summary = QLabel(page)
        self.sell_summary.setWordWrap(True)
        form.addRow("", self.sell_summary)
        self.product.currentIndexChanged.connect(self._product_chosen)
        self.payment.changed.connect(self.revalidate)
        return page

    def _refund_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.refund_card = _touch(QComboBox(page))
        self.refund_detail = caption("", page)
        self.refund_back = QLabel(page)
        self.refund_back.setProperty("role", "total")
        self.refund_method = MethodPicker((*METHODS, "stored_value"), page)
        form.addRow(self.tr("次卡"), self.refund_card)
        form.addRow("", self.refund_detail)
        form.addRow(self.tr("退回"), self.refund_back)
        form.addRow(self.tr("退款方式"), self.refund_method)
        self.approval = ApprovalBox.of(self.session, page)
        form.addRow(self.approval)
        self.refund_card.currentIndexChanged.connect(lambda _i: self.revalidate())
        self.refund_method.changed.connect(lambda _m: self.revalidate())
        self.approval.staff_no.textChanged.connect(self.revalidate)
        self.approval.pin.textChanged.connect(self.revalidate)
        return page

    def _transfer_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.transfer_card = _touch(QComboBox(page))
        self.transfer_to = _touch(LatinEdit(page, accepts_scan=True))
        self.transfer_to.setMaxLength(32)
        self.transfer_to.setPlaceholderText(self.tr("受让会员的手机号、卡号或会员码,按 Enter 查找"))
        self.transfer_who = QLabel(page)
        self.transfer_who.setProperty("role", "total")
        self.transfer_who.setWordWrap(True)
        form.addRow(self.tr("次卡"), self.transfer_card)
        form.addRow(self.tr("转给"), self.transfer_to)
        form.addRow("", self.transfer_who)
        self.transfer_approval = ApprovalBox.of(self.session, page)
        form.addRow(self.transfer_approval)
        self.target: MemberView | None = None  # the receiver, once found
        self.target_error: str | None = None
        self.finding = False
        self.transfer_card.currentIndexChanged.connect(lambda _i: self.revalidate())
        self.transfer_to.textEdited.connect(self._target_edited)
        self.transfer_approval.staff_no.textChanged.connect(self.revalidate)
        self.transfer_approval.pin.textChanged.connect(self.revalidate)
        return page

    def _target_edited(self, _text: str) -> None:
        self.target, self.target_error = None, None
        self.transfer_who.clear()
        self.revalidate()

    def find_target(self) -> None:
        """Look the receiver up (Enter in the field, or a scan into it)."""
        query = self.transfer_to.text().strip()
        if not query or self.finding:
            return
        self.finding = True
        self.revalidate()
        ctx, actor = self.session.ctx, self.session.cashier

        def found(view: MemberView) -> None:
            self.finding = False
            if self.transfer_to.text().strip() != query:
                return  # typed on meanwhile: that is looked up next
            self.target = view
            self.transfer_who.setText(
                self.tr("转给:{0} · {1} · {2}").format(view.name, view.phone, view.tier_name)
            )
            self.revalidate()
            if self.target_problem() is None:
                self.transfer_approval.needed().setFocus()

        def failed(exc: BaseException) -> None:
            self.finding = False
            self.target_error = describe(exc)
            self.revalidate()

        Op(self.session.tasks, lambda: show_member(ctx, actor, query), owner=self).success(
            found
        ).failure(failed).run()

    def target_problem(self) -> str | None:
        if self.target is None:
            return None
        if self.target.member_id == self.member.member_id:
            return self.tr("不能转给会员本人")
        if self.target.status != "active":
            return self.tr("受让会员已注销,不能转给他")
        return None

    # -- what was read ------------------------------------------------------------------
    def _load_failed(self, exc: BaseException) -> None:
        self.load_error = describe(exc)
        self.revalidate()

    def _cards_loaded(self, cards: Sequence[CardView]) -> None:
        self.cards = [c for c in cards if c.status == "active"]
        for box in (self.use_card, self.refund_card, self.transfer_card):
            box.blockSignals(True)
            box.clear()
            for card in self.cards:
                box.addItem(self._card_text(card), card.card_id)
            box.blockSignals(False)
        self._use_card_chosen()
        # Using a card comes first when the member holds one with times left; else selling.
        usable = any(n for c in self.cards for _i, n in c.left)
        if self.mode == USE and not usable:
            self.set_mode(SELL)
        self.revalidate()

    def _products_loaded(self, loaded: tuple[list[ProductView], dict[str, str]]) -> None:
        products, self.item_names = loaded
        store = self.session.store
        code = store.code if store is not None else ""
        self.products = [p for p in products if p.active and p.honoured_at(code)]
        self.product.blockSignals(True)
        self.product.clear()
        for p in self.products:
            self.product.addItem(
                self.tr("{0} · {1}").format(p.name, format_cny(p.price_fen)), p.code
            )
        self.product.blockSignals(False)
        self._product_chosen()

    def _info_loaded(self, info: CheckoutInfo) -> None:
        self.info = info
        m = self.member
        usable = m.card_status in (None, "active") and m.status == "active"
        self.payment.set_member(
            info.principal_fen + info.bonus_fen, usable, info.has_payment_password
        )
        self.use_form.setRowVisible(self.use_password, info.has_payment_password)
        self._product_chosen()

    def _card_text(self, card: CardView) -> str:
        names = dict(card.item_names)
        times = " · ".join(
            self.tr("{0} {1} 次").format(names.get(code, code), n) for code, n in card.left
        )
        return self.tr("{0}:{1}(至 {2})").format(card.name, times, card.valid_until.isoformat())

    # -- choosing -----------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        if self.busy:
            return
        self.mode = mode
        self.mode_buttons[mode].setChecked(True)
        self.pages.setCurrentIndex(MODES.index(mode))
        self.confirm_button.setText(
            {
                USE: self.tr("确认核销 (Enter)"),
                SELL: self.tr("确认售卡 (Enter)"),
                REFUND: self.tr("确认退卡 (Enter)"),
                TRANSFER: self.tr("确认转让 (Enter)"),
            }[mode]
        )
        first = {USE: self.use_card, SELL: self.product, REFUND: self.refund_card,
                 TRANSFER: self.transfer_card}[mode]  # fmt: skip
        first.setFocus()
        self.revalidate()

    def _use_card_chosen(self, _index: int = -1) -> None:
        card = self._card(self.use_card)
        while self.use_grid.count():
            widget = self.use_grid.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.item_times = {}
        if card is not None:
            names = dict(card.item_names)
            left = [(code, n) for code, n in card.left if n > 0]
            for row, (code, n) in enumerate(left):
                label = QLabel(
                    self.tr("{0}(剩 {1} 次)").format(names.get(code, code), n), self.use_items
                )
                edit = _touch(DigitsEdit(MAX_TIMES_DIGITS, self.use_items))
                edit.setAccessibleName(names.get(code, code))
                edit.setPlaceholderText("0")
                edit.setMaximumWidth(120)
                if row == 0:
                    edit.setText("1")  # the usual visit: one time of the first item
                edit.textChanged.connect(self.revalidate)
                self.use_grid.addWidget(label, row, 0)
                self.use_grid.addWidget(edit, row, 1)
                self.item_times[code] = edit
            # New fields go to the end of the focus chain: put them between the card and
            # the password, so Tab and Enter walk the form top to bottom.
            chain = [self.use_card, *self.item_times.values(), self.use_password]
            for a, b in itertools.pairwise(chain):
                QWidget.setTabOrder(a, b)
        self.revalidate()

    def uses(self) -> dict[str, int]:
        """The items of this visit and their times (those typed above 0)."""
        return {code: e.value() for code, e in self.item_times.items() if e.value() > 0}

    def _product_chosen(self, _index: int = -1) -> None:
        p = self._product()
        if p is None:
            self.product_detail.clear()
            self.price.setText("—")
            self.payment.set_due(0)
        else:
            items = " · ".join(
                self.tr("{0} {1} 次").format(self.item_names.get(i.item_code, i.item_code), i.times)
                + (self.tr(" 送 {0} 次").format(i.gift_times) if i.gift_times else "")
                for i in p.items
            )
            if p.validity_days is not None:
                valid = self.tr("购买之日起 {0} 天有效").format(p.validity_days)
            else:
                assert p.end_date is not None
                valid = self.tr("有效期至 {0}").format(p.end_date.isoformat())
            self.product_detail.setText(self.tr("{0};{1}").format(items, valid))
            self.price.setText(format_cny(p.price_fen))
            self.payment.set_due(p.price_fen)
        self.revalidate()

    def _card(self, box: QComboBox) -> CardView | None:
        card_id = box.currentData()
        return next((c for c in self.cards or () if c.card_id == card_id), None)

    def _product(self) -> ProductView | None:
        code = self.product.currentData()
        return next((p for p in self.products or () if p.code == code), None)

    # -- validation ---------------------------------------------------------------------
    def problem(self) -> str | None:
        if self.load_error is not None:
            return self.load_error
        return {USE: self._use_problem, SELL: self._sell_problem, REFUND: self._refund_problem,
                TRANSFER: self._transfer_problem}[self.mode]()  # fmt: skip

    def _use_problem(self) -> str | None:
        self.use_after.clear()
        if self.cards is None or self.info is None:
            return self.tr("正在读取会员的次卡…")
        card = self._card(self.use_card)
        if card is None:
            return self.tr("会员没有可用的次卡:按 2 售卡")
        if not self.item_times:
            return self.tr("此卡没有剩余次数")
        uses = self.uses()
        if not uses:
            return self.tr("请输入使用次数")
        left = dict(card.left)
        names = dict(card.item_names)
        for code, times in uses.items():
            if times > left.get(code, 0):
                name, n = names.get(code, code), left.get(code, 0)
                return self.tr("次数不足:{0} 剩 {1} 次").format(name, n)
        if self.info.has_payment_password and len(self.use_password.text()) != 6:
            return self.tr("请会员输入 6 位支付密码")
        taken = self.tr("、").join(
            self.tr("{0} {1} 次").format(names.get(c, c), n) for c, n in uses.items()
        )
        after = self.tr(" · ").join(
            self.tr("{0} {1} 次").format(names.get(c, c), n - uses.get(c, 0)) for c, n in card.left
        )
        self.use_after.setText(self.tr("核销 {0},剩 {1}").format(taken, after))
        return None

    def _sell_problem(self) -> str | None:
        p = self._product()
        self.payment.due_fen = p.price_fen if p is not None else 0
        self.payment.show_rows()
        self.sell_summary.clear()
        if self.products is None or self.info is None:
            return self.tr("正在读取次卡产品…")
        if p is None:
            return self.tr("本店没有可售的次卡产品")
        paying = self.payment.problem()
        if paying is not None:
            return paying
        self.sell_summary.setText(self.payment.summary())
        self.confirm_button.setText(self.tr("确认售卡 {0} (Enter)").format(format_cny(p.price_fen)))
        return None

    def refund_fen(self, card: CardView) -> int:
        """What a refund pays back: price paid − value of the paid times used, never < 0."""
        return max(0, card.price_paid_fen - card.recognised_fen)

    def _refund_problem(self) -> str | None:
        self.refund_detail.clear()
        self.refund_back.setText("—")
        if self.cards is None:
            return self.tr("正在读取会员的次卡…")
        card = self._card(self.refund_card)
        if card is None:
            return self.tr("会员没有可退的次卡")
        self.refund_back.setText(format_cny(self.refund_fen(card)))
        self.refund_detail.setText(
            self.tr("实付 {0},已核销 {1};退回差额,剩余次数(含赠送次数)作废。需店长授权。").format(
                format_cny(card.price_paid_fen), format_cny(card.recognised_fen)
            )
        )
        return self.approval.missing()

    def _transfer_problem(self) -> str | None:
        if self.cards is None:
            return self.tr("正在读取会员的次卡…")
        card = self._card(self.transfer_card)
        if card is None:
            return self.tr("会员没有可转让的次卡")
        if not card.transferable:
            return self.tr("此卡不可转让:{0}").format(card.name)
        if not self.transfer_to.text().strip():
            return self.tr("请输入受让会员的手机号或卡号,按 Enter 查找")
        if self.finding:
            return self.tr("正在查找会员…")
        if self.target_error is not None:
            return self.target_error
        if self.target is None:
            return self.tr("按 Enter 查找受让会员")
        problem = self.target_problem()
        if problem is not None:
            return problem
        return self.transfer_approval.missing()

    def needed_field(self) -> QWidget | None:
        if self.mode == USE:
            if self.use_password.isVisible() and len(self.use_password.text()) != 6:
                return self.use_password
            return None
        if self.mode == SELL:
            return self.payment.needed_field(self.focusWidget())
        if self.mode == TRANSFER:
            if self.target is None or self.target_problem() is not None:
                return self.transfer_to
            if self.transfer_approval.approval() is None:
                return self.transfer_approval.needed()
            return None
        if self.approval.approval() is None:
            return self.approval.needed()
        return None

    def enter_pressed(self) -> None:
        # Enter in the receiver's field looks the member up (not yet found: nothing to commit).
        if self.mode == TRANSFER and self.focusWidget() is self.transfer_to and self.target is None:
            self.find_target()
            return
        super().enter_pressed()

    def take_scan(self, scan: str) -> None:
        """A member's card or QR scanned: the receiver, when transferring; else refused."""
        if self.mode != TRANSFER or self.busy:
            self.error.setText(self.tr("扫码只用于转让时查找受让会员"))
            return
        self.transfer_to.setText(scan.strip()[:32])
        self._target_edited("")
        self.transfer_to.setFocus()
        self.find_target()

    # -- running ------------------------------------------------------------------------
    def perform(self) -> None:
        ctx, actor, member_id = self.session.ctx, self.session.cashier, self.member.member_id
        if self.mode == USE:
            card = self._card(self.use_card)
            assert card is not None
            uses = self.uses()
            password = self.use_password.text() or None
            self.done_text = self.tr("次卡核销完成:{0}").format(card.name)
            self.run(
                lambda: countcards.use(
                    ctx, actor, member_id, uses, card_id=card.card_id, payment_password=password
                )
            )
        elif self.mode == SELL:
            p = self._product()
            assert p is not None
            tenders = self.payment.tenders()
            password = self.payment.password.text() or None
            self.done_text = self.tr("售卡成功:{0},实收 {1}").format(
                p.name, format_cny(p.price_fen)
            )
            if self.payment.change_fen():
                self.done_text += self.tr(",找零 {0}").format(format_cny(self.payment.change_fen()))
            code = p.code
            self.run(
                lambda: countcards.sell(
                    ctx, actor, member_id, code, tenders=tenders, payment_password=password
                )
            )
        elif self.mode == TRANSFER:
            card, target = self._card(self.transfer_card), self.target
            assert card is not None and target is not None
            approval = self.transfer_approval.approval()
            self.done_text = self.tr("次卡已转让:{0} → {1}").format(card.name, target.name)
            self.run(
                lambda: countcards.transfer(
                    ctx, actor, member_id, target.member_id, card_id=card.card_id,
                    approval=approval,
                )
            )  # fmt: skip
        else:
            card = self._card(self.refund_card)
            assert card is not None
            method, approval = self.refund_method.method(), self.approval.approval()
            self.done_text = self.tr("退卡完成:{0}").format(card.name)
            self.run(
                lambda: countcards.refund(
                    ctx, actor, member_id, card_id=card.card_id, method=method, approval=approval
                )
            )

    def on_refused(self, exc: BaseException) -> None:
        if not isinstance(exc, CounterError):
            return
        if exc.code.startswith("payment_password") and self.mode == USE:
            # Typed again from empty; the refusal (tries left) stays in view meanwhile.
            self.use_password.blockSignals(True)
            self.use_password.clear()
            self.use_password.blockSignals(False)
            self.use_password.setFocus()
        elif self.mode == SELL:
            self.payment.refused(exc.code)
        elif self.mode == REFUND and exc.code.startswith(("approv", "pin", "staff")):
            self.approval.pin.clear()
            self.approval.needed().setFocus()
        elif self.mode == TRANSFER and exc.code.startswith(("approv", "pin", "staff")):
            self.transfer_approval.pin.clear()
            self.transfer_approval.needed().setFocus()

    def result_text(self, result: CardResult) -> str:
        """The counter's status line after the operation."""
        names = {code: name for c in self.cards or () for code, name in c.item_names}
        left = " · ".join(
            self.tr("{0} {1} 次").format(names.get(code, code), n) for code, n in result.card.left
        )
        if self.mode == USE:
            return self.done_text + self.tr(",剩 {0}").format(left)
        if self.mode == REFUND:
            return self.done_text + self.tr(",退回 {0}").format(format_cny(result.value_fen))
        if self.mode == TRANSFER:
            return self.done_text + self.tr(",剩 {0}").format(left)
        return self.done_text

    @classmethod
    def ask(
        cls, parent: QWidget, session: Session, member: MemberView
    ) -> tuple[str, CardResult] | None:
        """The status text and the result of the committed operation, or None."""
        dialog = cls(session, member, parent)
        if not run_modal(dialog) or dialog.result_value is None:
            return None
        return dialog.result_text(dialog.result_value), dialog.result_value
