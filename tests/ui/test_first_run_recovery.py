"""Setting up a real store on the first run: PIN rules while typing, then the recovery code
shown once (it unlocks the admin later)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.services.context import open_counter
from app.services.hashing import Hasher
from app.services.recovery import recover_admin
from app.services.security import sign_in
from app.services.store import store_info
from tests.ui.conftest import in_dialog, save_screenshot
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.recovery_code import RecoveryCodeDialog
from ui.ops import TaskManager
from ui.session import Session


def test_a_real_store_shows_its_recovery_code_once(qtbot, tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    ctx = open_counter(data, hasher=Hasher.fast())
    tasks = TaskManager()
    shown: dict[str, str] = {}
    try:
        session = Session(ctx=ctx, tasks=tasks, store=None)

        def set_up(d: QDialog) -> None:
            assert isinstance(d, FirstRunDialog)
            qtbot.keyClicks(d.code, "SH001")
            d.name.insert("上海南京路店")  # typed through the input method
            qtbot.keyClicks(d.pin, "1234")
            qtbot.keyClicks(d.pin2, "1234")
            assert "太容易被猜到" in d.error.text() and not d.confirm_button.isEnabled()
            save_screenshot(d, "03-first-run-trivial-pin")
            for field, pin in ((d.pin, "258013"), (d.pin2, "258013")):
                field.clear()
                qtbot.keyClicks(field, pin)
            assert d.error.text() == "" and d.confirm_button.isEnabled()

            def read_code() -> None:  # the second dialog, over the first
                code_dialog = QApplication.activeModalWidget()
                if not isinstance(code_dialog, RecoveryCodeDialog):
                    QTimer.singleShot(20, read_code)
                    return
                shown["code"] = code_dialog.code.text()
                save_screenshot(code_dialog, "04-recovery-code")
                qtbot.keyClick(code_dialog, Qt.Key.Key_Return)

            QTimer.singleShot(0, read_code)
            qtbot.keyClick(d.pin2, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: not d.isVisible(), timeout=20_000)

        in_dialog(qtbot, lambda: setattr(session, "ok", FirstRunDialog.ask(None, session, data)),
                  set_up)  # fmt: skip
        assert session.ok  # type: ignore[attr-defined]
        info = store_info(ctx)
        assert info is not None and info.code == "SH001"
        assert sign_in(ctx, "admin", "258013").role == "admin"
        # What the screen showed is the code that unlocks the admin.
        assert recover_admin(ctx, shown["code"], "369147").staff_no == "admin"
    finally:
        tasks.shutdown()
        ctx.close()
