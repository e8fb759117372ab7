"""``member-counter --smoke-test REPORT.json``: open the window as a person would, write down
what the first screen shows, and quit.

Used by CI on the frozen bundle and the installed wheel, and on a store PC to check an
installation without touching its data: nothing is clicked, the first screen (the first-run
dialog on a new counter, else the sign-in screen) is only read and then closed. The report
says which screen it was, its title and visible texts, whether Qt's own translation is loaded
(a standard button's text), the Qt platform and the image formats the bundle can read.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QGuiApplication, QImageReader
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from app.version import __version__

POLL_MS = 25
# Qt's own string, translated by Qt's qtbase_*.qm (a variable, so lupdate leaves it to Qt).
QT_CONTEXT, QT_CANCEL = "QPlatformTheme", "Cancel"
GIVE_UP_S = 120.0


def _texts(top: QWidget) -> list[str]:
    found = []
    for w in top.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, QLabel | QAbstractButton) and w.text().strip():
            found.append(w.text().strip())
    return found


def _screen() -> tuple[str, QWidget] | None:
    from ui.dialogs.first_run import FirstRunDialog
    from ui.window import MainWindow

    modal = QApplication.activeModalWidget()
    if isinstance(modal, FirstRunDialog) and modal.isVisible():
        return "first-run", modal
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow) and w.isVisible():
            return ("sign-in" if w.stack.currentWidget() is w.signin else "other"), w
    return None


def report(name: str, top: QWidget) -> dict[str, Any]:
    formats = QImageReader.supportedImageFormats()
    return {
        "version": __version__,
        "screen": name,
        "title": top.windowTitle(),
        "texts": _texts(top),
        "qt_cancel": QCoreApplication.translate(QT_CONTEXT, QT_CANCEL),
        "platform": QGuiApplication.platformName(),
        "image_formats": sorted(bytes(f.data()).decode() for f in formats),
        "shown_at": time.time(),
    }


def arm(path: Path) -> None:
    """Poll for the first screen; write the report, then close it so the program ends."""
    deadline = time.monotonic() + GIVE_UP_S

    def poll() -> None:
        found = _screen()
        if found is None:
            if time.monotonic() < deadline:
                QTimer.singleShot(POLL_MS, poll)
            else:
                QApplication.exit(1)
            return
        name, top = found
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report(name, top), ensure_ascii=False, indent=2), "utf-8")
        top.close()

    QTimer.singleShot(0, poll)
