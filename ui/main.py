"""Start the counter window: logging, translations, the database, first run, sign-in."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.errors import CounterError
from app.instance import InstanceLock
from app.logfiles import setup_logging
from app.packaged import packaged_path
from app.private_files import private_dir
from app.services.context import open_counter
from app.services.store import store_info
from app.version import __version__
from ui import i18n, theme
from ui.ops import TaskManager
from ui.prefs import Prefs
from ui.session import Session
from ui.wedge import WedgeFilter
from ui.window import MainWindow
from ui.wiring import CounterDevices, CounterSync, wedge_detector


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("MemberCounter")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(packaged_path("resources", "icons", "member-counter.png"))))
    return app  # type: ignore[return-value]


def make_wedge(window: MainWindow, clock: Callable[[], float] = time.monotonic) -> WedgeFilter:
    detector, max_gap = wedge_detector(window.session.ctx)
    return WedgeFilter(
        detector,
        max_gap=max_gap,
        active=window.counter_active,
        clock=clock,
        parent=window,
    )


def run(data_dir: Path, args: argparse.Namespace | None = None) -> int:
    """Open the window on the counter database in ``data_dir``; returns the exit code."""
    private_dir(data_dir)
    log_path = setup_logging(data_dir)
    logging.getLogger(__name__).info("starting; data directory %s", data_dir)
    # Held while the window runs: a restore refuses to replace the database under it (and
    # a restore in progress, which takes seconds, is waited for).
    instance = InstanceLock(data_dir)
    if not instance.acquire(wait_seconds=10):
        logging.getLogger(__name__).warning("another window or a restore holds %s", data_dir)
    app = make_app()
    prefs = Prefs(data_dir)
    lang = getattr(args, "lang", None) or prefs.language
    i18n.install(app, lang)
    if getattr(args, "smoke_test", None):
        from ui import smoke

        smoke.arm(Path(args.smoke_test))
    app.setApplicationDisplayName(QCoreApplication.translate("MainWindow", "会员收银台"))
    theme.apply(app)
    if os.environ.get("MEMBER_COUNTER_WIDGET_MAP"):  # the real-desktop tests read it
        from ui.widget_map import install as install_widget_map

        install_widget_map(app)
    try:
        ctx = open_counter(data_dir)
    except CounterError as exc:  # a full, read-only or damaged database: say so, then stop
        instance.release()
        QMessageBox.critical(None, QCoreApplication.translate("MainWindow", "会员收银台"),
                             exc.message)  # fmt: skip
        return 3
    tasks = TaskManager()
    closers: list[Callable[[], None]] = []
    try:
        session = Session(ctx=ctx, tasks=tasks, store=store_info(ctx))
        if session.store is None:
            from ui.dialogs.first_run import FirstRunDialog  # the demo store's services

            if not FirstRunDialog.ask(None, session, data_dir):
                return 0
            session.store = store_info(ctx)
        devices = CounterDevices(ctx).start()
        closers.append(devices.close)
        hq_sync = CounterSync(ctx).start()
        closers.append(hq_sync.close)
        window = MainWindow(session, prefs, devices.as_devices(), hq_sync.as_link())
        window.install_wedge(make_wedge)
        window.showMaximized()
        code = app.exec()
        logging.getLogger(__name__).info("closed; log at %s", log_path)
        return code
    finally:
        tasks.shutdown()
        for close in closers:
            close()
        ctx.close()
        instance.release()
