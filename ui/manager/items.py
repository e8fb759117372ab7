"""The items screen (managers, admins): the catalogue listed with a search, an item added or
changed in a dialog. Read-only with a notice when HQ manages the catalogue."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalogue import ALL_MEMBERS, Category
from app.domain.money import format_cny
from app.services import catalogue
from app.services.catalogue import ItemPage, ItemView
from ui.dialogs.base import OpDialog, run_modal
from ui.errors import describe
from ui.models import RowsModel
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import LatinEdit, MoneyEdit

Q = QCoreApplication


class ItemsModel(RowsModel[ItemView]):
    class Col(IntEnum):
        CODE = 0
        NAME = 1
        PRICE = 2
        MEMBER = 3
        BARCODES = 4
        CATEGORY = 5
        STATE = 6

    NUMERIC = frozenset({Col.PRICE, Col.MEMBER})

    def header(self, col: Col) -> str:
        return {
            self.Col.CODE: Q.translate("items", "编码"),
            self.Col.NAME: Q.translate("items", "名称"),
            self.Col.PRICE: Q.translate("items", "零售价"),
            self.Col.MEMBER: Q.translate("items", "会员价"),
            self.Col.BARCODES: Q.translate("items", "条码"),
            self.Col.CATEGORY: Q.translate("items", "分类"),
            self.Col.STATE: Q.translate("items", "状态"),
        }[col]

    def text(self, row: ItemView, col: Col) -> str:
        item = row.item
        if col == self.Col.CODE:
            return item.code
        if col == self.Col.NAME:
            return item.name
        if col == self.Col.PRICE:
            return f"{format_cny(item.price_fen)}/{item.unit}"
        if col == self.Col.MEMBER:
            price = item.member_prices.get(ALL_MEMBERS)
            return format_cny(price) if price is not None else "—"
        if col == self.Col.BARCODES:
            return ", ".join(item.barcodes) or "—"
        if col == self.Col.CATEGORY:
            return row.category_name or "—"
        return Q.translate("items", "在售") if item.active else Q.translate("items", "停售")


class ItemDialog(OpDialog):
    """Add an item (``view`` None) or change one; Enter moves field by field."""

    def __init__(
        self, session: Session, view: ItemView | None, categories: list[Category],
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        title = self.tr("新增商品") if view is None else self.tr("修改商品")
        super().__init__(session, title, parent)
        self.view = view
        # Enter walks every field (the optional ones too) and saves from the last one.
        self.commits_from_last_only = True
        form = QFormLayout()
        self.code = LatinEdit(self, accepts_scan=True)
        self.code.setObjectName("itemCode")
        self.name = QLineEdit(self)
        self.name.setObjectName("itemName")
        self.price = MoneyEdit(self)
        self.price.setObjectName("itemPrice")
        self.member_price = MoneyEdit(self)
        self.member_price.setObjectName("itemMemberPrice")
        self.member_price.setPlaceholderText(self.tr("不设"))
        self.barcodes = LatinEdit(self, accepts_scan=True)
        self.barcodes.setObjectName("itemBarcodes")
        self.barcodes.setPlaceholderText(self.tr("扫描或输入,多个用逗号分隔"))
        self.unit = QLineEdit(self)
        self.unit.setObjectName("itemUnit")
        self.unit.setMaxLength(8)
        self.category = QComboBox(self)
        self.category.setObjectName("itemCategory")
        self.category.addItem(self.tr("(无分类)"), None)
        for c in categories:
            if c.active:
                self.category.addItem(c.name, c.code)
        self.points = QCheckBox(self.tr("参与积分"), self)
        self.points.setChecked(True)
        self.service = QCheckBox(self.tr("服务项目(可用于次卡)"), self)
        form.addRow(self.tr("商品编码"), self.code)
        form.addRow(self.tr("商品名称"), self.name)
        form.addRow(self.tr("零售价(元)"), self.price)
        form.addRow(self.tr("会员价(元)"), self.member_price)
        form.addRow(self.tr("条码"), self.barcodes)
        form.addRow(self.tr("单位"), self.unit)
        form.addRow(self.tr("分类"), self.category)
        form.addRow("", self.points)
        form.addRow("", self.service)
        self.body.addLayout(form)
        self.unit.setText("件")
        if view is not None:
            item = view.item
            self.code.setText(item.code)
            self.code.setEnabled(False)
            self.name.setText(item.name)
            self.price.set_fen(item.price_fen)
            if ALL_MEMBERS in item.member_prices:
                self.member_price.set_fen(item.member_prices[ALL_MEMBERS])
            self.barcodes.setText(", ".join(item.barcodes))
            self.unit.setText(item.unit)
            i = self.category.findData(item.category)
            self.category.setCurrentIndex(max(i, 0))
            self.points.setChecked(item.points_eligible)
            self.service.setChecked(item.service)
        for edit in (self.code, self.name, self.price, self.member_price, self.barcodes):
            edit.textChanged.connect(self.revalidate)
        self.confirm_button.setText(self.tr("保存 (Enter)"))
        (self.name if view is not None else self.code).setFocus()
        self.revalidate()

    def problem(self) -> str | None:
        if not self.code.text().strip():
            return self.tr("请输入商品编码")
        if not self.name.text().strip():
            return self.tr("请输入商品名称")
        if self.price.fen() is None:
            return self.tr("请输入零售价")
        return None

    def needed_field(self) -> QWidget | None:
        if not self.code.text().strip():
            return self.code
        if not self.name.text().strip():
            return self.name
        if self.price.fen() is None:
            return self.price
        return None

    def perform(self) -> None:
        ctx, actor = self.session.ctx, self.session.cashier
        member = self.member_price.fen()
        old = dict(self.view.item.member_prices) if self.view is not None else {}
        old.pop(ALL_MEMBERS, None)
        prices = {**old, **({ALL_MEMBERS: member} if member is not None else {})}
        fields = {
            "name": self.name.text(),
            "price_fen": self.price.fen(),
            "unit": self.unit.text(),
            "barcodes": [b for b in self.barcodes.text().replace(",", ",").split(",")
                         if b.strip()],
            "category": self.category.currentData(),
            "member_prices": prices,
            "points_eligible": self.points.isChecked(),
            "service": self.service.isChecked(),
        }  # fmt: skip
        code = self.code.text()
        if self.view is None:
            self.run(lambda: catalogue.add_item(ctx, actor, code=code, **fields))
        else:
            self.run(lambda: catalogue.update_item(ctx, actor, code, **fields))


class ItemsDialog(QDialog):
    """The catalogue: a search box (code, name or pinyin initials) over the list."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.read_only = False
        self.categories: list[Category] = []
        self.setWindowTitle(self.tr("商品管理"))
        self.setModal(True)
        self.resize(960, 640)
        outer = QVBoxLayout(self)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setProperty("role", "warning")
        self.notice.hide()
        outer.addWidget(self.notice)
        top = QHBoxLayout()
        # Codes, barcodes (a scan too) and pinyin initials: no input method to catch letters.
        self.search = LatinEdit(self, accepts_scan=True)
        self.search.setObjectName("itemSearch")
        self.search.setPlaceholderText(self.tr("编码、条码、名称或拼音首字母"))
        self.search.textChanged.connect(self.reload)
        top.addWidget(self.search, 1)
        self.inactive = QCheckBox(self.tr("含停售"), self)
        self.inactive.toggled.connect(self.reload)
        top.addWidget(self.inactive)
        outer.addLayout(top)
        self.model = ItemsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        outer.addWidget(self.table, 1)
        self.count = QLabel(self)
        self.count.setProperty("role", "caption")
        outer.addWidget(self.count)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("新增商品"), self)
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton(self.tr("修改所选"), self)
        self.edit_button.clicked.connect(self.edit)
        self.deactivate_button = QPushButton(self.tr("停售所选"), self)
        self.deactivate_button.clicked.connect(self.deactivate)
        close = QPushButton(self.tr("返回 (Esc)"), self)
        close.clicked.connect(self.reject)
        for b in (self.add_button, self.edit_button, self.deactivate_button, close):
            b.setAutoDefault(False)
            b.setMinimumHeight(44)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.deactivate_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        outer.addLayout(buttons)
        ctx, actor = session.ctx, session.cashier

        def loaded(result: tuple[bool, list[Category]]) -> None:
            self.read_only, self.categories = result
            if self.read_only:
                self.notice.setText(self.tr("本店已连接总部:商品资料由总部统一管理,此处只能查看"))
                self.notice.show()
                for b in (self.add_button, self.edit_button, self.deactivate_button):
                    b.setEnabled(False)
            self.reload()

        Op(session.tasks, lambda: (catalogue.catalogue_managed_by_hq(ctx),
                                   catalogue.list_categories(ctx, actor)),
           owner=self).success(loaded).failure(self._failed).run()  # fmt: skip
        self.search.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.count.setText(describe(exc))

    def reload(self) -> None:
        ctx, actor = self.session.ctx, self.session.cashier
        query, inactive = self.search.text(), self.inactive.isChecked()

        def shown(page: ItemPage) -> None:
            self.model.set_rows(page.items)
            self.count.setText(self.tr("共 {0} 个商品").format(page.total))

        Op(self.session.tasks,
           lambda: catalogue.search_items(ctx, actor, query, include_inactive=inactive,
                                          limit=200),
           owner=self).success(shown).failure(self._failed).run()  # fmt: skip

    def to_list(self) -> None:
        """Enter in the search: on to the list, its first item chosen."""
        if self.model.rows:
            self.table.setFocus()
            self.table.selectRow(0)

    def selected(self) -> ItemView | None:
        row = self.table.currentIndex().row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def add(self) -> None:
        dialog = ItemDialog(self.session, None, self.categories, self)
        if run_modal(dialog):
            self.reload()
        self.search.setFocus()  # back to the search, ready for the next scan
        self.search.selectAll()

    def edit(self) -> None:
        view = self.selected()
        if view is None or self.read_only:
            return
        dialog = ItemDialog(self.session, view, self.categories, self)
        if run_modal(dialog):
            self.reload()

    def deactivate(self) -> None:
        view = self.selected()
        if view is None or self.read_only:
            return
        ctx, actor, code = self.session.ctx, self.session.cashier, view.item.code
        Op(self.session.tasks, lambda: catalogue.deactivate_item(ctx, actor, code),
           owner=self).success(lambda _v: self.reload()).failure(self._failed).run()  # fmt: skip

    def keyPressEvent(self, event: object) -> None:
        key = getattr(event, "key", lambda: None)()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.focusWidget() is self.table:
                self.edit()
            else:  # from the search: on to the list
                self.to_list()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]

    @classmethod
    def ask(cls, parent: QWidget | None, session: Session) -> None:
        run_modal(cls(session, parent))
