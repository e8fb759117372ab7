"""Starts ``member-counter`` the way the console script does, and plays a first-time user:
Enter on the first-run dialog (the demo store), then closes the window once it shows.
With ``LAUNCH_SIGN_IN=staff:pin`` it signs in on the sign-in screen first and closes once
the counter screen is up; a message box (the counter refused to open) is read and closed.

Run in its own process by tests/ui/test_main.py (a Qt application's exec() cannot run twice
in the test process). Prints what it saw, one word a line.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from launcher import main
from ui.dialogs.first_run import FirstRunDialog
from ui.window import MainWindow


def drive() -> None:
    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, FirstRunDialog) and not dialog.busy:
        print("first-run", flush=True)
        dialog.create_demo()
    if isinstance(dialog, QMessageBox):
        print("refused", flush=True)
        print(dialog.text().replace("\n", " "), flush=True)
        dialog.accept()
        return
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    shown = [w for w in windows if w.isVisible()]
    if shown:
        window = shown[0]
        print("sign-in" if window.stack.currentWidget() is window.signin else "other", flush=True)
        if os.environ.get("LAUNCH_SIGN_IN"):
            staff_no, pin = os.environ["LAUNCH_SIGN_IN"].split(":")
            window.signin.staff_no.setText(staff_no)
            window.signin.pin.setText(pin)
            window.signin.submit()
            QTimer.singleShot(20, lambda: on_counter(window))
            return
        window.close()
        return
    QTimer.singleShot(20, drive)


def on_counter(window: MainWindow) -> None:
    if QApplication.activeModalWidget() is not None:  # the counter refused to open
        drive()
        return
    if window.stack.currentWidget() is window.signin:
        QTimer.singleShot(20, lambda: on_counter(window))
        return
    print("counter", flush=True)
    window.close()


if __name__ == "__main__":
    QTimer.singleShot(0, drive)
    sys.exit(main(sys.argv[1:]))
