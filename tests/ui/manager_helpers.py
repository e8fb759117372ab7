"""Driving the manager's screens (F10) in a real window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from tests.ui.conftest import idle, in_dialog, sign_in
from ui.manager.menu import ManagerMenu


def signed_in(qtbot: Any, window: Any, no: str, pin: str) -> Any:
    sign_in(qtbot, window, no, pin)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)
    return window.counter


def through_menu(qtbot: Any, window: Any, button: str, handle: Any) -> Any:
    """F10, then the menu's ``button``, with ``handle`` driving the screen it opens."""
    out: dict[str, Any] = {}

    def menu(m: QDialog) -> None:
        assert isinstance(m, ManagerMenu)
        out["buttons"] = sorted(m.buttons)
        out["value"] = in_dialog(qtbot, m.buttons[button].click, handle)
        out["message"] = m.message.text()
        m.reject()

    idle(qtbot, window)
    in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F10), menu)
    idle(qtbot, window)
    return out
