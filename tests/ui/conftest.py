"""Real windows on a real counter database, offscreen; modal dialogs driven while they run."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.services.context import CounterContext
from app.services.store import store_info
from tests.conftest import CASHIER_NO, CASHIER_PIN
from ui import i18n, theme
from ui.ops import Op, TaskManager
from ui.prefs import Prefs
from ui.session import Session
from ui.window import MainWindow

# Screens are saved as PNG for people to look at: into MEMBER_COUNTER_SCREENSHOTS when set
# (offscreen renderings for review; the README's come from tests/desktop), else into a temporary
# folder.
SCREENSHOTS = Path(
    os.environ.get("MEMBER_COUNTER_SCREENSHOTS")
    or Path(tempfile.gettempdir()) / "member-counter-screenshots"
)
DIALOG_TIMEOUT_MS = 15_000


@pytest.fixture
def tasks(qapp: QApplication) -> Iterator[TaskManager]:
    manager = TaskManager()
    yield manager
    manager.shutdown()


@pytest.fixture
def session(ctx: CounterContext, tasks: TaskManager) -> Session:
    return Session(ctx=ctx, tasks=tasks, store=store_info(ctx))


@pytest.fixture
def prefs(tmp_path: Path) -> Prefs:
    p = Prefs(tmp_path)
    p.idle_lock_minutes = 0
    return p


@pytest.fixture
def window(qtbot: Any, session: Session, prefs: Prefs, qapp: QApplication) -> Iterator[MainWindow]:
    i18n.install(qapp, "zh")
    theme.apply(qapp)
    w = MainWindow(session, prefs)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    Op.default_failure = None


def sign_in(qtbot: Any, w: MainWindow, no: str = CASHIER_NO, pin: str = CASHIER_PIN) -> None:
    w.signin.staff_no.clear()
    w.signin.staff_no.setFocus()
    qtbot.keyClicks(w.signin.staff_no, no)
    qtbot.keyClick(w.signin.staff_no, Qt.Key.Key_Return)
    qtbot.keyClicks(w.signin.pin, pin)
    qtbot.keyClick(w.signin.pin, Qt.Key.Key_Return)


def idle(qtbot: Any, w: MainWindow) -> None:
    """Wait until every background operation has delivered its result."""
    qtbot.waitUntil(lambda: not w.session.tasks.busy, timeout=5000)
    qtbot.wait(20)
    # The offscreen platform does not give the window back its activation when a modal
    # dialog closes, as a desktop does; window shortcuts (F1...) need an active window.
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)


def in_dialog(qtbot: Any, trigger: Callable[[], Any], handle: Callable[[QDialog], Any]) -> Any:
    """Run ``trigger`` (which opens a modal dialog) while ``handle`` drives that dialog.

    ``handle`` gets the dialog once it is shown; whatever it raises is re-raised here, and a
    dialog still open after the timeout is rejected so a failing test cannot hang the suite.
    """
    outcome: dict[str, Any] = {}

    def step() -> None:
        if "stop" in outcome:
            return
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(10, step)
            return
        outcome["ran"] = True
        QTimer.singleShot(DIALOG_TIMEOUT_MS, lambda: _reject_if_open(dialog))
        try:
            dialog.activateWindow()  # as a desktop does for a new modal dialog
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
            outcome["value"] = handle(dialog)
        except BaseException as exc:
            outcome["error"] = exc
            if dialog.isVisible():
                dialog.done(0)
        finally:
            outcome["done"] = True

    QTimer.singleShot(0, step)
    trigger()
    try:
        if "ran" not in outcome:  # a dialog opened once a read off the UI thread answers (F7)
            qtbot.waitUntil(lambda: "done" in outcome, timeout=DIALOG_TIMEOUT_MS)
    finally:
        outcome["stop"] = True
    if "error" in outcome:
        raise outcome["error"]
    assert outcome.get("ran"), "no dialog opened"
    return outcome.get("value")


def _reject_if_open(dialog: QDialog) -> None:
    if shiboken6.isValid(dialog) and dialog.isVisible():
        dialog.reject()


def press(qtbot: Any, widget: QWidget, key: Qt.Key) -> None:
    qtbot.keyClick(widget, key)


def save_screenshot(widget: QWidget, name: str) -> Path:
    """Key screens as PNG, for people to look at (see SCREENSHOTS)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    for _ in range(3):  # let pending layout requests settle, as the screen would show it
        QApplication.processEvents()
    widget.grab().save(str(path))
    return path
