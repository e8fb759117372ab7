"""The manager's menu (F10): big buttons, number keys; cashiers see only their own shift."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.security import Permission
from ui.dialogs.base import run_modal
from ui.manager import screens
from ui.session import Session

MENU_KEYS = "1234567890ABCDEF"  # after 0, letters: the 11th screen is A


class ManagerMenu(QDialog):
    """Each button opens its screen; the number in front of it is its key."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("店长功能"))
        self.setModal(True)
        self.setMinimumWidth(640)
        actor = session.cashier
        outer = QVBoxLayout(self)
        title = QLabel(self.tr("店长功能"), self)
        title.setProperty("role", "title")
        outer.addWidget(title)
        self.who = QLabel(self.tr("{0}({1})").format(actor.name, actor.staff_no), self)
        self.who.setProperty("role", "caption")
        outer.addWidget(self.who)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        entries: list[tuple[str, str, Callable[[], Any], Permission]] = [
            ("open_shift", self.tr("开班"), lambda: screens.open_shift(self), Permission.SHIFT),
            ("handover", self.tr("交班点款"), lambda: screens.handover(self), Permission.SHIFT),
            ("x_report", self.tr("X 报表"), lambda: screens.x_report(self),
             Permission.REPORT_VIEW),
            ("day_close", self.tr("日结"), lambda: screens.day_close(self), Permission.DAY_CLOSE),
            ("z_report", self.tr("Z 报表 / 重打"), lambda: screens.z_report(self),
             Permission.REPORT_VIEW),
            ("reports", self.tr("经营报表"), lambda: screens.range_report(self),
             Permission.REPORT_VIEW),
            ("import", self.tr("会员导入"), lambda: screens.import_members(self),
             Permission.MEMBER_IMPORT),
            ("export", self.tr("会员导出"), lambda: screens.export_members(self),
             Permission.MEMBER_EXPORT),
            ("audit", self.tr("审计日志"), lambda: screens.audit(self), Permission.AUDIT_VIEW),
            ("rules", self.tr("会员规则"), lambda: screens.rules(self), Permission.RULES_EDIT),
            ("items", self.tr("商品管理"), lambda: screens.items(self),
             Permission.CATALOGUE_EDIT),
        ]  # fmt: skip
        grid = QGridLayout()
        grid.setSpacing(8)
        self.buttons: dict[str, QPushButton] = {}
        # Number keys choose. Handled as key presses, not shortcuts, so that a card scanned
        # while the menu is open (digits typed by a wedge scanner) is not taken as choices.
        self.key_buttons: dict[str, QPushButton] = {}
        shown = [e for e in entries if actor.can(e[3])]
        for i, (name, text, slot, _perm) in enumerate(shown):
            key = MENU_KEYS[i] if i < len(MENU_KEYS) else ""
            b = QPushButton(f"{key}  {text}", self)
            b.setProperty("role", "action")
            b.setAutoDefault(False)
            b.clicked.connect(lambda _=False, s=slot: s())
            self.buttons[name] = b
            grid.addWidget(b, i // 2, i % 2)
            if key:
                self.key_buttons[key] = b
        outer.addLayout(grid)
        close = QPushButton(self.tr("返回收银 (Esc)"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        outer.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        button = self.key_buttons.get(event.text().upper())
        if button is not None and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            button.click()
            return
        super().keyPressEvent(event)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setProperty("role", "error" if error else "")
        self.message.style().polish(self.message)
        self.message.setText(text)

    @classmethod
    def ask(cls, parent: QWidget | None, session: Session) -> None:
        run_modal(cls(session, parent))
