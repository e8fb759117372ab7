"""Starts ``member-counter`` the way the console script does, and plays a first-time user:
Enter on the first-run dialog (the demo store), then closes the window once it shows.

Run in its own process by tests/ui/test_main.py (a Qt application's exec() cannot run twice
in the test process). Prints what it saw, one word a line.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from launcher import main
from ui.dialogs.first_run import FirstRunDialog
from ui.window import MainWindow


def drive() -> None:
    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, FirstRunDialog) and not dialog.busy:
        print("first-run", flush=True)
        dialog.create_demo()
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    shown = [w for w in windows if w.isVisible()]
    if shown:
        window = shown[0]
        print("sign-in" if window.stack.currentWidget() is window.signin else "other", flush=True)
        window.close()
        return
    QTimer.singleShot(20, drive)


if __name__ == "__main__":
    QTimer.singleShot(0, drive)
    sys.exit(main(sys.argv[1:]))
