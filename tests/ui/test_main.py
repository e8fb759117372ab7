"""``member-counter`` with no command: the real composition root opens the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.services.context import open_counter
from app.services.store import store_info
from launcher import main as launcher_main
from tests.helpers import query
from ui.dialogs.first_run import FirstRunDialog
from ui.window import MainWindow


def test_first_start_offers_the_demo_store_then_opens_the_window(qapp, tmp_path: Path) -> None:
    data = tmp_path / "counter"
    seen: list[str] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, FirstRunDialog):
            if "first-run" not in seen:
                seen.append("first-run")
                dialog.demo_button.click()
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        shown = [w for w in windows if w.isVisible() and w.session.ctx.data_dir == data]
        if shown:
            seen.append("window")
            assert shown[0].stack.currentWidget() is shown[0].signin
            shown[0].close()
            QApplication.quit()
            return
        QTimer.singleShot(20, drive)

    QTimer.singleShot(0, drive)
    code = launcher_main(["--data-dir", str(data)])
    assert code == 0
    assert seen == ["first-run", "window"]
    ctx = open_counter(data)
    try:
        info = store_info(ctx)
        assert info is not None and info.code == "DEMO"
        assert query(ctx, "SELECT count(*) FROM member") == [(5,)]
    finally:
        ctx.close()
    assert (data / "logs" / "member-counter.log").exists()
