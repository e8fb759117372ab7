"""The counter screen: one scan box, the member found, and the actions on function keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import RuleError
from app.domain.money import format_cny
from app.domain.phone import looks_like_phone
from app.domain.window import window_start
from app.ports import CustomerDisplay
from app.services import (
    consent,
    countcards,
    member_value,
    partial_refunds,
    tags,
    tickets,
    walk_in_refunds,
)
from app.services.cart_quote import has_catalogue
from app.services.coupon_cart import CartCoupon, cart_wallet
from app.services.history import (
    Cursor,
    MemberHistory,
    Tab,
    TxnLine,
    history_page,
    member_history,
    registration_txn,
)
from app.services.history_window import OlderTxn
from app.services.lookup import MemberView, find_members, show_member
from app.services.partial_refunds import SaleFound, SaleLineLeft
from app.services.printing import enqueue_receipt
from app.services.receipts import has_receipt, last_receipt_of, receipt_preview
from app.services.sale import SaleResult
from app.services.security import Permission, Role
from app.services.settings import printer_settings
from app.services.walk_in_refunds import AmountSale
from ui.dialogs.base import run_modal
from ui.dialogs.card_ops import CardOpsDialog
from ui.dialogs.cart import CartDialog
from ui.dialogs.checkout import CheckoutDialog
from ui.dialogs.consent import ConsentDialog
from ui.dialogs.countcard import CountCardDialog
from ui.dialogs.line_refund import AmountRefundDialog, LineRefundDialog, SaleNumberDialog
from ui.dialogs.older_history import OlderHistoryDialog
from ui.dialogs.password import PaymentPasswordDialog
from ui.dialogs.refund import RefundDialog
from ui.dialogs.register import RegisterDialog
from ui.dialogs.tags import TagDialog
from ui.dialogs.tickets import TicketDialog
from ui.dialogs.topup import TopUpDialog
from ui.dialogs.walk_in import WalkInDialog
from ui.errors import describe
from ui.manager.banner import ShiftBanner
from ui.member_panel import MemberPanel
from ui.models import method_name
from ui.ops import Op
from ui.permissions import ACTION_PERMISSIONS, MANAGER_MENU_PERMISSIONS
from ui.receipt_pane import ReceiptPane
from ui.session import Session
from ui.widgets.fields import ScanBox


class Page:
    HINT, CANDIDATES, NOT_FOUND, MEMBER = range(4)


class CounterScreen(QWidget):
    """Emits ``operation_done(text)`` after each committed operation (status and receipts)."""

    operation_done = Signal(str, object)
    lock_requested = Signal()
    settings_requested = Signal()
    sync_requested = Signal()
    about_requested = Signal()
    manager_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.member: MemberView | None = None
        self.history: MemberHistory | None = None
        self.candidates: list[MemberView] = []
        self.last_query = ""
        self._search = 0  # the number of the newest search; older answers are dropped

        outer = QHBoxLayout(self)
        main = QVBoxLayout()
        outer.addLayout(main, 1)
        scan_row = QHBoxLayout()
        self.scan_box = ScanBox(self)
        self.scan_box.setPlaceholderText(
            self.tr("刷卡 / 扫会员码 / 手机号或后 4 位 / 姓名或拼音首字母,按 Enter 查询")
        )
        self.scan_box.returnPressed.connect(lambda: self.scan(self.scan_box.text()))
        scan_row.addWidget(self.scan_box, 1)
        self.ime_button = QPushButton(self.tr("中文输入"), self)
        self.ime_button.setObjectName("imeButton")
        self.ime_button.setCheckable(True)
        self.ime_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ime_button.setToolTip(self.tr("打开输入法以输入中文姓名(Ctrl+Space)"))
        self.ime_button.toggled.connect(self._toggle_ime)
        scan_row.addWidget(self.ime_button)
        main.addLayout(scan_row)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        main.addWidget(self.message)
        self.shift_banner = ShiftBanner(session, self)
        main.addWidget(self.shift_banner)

        self.pages = QStackedWidget(self)
        self.hint = QLabel(self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setProperty("role", "caption")
        self.hint.setText(
            self.tr(
                "请刷会员卡或扫描会员码\n\n也可输入手机号、手机后 4 位、姓名或拼音首字母\n\n"
                "F1 登记新会员"
            )
        )
        self.pages.addWidget(self.hint)
        self.candidate_list = QListWidget(self)
        self.candidate_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.candidate_list.itemActivated.connect(self._candidate_chosen)
        self.pages.addWidget(self.candidate_list)
        nf = QWidget(self)
        nf_layout = QVBoxLayout(nf)
        nf_layout.addStretch(1)
        self.not_found_label = QLabel(nf)
        self.not_found_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.not_found_label.setProperty("role", "title")
        nf_layout.addWidget(self.not_found_label)
        self.register_found = QPushButton(nf)
        self.register_found.setProperty("role", "primary")
        self.register_found.clicked.connect(self.register)
        nf_layout.addWidget(self.register_found, 0, Qt.AlignmentFlag.AlignCenter)
        nf_layout.addStretch(2)
        self.pages.addWidget(nf)
        self.panel = MemberPanel(self)
        self.panel.page_wanted.connect(self.load_history_page)
        self.panel.older_wanted.connect(self.show_older_history)
        self.panel.full_phone_wanted.connect(self.show_full_phone)
        self.panel.count_cards_wanted.connect(self.count_cards_dialog)
        self.panel.tags_wanted.connect(self.tags_dialog)
        self.panel.tickets_wanted.connect(self.tickets_dialog)
        self.panel.consent_wanted.connect(self.consent_dialog)
        self.pages.addWidget(self.panel)
        main.addWidget(self.pages, 1)
        self.last_txn_id: str | None = None
        self.sells_goods = False  # the store has goods in its catalogue (refresh_goods)

        # The side column: actions on function keys (two columns, touch-sized), then the
        # last receipt. Sized for 1024×768 counters and up.
        side_widget = QWidget(self)
        side_widget.setFixedWidth(400)
        side = QVBoxLayout(side_widget)
        side.setContentsMargins(0, 0, 0, 0)
        self.who = QLabel(self)
        self.who.setProperty("role", "caption")
        side.addWidget(self.who)
        self.action_buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(6)
        for i, (key, name, text, slot) in enumerate(
            (
                ("F1", "register", self.tr("登记会员"), self.register),
                ("F2", "topup", self.tr("储值充值"), self.top_up),
                ("F3", "checkout", self.tr("收银结账"), self.check_out),
                ("F4", "redeem", self.tr("积分抵现"), self.redeem_points),
                ("F5", "history", self.tr("消费记录"), self.show_history_tab),
                ("F6", "card", self.tr("卡操作"), self.card_ops),
                ("F7", "refund", self.tr("退款"), self.refund),
                ("F8", "password", self.tr("支付密码"), self.payment_password),
                ("F9", "reprint", self.tr("重打小票"), self.reprint),
                ("F10", "manager", self.tr("店长功能"), self.manager_requested.emit),
                ("F12", "sync", self.tr("总部同步"), self.sync_requested.emit),
                ("Esc", "clear", self.tr("清除"), self.clear),  # the cell beside F12
            )
        ):
            grid.addWidget(self._action(key, name, text, slot), i // 2, i % 2)
        side.addLayout(grid)
        small = QHBoxLayout()  # three to a row: room for "Ctrl+,  Settings" at 1024 px
        for key, name, text, slot in (
            ("Ctrl+L", "lock", self.tr("锁屏"), self.lock_requested.emit),
            ("Ctrl+,", "settings", self.tr("设置"), self.settings_requested.emit),
            ("Ctrl+I", "about", self.tr("关于"), self.about_requested.emit),
        ):
            small.addWidget(self._action(key, name, text, slot, big=False))
        side.addLayout(small)
        self.receipt = ReceiptPane(self)
        self.receipt.hide()
        side.addWidget(self.receipt, 1)
        side.addStretch(0)
        outer.addWidget(side_widget)
        QShortcut(QKeySequence("Ctrl+Space"), self, self.ime_button.toggle)
        # F11 has no key in the grid (twelve fit 1024×768): the member panel has its button.
        tags_key = QShortcut(QKeySequence("Ctrl+T"), self)
        tags_key.setContext(Qt.ShortcutContext.WindowShortcut)
        tags_key.activated.connect(self.tags_dialog)
        tickets_key = QShortcut(QKeySequence("Ctrl+K"), self)
        tickets_key.setContext(Qt.ShortcutContext.WindowShortcut)
        tickets_key.activated.connect(self.tickets_dialog)
        consent_key = QShortcut(QKeySequence("Ctrl+M"), self)
        consent_key.setContext(Qt.ShortcutContext.WindowShortcut)
        consent_key.activated.connect(self.consent_dialog)
        count_cards_key = QShortcut(QKeySequence("F11"), self)
        count_cards_key.setContext(Qt.ShortcutContext.WindowShortcut)
        count_cards_key.activated.connect(self.count_cards_dialog)
        self.set_session_actor()
        self.update_actions()

    def _action(
        self,
        key: str,
        name: str,
        text: str,
        slot: Callable[[], Any],
        *,
        big: bool = True,
    ) -> QPushButton:
        b = QPushButton(f"{key}  {text}", self)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if big:
            b.setProperty("role", "action")
        b.clicked.connect(lambda: slot())
        self.action_buttons[name] = b
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda: b.isEnabled() and slot())
        return b

    def set_session_actor(self) -> None:
        actor = self.session.actor
        office = {
            Role.MARKETING: self.tr("运营:{0}({1})"),
            Role.SERVICE: self.tr("客服:{0}({1})"),
            Role.FINANCE: self.tr("财务:{0}({1})"),
        }
        if actor is None:
            self.who.setText("")
        else:
            who = office.get(actor.role, self.tr("收银员:{0}({1})"))
            self.who.setText(who.format(actor.name, actor.staff_no))
        self.update_actions()

    def _may(self, name: str) -> bool:
        """Whether the signed-in staff's role may do what the action ``name`` does (the
        services refuse it anyway; a key a role cannot use is greyed, not a refusal)."""
        actor = self.session.actor
        if actor is None:
            return False
        if name == "manager":
            return any(actor.can(p) for p in MANAGER_MENU_PERMISSIONS)
        needed = ACTION_PERMISSIONS.get(name)
        return needed is None or actor.can(needed)

    def update_actions(self) -> None:
        self.action_buttons["reprint"].setEnabled(self.last_txn_id is not None)
        has = self.member is not None and self.member.status == "active"
        for name in ("topup", "redeem", "history", "card", "password"):
            self.action_buttons[name].setEnabled(has and self._may(name))
        # F3 sells to a walk-in customer (散客) too, and F7 takes a walk-in's goods back (the
        # sale found by its receipt); not while a member who may not buy is on screen.
        for name in ("checkout", "refund"):
            self.action_buttons[name].setEnabled((self.member is None or has) and self._may(name))
        for name in ("register", "manager"):
            self.action_buttons[name].setEnabled(self._may(name))
        self.register_found.setEnabled(self._may("register"))
        self.panel.count_cards_button.setEnabled(self._may("checkout"))
        self.panel.tags_button.setEnabled(self._may("tags"))
        self.panel.tickets_button.setEnabled(self._may("tickets"))
        self.panel.consent_button.setEnabled(self._may("consent"))

    def focus_scan(self) -> None:
        self.scan_box.setFocus()
        self.scan_box.selectAll()
        self.refresh_goods()

    def refresh_goods(self) -> None:
        """Whether the store sells from its catalogue (F3 opens the cart), read again each
        time the counter screen takes the focus back (after a manager's screen, a pull)."""
        ctx = self.session.ctx

        def known(goods: bool) -> None:
            self.sells_goods = goods

        Op(self.session.tasks, lambda: has_catalogue(ctx), owner=self, read=True).success(
            known
        ).run()

    def _toggle_ime(self, on: bool) -> None:
        self.scan_box.set_ime(on)
        self.ime_button.setText(self.tr("中文输入 开") if on else self.tr("中文输入"))
        self.scan_box.setFocus()

    def ime_off(self) -> None:
        """Back to scanning: the input method is on for one search at a time."""
        if self.ime_button.isChecked():
            self.ime_button.setChecked(False)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setProperty("role", "error" if error else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    # -- finding a member -----------------------------------------------------------
    def scan(self, text: str, *, after_hq: bool = False, hq_down: bool = False) -> None:
        """Find members by ``text``; ``after_hq``: HQ was already asked for this text
        (``hq_down``: and could not be reached)."""
        text = text.strip()
        self.ime_off()
        if not text:
            return
        self.scan_box.setText(text)
        self.scan_box.selectAll()
        self.last_query = text
        token = self._new_search()
        ctx, actor = self.session.ctx, self.session.cashier
        Op(self.session.tasks, lambda: find_members(ctx, actor, text), owner=self).success(
            lambda found: self._found(text, found, after_hq, token, hq_down)
        ).failure(lambda exc: self.say(describe(exc), error=True)).run()

    def _new_search(self) -> int:
        """A new search, scan or member on screen: answers to earlier searches are dropped,
        so a slow answer (HQ's) never replaces the member being served."""
        self._search += 1
        return self._search

    def _current(self, token: int) -> bool:
        return token == self._search

    def _found(
        self, text: str, found: list[MemberView], after_hq: bool, token: int, hq_down: bool
    ) -> None:
        if not self._current(token):
            return
        self.say("")
        one_unheld = len(found) == 1 and not found[0].held
        if one_unheld and not after_hq and self.session.sync.lookup is not None:
            # Another store's member with old balances here: HQ's, before serving them.
            self.ask_hq(text, token)
            return
        if len(found) == 1:
            self.show_member(found[0])
            if not found[0].held:
                self.say(describe(RuleError("member_not_held")), error=True)
        elif found:
            self.candidates = found
            self.candidate_list.clear()
            for v in found:
                item = QListWidgetItem(
                    f"{v.name}    {v.phone}    {self.tr('卡号')} {v.card_no or '—'}    "
                    f"{v.tier_name}    {self.tr('储值')} {format_cny(v.stored_value_fen)}    "
                    f"{self.tr('积分')} {v.points:,}"
                )
                self.candidate_list.addItem(item)
            self.candidate_list.setCurrentRow(0)
            self.pages.setCurrentIndex(Page.CANDIDATES)
            self.candidate_list.setFocus()
            self.say(self.tr("找到 {0} 位会员:用 ↑↓ 选择,按 Enter 打开").format(len(found)))
        elif self.session.sync.lookup is not None and not after_hq:
            self.ask_hq(text, token)
        else:
            self.member = None
            self.update_actions()
            missing = self.tr("没有找到会员:{0}").format(text)
            if hq_down:  # another store's member is found online only
                missing += "\n" + self.tr("总部暂时连不上:其他门店的会员要联网才能查到")
            self.not_found_label.setText(missing)
            phone = text if looks_like_phone(text) else ""
            self.register_found.setText(
                self.tr("登记 {0} 为新会员 (F1)").format(phone)
                if phone
                else self.tr("登记新会员 (F1)")
            )
            self.pages.setCurrentIndex(Page.NOT_FOUND)
            self.focus_scan()

    def ask_hq(self, text: str, token: int) -> None:
        """Not here: perhaps registered at another store minutes ago. HQ is asked (off the
        UI thread); what it knows is pulled and the search runs again locally."""
        lookup = self.session.sync.lookup
        assert lookup is not None
        self.say(self.tr("本店没有,正在总部查找…"))

        def searched(found: int) -> None:
            if self._current(token):
                self.scan(text, after_hq=True, hq_down=found < 0)

        Op(self.session.tasks, lambda: lookup(text), owner=self, io=True).success(searched).failure(
            lambda _exc: searched(-1)
        ).run()

    def _candidate_chosen(self, item: QListWidgetItem) -> None:
        row = self.candidate_list.row(item)
        if 0 <= row < len(self.candidates):
            self.show_member(self.candidates[row])

    def show_member(self, view: MemberView) -> None:
        self.member = view
        self.panel.older_from_hq = self.session.sync.older_history is not None
        self.panel.may_see_full = self.session.sync.full_phone is not None and (
            self.session.cashier.can(Permission.MEMBER_VIEW_PHONE)
        )
        self.panel.show_member(view, self.session.today())
        self.pages.setCurrentIndex(Page.MEMBER)
        self.update_actions()
        self.scan_box.setFocus()  # the next scan; the catalogue has not changed meanwhile
        self.scan_box.selectAll()
        self.load_history()

    def load_history(self) -> None:
        """The first page of every history tab, on the read pool (never ahead of a scan)."""
        if self.member is None:
            return
        ctx, actor, member_id = self.session.ctx, self.session.cashier, self.member.member_id
        Op(
            self.session.tasks,
            lambda: member_history(ctx, actor, member_id),
            owner=self,
            read=True,
        ).success(self._history_loaded).failure(
            lambda exc: self.say(describe(exc), error=True)
        ).run()
        self.panel.show_count_cards([])  # the last member's cards go at once
        Op(
            self.session.tasks,
            lambda: countcards.show(ctx, actor, member_id),
            owner=self,
            read=True,
        ).success(self._count_cards_loaded).run()
        Op(
            self.session.tasks,
            lambda: (member_id, tags.member_tags(ctx, member_id)),
            owner=self,
            read=True,
        ).success(self._tags_loaded).run()
        self.panel.show_open_tickets(0)  # the last member's count goes at once
        self._load_open_tickets(member_id)
        Op(
            self.session.tasks,
            lambda: (member_id, consent.current_consent(ctx, member_id)),
            owner=self,
            read=True,
        ).success(self._consent_loaded).run()
        Op(
            self.session.tasks,
            lambda: member_value.value_of(ctx, actor, member_id),
            owner=self,
            read=True,
        ).success(self._value_loaded).run()
        self.panel.show_coupons([])
        if not actor.can(Permission.CHECKOUT):
            return  # the wallet is what the till may take: an office role sells nothing
        Op(
            self.session.tasks,
            lambda: cart_wallet(ctx, actor, member_id),
            owner=self,
            read=True,
        ).success(lambda found: self._coupons_loaded(member_id, found)).run()

    def _load_open_tickets(self, member_id: str) -> None:
        ctx = self.session.ctx
        Op(
            self.session.tasks,
            lambda: (member_id, tickets.member_open_count(ctx, member_id)),
            owner=self,
            read=True,
        ).success(self._open_tickets_loaded).run()

    def _open_tickets_loaded(self, loaded: tuple[str, int]) -> None:
        member_id, count = loaded
        if self.member is not None and self.member.member_id == member_id:
            self.panel.show_open_tickets(count)

    def _tags_loaded(self, loaded: tuple[str, list[tags.MemberTagView]]) -> None:
        member_id, found = loaded
        if self.member is not None and self.member.member_id == member_id:
            self.panel.show_member_tags(found)

    def _consent_loaded(self, loaded: tuple[str, list[consent.ConsentState]]) -> None:
        member_id, found = loaded
        if self.member is not None and self.member.member_id == member_id:
            self.panel.show_consent(found, self.session.local)

    def _value_loaded(self, found: member_value.MemberValueView) -> None:
        if self.member is not None and self.member.member_id == found.member_id:
            self.panel.show_value(found)

    def _coupons_loaded(self, member_id: str, found: list[CartCoupon]) -> None:
        if self.member is not None and self.member.member_id == member_id:
            self.panel.show_coupons(found)

    def _count_cards_loaded(self, cards: list[countcards.CardView]) -> None:
        if self.member is not None and all(c.member_id == self.member.member_id for c in cards):
            self.panel.show_count_cards(cards)

    def load_history_page(self, member_id: str, tab: Tab, cursor: Cursor) -> None:
        """An older page of a tab, asked for when the cashier scrolls to its end."""
        ctx, actor = self.session.ctx, self.session.cashier

        def failed(exc: BaseException) -> None:
            self.panel.page_failed(tab)
            self.say(describe(exc), error=True)

        Op(
            self.session.tasks,
            lambda: history_page(ctx, actor, member_id, tab, cursor),
            owner=self,
            read=True,
        ).success(lambda page: self.panel.add_page(member_id, page)).failure(failed).run()

    def show_older_history(self, member_id: str) -> None:
        """The member's history before the window, asked of HQ (off the UI thread)."""
        older = self.session.sync.older_history
        if older is None or self.member is None or self.member.member_id != member_id:
            return
        name = self.member.name
        self.say(self.tr("正在向总部查询更早的记录…"))

        def shown(result: tuple[list[OlderTxn], bool]) -> None:
            self.say("")
            if self.member is None or self.member.member_id != member_id:
                return  # another member is on screen by now
            rows, more = result
            since = window_start(self.session.today()).isoformat()
            run_modal(OlderHistoryDialog(name, since, rows, more, self))
            self.focus_scan()

        Op(self.session.tasks, lambda: older(member_id), owner=self, io=True).success(
            shown
        ).failure(lambda exc: self.say(describe(exc), error=True)).run()

    def show_full_phone(self, member_id: str) -> None:
        """Another store's member's full number, asked of HQ (off the UI thread) and shown in
        the panel until another member is on screen; never stored here."""
        full = self.session.sync.full_phone
        if full is None or self.member is None or self.member.member_id != member_id:
            return
        actor = self.session.cashier
        self.say(self.tr("正在向总部查询完整号码…"))

        def shown(phone: str) -> None:
            self.say("")
            self.panel.show_full_phone(member_id, phone)  # dropped if another member is shown

        Op(self.session.tasks, lambda: full(actor, member_id), owner=self, io=True).success(
            shown
        ).failure(lambda exc: self.say(describe(exc), error=True)).run()

    def _history_loaded(self, history: MemberHistory) -> None:
        if self.member is None or history.member_id != self.member.member_id:
            return  # the history of a member no longer on screen
        self.history = history
        self.panel.show_history(history)

    def refresh_member(self) -> None:
        """Read the member again after an operation, so the panel shows what the DB holds."""
        if self.member is None:
            return
        ctx, actor, member_id = self.session.ctx, self.session.cashier, self.member.member_id
        Op(self.session.tasks, lambda: show_member(ctx, actor, member_id), owner=self).success(
            self.show_member
        ).failure(lambda exc: self.say(describe(exc), error=True)).run()

    def open_member(self, query: str) -> None:
        self._new_search()
        ctx, actor = self.session.ctx, self.session.cashier
        Op(self.session.tasks, lambda: show_member(ctx, actor, query), owner=self).success(
            self.show_member
        ).failure(lambda exc: self.say(describe(exc), error=True)).run()

    def clear(self) -> None:
        self._new_search()
        self.member = None
        self.history = None
        self.panel.clear()
        self.ime_off()
        self.scan_box.clear()
        self.say("")
        self.pages.setCurrentIndex(Page.HINT)
        self.update_actions()
        self.focus_scan()

    # -- actions ----------------------------------------------------------------------
    def _done(self, text: str, result: object) -> None:
        self.say(text)
        self.operation_done.emit(text, result)
        self.refresh_member()
        txn_id = getattr(result, "txn_id", None)
        if isinstance(result, MemberView):
            ctx, member_id = self.session.ctx, result.member_id
            Op(self.session.tasks, lambda: registration_txn(ctx, member_id), owner=self).success(
                lambda found: found and self.print_receipt(found)
            ).run()
        elif txn_id:
            self.print_receipt(txn_id)

    def to_display(self, show: Callable[[CustomerDisplay], Any]) -> None:
        """Show something on the customer display, if the counter has one (never blocks)."""
        display = self.session.devices.display()
        if display is not None:
            Op(self.session.tasks, lambda: show(display), owner=self, io=True).failure(
                lambda exc: self.say(describe(exc), error=True)
            ).run()

    # -- receipts -------------------------------------------------------------------
    def print_receipt(self, txn_id: str, *, reprint: bool = False) -> None:
        """Queue the receipt when a printer is set up (after the commit, never inside it)
        and show it on screen either way."""
        ctx = self.session.ctx

        def work() -> tuple[list[str], bool] | None:
            if not has_receipt(ctx, txn_id):
                return None  # a card reported lost or frozen: nothing to print
            lines = receipt_preview(ctx, txn_id, reprint=reprint)
            if not printer_settings(ctx).configured:
                return lines, False
            enqueue_receipt(ctx, txn_id, reprint)
            return lines, True

        def done(result: tuple[list[str], bool] | None) -> None:
            if result is None:
                return
            self.last_txn_id = txn_id
            lines, queued = result
            if queued:
                self.session.devices.wake_printer()
                state = self.tr("已送打印机")
            else:
                state = self.tr("未设置打印机:小票显示在屏幕上,可按 F9 重打")
            self.receipt.show_receipt(lines, state)
            self._compact_actions(True)
            self.update_actions()

        Op(self.session.tasks, work, owner=self).success(done).failure(
            lambda exc: self.receipt.set_state(describe(exc))
        ).run()

    def forget_receipt(self) -> None:
        """Another cashier signed in: the last receipt (and F9) become theirs."""
        self.last_txn_id = None
        self.receipt.hide()
        self._compact_actions(False)
        self.update_actions()
        actor = self.session.actor
        if actor is None:
            return
        ctx, staff_id = self.session.ctx, actor.staff_id

        def found(txn_id: str | None) -> None:
            if txn_id and self.last_txn_id is None and self.session.actor is actor:
                self.last_txn_id = txn_id
                self.update_actions()

        Op(self.session.tasks, lambda: last_receipt_of(ctx, staff_id), owner=self).success(
            found
        ).run()

    def _compact_actions(self, on: bool) -> None:
        """With the receipt beside them the function keys take less height (still a
        finger's 44 px), so both fit a 768-pixel screen without overlapping."""
        for b in self.action_buttons.values():
            if b.property("role") == "action" and bool(b.property("compact")) != on:
                b.setProperty("compact", on)
                b.style().unpolish(b)
                b.style().polish(b)

    def reprint(self) -> None:
        if self.last_txn_id is None:
            self.say(self.tr("还没有可重打的小票"), error=True)
            return
        self.print_receipt(self.last_txn_id, reprint=True)
        self.say(self.tr("重打小票"))

    def register(self) -> None:
        phone = self.last_query if looks_like_phone(self.last_query) else ""
        if self.pages.currentIndex() != Page.NOT_FOUND:
            phone = ""
        result = RegisterDialog.ask(self, self.session, phone)
        if isinstance(result, str):
            self.open_member(result)
        elif result is not None:
            self.member = result
            self._done(
                self.tr("已登记会员 {0},卡号 {1}").format(result.name, result.card_no), result
            )
        self.focus_scan()

    def top_up(self) -> None:
        if self.member is None:
            return
        r = TopUpDialog.ask(self, self.session, self.member)
        if r is not None:
            self._done(
                self.tr("充值成功:实收 {0},赠送 {1},余额 {2}").format(
                    format_cny(r.amount_fen),
                    format_cny(r.bonus_fen),
                    format_cny(r.principal_fen + r.bonus_balance_fen),
                ),
                r,
            )
        self.focus_scan()

    def check_out(self, *, focus_points: bool = False) -> None:
        """F3: the cart when the store sells from its catalogue, else the amount checkout
        (a member's, or a walk-in customer's); F4 is always the member's amount checkout."""
        if focus_points:
            self.amount_checkout(focus_points=True)
            return
        if self.sells_goods:
            self.sell_cart()
        else:
            self.amount_checkout()

    def sell_cart(self) -> None:
        r = CartDialog.ask(self, self.session, self.member)
        # The payment dialog and the cart close one right after the other; a window manager
        # can then leave no window active, and the next scan would go nowhere.
        self.window().activateWindow()
        if r is not None:
            self._sold(r)
        self.focus_scan()

    def _sold(self, r: SaleResult) -> None:
        if r.member_id is None:
            text = self.tr("散客收款成功:应付 {0}").format(format_cny(r.due_fen))
        else:
            text = self.tr("收款成功:应付 {0},得 {1} 积分,余额 {2}").format(
                format_cny(r.due_fen), r.points_earned, format_cny(r.principal_fen + r.bonus_fen)
            )
            if r.tier != r.tier_before and r.tier is not None:
                text += self.tr(",升级")
        if r.change_fen:
            text += self.tr(",找零 {0}").format(format_cny(r.change_fen))
        if r.member_id is not None and (
            self.member is None or self.member.member_id != r.member_id
        ):
            self.open_member(r.member_id)  # the member the cart was sold to, balances after
        self._done(text, r)
        change = r.change_fen
        self.to_display(lambda d: d.show_paid(r.paid_fen + change, change))

    def amount_checkout(self, *, focus_points: bool = False) -> None:
        if self.member is None:
            if focus_points:
                return
            walk_in = WalkInDialog.ask(self, self.session)
            if walk_in is not None:
                self._sold(walk_in)
            self.focus_scan()
            return
        r = CheckoutDialog.ask(self, self.session, self.member, focus_points=focus_points)
        if r is not None:
            text = self.tr("收款成功:应付 {0},得 {1} 积分,余额 {2}").format(
                format_cny(r.due_fen), r.points_earned, format_cny(r.principal_fen + r.bonus_fen)
            )
            if r.change_fen:
                text += self.tr(",找零 {0}").format(format_cny(r.change_fen))
            if r.tier != r.tier_before:
                text += self.tr(",升级为 {0}").format(r.tier_name)
            self._done(text, r)
            paid = sum(t.amount_fen for t in r.tenders)
            self.to_display(
                lambda d: (
                    d.show_paid(paid, r.change_fen)
                    if r.change_fen
                    else d.show_balance(r.principal_fen + r.bonus_fen, r.points)
                )
            )
        self.focus_scan()

    def redeem_points(self) -> None:
        self.check_out(focus_points=True)

    def show_history_tab(self) -> None:
        if self.member is None:
            return
        self.panel.tabs.setCurrentIndex(0)
        self.panel.tables[Tab.CHECKOUTS.value].setFocus()

    def card_ops(self) -> None:
        if self.member is None:
            return
        r = CardOpsDialog.ask(self, self.session, self.member)
        if r is not None:
            self._done(self.tr("卡操作完成:卡号 {0}").format(r.card_no), r)
        self.focus_scan()

    def count_cards_dialog(self) -> None:
        """F11: use, sell or refund the count cards of the member on screen."""
        if self.member is None or self.member.status != "active" or not self._may("checkout"):
            return
        done = CountCardDialog.ask(self, self.session, self.member)
        if done is not None:
            self._done(*done)
        self.focus_scan()

    def tags_dialog(self) -> None:
        """Ctrl+T: put manual tags on the member on screen or take them off."""
        if self.member is None or self.member.status != "active" or not self._may("tags"):
            return
        member = self.member
        after = TagDialog.ask(self, self.session, member)
        if after is not None:
            self.say(self.tr("已保存 {0} 的标签").format(member.name))
            if self.member is not None and self.member.member_id == member.member_id:
                self.panel.show_member_tags(after)
        self.focus_scan()

    def tickets_dialog(self) -> None:
        """Ctrl+K: the member's service tickets, and a new one opened."""
        if self.member is None or self.member.status != "active" or not self._may("tickets"):
            return
        member = self.member
        opened = TicketDialog.ask(self, self.session, member)
        if opened is not None:
            self.say(self.tr("已为 {0} 开工单 {1}").format(member.name, opened.number))
            if self.member is not None and self.member.member_id == member.member_id:
                self._load_open_tickets(member.member_id)

    def consent_dialog(self) -> None:
        """Ctrl+M: record the member's marketing consent, or its withdrawal, per channel."""
        if self.member is None or self.member.status != "active" or not self._may("consent"):
            return
        member = self.member
        done = ConsentDialog.ask(self, self.session, member)
        if done is not None:
            self.say(self.tr("已记录 {0} 的营销同意").format(member.name) if done.granted
                     else self.tr("已撤回 {0} 的营销同意").format(member.name))  # fmt: skip
            if self.member is not None and self.member.member_id == member.member_id:
                ctx, member_id = self.session.ctx, member.member_id
                Op(self.session.tasks,
                   lambda: (member_id, consent.current_consent(ctx, member_id)),
                   owner=self, read=True).success(self._consent_loaded).run()  # fmt: skip
        self.focus_scan()

    def payment_password(self) -> None:
        if self.member is None:
            return
        if PaymentPasswordDialog.ask(self, self.session, self.member):
            self._done(self.tr("已保存会员 {0} 的支付密码").format(self.member.name), None)
        self.focus_scan()

    def selected_txn(self) -> TxnLine | None:
        """The checkout or top-up selected in the history, else the newest refundable one."""
        if self.history is None:
            return None
        for tab in (Tab.CHECKOUTS, Tab.TOPUPS):
            table = self.panel.tables[tab.value]
            if table.isVisible() and table.selectionModel().hasSelection():
                row = table.selectionModel().selectedRows()[0].row()
                line = self.panel.models[tab].row_at(row)
                if line.kind in ("checkout", "topup"):
                    return line
        return self.history.newest_refundable()

    def refund(self) -> None:
        if self.member is None:  # a walk-in's goods: the sale is found by its receipt
            sale = SaleNumberDialog.ask(self, self.session)
            if sale is not None:
                self._refund_goods(sale)
            else:
                self.focus_scan()
            return
        line = self.selected_txn()
        if line is None:
            self.say(self.tr("没有可退款的交易"), error=True)
            return
        sale = SaleFound(line.txn_id, line.at, line.due_fen, self.member.member_id)
        ctx = self.session.ctx

        def is_goods() -> bool:
            try:
                partial_refunds.refundable(ctx, line.txn_id)
            except RuleError:
                return False  # not a sale of goods: refunded whole
            return True

        Op(self.session.tasks, is_goods, owner=self).success(
            lambda goods: self._refund_goods(sale) if goods else self._refund(line)
        ).failure(lambda exc: self.say(describe(exc), error=True)).run()

    def _refund_goods(self, sale: SaleFound) -> None:
        ctx = self.session.ctx

        def lines_of() -> tuple[tuple[SaleLineLeft, ...] | AmountSale, tuple[str, ...]]:
            try:
                lines = partial_refunds.refundable(ctx, sale.txn_id)
            except RuleError as exc:
                if exc.code != "refund_amount_only_walk_in":
                    raise
                return walk_in_refunds.amount_sale(ctx, sale.txn_id), partial_refunds.reasons(ctx)
            return lines, partial_refunds.reasons(ctx)

        def ask(found: tuple[tuple[SaleLineLeft, ...] | AmountSale, tuple[str, ...]]) -> None:
            what, reasons = found
            if isinstance(what, AmountSale):  # a walk-in's amount-only sale: all of it
                done = AmountRefundDialog.ask(self, self.session, sale, what, reasons)
            else:
                done = LineRefundDialog.ask(self, self.session, sale, what, reasons)
            if done is not None:
                back = " + ".join(f"{method_name(m)} {format_cny(f)}" for m, f in done.money_back)
                said = self.tr("退货完成:退回 {0}") if done.lines else self.tr("退款完成:退回 {0}")
                self._done(said.format(back or format_cny(0)), done)
            self.focus_scan()

        Op(self.session.tasks, lines_of, owner=self).success(ask).failure(
            lambda exc: self.say(describe(exc), error=True)
        ).run()

    def _refund(self, line: TxnLine) -> None:
        if line.refunded:
            self.say(self.tr("这笔交易已经退过款"), error=True)
            return
        r = RefundDialog.ask(self, self.session, line)
        if r is not None:
            back = " + ".join(f"{method_name(m)} {format_cny(fen)}" for m, fen in r.money_back)
            self._done(self.tr("退款完成:退回 {0}").format(back or format_cny(0)), r)
        self.focus_scan()
