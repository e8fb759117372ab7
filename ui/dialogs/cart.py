"""The cart (F3): goods scanned into lines, priced line by line as the sale will price them.

Keys, as a cashier of 银豹 or 美团 expects them, while the scan box has the focus:
Enter adds what was scanned or typed (barcode, item code, name or pinyin initials; a member's
card or code attaches the member), and on an empty box pays; ``*`` sets the selected line's
quantity to the digits typed before it (or asks for it); ``+``/``-`` add or take one; Delete
removes the line; ↑↓ choose a line; F2 改价, F4 整单折扣, F5 抹零, F6 挂单, F7 取单, F8 散客
(the member off the cart), F9 优惠券 (the member's wallet, or a code; a coupon's code
scanned into the box is taken too), F3 收款; Esc cancels (a recalled cart goes back to the
held list).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.cart import ROUNDING_UNITS, OrderDiscount, PriceChange, PricedCart
from app.domain.errors import CounterError, NotFoundError
from app.domain.held import CartDraft, DraftLine
from app.domain.money import format_cny
from app.domain.price_limits import OverLimit
from app.services import cart_quote, held
from app.services.cart_quote import CartItem, CartRules
from app.services.catalogue import search_items
from app.services.coupon_cart import CartCoupon, cart_coupon, looks_like_coupon
from app.services.lookup import MemberView, find_members, show_member
from app.services.sale import SaleResult
from ui.dialogs.base import run_modal
from ui.dialogs.cart_coupons import CouponPickDialog
from ui.dialogs.cart_edits import DiscountDialog, PriceChangeDialog, QuantityDialog
from ui.dialogs.cart_pay import CartPayDialog
from ui.dialogs.cart_why import why_words
from ui.dialogs.held_list import HeldListDialog
from ui.errors import describe
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import ScanBox

ROUNDINGS = tuple(ROUNDING_UNITS)  # none → jiao → yuan → none (F5)
MAX_TYPED_QUANTITY = 9999


@dataclass
class Entry:
    item: CartItem
    quantity: int
    change: PriceChange | None = None


class CartDialog(QDialog):
    def __init__(
        self, session: Session, member: MemberView | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("收银 · 购物车"))
        self.setModal(True)
        self.resize(1000, 700)
        self.member = member
        self.entries: list[Entry] = []
        self.discount: OrderDiscount | None = None
        self.rounding = "none"
        self.held_number: int | None = None  # the held cart recalled into this one
        self.rules: CartRules | None = None
        self.priced: PricedCart | None = None
        self.over: tuple[OverLimit, ...] = ()
        self.result_value: SaleResult | None = None
        self.candidates: list[str] = []  # item codes offered for a name search
        self.coupons: list[CartCoupon] = []  # presented: priced here, redeemed by the sale
        self.busy = False

        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        outer.addLayout(left, 1)
        self.scan_box = ScanBox(self)
        self.scan_box.setPlaceholderText(
            self.tr("扫条码 / 输入编码、名称或拼音首字母;刷会员卡关联会员")
        )
        self.scan_box.returnPressed.connect(self._enter)
        self.scan_box.installEventFilter(self)
        left.addWidget(self.scan_box)
        self.member_label = QLabel(self)
        self.member_label.setProperty("role", "caption")
        left.addWidget(self.member_label)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("#"), self.tr("商品"), self.tr("数量"), self.tr("单价"), self.tr("优惠"),
             self.tr("小计")]
        )  # fmt: skip
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2, 3, 4, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(44)  # a finger's row
        self.table.itemSelectionChanged.connect(self._show_why)
        left.addWidget(self.table, 1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        left.addWidget(self.message)

        side = QVBoxLayout()
        side_widget = QWidget(self)
        side_widget.setLayout(side)
        side_widget.setFixedWidth(330)
        side.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(side_widget)
        self.side_pages = QStackedWidget(self)
        self.why = QLabel(self)
        self.why.setWordWrap(True)
        self.why.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.why.setProperty("role", "card")
        self.side_pages.addWidget(self.why)
        self.choices = QListWidget(self)
        self.choices.itemActivated.connect(self._choice_made)
        self.side_pages.addWidget(self.choices)
        side.addWidget(self.side_pages, 1)
        totals = QFrame(self)
        totals.setProperty("role", "card")
        grid = QGridLayout(totals)
        self.figures: dict[str, QLabel] = {}
        for row, (key, title) in enumerate(
            (
                ("list", self.tr("原价合计")),
                ("member", self.tr("会员优惠")),
                ("change", self.tr("改价")),
                ("coupon", self.tr("优惠券")),
                ("order", self.tr("整单折扣")),
                ("round", self.tr("抹零")),
            )
        ):
            grid.addWidget(QLabel(title, totals), row, 0)
            self.figures[key] = QLabel("—", totals)
            self.figures[key].setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(self.figures[key], row, 1)
        grid.addWidget(QLabel(self.tr("应付"), totals), 6, 0)
        self.due = QLabel("—", totals)
        self.due.setProperty("role", "total")
        self.due.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.due, 6, 1)
        side.addWidget(totals)
        keys = QGridLayout()
        keys.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        for i, (key, name, text, slot) in enumerate(
            (
                ("F2", "price", self.tr("改价"), self.change_price),
                ("F4", "discount", self.tr("整单折扣"), self.order_discount),
                ("F5", "round", self.tr("抹零"), self.next_rounding),
                ("F6", "hold", self.tr("挂单"), self.hold),
                ("F7", "recall", self.tr("取单"), self.recall),
                ("F8", "walk_in", self.tr("散客"), self.drop_member),
                ("F9", "coupons", self.tr("优惠券"), self.pick_coupons),
                ("Del", "delete", self.tr("删除行"), self.delete_line),
                ("Esc", "cancel", self.tr("取消"), self.cancel),
            )
        ):
            keys.addWidget(self._button(key, name, text, slot), i // 2, i % 2)
        side.addLayout(keys)
        self.pay_button = self._button("F3", "pay", self.tr("收款"), self.pay)
        self.pay_button.setProperty("role", "primary")
        side.addWidget(self.pay_button)
        for key, slot in (("F2", self.change_price), ("F4", self.order_discount),
                          ("F5", self.next_rounding), ("F6", self.hold), ("F7", self.recall),
                          ("F8", self.drop_member), ("F9", self.pick_coupons),
                          ("F3", self.pay)):  # fmt: skip
            QShortcut(QKeySequence(key), self, lambda s=slot: not self.busy and s())
        self.scan_box.setFocus()
        self._show_member()
        self.render()
        ctx, actor = session.ctx, session.cashier
        Op(session.tasks, lambda: cart_quote.cart_rules(ctx, actor), owner=self).success(
            self._rules_loaded
        ).failure(lambda exc: self.say(describe(exc), error=True)).run()

    def _button(self, key: str, name: str, text: str, slot: Any) -> QPushButton:
        b = QPushButton(f"{key}  {text}", self)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.setAutoDefault(False)
        b.setMinimumHeight(44)
        b.clicked.connect(lambda: not self.busy and slot())
        self.buttons[name] = b
        return b

    def _rules_loaded(self, rules: CartRules) -> None:
        self.rules = rules
        self.render()

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setProperty("role", "error" if error else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    # -- keys in the scan box ---------------------------------------------------------
    def eventFilter(self, obj: Any, event: Any) -> bool:
        if obj is self.scan_box and event.type() == event.Type.KeyPress and not self.busy:
            key, text = event.key(), event.text()
            if text == "*":
                self.set_quantity()
                return True
            if text in ("+", "-") and not self.scan_box.text():
                self.step_quantity(1 if text == "+" else -1)
                return True
            if key == Qt.Key.Key_Delete and not self.scan_box.text():
                self.delete_line()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self._move(-1 if key == Qt.Key.Key_Up else 1)
                return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            if self.side_pages.currentWidget() is self.choices:
                self.side_pages.setCurrentWidget(self.why)  # back from the list of items
                self.scan_box.setFocus()
            else:
                self.cancel()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.side_pages.currentWidget() is self.choices and self.choices.hasFocus():
                item = self.choices.currentItem()
                if item is not None:
                    self._choice_made(item)
            return  # a button never takes Enter: the scan box decides
        super().keyPressEvent(event)

    def _move(self, step: int) -> None:
        if not self.entries:
            return
        row = self.selected_row()
        row = (
            len(self.entries) - 1 if row is None else max(0, min(len(self.entries) - 1, row + step))
        )
        self.table.selectRow(row)

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    # -- scanning ---------------------------------------------------------------------
    def _enter(self) -> None:
        if self.busy:
            return
        text = self.scan_box.text().strip()
        if not text:
            self.pay()
            return
        self.scan(text)

    def take_scan(self, text: str) -> None:
        """A scanner's code (keyboard wedge or serial) while the cart is open."""
        text = text.strip()
        if text and not self.busy and QApplication.activeModalWidget() is self:
            self.scan(text)

    def scan(self, text: str) -> None:
        ctx, actor = self.session.ctx, self.session.cashier

        member_id = self.member.member_id if self.member is not None else None

        def look() -> tuple[str, Any]:
            item = cart_quote.cart_item(ctx, actor, text)
            if item is not None:
                return "item", item
            unknown_coupon: NotFoundError | None = None
            if looks_like_coupon(text):  # a coupon's code (its QR holds the same)
                try:
                    return "coupon", cart_coupon(ctx, actor, member_id, text)
                except NotFoundError as exc:  # a card number can pass a code's check, too
                    unknown_coupon = exc
            members: list[MemberView] = []
            with contextlib.suppress(CounterError):  # not a member's card, phone or name
                members = find_members(ctx, actor, text)
            if unknown_coupon is not None and not members:
                raise unknown_coupon
            page = search_items(ctx, actor, text, limit=30)
            if members and not page.items:
                return ("member", members[0]) if len(members) == 1 else ("members", members)
            if len(page.items) == 1:
                return "item", cart_quote.cart_item(ctx, actor, page.items[0].item.code)
            if page.items:
                return "items", page.items
            return "none", None

        self.scan_box.clear()
        Op(self.session.tasks, look, owner=self).success(lambda r: self._looked(text, r)).failure(
            lambda exc: self.say(describe(exc), error=True)
        ).run()

    def _looked(self, text: str, result: tuple[str, Any]) -> None:
        kind, value = result
        if kind == "item" and value is not None:
            self.add(value)
        elif kind == "member":
            self.attach(value)
        elif kind == "coupon":
            self.take_coupons([*self.coupons, value])
        elif kind == "members":
            self.say(self.tr("找到 {0} 位会员:请刷会员卡或输入完整手机号").format(len(value)),
                     error=True)  # fmt: skip
        elif kind == "items":
            self.choices.clear()
            self.candidates = []
            for view in value:
                it = view.item
                self.choices.addItem(
                    QListWidgetItem(f"{it.code}  {it.name}  {format_cny(it.price_fen)}/{it.unit}")
                )
                self.candidates.append(it.code)
            self.side_pages.setCurrentWidget(self.choices)
            self.choices.setCurrentRow(0)
            self.choices.setFocus()
            self.say(self.tr("找到 {0} 个商品:用 ↑↓ 选择,按 Enter 加入").format(len(value)))
        else:
            self.say(self.tr("没有找到商品或会员:{0}").format(text), error=True)

    def _choice_made(self, item: QListWidgetItem) -> None:
        row = self.choices.row(item)
        self.side_pages.setCurrentWidget(self.why)
        self.scan_box.setFocus()
        if 0 <= row < len(self.candidates):
            self.scan(self.candidates[row])

    def add(self, item: CartItem) -> None:
        """A scan of an item already in the cart (at its own price) adds one to that line."""
        for i, entry in enumerate(self.entries):
            if entry.item.code == item.code and entry.change is None:
                entry.quantity += 1
                self.render(select=i)
                self.say(self.tr("{0} × {1}").format(item.name, entry.quantity))
                return
        self.entries.append(Entry(item, 1))
        self.render(select=len(self.entries) - 1)
        self.say(self.tr("已加入:{0}").format(item.name))

    def attach(self, member: MemberView) -> None:
        if member.status != "active":
            self.say(self.tr("会员 {0} 的状态不能消费").format(member.name), error=True)
            return
        self.member = member
        self.coupons = []  # a member's coupons are theirs: chosen again for this member
        self._show_member()
        self.render()
        self.say(self.tr("已关联会员 {0}:按会员价和等级折扣计价").format(member.name))

    def drop_member(self) -> None:
        if self.member is None:
            return
        self.member = None
        self.coupons = [c for c in self.coupons if c.bearer]
        self._show_member()
        self.render()
        self.say(self.tr("已改为散客"))

    def _show_member(self) -> None:
        m = self.member
        self.member_label.setText(
            self.tr("会员:{0} · {1} · 储值 {2} · 积分 {3}").format(
                m.name, m.tier_name, format_cny(m.stored_value_fen), f"{m.points:,}"
            )
            if m is not None
            else self.tr("散客(未关联会员):刷会员卡可关联")
        )

    # -- changing lines ---------------------------------------------------------------
    def _current(self) -> Entry | None:
        row = self.selected_row()
        if row is None and self.entries:
            row = len(self.entries) - 1
        return self.entries[row] if row is not None else None

    def set_quantity(self) -> None:
        entry = self._current()
        if entry is None:
            self.say(self.tr("请先扫描商品"), error=True)
            return
        typed = self.scan_box.text().strip()
        self.scan_box.clear()
        if typed:
            if not typed.isdigit() or not 0 < int(typed) <= MAX_TYPED_QUANTITY:
                self.say(self.tr("数量要在 1 到 {0} 之间").format(MAX_TYPED_QUANTITY), error=True)
                return
            quantity = int(typed)
        else:
            found = QuantityDialog.ask(self, self.session, entry.item.name, entry.quantity)
            self.scan_box.setFocus()
            if found is None:
                return
            quantity = found
        entry.quantity = quantity
        self.render(select=self.entries.index(entry))

    def step_quantity(self, step: int) -> None:
        entry = self._current()
        if entry is None:
            return
        if entry.quantity + step < 1:
            self.say(self.tr("数量不能小于 1:要删除这一行请按 Delete"), error=True)
            return
        entry.quantity = min(entry.quantity + step, MAX_TYPED_QUANTITY)
        self.render(select=self.entries.index(entry))

    def delete_line(self) -> None:
        entry = self._current()
        if entry is None:
            return
        i = self.entries.index(entry)
        del self.entries[i]
        self.render(select=min(i, len(self.entries) - 1) if self.entries else None)
        self.say(self.tr("已删除:{0}").format(entry.item.name))

    def change_price(self) -> None:
        entry = self._current()
        if entry is None or self.priced is None:
            self.say(self.tr("请先扫描商品"), error=True)
            return
        line = self.priced.lines[self.entries.index(entry)]
        change = PriceChangeDialog.ask(self, self.session, entry.item.name, line.member_fen,
                                       entry.quantity)  # fmt: skip
        self.scan_box.setFocus()
        if change is not None:
            entry.change = change.change
            self.render(select=self.entries.index(entry))

    def order_discount(self) -> None:
        if self.priced is None:
            self.say(self.tr("请先扫描商品"), error=True)
            return
        found = DiscountDialog.ask(self, self.session, self.priced.subtotal_fen)
        self.scan_box.setFocus()
        if found is not None:
            self.discount = found.discount
            self.render()

    def next_rounding(self) -> None:
        self.rounding = ROUNDINGS[(ROUNDINGS.index(self.rounding) + 1) % len(ROUNDINGS)]
        self.render()
        words = {"none": self.tr("不抹零"), "jiao": self.tr("抹零:抹去分"),
                 "yuan": self.tr("抹零:抹去角和分")}[self.rounding]  # fmt: skip
        if self.over:
            words += self.tr(";折扣超出你的权限:收款时需要店长授权")
        self.say(words, error=bool(self.over))

    def pick_coupons(self) -> None:
        chosen = CouponPickDialog.ask(self, self.session, self.member, self.coupons)
        self.scan_box.setFocus()
        if chosen is not None:
            self.take_coupons(chosen)

    def take_coupons(self, chosen: list[CartCoupon]) -> None:
        self.coupons = list({c.coupon_id: c for c in chosen}.values())  # each once
        problem = self.reprice()
        self.render()
        if problem is None:
            self.say(
                self.tr("已选 {0} 张券,共减 {1}").format(
                    len(self.coupons), format_cny(self.priced.coupon_fen if self.priced else 0)
                )
                if self.coupons
                else self.tr("未使用优惠券")
            )

    def coupon_uses(self) -> list[Any]:
        keyed = [(e.item.code, e.item.category) for e in self.entries]
        return [c.use(keyed) for c in self.coupons]

    # -- the cart on screen -----------------------------------------------------------
    def lines(self) -> list[Any]:
        return [e.item.at(e.quantity, e.change) for e in self.entries]

    def reprice(self) -> str | None:
        self.priced, self.over = None, ()
        if not self.entries or self.rules is None:
            return None
        try:
            self.priced, self.over = cart_quote.price(
                self.rules, self.lines(), self.member.tier if self.member else None,
                self.discount, self.rounding, coupons=self.coupon_uses(),
            )  # fmt: skip
        except CounterError as exc:
            return exc.message
        return None

    def render(self, select: int | None = None) -> None:
        problem = self.reprice()
        keep = self.selected_row() if select is None else select
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            line = self.priced.lines[row] if self.priced else None
            off = (line.list_fen - line.after_round_fen) if line else 0
            unit = format_cny(entry.item.line.unit_price_fen)
            cells = (
                str(row + 1),
                entry.item.name + (self.tr("(改价)") if entry.change else ""),
                f"{entry.quantity}{entry.item.unit}",
                unit,
                ("−" + format_cny(off)) if off > 0 else ("+" + format_cny(-off) if off else ""),
                format_cny(line.after_round_fen) if line else "—",
            )
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if col in (2, 3, 4, 5):
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, cell)
        if keep is not None and 0 <= keep < len(self.entries):
            self.table.selectRow(keep)
            self.table.scrollToItem(self.table.item(keep, 0))
        p = self.priced
        for key, fen in (
            ("list", p.list_fen if p else 0),
            ("member", -p.member_discount_fen if p else 0),
            ("change", p.change_fen if p else 0),
            ("coupon", -p.coupon_fen if p else 0),
            ("order", -p.order_discount_fen if p else 0),
            ("round", -p.round_off_fen if p else 0),
        ):
            self.figures[key].setText(
                format_cny(fen)
                if key == "list"
                else ("−" if fen < 0 else "") + format_cny(abs(fen))
            )
        if self.discount is not None and p is not None:
            self.figures["order"].setText(self.figures["order"].text() + self._discount_words())
        if self.coupons:
            self.figures["coupon"].setText(
                self.figures["coupon"].text() + self.tr("({0} 张)").format(len(self.coupons))
            )
        if self.rounding != "none":
            self.figures["round"].setText(
                self.figures["round"].text()
                + (self.tr("(到角)") if self.rounding == "jiao" else self.tr("(到元)"))
            )
        count = sum(e.quantity for e in self.entries)
        self.due.setText(format_cny(p.after_round_fen) if p else "—")
        self.pay_button.setText(
            self.tr("F3  收款 {0}({1} 件)").format(format_cny(p.after_round_fen), count)
            if p
            else self.tr("F3  收款")
        )
        self.pay_button.setEnabled(p is not None)
        self.buttons["walk_in"].setEnabled(self.member is not None)
        self.buttons["coupons"].setText(
            self.tr("F9  优惠券({0})").format(len(self.coupons)) if self.coupons
            else self.tr("F9  优惠券")
        )  # fmt: skip
        if problem:
            self.say(problem, error=True)
        elif self.over:
            self.say(self.tr("折扣超出你的权限:收款时需要店长授权"), error=True)
        self._show_why()

    def _discount_words(self) -> str:
        d = self.discount
        assert d is not None
        if d.percent_bp is not None:
            return self.tr("({0} 折)").format(f"{(10000 - d.percent_bp) / 1000:g}")
        return ""

    def _show_why(self) -> None:
        self.side_pages.setCurrentWidget(self.why)
        entry = self._current()
        if entry is None or self.priced is None:
            self.why.setText(
                self.tr("扫描商品开始收银\n\n* 数量  + / − 加减一件\nDelete 删除行  ↑↓ 选择行\n"
                        "空白处按 Enter 收款")
            )  # fmt: skip
            return
        line = self.priced.lines[self.entries.index(entry)]
        tier = self.member.tier_name if self.member else ""
        self.why.setText(why_words(line, entry.item.name, tier))

    # -- hold, recall, pay --------------------------------------------------------------
    def draft(self) -> CartDraft:
        return CartDraft(
            lines=tuple(DraftLine(e.item.code, e.quantity, e.change) for e in self.entries),
            member_id=self.member.member_id if self.member else None,
            order_discount=self.discount,
            rounding=self.rounding,
        )

    def _clear(self) -> None:
        self.entries.clear()
        self.coupons = []
        self.discount = None
        self.rounding = "none"
        self.held_number = None
        self.member = None
        self._show_member()
        self.render()
        self.scan_box.setFocus()

    def hold(self) -> None:
        if not self.entries:
            self.say(self.tr("购物车是空的,没有可挂的单"), error=True)
            return
        ctx, actor, draft, again = (
            self.session.ctx,
            self.session.cashier,
            self.draft(),
            self.held_number,
        )

        def held_ok(view: held.HeldView) -> None:
            self._clear()
            self.say(self.tr("已挂单:第 {0} 号,{1} 行,{2}。按 F7 取单").format(
                view.number, view.line_count, format_cny(view.total_fen)))  # fmt: skip

        self._busy_op(lambda: held.hold(ctx, actor, draft, replaces=again), held_ok)

    def recall(self) -> None:
        if self.entries:
            self.say(self.tr("请先收款、挂单或清空当前购物车,再取单"), error=True)
            return
        number = HeldListDialog.ask(self, self.session)
        self.scan_box.setFocus()
        if number is None:
            return
        ctx, actor = self.session.ctx, self.session.cashier

        def work() -> tuple[held.Recalled, list[CartItem], MemberView | None]:
            recalled = held.recall(ctx, actor, number)
            try:
                draft = recalled.draft
                items = cart_quote.cart_items(ctx, actor, [d.item_code for d in draft.lines])
                member = show_member(ctx, actor, draft.member_id) if draft.member_id else None
            except BaseException:
                held.put_back(ctx, actor, number)  # an item gone since: the cart stays held
                raise
            return recalled, items, member

        self._busy_op(work, self._recalled)

    def _recalled(self, found: tuple[held.Recalled, list[CartItem], MemberView | None]) -> None:
        recalled, items, member = found
        draft = recalled.draft
        self.entries = [
            Entry(item, d.quantity, d.price_change)
            for item, d in zip(items, draft.lines, strict=True)
        ]
        self.discount, self.rounding = draft.order_discount, draft.rounding
        self.member = member
        self.held_number = recalled.view.number
        self._show_member()
        self.render(select=len(self.entries) - 1)
        self.say(self.tr("已取单:第 {0} 号").format(recalled.view.number))

    def _busy_op(self, fn: Any, ok: Any) -> None:
        self.busy = True

        def done() -> None:
            self.busy = False

        Op(self.session.tasks, fn, owner=self).success(ok).failure(
            lambda exc: self.say(describe(exc), error=True)
        ).finally_(done).run()

    def pay(self) -> None:
        if self.priced is None or self.rules is None:
            self.say(self.tr("请先扫描商品"), error=True)
            return
        result = CartPayDialog.ask(
            self, self.session, self.rules, self.draft(), self.lines(), self.member,
            self.over, self.held_number, self.coupon_uses(),
        )  # fmt: skip
        self.scan_box.setFocus()
        if result is not None:
            self.result_value = result
            self.accept()

    def closeEvent(self, event: Any) -> None:
        event.ignore()
        self.cancel()

    def cancel(self) -> None:
        """Esc, the cancel button or the window's close: a cart with lines asks first."""
        if self.busy:
            return
        if self.entries:
            ask = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("取消这一单"),
                self.tr(
                    "购物车里还有 {0} 行商品。放弃这一单吗?(要留着稍后结账请按 F6 挂单)"
                ).format(len(self.entries)),
                parent=self,
            )
            drop = ask.addButton(self.tr("放弃这一单 (Enter)"), QMessageBox.ButtonRole.AcceptRole)
            ask.addButton(self.tr("继续收银 (Esc)"), QMessageBox.ButtonRole.RejectRole)
            ask.setDefaultButton(drop)
            ask.exec()
            if ask.clickedButton() is not drop:
                self.scan_box.setFocus()
                return
        self.reject()

    def reject(self) -> None:
        if self.busy:
            return
        if self.held_number is not None:
            ctx, actor, number = self.session.ctx, self.session.cashier, self.held_number
            self.held_number = None
            Op(self.session.tasks, lambda: held.put_back(ctx, actor, number), owner=None).run()
        super().reject()

    @classmethod
    def ask(cls, parent: QWidget, session: Session, member: MemberView | None) -> SaleResult | None:
        dialog = cls(session, member, parent)
        return dialog.result_value if run_modal(dialog) else None
