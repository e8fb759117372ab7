"""取单 (F7 in the cart): the held carts, oldest first; Enter recalls the one chosen.

A cart the customer will not come back for is voided (作废) here with a reason, so the daily
close is not held up by it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFormLayout, QListWidget, QListWidgetItem, QPushButton, QWidget

from app.domain.money import format_cny
from app.services import held
from app.services.held import HeldView
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.errors import describe
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import ScanBox


class HeldListDialog(OpDialog):
    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(session, self.tr("取单"), parent)
        self.setMinimumWidth(720)
        self.views: list[HeldView] = []
        self.list = QListWidget(self)
        self.list.setMinimumHeight(260)
        self.list.itemActivated.connect(lambda _item: self.confirm())
        self.list.currentRowChanged.connect(lambda _row: self.revalidate())
        self.body.addWidget(self.list)
        form = QFormLayout()
        self.reason = ScanBox(self)  # a reason in Chinese: the input method may be on
        self.reason.setMaxLength(40)
        self.reason.set_ime(True)
        self.reason.setPlaceholderText(self.tr("作废的原因,如:顾客不要了"))
        form.addRow(self.tr("作废原因"), self.reason)
        self.body.addLayout(form)
        self.body.addWidget(caption(self.tr("↑↓ 选择,Enter 取单;填写原因后按 Delete 作废"), self))
        self.discard_button = QPushButton(self.tr("作废 (Delete)"), self)
        self.discard_button.setAutoDefault(False)
        self.discard_button.clicked.connect(self.discard)
        self.body.addWidget(self.discard_button, 0, Qt.AlignmentFlag.AlignLeft)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.list, self.discard)
        self.confirm_button.setText(self.tr("取单 (Enter)"))
        self.list.setFocus()
        self.load()

    def load(self) -> None:
        ctx, actor = self.session.ctx, self.session.cashier
        Op(self.session.tasks, lambda: held.open_held(ctx, actor), owner=self).success(
            self._loaded
        ).failure(lambda exc: self.error.setText(describe(exc))).run()

    def _loaded(self, views: list[HeldView]) -> None:
        self.views = views
        self.list.clear()
        for v in views:
            who = v.member_name or self.tr("散客")
            note = f"  {v.note}" if v.note else ""
            self.list.addItem(
                QListWidgetItem(
                    self.tr("第 {0} 号  {1}  {2} 行  {3}  {4}  {5} 挂单{6}").format(
                        v.number, v.held_at.astimezone().strftime("%H:%M"), v.line_count,
                        format_cny(v.total_fen), who, v.held_by, note,
                    )
                )
            )  # fmt: skip
        if views:
            self.list.setCurrentRow(0)
        self.revalidate()

    def chosen(self) -> HeldView | None:
        row = self.list.currentRow()
        return self.views[row] if 0 <= row < len(self.views) else None

    def problem(self) -> str | None:
        if not self.views:
            return self.tr("没有挂单")
        return None if self.chosen() else self.tr("请选择一张挂单")

    def enter_pressed(self) -> None:
        if self.focusWidget() is self.reason:
            self.discard()
        else:
            self.confirm()

    def perform(self) -> None:
        view = self.chosen()
        assert view is not None
        self.result_value = view.number
        self.accept()

    def discard(self) -> None:
        view = self.chosen()
        if view is None or self.busy:
            return
        reason = self.reason.text().strip()
        if not reason:
            self.error.setText(self.tr("请先填写作废原因"))
            self.reason.setFocus()
            return
        ctx, actor = self.session.ctx, self.session.cashier

        def done(_v: HeldView) -> None:
            self.result_value = None  # the dialog stays open: the list again
            self.reason.clear()
            self.list.setFocus()
            self.load()

        self.run(lambda: held.discard(ctx, actor, view.number, reason), on_success=done)

    @classmethod
    def ask(cls, parent: QWidget, session: Session) -> int | None:
        dialog = cls(session, parent)
        return dialog.result_value if run_modal(dialog) else None
