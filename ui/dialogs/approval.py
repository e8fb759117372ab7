"""A manager's approval typed in place: staff number and PIN, checked by the service."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit, QWidget

from app.services.security import Approval
from ui.session import Session
from ui.widgets.fields import DigitsEdit, LatinEdit


class ApprovalBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None, *, staff_no_max: int = 32) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("店长授权"))
        form = QFormLayout(self)
        self.staff_no = LatinEdit(self)
        self.staff_no.setMaxLength(staff_no_max)
        self.staff_no.setPlaceholderText(self.tr("店长工号"))
        self.pin = DigitsEdit(8, self)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(self.tr("店长密码"))
        form.addRow(self.tr("工号"), self.staff_no)
        form.addRow(self.tr("密码"), self.pin)

    def approval(self) -> Approval | None:
        no, pin = self.staff_no.text().strip(), self.pin.text()
        return Approval(no, pin) if no and pin else None

    @classmethod
    def of(cls, session: Session, parent: QWidget) -> ApprovalBox:
        """A box whose staff-number field takes no more characters than this store's
        longest staff number (the manager's PIN never lands in it)."""
        store = session.store
        return cls(parent, staff_no_max=store.staff_no_max if store else 32)

    def needed(self) -> QWidget:
        """The box's field still to fill in (Enter after the staff number goes to the PIN)."""
        return self.pin if self.staff_no.text().strip() else self.staff_no

    def missing(self) -> str | None:
        return None if self.approval() else self.tr("此操作需要店长输入工号和密码授权")
