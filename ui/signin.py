"""Sign in, unlock and switch cashier: staff number + PIN, with a keypad for touch counters."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.demo import DEMO_STAFF
from ui.errors import describe
from ui.ops import Op, TaskManager
from ui.widgets.fields import DigitsEdit, LatinEdit
from ui.widgets.keypad import Keypad

if TYPE_CHECKING:
    from app.domain.store import StoreInfo
    from app.services.context import CounterContext
    from app.services.security import Actor

# "admin / 2580 · 1001 王店长 / 1357 · 2001 李收银 / 2468"
DEMO_HINT = " · ".join(
    f"{no} / {pin}" if no == "admin" else f"{no} {name} / {pin}"
    for no, name, _role, pin in DEMO_STAFF
)


class SignInScreen(QWidget):
    """Emits ``signed_in(actor)``; wrong PINs and lock-outs are shown from the service.

    ``counter`` gives the open counter when called on the database worker: the screen may
    show while the counter is still opening there (see ui/session.py)."""

    signed_in = Signal(object)

    def __init__(
        self,
        counter: Callable[[], CounterContext],
        tasks: TaskManager,
        store: StoreInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._counter = counter
        self._tasks = tasks
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        card = QFrame(self)
        card.setProperty("role", "card")
        card.setMaximumWidth(460)
        box = QVBoxLayout(card)
        box.setContentsMargins(28, 24, 28, 24)
        title = QLabel(self.tr("会员收银台"), card)
        title.setProperty("role", "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(title)
        self.store_label = QLabel(f"{store.name}({store.code})", card)
        self.store_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.store_label.setProperty("role", "caption")
        box.addWidget(self.store_label)
        self.lock_label = QLabel(card)
        self.lock_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lock_label.hide()
        box.addWidget(self.lock_label)

        form = QFormLayout()
        self.staff_no = LatinEdit(card)
        self.staff_no.setMaxLength(store.staff_no_max)  # more is a PIN typed in the wrong box
        self.staff_no.setPlaceholderText(self.tr("工号"))
        self.pin = DigitsEdit(8, card)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(self.tr("4–8 位数字"))
        form.addRow(self.tr("工号"), self.staff_no)
        form.addRow(self.tr("密码"), self.pin)
        box.addLayout(form)
        self.error = QLabel(card)
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        box.addWidget(self.error)

        self.keypad = Keypad(card, confirm=False)  # the sign-in button below confirms
        self.keypad.set_target(self.pin)
        self.keypad.confirmed.connect(self.submit)
        box.addWidget(self.keypad)
        self.sign_in_button = QPushButton(self.tr("登录 (Enter)"), card)
        self.sign_in_button.setProperty("role", "primary")
        self.sign_in_button.clicked.connect(self.submit)
        box.addWidget(self.sign_in_button)
        if store.code == "DEMO":
            hint = QLabel(self.tr("演示门店账号:") + DEMO_HINT, card)
            hint.setProperty("role", "caption")
            hint.setWordWrap(True)
            box.addWidget(hint)
        outer.addWidget(card)
        outer.addStretch(1)

        self.staff_no.returnPressed.connect(self._staff_entered)
        self.pin.returnPressed.connect(self.submit)
        self.keypad.serve([self.staff_no, self.pin])  # the field last tapped
        self._busy = False

    def _staff_entered(self) -> None:
        self.pin.setFocus()
        self.keypad.set_target(self.pin)

    def reset(self, *, locked_by: Actor | None = None) -> None:
        """Show the screen afresh: empty, or locked with the cashier's number filled in."""
        self.pin.clear()
        self.error.clear()
        if locked_by is not None:
            self.lock_label.setText(
                self.tr("已锁定:{0}({1})输入密码解锁,或换工号登录").format(
                    locked_by.name, locked_by.staff_no
                )
            )
            self.lock_label.show()
            self.staff_no.setText(locked_by.staff_no)
            self.pin.setFocus()
            self.keypad.set_target(self.pin)
        else:
            self.lock_label.hide()
            self.staff_no.clear()
            self.staff_no.setFocus()
            self.keypad.set_target(self.staff_no)

    def submit(self) -> None:
        if self._busy:
            return
        staff_no, pin = self.staff_no.text().strip(), self.pin.text()
        if not staff_no:
            self.error.setText(self.tr("请输入工号"))
            self.staff_no.setFocus()
            return
        if not pin:
            self.error.setText(self.tr("请输入密码"))
            self._staff_entered()
            return
        self._busy = True
        self.sign_in_button.setEnabled(False)
        counter = self._counter

        def attempt() -> Actor:
            from app.services.security import sign_in

            return sign_in(counter(), staff_no, pin)

        def failed(exc: BaseException) -> None:
            self.error.setText(describe(exc))
            self.pin.clear()
            self._staff_entered()

        def done() -> None:
            self._busy = False
            self.sign_in_button.setEnabled(True)

        Op(self._tasks, attempt, owner=self).success(self._signed_in).failure(failed).finally_(
            done
        ).run()

    def _signed_in(self, actor: Actor) -> None:
        self.pin.clear()
        self.error.clear()
        self.signed_in.emit(actor)
