"""The member's service tickets (Ctrl+K, or 工单 on the member panel): their tickets (number,
kind, status, due time, the overdue ones marked) and a form to open a new one: kind, priority,
subject, text. Enter moves to the next field and opens the ticket from the last one; Esc
cancels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.domain.tickets import KINDS, MAX_BODY, MAX_SUBJECT, NORMAL, PRIORITIES
from app.services import tickets
from app.services.lookup import MemberView
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.ops import Op
from ui.session import Session

ROWS_SHOWN = 6  # the list's height: six tickets, then it scrolls (fits 1024×768)


class TicketDialog(OpDialog):
    commits_from_last_only = True  # kind and priority open filled in

    def __init__(self, session: Session, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("服务工单"), parent)
        self.member = member
        self.loaded: list[tickets.TicketView] = []
        self.kind_words = {"consultation": self.tr("咨询"), "complaint": self.tr("投诉"),
                           "feedback": self.tr("反馈"), "suggestion": self.tr("建议")}  # fmt: skip
        self.priority_words = {"low": self.tr("低"), "normal": self.tr("普通"),
                               "high": self.tr("高"), "urgent": self.tr("紧急")}  # fmt: skip
        self.status_words = {
            "new": self.tr("新建"),
            "in_progress": self.tr("处理中"),
            "resolved": self.tr("已解决"),
            "closed": self.tr("已关闭"),
        }
        self.body.addWidget(QLabel(self.tr("{0} 的工单").format(member.name), self))
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("工单号"), self.tr("类型"), self.tr("状态"), self.tr("到期")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter stays with the form
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(36)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setFixedHeight(36 * ROWS_SHOWN + 32)
        self.body.addWidget(self.table)
        self.hint = caption(self.tr("正在读取工单…"), self)
        self.body.addWidget(self.hint)
        self.body.addWidget(QLabel(self.tr("新建工单"), self))
        form = QFormLayout()
        self.kind = QComboBox(self)
        for k in KINDS:
            self.kind.addItem(self.kind_words[k], k)
        self.priority = QComboBox(self)
        for p in PRIORITIES:
            self.priority.addItem(self.priority_words[p], p)
        self.priority.setCurrentIndex(PRIORITIES.index(NORMAL))
        self.subject = QLineEdit(self)
        self.subject.setMaxLength(MAX_SUBJECT)
        self.subject.setPlaceholderText(self.tr("例如:小票金额不对"))
        self.text = QLineEdit(self)
        self.text.setMaxLength(MAX_BODY)
        self.text.setPlaceholderText(self.tr("详细情况(可不填)"))
        for w in (self.kind, self.priority, self.subject, self.text):
            # The theme's fields are 40 px high (34 + padding and border): 44 here, a target
            # the finger hits.
            w.setStyleSheet("min-height: 38px;")
            w.setMinimumHeight(44)
        for w in (self.confirm_button, self.cancel_button):
            w.setMinimumHeight(44)
        form.addRow(self.tr("类型"), self.kind)
        form.addRow(self.tr("优先级"), self.priority)
        form.addRow(self.tr("主题"), self.subject)
        form.addRow(self.tr("内容"), self.text)
        self.body.addLayout(form)
        self.subject.textChanged.connect(lambda _t: self.revalidate())
        self.confirm_button.setText(self.tr("开单 (Enter)"))
        self.kind.setFocus()
        self.revalidate()
        ctx, q = session.ctx, member.member_id
        Op(session.tasks, lambda: tickets.list_tickets(ctx, member=q), owner=self,
           read=True).success(self._loaded).run()  # fmt: skip

    def _loaded(self, found: list[tickets.TicketView]) -> None:
        self.loaded = found
        self.table.setRowCount(len(found))
        for row, t in enumerate(found):
            due = t.due_at.strftime("%m-%d %H:%M") + " UTC"
            cells = [t.number, self.kind_words.get(t.kind, t.kind),
                     self.status_words.get(t.status, t.status),
                     self.tr("{0} 已超时").format(due) if t.overdue else due]  # fmt: skip
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if t.overdue:
                    item.setForeground(Qt.GlobalColor.darkRed)
                    item.setData(Qt.ItemDataRole.UserRole, "overdue")
                self.table.setItem(row, col, item)
        late = sum(t.overdue for t in found)
        if not found:
            self.hint.setText(self.tr("该会员还没有工单"))
        elif late:
            self.hint.setText(self.tr("共 {0} 张工单,{1} 张已超时").format(len(found), late))
        else:
            self.hint.setText(self.tr("共 {0} 张工单").format(len(found)))

    def problem(self) -> str | None:
        if not self.subject.text().strip():
            return self.tr("请填写工单主题")
        return None

    def needed_field(self) -> QWidget | None:
        """Enter moves field by field; from the last one with no subject, back to it."""
        if self.focusWidget() is self.text and not self.subject.text().strip():
            return self.subject
        return None

    def perform(self) -> None:
        ctx, actor, q = self.session.ctx, self.session.cashier, self.member.member_id
        kind, priority = self.kind.currentData(), self.priority.currentData()
        subject, text = self.subject.text(), self.text.text()
        self.run(lambda: tickets.open_ticket(ctx, actor, q, kind=kind, priority=priority,
                                             subject=subject, body=text or None))  # fmt: skip

    @classmethod
    def ask(
        cls, parent: QWidget, session: Session, member: MemberView
    ) -> tickets.TicketView | None:
        dialog = cls(session, member, parent)
        return dialog.result_value if run_modal(dialog) else None
