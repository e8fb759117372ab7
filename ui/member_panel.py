"""The member panel: who the member is, what they hold, and their history in tabs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_cny
from app.domain.window import window_start
from app.services.consent import ConsentState
from app.services.countcards import CardView
from app.services.coupon_cart import CartCoupon
from app.services.history import Cursor, HistoryPage, MemberHistory, Tab
from app.services.lookup import MemberView
from app.services.member_value import MemberValueView
from app.services.tags import MemberTagView
from ui.models import (
    CheckoutsModel,
    CountCardsModel,
    PointsModel,
    RefundsModel,
    RowsModel,
    TiersModel,
    TopUpsModel,
)


def _label(text: str, role: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", role)
    return label


class MemberPanel(QWidget):
    """Emits ``page_wanted(member_id, tab, cursor)`` when a history tab is scrolled to its end
    and older rows exist; the answer comes back through ``add_page``."""

    page_wanted = Signal(str, object, object)
    older_wanted = Signal(str)  # member id: their history before the window, from HQ
    full_phone_wanted = Signal(str)  # member id: their full number, from HQ
    count_cards_wanted = Signal()  # the count-card dialog (F11) for the member on screen
    tags_wanted = Signal()  # the member's tags (Ctrl+T)
    tickets_wanted = Signal()  # the member's service tickets (Ctrl+K)
    consent_wanted = Signal()  # the member's marketing consent (Ctrl+M)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: MemberView | None = None
        self._member_tags: list[MemberTagView] = []  # the member's tags (app.services.tags)
        self._hints: list[str] = []  # what the panel notes itself (birthday, no password)
        # Another store's member's full number as HQ gave it: (member id, number), shown
        # until another member is on screen; held by this widget only, never stored.
        self._full_phone: tuple[str, str] | None = None
        self.may_see_full = False  # the signed-in staff may see full numbers, asked of HQ
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        head = QFrame(self)
        head.setProperty("role", "card")
        grid = QGridLayout(head)
        grid.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        self.name = _label("", "title", head)
        self.tier = _label("", "badge", head)
        self.phone = QLabel(head)
        self.card = QLabel(head)
        top.addWidget(self.name)
        top.addWidget(self.tier)
        top.addSpacing(16)
        top.addWidget(self.phone)
        top.addSpacing(16)
        top.addWidget(self.card)
        top.addStretch(1)
        grid.addLayout(top, 0, 0, 1, 3)
        self.card_warning = _label("", "warning", head)
        self.card_warning.hide()
        # Shown to a role that may see full numbers, for another store's member (masked here).
        self.show_phone = QPushButton(self.tr("查看完整号码"), head)
        self.show_phone.setMinimumHeight(44)
        self.show_phone.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan box keeps the keys
        self.show_phone.clicked.connect(self._show_phone_clicked)
        self.show_phone.hide()
        second = QHBoxLayout()
        second.addWidget(self.show_phone)
        second.addWidget(self.card_warning)
        second.addStretch(1)
        grid.addLayout(second, 1, 0, 1, 3)

        self.balance = _label("", "figure", head)
        self.balance_split = _label("", "caption", head)
        self.points = _label("", "figure", head)
        self.points_soon = _label("", "caption", head)
        self.spend = _label("", "figure", head)
        for col, (caption, figure, sub) in enumerate(
            (
                (self.tr("储值余额"), self.balance, self.balance_split),
                (self.tr("积分"), self.points, self.points_soon),
                (self.tr("累计消费"), self.spend, _label("", "caption", head)),
            )
        ):
            cell = QVBoxLayout()
            cell.addWidget(_label(caption, "caption", head))
            cell.addWidget(figure)
            cell.addWidget(sub)
            cell.addStretch(1)
            grid.addLayout(cell, 2, col)
        self.tags = QHBoxLayout()
        grid.addLayout(self.tags, 3, 0, 1, 3)
        # The member's count cards (次卡): the times left per item and the last valid day.
        self.count_cards = _label("", "caption", head)
        self.count_cards.setWordWrap(True)
        self.count_cards.hide()
        self.count_cards_button = QPushButton(self.tr("次卡 (F11)"), head)
        self.count_cards_button.setMinimumHeight(44)
        self.count_cards_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan box keeps keys
        self.count_cards_button.clicked.connect(self.count_cards_wanted)
        self.count_cards_button.hide()
        self.tags_button = QPushButton(self.tr("标签 (Ctrl+T)"), head)
        self.tags_button.setMinimumHeight(44)
        self.tags_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tags_button.clicked.connect(self.tags_wanted)
        self.tags_button.hide()
        self.tickets_button = QPushButton(self.tr("工单 (Ctrl+K)"), head)
        self.tickets_button.setMinimumHeight(44)
        self.tickets_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tickets_button.clicked.connect(self.tickets_wanted)
        self.tickets_button.hide()
        self.open_tickets = 0  # the member's tickets still open, on the button
        # The member's marketing consent (app.services.consent): 营销短信 已同意 / 未同意 / 已撤回.
        self.consent = _label("", "caption", head)
        self.consent.hide()
        self.consent_button = QPushButton(self.tr("营销同意 (Ctrl+M)"), head)
        self.consent_button.setMinimumHeight(44)
        self.consent_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.consent_button.clicked.connect(self.consent_wanted)
        self.consent_button.hide()
        # The member's lifecycle stage and RFM scores (app.services.member_value).
        self.value = _label("", "caption", head)
        self.value.setObjectName("memberValue")
        self.value.hide()
        left = QVBoxLayout()
        left.addWidget(self.count_cards)
        stage_and_consent = QHBoxLayout()
        stage_and_consent.setSpacing(16)
        stage_and_consent.addWidget(self.value)
        stage_and_consent.addWidget(self.consent)
        stage_and_consent.addStretch(1)
        left.addLayout(stage_and_consent)
        # The captions above, the four buttons in a row of their own: at 1024 px the panel
        # has room for the buttons' whole words only when no caption shares their row.
        left.addStretch(0)
        grid.addLayout(left, 4, 0, 1, 3)
        cards_row = QHBoxLayout()
        cards_row.addStretch(1)
        for b in (self.consent_button, self.tags_button, self.tickets_button,
                  self.count_cards_button):  # fmt: skip
            b.setStyleSheet("padding-left: 10px; padding-right: 10px;")  # four to a row
            cards_row.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(cards_row, 5, 0, 1, 3)
        # The member's wallet (券包): the coupons usable now, with their count.
        self.coupons = _label("", "caption", head)
        self.coupons.setObjectName("memberCoupons")
        self.coupons.setWordWrap(True)
        self.coupons.hide()
        grid.addWidget(self.coupons, 6, 0, 1, 3)
        layout.addWidget(head)

        self.tabs = QTabWidget(self)
        self.topups = TopUpsModel(self)
        self.checkouts = CheckoutsModel(self)
        self.refunds = RefundsModel(self)
        self.countcards = CountCardsModel(self)
        self.points_model = PointsModel(self)
        self.tiers = TiersModel(self)
        self.tables: dict[str, QTableView] = {}
        self.models: dict[Tab, RowsModel] = {}
        for tab, title, model in (
            (Tab.CHECKOUTS, self.tr("消费"), self.checkouts),
            (Tab.TOPUPS, self.tr("充值"), self.topups),
            (Tab.REFUNDS, self.tr("退款"), self.refunds),
            (Tab.COUNTCARDS, self.tr("次卡"), self.countcards),
            (Tab.POINTS, self.tr("积分"), self.points_model),
            (Tab.TIERS, self.tr("等级"), self.tiers),
        ):
            self.models[tab] = model
            model.fetcher = lambda cursor, tab=tab: self._want(tab, cursor)
            self.tables[tab.value] = table = self._table(model)
            self.tabs.addTab(table, title)
        layout.addWidget(self.tabs, 1)
        # History older than this counter keeps (app.domain.window) is HQ's to show.
        self.older_from_hq = False  # the counter is enrolled with HQ
        self.older = QPushButton(self.tr("更早记录(总部)"), self)
        self.older.setMinimumHeight(44)
        self.older.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan box keeps the keys
        self.older.clicked.connect(self._older_clicked)
        self.older.hide()
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.older)
        layout.addLayout(row)

    def _table(self, model: RowsModel) -> QTableView:
        table = QTableView(self)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Sized from the rows in view (a page holds 50): not every row measured on each page.
        table.horizontalHeader().setResizeContentsPrecision(0)
        table.horizontalHeader().setStretchLastSection(True)
        table.setAlternatingRowColors(True)
        return table

    def show_member(self, view: MemberView, today: dt.date) -> None:
        if self.view is None or self.view.member_id != view.member_id:
            self._member_tags = []  # another member: theirs come with their history
            self.value.hide()  # and their stage
        self.view = view
        if self._full_phone is not None and self._full_phone[0] != view.member_id:
            self._full_phone = None  # another member: their number is not shown
        self.name.setText(view.name)
        self.tier.setText(view.tier_name)
        self.show_member_phone(view)
        self.card.setText(self.tr("卡号 {0}").format(view.card_no or self.tr("无")))
        warning = self._card_warning(view)
        self.card_warning.setText(warning)
        self.card_warning.setVisible(bool(warning))
        self.balance.setText(format_cny(view.stored_value_fen))
        self.balance_split.setText(
            self.tr("本金 {0} · 赠送 {1}").format(
                format_cny(view.principal_fen), format_cny(view.bonus_fen)
            )
        )
        self.points.setText(f"{view.points:,}")
        self.points_soon.setText(
            self.tr("{0} 分将在 30 天内过期").format(view.points_expiring_soon)
            if view.points_expiring_soon
            else ""
        )
        self.spend.setText(format_cny(view.cumulative_spend_fen))
        self.count_cards_button.setVisible(view.status == "active")
        self.tags_button.setVisible(view.status == "active")
        self.tickets_button.setVisible(view.status == "active")
        self.consent_button.setVisible(view.status == "active")
        # Another store's member this counter does not hold: what it has may be old (the
        # line above the panel says so); the figures are greyed, not shown as the truth.
        stale = not view.held
        for figure in (self.balance, self.points, self.spend):
            if figure.property("stale") != stale:
                figure.setProperty("stale", stale)
                figure.style().unpolish(figure)
                figure.style().polish(figure)
        if stale:
            self.balance_split.setText(self.tr("本机记录,可能不是最新"))
            self.points_soon.setText("")
        self._set_tags(self._tags(view, today))
        since = window_start(today)
        self.older.setVisible(
            self.older_from_hq and (view.joined_on is None or view.joined_on < since)
        )

    def show_count_cards(self, cards: Sequence[CardView]) -> None:
        """The member's usable count cards, one line each (hidden when they have none)."""
        lines = []
        for card in cards:
            if card.status != "active":
                continue
            names = dict(card.item_names)
            times = " · ".join(
                self.tr("{0} {1} 次").format(names.get(code, code), n) for code, n in card.left
            )
            lines.append(
                self.tr("次卡 {0}:{1}(有效期至 {2})").format(
                    card.name, times, card.valid_until.isoformat()
                )
            )
        self.count_cards.setText("\n".join(lines))
        self.count_cards.setVisible(bool(lines))

    def show_coupons(self, coupons: Sequence[CartCoupon]) -> None:
        """The member's usable coupons: their count, and the first few by name (hidden when
        they have none)."""
        if not coupons:
            self.coupons.clear()
            self.coupons.hide()
            return
        shown = "、".join(
            self.tr("{0}(至 {1})").format(c.name, c.valid_until.isoformat()) for c in coupons[:3]
        )
        more = self.tr(" 等") if len(coupons) > 3 else ""
        self.coupons.setText(
            self.tr("优惠券 {0} 张可用:{1}{2}(购物车中按 F9 选用)").format(
                len(coupons), shown, more
            )
        )
        self.coupons.show()

    def show_member_phone(self, view: MemberView) -> None:
        shown = self._full_phone[1] if self._full_phone is not None else view.phone
        self.phone.setText(self.tr("手机 {0}").format(shown))
        self.show_phone.setVisible(
            self.may_see_full and view.phone_at_hq and self._full_phone is None
        )

    def _card_warning(self, view: MemberView) -> str:
        if view.status == "cancelled":
            return self.tr("会员已注销")
        return {
            "lost": self.tr("此卡已挂失"),
            "frozen": self.tr("此卡已冻结:不能储值消费和使用积分"),
            "replaced": self.tr("此卡已换新卡"),
            "cancelled": self.tr("此卡已注销"),
        }.get(view.card_status or "", "" if view.card_no else self.tr("没有会员卡"))

    def _tags(self, view: MemberView, today: dt.date) -> list[str]:
        tags = []
        birthday = view.birth_month_day  # a birthday without its year is one too
        if birthday and int(birthday[:2]) == today.month:
            tags.append(self.tr("本月生日 {0}").format(birthday))
        if not view.has_payment_password:
            tags.append(self.tr("未设支付密码"))
        if view.points_expiring_soon:
            tags.append(self.tr("积分将过期"))
        return tags

    def _set_tags(self, tags: list[str]) -> None:
        self._hints = tags
        self._draw_tags()

    def show_open_tickets(self, count: int) -> None:
        """The member's tickets still open (app.services.tickets), on the 工单 button."""
        self.open_tickets = count
        self.tickets_button.setText(
            self.tr("工单 {0} 未结 (Ctrl+K)").format(count) if count else self.tr("工单 (Ctrl+K)")
        )
        self.tickets_button.setProperty("alert", bool(count))

    def show_member_tags(self, tags: Sequence[MemberTagView]) -> None:
        """The member's own tags (manual and rule, app.services.tags), first in the row."""
        self._member_tags = list(tags)
        self._draw_tags()

    def show_consent(
        self,
        states: Sequence[ConsentState],
        local: Callable[[dt.datetime], dt.datetime] | None = None,
    ) -> None:
        """The member's marketing consent per channel (app.services.consent): SMS always,
        the other channels once something was recorded for them, dated in the store's own
        time zone (``local``: the session's; the entry's time is UTC)."""
        names = {"sms": self.tr("营销短信"), "wechat": self.tr("营销微信"),
                 "email": self.tr("营销邮件")}  # fmt: skip
        words = {"granted": self.tr("已同意"), "withdrawn": self.tr("已撤回"),
                 "none": self.tr("未同意")}  # fmt: skip
        parts = []
        for s in states:
            if s.purpose != "marketing" or (s.channel != "sms" and s.entry is None):
                continue
            when = ""
            if s.entry is not None:
                at = dt.datetime.fromisoformat(s.entry.at)
                if at.tzinfo is not None:
                    at = at.astimezone(dt.UTC).replace(tzinfo=None)
                when = f" {(local(at) if local else at):%Y-%m-%d}"
            parts.append(f"{names[s.channel]}: {words[s.state]}{when}")
        self.consent.setText(" · ".join(parts))
        self.consent.setVisible(bool(parts))

    def show_value(self, view: MemberValueView) -> None:
        """The member's stage now, since when, and their RFM scores against the month's edges
        (5 best), the figures behind them in the tooltip."""
        names = {"new": self.tr("新客"), "growing": self.tr("成长"), "mature": self.tr("成熟"),
                 "dormant": self.tr("沉睡"), "lost": self.tr("流失")}  # fmt: skip
        text = self.tr("阶段: {0}").format(names[view.stage])
        if view.since is not None:
            text += self.tr("(自 {0})").format(f"{view.since:%Y-%m-%d}")
        score = view.rfm
        if score is not None:
            text += f" · RFM {score.text()}"
            never = score.recency_days is None
            self.value.setToolTip(
                self.tr("最近到店 {0} · 12个月到店 {1} 次 · 12个月消费 {2}(按 {3} 分界)").format(
                    self.tr("无") if never else self.tr("{0} 天前").format(score.recency_days),
                    score.frequency,
                    format_cny(score.monetary_fen),
                    view.month,
                )
            )
        else:
            self.value.setToolTip(self.tr("本月 RFM 分界尚未计算(日结时计算)"))
        self.value.setText(text)
        self.value.show()

    def _draw_tags(self) -> None:
        while self.tags.count():
            item = self.tags.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for tag in self._member_tags:
            chip = _label(tag.name, "tag", self)
            chip.setProperty("colour", tag.colour)
            chip.setToolTip(self.tr("规则标签") if tag.kind == "rule" else self.tr("手动标签"))
            self.tags.addWidget(chip)
        for text in self._hints:
            self.tags.addWidget(_label(text, "tag", self))
        self.tags.addStretch(1)

    def show_history(self, history: MemberHistory) -> None:
        if self.view is None or history.member_id != self.view.member_id:
            return
        for tab, page in history.pages.items():
            self.models[tab].set_page(page)

    def _want(self, tab: Tab, cursor: Cursor) -> None:
        if self.view is None:
            self.models[tab].page_failed()
            return
        self.page_wanted.emit(self.view.member_id, tab, cursor)

    def add_page(self, member_id: str, page: HistoryPage) -> None:  # type: ignore[type-arg]
        """An older page of a tab; dropped if another member is on screen by now."""
        if self.view is not None and member_id == self.view.member_id:
            self.models[page.tab].add_page(page)

    def page_failed(self, tab: Tab) -> None:
        self.models[tab].page_failed()

    def _show_phone_clicked(self) -> None:
        if self.view is not None:
            self.full_phone_wanted.emit(self.view.member_id)

    def show_full_phone(self, member_id: str, phone: str) -> None:
        """The number HQ gave for ``member_id``; dropped if another member is on screen."""
        if self.view is None or self.view.member_id != member_id:
            return
        self._full_phone = (member_id, phone)
        self.phone.setText(self.tr("手机 {0}").format(phone))
        self.show_phone.hide()

    def forget_full_phone(self) -> None:
        """Back to the masked number (the screen locks)."""
        if self._full_phone is not None and self.view is not None:
            self._full_phone = None
            self.show_member_phone(self.view)

    def _older_clicked(self) -> None:
        if self.view is not None:
            self.older_wanted.emit(self.view.member_id)

    def clear(self) -> None:
        self.view = None
        self._member_tags = []
        self._full_phone = None
        self.phone.clear()
        self.show_phone.hide()
        self.count_cards_button.hide()
        self.tags_button.hide()
        self.tickets_button.hide()
        self.show_open_tickets(0)
        self.consent_button.hide()
        self.consent.clear()
        self.consent.hide()
        self.value.clear()
        self.value.hide()
        self.show_coupons([])
        self.older.hide()
        for model in self.models.values():
            model.set_rows([])
