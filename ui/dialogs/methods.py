"""Payment-method buttons shared by the top-up and checkout dialogs."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QWidget

from ui.models import method_name

METHODS = ("cash", "wechat", "alipay", "bankcard")


class MethodPicker(QWidget):
    changed = Signal(str)

    def __init__(self, methods: tuple[str, ...] = METHODS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QPushButton] = {}
        for method in methods:
            b = QPushButton(method_name(method), self)
            b.setCheckable(True)
            b.setAutoDefault(False)
            b.setProperty("role", "preset")
            self.group.addButton(b)
            self.buttons[method] = b
            row.addWidget(b)
            b.toggled.connect(lambda on, m=method: on and self.changed.emit(m))
        self.buttons[methods[0]].setChecked(True)

    def method(self) -> str:
        for method, b in self.buttons.items():
            if b.isChecked():
                return method
        return ""

    def set_method(self, method: str) -> None:
        self.buttons[method].setChecked(True)
