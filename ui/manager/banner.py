"""The counter's reminder that the signed-in cashier has no shift open, with a way to open one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.services.security import Role
from app.services.shifts import ShiftView, current_shift
from ui.manager.shift import OpenShiftDialog
from ui.ops import Op
from ui.session import Session


class ShiftBanner(QFrame):
    """Shown after a cashier signs in without an open shift; never blocks the counter."""

    opened = Signal(object)  # ShiftView

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setProperty("role", "card")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        self.label = QLabel(self.tr("您还没有开班:开班后交班时才能核对现金"), self)
        row.addWidget(self.label, 1)
        self.button = QPushButton(self.tr("开班"), self)
        self.button.setProperty("role", "primary")
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.open_shift)
        row.addWidget(self.button)
        self.hide()

    def refresh(self) -> None:
        """Ask whether the signed-in cashier has a shift (cashiers only; managers use F10)."""
        actor = self.session.actor
        if actor is None or actor.role != Role.CASHIER:
            self.hide()
            return
        ctx = self.session.ctx
        Op(self.session.tasks, lambda: current_shift(ctx, actor), owner=self).success(
            lambda shift: self.setVisible(shift is None)
        ).failure(lambda _exc: self.hide()).run()

    def open_shift(self) -> None:
        view: ShiftView | None = OpenShiftDialog.ask(self.window(), self.session)
        if view is not None:
            self.hide()
            self.opened.emit(view)
