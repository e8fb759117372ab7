"""A dialog that runs one service operation: validates as you type, never half-done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

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


FIELD_TYPES = (QLineEdit, QComboBox, QCheckBox, QAbstractSpinBox, QPlainTextEdit)


def fields_in_order(dialog: QWidget) -> list[QWidget]:
    """The dialog's visible, enabled input fields in Tab order."""
    found: list[QWidget] = []
    w = dialog.nextInFocusChain()
    while w is not None and w is not dialog and len(found) < 500:
        if (
            isinstance(w, FIELD_TYPES)
            and w.isVisible()
            and w.isEnabled()
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and dialog.isAncestorOf(w)
            and w not in found
        ):
            found.append(w)
        w = w.nextInFocusChain()
    return found


class OpDialog(QDialog):
    """The keyboard grammar of every dialog (README): Enter moves to the next field and
    commits only from the last one or when the form is complete, never while something
    is missing; Esc cancels; while the operation runs, nothing can be pressed twice.

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

    def needed_field(self) -> QWidget | None:
        """The field the current problem is about (Enter goes there), if the dialog knows."""
        return None

    def enter_commits(self) -> bool:
        """Whether Enter commits now (rather than moving on): the form is complete."""
        return self.problem() is None

    def enter_pressed(self) -> None:
        focus = self.focusWidget()
        fields = fields_in_order(self)
        if focus not in fields:  # a button or the dialog itself: Enter means confirm
            self.confirm()
            return
        if self.enter_commits():
            self.confirm()
            return
        needed = self.needed_field()
        if needed is not None and needed is not focus and needed.isVisible():
            needed.setFocus()
            return
        i = fields.index(focus)
        if i + 1 < len(fields):
            fields[i + 1].setFocus()
            if isinstance(fields[i + 1], QLineEdit):
                fields[i + 1].selectAll()
        else:
            self.revalidate()  # the last field and still incomplete: say what is missing

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not self.busy:
                self.enter_pressed()
            return
        super().keyPressEvent(event)


def caption(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", "caption")
    label.setWordWrap(True)
    return label
