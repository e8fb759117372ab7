"""Start the counter window: logging, translations, the database, first run, sign-in.

A counter that has its store shows the sign-in screen first, from a read-only peek at the
store (stdlib sqlite3), and opens the core — SQLAlchemy, the schema check, the devices, the
sync with HQ — on the database worker behind it: the cashier types a staff number and PIN
while it opens (well under a second), and the sign-in waits its turn on that worker if it
is quicker. A first run, or a database the peek cannot read, opens the full way first.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.errors import CounterError
from app.instance import InstanceLock
from app.logfiles import setup_logging
from app.packaged import packaged_path
from app.persistence.peek import peek_store
from app.private_files import private_dir
from app.version import __version__
from ui import i18n, theme
from ui.errors import describe
from ui.ops import Op, TaskManager
from ui.prefs import Prefs
from ui.session import Session
from ui.wedge import WedgeFilter
from ui.window import MainWindow

if TYPE_CHECKING:
    from app.services.context import CounterContext


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("MemberCounter")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(packaged_path("resources", "icons", "member-counter.png"))))
    return app  # type: ignore[return-value]


def make_wedge(window: MainWindow, clock: Callable[[], float] = time.monotonic) -> WedgeFilter:
    from ui.wiring import wedge_detector

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
    store = peek_store(data_dir)
    if store is None:
        return _run_opened(app, data_dir, instance, prefs, log_path)
    tasks = TaskManager()
    closers: list[Callable[[], None]] = []
    # The database worker's first job; every operation of the window queues behind it.
    opening = tasks.run(lambda: _open_core(data_dir), lambda _f: None)
    session = Session(tasks=tasks, store=store, opening=opening)
    try:
        window = MainWindow(session, prefs)
        failed: list[BaseException] = []

        def opened(ctx: CounterContext) -> None:
            _attach(window, ctx, closers)

        def refused(exc: BaseException) -> None:
            # A full, read-only or damaged database (or a fault, logged): say so, then stop.
            failed.append(exc)
            QMessageBox.critical(window, QCoreApplication.translate("MainWindow", "会员收银台"),
                                 describe(exc))  # fmt: skip
            window.close()

        Op(tasks, opening.result, owner=window).success(opened).failure(refused).run()
        window.showMaximized()
        code = app.exec()
        logging.getLogger(__name__).info("closed; log at %s", log_path)
        return 3 if failed else code
    finally:
        tasks.shutdown()
        for close in closers:
            close()
        if opening.done() and opening.exception() is None:
            opening.result().close()
        instance.release()


def _open_core(data_dir: Path) -> CounterContext:
    """On the database worker: open the counter, and import what signing in and the counter
    screen's first scan use, so neither pays for it in front of the customer."""
    from app.services import held
    from app.services.context import open_counter
    from app.services.security import sign_in  # noqa: F401
    from app.services.store import store_info

    ctx = open_counter(data_dir)  # migrates an older schema (with its backup first)
    try:
        store_info(ctx)  # the first statement: the engine connects and the ORM configures
        held.put_back_all(ctx)  # a cart recalled and not paid when the window closed
        import ui.counter
        import ui.wiring  # noqa: F401
    except BaseException:
        ctx.close()
        raise
    return ctx


def _attach(window: MainWindow, ctx: CounterContext, closers: list[Callable[[], None]]) -> None:
    """On the UI thread once the counter is open: its devices, its sync, the wedge."""
    from ui.wiring import CounterDevices, CounterSync

    devices = CounterDevices(ctx).start()
    closers.append(devices.close)
    hq_sync = CounterSync(ctx).start()
    closers.append(hq_sync.close)
    window.attach(devices.as_devices(), hq_sync.as_link())
    window.install_wedge(make_wedge)


def _run_opened(
    app: QApplication, data_dir: Path, instance: InstanceLock, prefs: Prefs, log_path: Path
) -> int:
    """The full way: open the counter first (a first run, or a database the peek could not
    read: migrations, repairs and refusals speak before any window)."""
    from app.services.context import open_counter
    from app.services.store import store_info

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
        window = MainWindow(session, prefs)
        _attach(window, ctx, closers)
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
