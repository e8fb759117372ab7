"""An on-screen numeric keypad for touch counters; it types into whichever field it serves."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QWidget


class Keypad(QWidget):
    """Digits, backspace, clear and confirm; with ``amounts`` also "00" and ".".

    Buttons never take focus from the field. The keypad types into the field the cashier
    last tapped or tabbed to among those given to :meth:`serve`.
    """

    confirmed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, confirm: bool = True, amounts: bool = False
    ) -> None:
        super().__init__(parent)
        self._target: QLineEdit | None = None
        self._fields: list[QLineEdit] = []
        grid = QGridLayout(self)
        grid.setSpacing(6)
        keys = ["7", "8", "9", "4", "5", "6", "1", "2", "3"]
        for i, key in enumerate(keys):
            grid.addWidget(self._button(key, lambda _=False, k=key: self._type(k)), i // 3, i % 3)
        row = 3
        if amounts:
            for col, key in enumerate(("00", "0", ".")):
                grid.addWidget(self._button(key, lambda _=False, k=key: self._type(k)), 3, col)
            grid.addWidget(self._button(self.tr("清除"), self._clear), 4, 0)
            grid.addWidget(self._button("⌫", self._backspace), 4, 1, 1, 2)
            row = 5
        else:
            grid.addWidget(self._button(self.tr("清除"), self._clear), 3, 0)
            grid.addWidget(self._button("0", lambda: self._type("0")), 3, 1)
            grid.addWidget(self._button("⌫", self._backspace), 3, 2)
            row = 4
        if confirm:
            ok = self._button(self.tr("确定"), self.confirmed.emit)
            ok.setProperty("role", "primary")
            grid.addWidget(ok, row, 0, 1, 3)

    def serve(self, fields: list[QLineEdit]) -> None:
        """Type into whichever of ``fields`` last had the focus (the first one to begin)."""
        for f in fields:
            f.installEventFilter(self)
        self._fields.extend(fields)
        if self._target is None and fields:
            self._target = fields[0]

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and obj in self._fields:
            assert isinstance(obj, QLineEdit)
            self._target = obj
        return False

    def _button(self, text: str, slot: object) -> QPushButton:
        b = QPushButton(text, self)
        b.setProperty("role", "key")
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.clicked.connect(slot)
        return b

    def set_target(self, field: QLineEdit) -> None:
        self._target = field

    def _type(self, key: str) -> None:
        if self._target is not None:
            self._target.insert(key)

    def _backspace(self) -> None:
        if self._target is not None:
            self._target.backspace()

    def _clear(self) -> None:
        if self._target is not None:
            self._target.clear()
