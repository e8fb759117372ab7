"""A dialog that runs one service operation: validates as you type, never half-done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.errors import describe
from ui.ops import Op
from ui.session import Session

TITLE_BAR_PX = 32  # a window manager's title bar and frame, outside the dialog's own size


def place_on_screen(dialog: QDialog) -> None:
    """Size the dialog to fit the screen it opens on and centre it on the main window (not
    on whichever dialog opened it); a dialog larger than the screen scrolls inside."""
    main = next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()),
        None,
    )
    screen = (main or dialog).screen().availableGeometry()
    dialog.ensurePolished()
    if dialog.layout() is not None:
        dialog.layout().activate()
    size = dialog.size() if dialog.testAttribute(Qt.WidgetAttribute.WA_Resized) else QSize()
    size = size.expandedTo(dialog.sizeHint()).expandedTo(dialog.minimumSize())
    width = min(size.width(), screen.width() - 8)
    height = min(size.height(), screen.height() - TITLE_BAR_PX - 8)
    dialog.resize(width, height)
    centre = (main.frameGeometry() if main is not None else screen).center()
    x = min(max(centre.x() - width // 2, screen.left()), screen.right() - width)
    y = centre.y() - (height + TITLE_BAR_PX) // 2
    y = min(max(y, screen.top()), screen.bottom() - height - TITLE_BAR_PX)
    dialog.move(x, y)


def run_modal(dialog: QDialog) -> int:
    """``exec()`` the dialog, then delete it: a counter runs for days, and a dialog's fields
    may hold a payment password or a manager's PIN. Its Python attributes stay readable."""
    try:
        place_on_screen(dialog)
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
            # a spin box's or combo box's own line edit is part of that field, not the next
            # one (Enter in the idle lock went "on" into it and never saved)
            and not isinstance(w.parent(), QAbstractSpinBox | QComboBox)
            and w not in found
        ):
            found.append(w)
        w = w.nextInFocusChain()
    return found


_GROW = QEvent.Type(QEvent.registerEventType())  # BodyScroll: the fields' layout changed


class BodyScroll(QScrollArea):
    """A dialog's fields: as tall as they need on a big screen; on a small one the dialog
    keeps its buttons and error line in view and the fields scroll."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("dialogBody")
        self._inner: QWidget | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setAutoFillBackground(False)

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        self._inner = widget
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize) and obj is self._inner:
            # An event to itself, not QTimer.singleShot(0, self, self._grow): that kept the
            # bound method (this scroll area, its fields' wrappers) alive for good whenever
            # the dialog was deleted before it fired — one per dialog, all day. Qt drops an
            # event posted to a deleted object.
            QCoreApplication.postEvent(self, QEvent(_GROW))
        return False

    def event(self, event: QEvent) -> bool:
        if event.type() == _GROW:
            self._grow()
            return True
        return super().event(event)

    def _grow(self) -> None:
        """Rows that appear while typing (the split payment) make the dialog taller, up to
        the screen; past that they scroll."""
        dialog = self.window()
        inner = self.widget()
        if inner is None or not dialog.isVisible():
            return
        screen = dialog.screen().availableGeometry()
        # A scroll bar that appeared takes its width from the fields: a row wider than what is
        # left (English split payment: "Bank card", "¥100", "Reset") was cut off at the right.
        narrow = inner.minimumSizeHint().width() - self.viewport().width()
        if narrow > 0 and dialog.width() < screen.width() - 8:
            width = min(dialog.width() + narrow, screen.width() - 8)
            inside = dialog.geometry()
            left = inside.center().x() - width // 2
            left = min(max(left, screen.left()), screen.right() - width)
            dialog.setGeometry(left, inside.top(), width, inside.height())
        missing = inner.sizeHint().height() - self.viewport().height()
        if missing <= 0:
            return
        frame, inside = dialog.frameGeometry(), dialog.geometry()
        above = inside.top() - frame.top() or TITLE_BAR_PX  # the title bar (not framed yet: guess)
        below = max(frame.bottom() - inside.bottom(), 0)
        height = min(dialog.height() + missing, screen.height() - above - below - 8)
        if height <= dialog.height():
            return
        top = min(inside.top(), screen.bottom() - below - height)
        dialog.setGeometry(inside.left(), max(top, screen.top() + above), inside.width(), height)

    def sizeHint(self) -> QSize:
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        hint = inner.sizeHint()
        return QSize(hint.width() + self.verticalScrollBar().sizeHint().width(), hint.height())

    def minimumSizeHint(self) -> QSize:
        inner = self.widget()
        width = inner.minimumSizeHint().width() if inner is not None else 0
        return QSize(width + self.verticalScrollBar().sizeHint().width(), 120)


class OpDialog(QDialog):
    """The keyboard grammar of every dialog (README): Enter moves to the next field and
    commits only from the last one or when the form is complete, never while something
    is missing; Esc cancels; while the operation runs, nothing can be pressed twice.

    A refusal shows its message and leaves the dialog open with what was typed; only a
    committed operation closes it, with ``result_value`` set.
    """

    # An edit form that opens filled in (settings, rules): complete from the start, so Enter
    # moves on field by field and saves only from the last one, never from the first.
    commits_from_last_only = False

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
        self.scroll = BodyScroll(self)
        content = QWidget(self.scroll)
        content.setLayout(self.body)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.scroll.setWidget(content)
        outer.addWidget(self.scroll, 1)
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
        last = fields.index(focus) == len(fields) - 1
        if self.enter_commits() and (last or not self.commits_from_last_only):
            self.confirm()
            return
        needed = self.needed_field()
        if needed is not None and needed is not focus and needed.isVisible():
            needed.setFocus()
            return
        i = fields.index(focus)
        if i + 1 < len(fields):
            fields[i + 1].setFocus()
            if self.scroll.isAncestorOf(fields[i + 1]):  # the rules at 768 px: below the fold
                self.scroll.ensureWidgetVisible(fields[i + 1])
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
