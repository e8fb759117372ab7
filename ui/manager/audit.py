"""The audit viewer: filter by dates, staff, action and entity; a broken hash chain in red."""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.audit_log import AuditPage, AuditRow, browse_audit
from ui.dialogs.base import run_modal
from ui.errors import describe
from ui.manager.audit_words import action_words, entity_words, filter_choices
from ui.manager.reports_z import pydate, qdate
from ui.models import RowsModel
from ui.ops import Op
from ui.session import Session

PAGE_SIZE = 200


def _brief(value: Any) -> str:
    if value is None:
        return ""
    text = (
        json.dumps(value, ensure_ascii=False, sort_keys=True)
        if not isinstance(value, str)
        else value
    )
    return text if len(text) <= 160 else text[:157] + "…"


class AuditModel(RowsModel[AuditRow]):
    class Col(IntEnum):
        SEQ = 0
        TIME = 1
        STAFF = 2
        APPROVED = 3
        ACTION = 4
        ENTITY = 5
        ENTITY_ID = 6
        AFTER = 7

    NUMERIC = frozenset({Col.SEQ})

    def header(self, col: Col) -> str:
        return {
            self.Col.SEQ: QCoreApplication.translate("audit", "序号"),
            self.Col.TIME: QCoreApplication.translate("audit", "时间"),
            self.Col.STAFF: QCoreApplication.translate("audit", "操作员"),
            self.Col.APPROVED: QCoreApplication.translate("audit", "授权人"),
            self.Col.ACTION: QCoreApplication.translate("audit", "操作"),
            self.Col.ENTITY: QCoreApplication.translate("audit", "对象"),
            self.Col.ENTITY_ID: QCoreApplication.translate("audit", "对象编号"),
            self.Col.AFTER: QCoreApplication.translate("audit", "内容"),
        }[col]

    def text(self, row: AuditRow, col: Col) -> str:
        return {
            self.Col.SEQ: str(row.seq),
            self.Col.TIME: row.at[:19].replace("T", " "),
            self.Col.STAFF: f"{row.staff_no or ''} {row.staff_name or ''}".strip(),
            self.Col.APPROVED: row.approved_by or "",
            self.Col.ACTION: action_words(row.action),
            self.Col.ENTITY: entity_words(row.entity),
            self.Col.ENTITY_ID: row.entity_id or "",
            self.Col.AFTER: _brief(row.after),
        }[col]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The whole entry (before and after) as the tooltip of its content cell; the stored
        code as the tooltip of the action and entity cells."""
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and index.isValid()
            and 0 <= index.row() < self.rowCount()
        ):
            row = self.row_at(index.row())
            if index.column() == self.Col.ACTION:
                return row.action
            if index.column() == self.Col.ENTITY:
                return row.entity
            if index.column() != self.Col.AFTER:
                return super().data(index, role)
            return json.dumps(
                {"before": row.before, "after": row.after}, ensure_ascii=False, indent=1
            )
        return super().data(index, role)


class AuditDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.page: AuditPage | None = None
        self.setWindowTitle(self.tr("审计日志"))
        self.setModal(True)
        self.resize(1100, 700)
        outer = QVBoxLayout(self)
        filters = QGridLayout()
        today = session.calendar_date()  # the log's times are filtered by calendar date
        self.start = QDateEdit(self)
        self.end = QDateEdit(self)
        for edit, day in ((self.start, today.replace(day=1)), (self.end, today)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(qdate(day))
        self.staff = QLineEdit(self)
        self.staff.setPlaceholderText(self.tr("工号"))
        actions, entities = filter_choices()
        self.action = QComboBox(self)
        self.entity = QComboBox(self)
        for box, choices in ((self.action, actions), (self.entity, entities)):
            box.addItem(self.tr("全部"), None)
            for words, code in choices:
                box.addItem(words, code)
            # The row fits 1024 px in English: the box is narrow, its list as wide as it needs.
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(7)
            box.view().setMinimumWidth(box.view().sizeHintForColumn(0) + 24)
        for i, (label, widget) in enumerate(
            (
                (self.tr("从"), self.start),
                (self.tr("到"), self.end),
                (self.tr("操作员"), self.staff),
                (self.tr("操作"), self.action),
                (self.tr("对象"), self.entity),
            )
        ):
            filters.addWidget(QLabel(label, self), 0, i * 2)
            filters.addWidget(widget, 0, i * 2 + 1)
        self.search = QPushButton(self.tr("查询 (Enter)"), self)
        self.search.setProperty("role", "primary")
        self.search.setDefault(True)
        self.search.clicked.connect(self.reload)
        filters.addWidget(self.search, 0, 10)
        outer.addLayout(filters)
        self.chain = QLabel(self)
        self.chain.setWordWrap(True)
        outer.addWidget(self.chain)
        self.model = AuditModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        outer.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.count = QLabel(self)
        bottom.addWidget(self.count, 1)
        close = QPushButton(self.tr("关闭 (Esc)"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom.addWidget(close)
        outer.addLayout(bottom)
        self.reload()

    def reload(self) -> None:
        ctx, actor = self.session.ctx, self.session.cashier
        start, end = pydate(self.start.date()), pydate(self.end.date())
        staff = self.staff.text().strip() or None
        action = self.action.currentData()
        entity = self.entity.currentData()
        self.count.setText(self.tr("正在查询…"))
        Op(
            self.session.tasks,
            lambda: browse_audit(
                ctx,
                actor,
                start=start,
                end=end,
                staff_no=staff,
                action=action,
                entity=entity,
                limit=PAGE_SIZE,
            ),
            owner=self,
            read=True,
        ).success(self.show_page).failure(lambda exc: self.count.setText(describe(exc))).run()

    def show_page(self, page: AuditPage) -> None:
        self.page = page
        self.model.set_rows(page.rows)
        self.table.resizeColumnsToContents()
        self.count.setText(self.tr("共 {0} 条,显示最新 {1} 条").format(page.total, len(page.rows)))
        if page.chain_ok and not page.ledger_mismatches:
            self.chain.setProperty("role", "caption")
            self.chain.setText(self.tr("审计哈希链完整 ✓"))
        else:
            self.chain.setProperty("role", "warning")
            text = self.tr("⚠ 审计日志被篡改或损坏:哈希链在第 {0} 条断开!请立即联系总部。").format(
                page.broken_at if page.broken_at is not None else "?"
            )
            if page.ledger_mismatches:
                text += "\n" + self.tr("账目不一致:{0}").format("; ".join(page.ledger_mismatches))
            self.chain.setText(text)
        self.chain.style().unpolish(self.chain)
        self.chain.style().polish(self.chain)

    @classmethod
    def ask(cls, parent: QWidget | None, session: Session) -> None:
        run_modal(cls(session, parent))
