"""A dialog that runs one service operation: validates as you type, never half-done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.errors import describe
from ui.ops import Op
from ui.session import Session


def run_modal(dialog: QDialog) -> int:
    """``exec()`` the dialog, then delete it: a counter runs for days, and a dialog's fields
    may hold a payment password or a manager's PIN. Its Python attributes stay readable."""
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()


class OpDialog(QDialog):
    """Enter confirms, Esc cancels; while the operation runs, nothing can be pressed twice.

    A refusal shows its message and leaves the dialog open with what was typed; only a
    committed operation closes it, with ``result_value`` set.
    """

    def __init__(self, session: Session, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(520)
        self.result_value: Any = None
        self.busy = False
        self.body = QVBoxLayout()
        self.error = QLabel(self)
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.confirm_button = QPushButton(self.tr("确认 (Enter)"), self)
        self.confirm_button.setProperty("role", "primary")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button = QPushButton(self.tr("取消 (Esc)"), self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        outer = QVBoxLayout(self)
        outer.addLayout(self.body)
        outer.addWidget(self.error)
        outer.addLayout(buttons)

    # -- validation ---------------------------------------------------------------
    def problem(self) -> str | None:
        """What stops the operation now (shown under the fields), or None when it can go."""
        return None

    def revalidate(self) -> None:
        message = self.problem()
        self.error.setText(message or "")
        self.confirm_button.setEnabled(message is None and not self.busy)

    # -- running ------------------------------------------------------------------
    def confirm(self) -> None:
        if self.busy or not self.confirm_button.isEnabled():
            return
        self.perform()

    def perform(self) -> None:
        raise NotImplementedError

    def run(self, fn: Callable[[], Any], on_success: Callable[[Any], None] | None = None) -> None:
        self.busy = True
        self.confirm_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.error.setText(self.tr("正在处理…"))

        def ok(value: Any) -> None:
            self.result_value = value
            if on_success is not None:
                on_success(value)
            else:
                self.accept()

        def failed(exc: BaseException) -> None:
            self.error.setText(describe(exc))
            self.on_refused(exc)

        def done() -> None:
            self.busy = False
            self.cancel_button.setEnabled(True)
            if self.result_value is None:
                self.confirm_button.setEnabled(self.problem() is None)

        Op(self.session.tasks, fn, owner=self).success(ok).failure(failed).finally_(done).run()

    def on_refused(self, exc: BaseException) -> None:
        """Hook for dialogs that offer a way forward after a refusal."""

    def reject(self) -> None:
        if self.busy:  # a sale being committed cannot be walked away from
            return
        super().reject()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.busy:
            self.confirm()
            return
        super().keyPressEvent(event)


def caption(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", "caption")
    label.setWordWrap(True)
    return label
