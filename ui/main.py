"""Start the counter window: logging, translations, the database, first run, sign-in."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from app.services.context import open_counter
from app.services.store import store_info
from ui import i18n, theme
from ui.dialogs.first_run import FirstRunDialog
from ui.ops import TaskManager
from ui.prefs import Prefs
from ui.session import Session
from ui.wedge import WedgeFilter
from ui.window import MainWindow
from ui.wiring import CounterDevices, CounterSync, wedge_detector

LOG_BYTES = 2_000_000
LOG_BACKUPS = 5


def setup_logging(data_dir: Path) -> Path:
    """A rotating log in the data directory (never a member's full phone number)."""
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "member-counter.log"
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    # python-escpos calls logging.basicConfig() when imported, which prints every INFO line
    # to the terminal; the terminal gets warnings only, the log file everything.
    for h in root.handlers:
        if type(h) is logging.StreamHandler:
            h.setLevel(logging.WARNING)
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    return path


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("MemberCounter")
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
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = setup_logging(data_dir)
    logging.getLogger(__name__).info("starting; data directory %s", data_dir)
    app = make_app()
    prefs = Prefs(data_dir)
    lang = getattr(args, "lang", None) or prefs.language
    i18n.install(app, lang)
    app.setApplicationDisplayName(QCoreApplication.translate("MainWindow", "会员收银台"))
    theme.apply(app)
    if os.environ.get("MEMBER_COUNTER_WIDGET_MAP"):  # the real-desktop tests read it
        from ui.widget_map import install as install_widget_map

        install_widget_map(app)
    ctx = open_counter(data_dir)
    tasks = TaskManager()
    closers: list[Callable[[], None]] = []
    try:
        session = Session(ctx=ctx, tasks=tasks, store=store_info(ctx))
        if session.store is None:
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
