"""The main window: sign-in and counter screens, the status bar, idle lock, language."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui import i18n
from ui.errors import describe
from ui.hardware import Devices, SyncLink
from ui.ops import Op
from ui.prefs import Prefs
from ui.session import Session
from ui.signin import SignInScreen
from ui.storage_banner import StorageBanner, low_space_text
from ui.wedge import WedgeFilter

if TYPE_CHECKING:  # the sign-in screen shows before the core is imported (ui/main.py)
    from app.services.counter_info import CounterStatus
    from app.services.printing import PrintJob
    from app.services.security import Actor
    from app.services.syncstate import SyncStatus
    from ui.counter import CounterScreen

STATUS_REFRESH_MS = 5000
_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.Wheel,
}


class MainWindow(QMainWindow):
    def __init__(
        self,
        session: Session,
        prefs: Prefs,
        devices: Devices | None = None,
        sync: SyncLink | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if devices is not None:
            session.devices = devices
        if sync is not None:
            session.sync = sync
        self.session = session
        self.sync_status: SyncStatus | None = None  # None: the sync worker has not reported
        self.printer_state: tuple[bool, str] | None = None  # None: not heard from the printer
        self.prefs = prefs
        self.locked_by: Actor | None = None
        self.wedge: WedgeFilter | None = None
        self.wedge_factory: Callable[[MainWindow], WedgeFilter] | None = None
        self.setMinimumSize(1024, 700)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.storage_banner = StorageBanner(central)
        column.addWidget(self.storage_banner)
        self.stack = QStackedWidget(central)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status_labels: dict[str, QLabel] = {}
        for key in ("store", "cashier", "date", "disk", "sync", "printer"):
            label = QLabel(self)
            self.status_labels[key] = label
            self.statusBar().addPermanentWidget(label) if key in (
                "disk",
                "sync",
                "printer",
            ) else self.statusBar().addWidget(label)
        self.status_labels["disk"].setProperty("role", "error")
        self.status_labels["disk"].hide()
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._idle)
        self.status_timer = QTimer(self)
        self.status_timer.timeout.connect(self.refresh_status)
        self.status_timer.start(STATUS_REFRESH_MS)
        QApplication.instance().installEventFilter(self)
        self._listen(session.devices, session.sync)
        session.tasks.storage_failed.connect(self.storage_banner.refused)
        self.build()
        Op.default_failure = self.show_error

    def attach(self, devices: Devices, sync: SyncLink) -> None:
        """The counter's devices and its sync with HQ, once the counter has opened behind the
        sign-in screen (ui/main.py); until then the window has placeholders that never fire."""
        self.session.devices = devices
        self.session.sync = sync
        self._listen(devices, sync)
        self.refresh_status()

    def _listen(self, devices: Devices, sync: SyncLink) -> None:
        events = devices.events
        events.printer_changed.connect(self._printer_changed)
        events.job_changed.connect(self._job_changed)
        events.scanned.connect(self._serial_scan)
        events.scanner_changed.connect(self._scanner_changed)
        sync.events.status_changed.connect(self._sync_changed)

    # -- screens -------------------------------------------------------------------
    def build(self) -> None:
        """(Re)create the screens in the current language, keeping who is signed in."""
        self.setWindowTitle(self.tr("会员收银台"))
        while self.stack.count():
            w = self.stack.widget(0)
            self.stack.removeWidget(w)
            w.deleteLater()
        assert self.session.store is not None
        session = self.session
        self.signin = SignInScreen(lambda: session.ctx, session.tasks, session.store, self)
        self.signin.signed_in.connect(self._signed_in)
        self.stack.addWidget(self.signin)
        self._counter: CounterScreen | None = None
        if self.session.actor is None:
            self.show_signin()
        else:
            self.stack.setCurrentWidget(self.counter)
            self.counter.focus_scan()
            self.counter.shift_banner.refresh()
        self.refresh_status()

    @property
    def counter(self) -> CounterScreen:
        """The counter screen, made when first needed: the sign-in screen shows without it."""
        if self._counter is None:
            from ui.counter import CounterScreen

            counter = CounterScreen(self.session, self)
            counter.lock_requested.connect(self.lock)
            counter.settings_requested.connect(self.open_settings)
            counter.operation_done.connect(self._operation_done)
            counter.sync_requested.connect(self.open_sync)
            counter.about_requested.connect(self.open_about)
            counter.manager_requested.connect(self.open_manager)
            self.stack.addWidget(counter)
            self._counter = counter
        return self._counter

    def show_signin(self) -> None:
        self.signin.reset(locked_by=self.locked_by)
        self.stack.setCurrentWidget(self.signin)
        self.idle_timer.stop()

    def _signed_in(self, actor: Actor) -> None:
        if self.session.actor is None or actor.staff_id != self.session.actor.staff_id:
            self.session.actor = actor
            self.counter.set_session_actor()
            self.counter.clear()
            self.counter.forget_receipt()
        self.locked_by = None
        self.stack.setCurrentWidget(self.counter)
        self.counter.focus_scan()
        self.counter.shift_banner.refresh()
        self.restart_idle()
        self.refresh_status()

    def lock(self) -> None:
        if self.session.actor is None:
            return
        self.locked_by = self.session.actor
        if self._counter is not None:  # another store's member's full number: masked again
            self._counter.panel.forget_full_phone()
        self.show_signin()

    @property
    def locked(self) -> bool:
        return self.stack.currentWidget() is self.signin

    # -- idle lock -----------------------------------------------------------------
    def restart_idle(self) -> None:
        minutes = self.prefs.idle_lock_minutes
        if minutes and not self.locked:
            self.idle_timer.start(minutes * 60_000)
        else:
            self.idle_timer.stop()

    def _idle(self) -> None:
        if QApplication.activeModalWidget() is not None or self.session.tasks.busy:
            self.restart_idle()  # never lock over an operation in progress
            return
        self.lock()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self.idle_timer.isActive():
            self.restart_idle()
        return False

    # -- scanners ----------------------------------------------------------------------
    def install_wedge(self, factory: Callable[[MainWindow], WedgeFilter]) -> None:
        """Take keyboard-wedge scans from anywhere on the counter screen (made again by
        ``factory`` when the scanner settings change)."""
        self.wedge_factory = factory
        if self.wedge is not None:
            QApplication.instance().removeEventFilter(self.wedge)
            self.wedge.deleteLater()
        self.wedge = wedge = factory(self)
        wedge.scanned.connect(self._scanned)
        wedge.scan_refused.connect(
            lambda _scan: self.statusBar().showMessage(
                self.tr("扫码未使用:请先完成或取消当前对话框"), 5000
            )
        )
        app = QApplication.instance()
        app.installEventFilter(wedge)
        # The last filter installed runs first: the window's idle-lock filter sees every key
        # before the wedge filter holds it (a held key is still the cashier at work).
        app.removeEventFilter(self)
        app.installEventFilter(self)

    def counter_active(self) -> bool:
        """Scans count while the counter screen is up (its dialogs included)."""
        return (
            not self.locked
            and self.session.actor is not None
            and (self.isActiveWindow() or QApplication.activeModalWidget() is not None)
        )

    def _scanned(self, text: str) -> None:
        self.counter.scan(text)
        self.restart_idle()

    def _serial_scan(self, text: str) -> None:
        """A serial scanner's code: like a wedge scan, for the counter (or the open cart)."""
        if not self.counter_active():
            return
        dialog = QApplication.activeModalWidget()
        take = getattr(dialog, "take_scan", None)
        if callable(take):  # the cart: goods and members' cards are scanned into it
            take(text)
            self.restart_idle()
            return
        if dialog is not None:
            self.statusBar().showMessage(self.tr("扫码未使用:请先完成或取消当前对话框"), 5000)
            return
        self._scanned(text)

    def _scanner_changed(self, state: str, detail: str) -> None:
        if state != "connected":
            self.statusBar().showMessage(
                self.tr("扫描枪:{0} {1}").format(state, detail).strip(), 10_000
            )

    # -- printer ---------------------------------------------------------------------
    def _printer_changed(self, online: bool, detail: str) -> None:
        self.printer_state = (online, detail)
        self.refresh_status()

    def _job_changed(self, job: PrintJob) -> None:
        if job.state == "failed":
            self.statusBar().showMessage(
                self.tr("小票打印失败:{0}(可在设置中重试)").format(job.last_error or ""), 15_000
            )
        self.refresh_status()

    # -- the manager's day (F10) -----------------------------------------------------
    def open_manager(self) -> None:
        if self.session.actor is None:
            return
        from ui.manager.menu import ManagerMenu  # charts and spreadsheets: loaded at first use

        ManagerMenu.ask(self, self.session)
        self.counter.shift_banner.refresh()
        self.refresh_status()
        self.counter.focus_scan()

    # -- settings and language -------------------------------------------------------
    def open_settings(self) -> None:
        from app.services.security import Role  # not before sign-in: the screen starts first

        actor = self.session.actor
        if actor is None or actor.role not in (Role.MANAGER, Role.ADMIN):
            self.counter.say(self.tr("只有店长或管理员可以修改设置"), error=True)
            return
        language = self.prefs.language
        from ui.dialogs.settings import SettingsDialog

        dialog = SettingsDialog.ask(self, self.session, self.prefs)
        if dialog is not None:
            if dialog.saved_devices:
                self.session.devices.reload()
                if self.wedge_factory is not None:
                    self.install_wedge(self.wedge_factory)
            if self.prefs.language != language:
                i18n.install(QApplication.instance(), self.prefs.language)
                self.build()
            self.restart_idle()
            self.refresh_status()
            self.counter.say(self.tr("设置已保存"))

    # -- status bar ----------------------------------------------------------------
    def refresh_status(self) -> None:
        store, actor = self.session.store, self.session.actor
        if store is not None:
            self.status_labels["store"].setText(f"{store.name}({store.code})")
        from app.services.security import Role  # not before sign-in: the screen starts first

        office = {
            Role.MARKETING: self.tr("运营 {0}"),
            Role.SERVICE: self.tr("客服 {0}"),
            Role.FINANCE: self.tr("财务 {0}"),
        }
        self.status_labels["cashier"].setText(
            office.get(actor.role, self.tr("收银员 {0}")).format(actor.name)
            if actor
            else self.tr("未登录")
        )
        self._show_date()
        session = self.session

        def read() -> CounterStatus:  # on the database worker, where the counter opens first
            from app.services.counter_info import counter_status

            return counter_status(session.ctx)

        Op(session.tasks, read, owner=self).success(self._status).failure(
            lambda exc: self.status_labels["sync"].setText(describe(exc))
        ).run()

    def _show_date(self) -> None:
        """The business date operations go into; the calendar's beside it when they differ
        (before the day's start time, and after the daily close until the next date starts)."""
        label, day = self.status_labels["date"], self.session.business_day
        text = self.tr("营业日 {0}").format(self.session.today().isoformat())
        differs = day is not None and day.differs
        if day is not None and differs:
            # Month and day only: it fits beside the sync and printer states at 1024 px.
            text = self.tr("营业日 {0}(日历 {1})").format(
                f"{day.business_date:%m-%d}", f"{day.calendar_date:%m-%d}"
            )
        label.setText(text)
        tip = self.tr("营业日 {0}:从 {1} 开始;日结后的业务记入下一营业日")
        label.setToolTip(
            tip.format(day.business_date.isoformat(), f"{day.day_start:%H:%M}") if day else ""
        )
        if label.property("role") != ("tag" if differs else None):
            label.setProperty("role", "tag" if differs else None)
            label.style().polish(label)

    def _status(self, status: CounterStatus) -> None:
        self.session.business_day = status.day
        self._show_date()
        self.storage_banner.free_space(status.free_bytes)
        low = low_space_text(status.free_bytes)
        self.status_labels["disk"].setText(low)
        self.status_labels["disk"].setVisible(bool(low))
        self.status_labels["sync"].setText(self._sync_text(status.pending_events))
        self.status_labels["printer"].setText(self._printer_text(status))
        state = self.printer_state  # down, or up but unconfirmed: the reason as the tooltip
        self.status_labels["printer"].setToolTip((state[1] or "") if state else "")

    def _sync_text(self, pending: int) -> str:
        s = self.sync_status
        if s is None or not s.enrolled:
            return self.tr("未连接总部 · 待上传 {0} 条").format(pending)
        if s.online:
            when = (
                self.session.local(s.last_success_at).strftime("%H:%M")
                if s.last_success_at
                else "—"
            )
            return self.tr("总部在线 · 待上传 {0} 条 · 上次同步 {1}").format(pending, when)
        return self.tr("总部离线,恢复后自动上传 · 待上传 {0} 条").format(pending)

    def _sync_changed(self, status: SyncStatus) -> None:
        self.sync_status = status
        self.status_labels["sync"].setText(self._sync_text(status.pending))

    def _operation_done(self, _text: str, _result: object) -> None:
        self.storage_banner.committed()
        self.session.sync.trigger()  # send it to HQ now rather than at the next round
        self.refresh_status()

    def open_about(self) -> None:
        from ui.dialogs.about import AboutDialog

        AboutDialog.ask(self, self.session)

    def open_sync(self) -> None:
        from ui.dialogs.sync_status import SyncDialog

        SyncDialog.ask(self, self.session)
        self.refresh_status()

    def _printer_text(self, status: CounterStatus) -> str:
        if not status.printer_configured:
            return self.tr("打印机:未设置(屏幕显示小票)")
        if self.printer_state is None:
            text = self.tr("打印机:{0}").format(status.printer_address)
        elif self.printer_state[0] and self.printer_state[1]:
            # It took the job and cannot say it printed (a Windows printer, a file, or
            # confirmation off): never called 正常; the whole reason is the tooltip.
            text = self.tr("打印机:已送出,无法确认")
        elif self.printer_state[0]:
            text = self.tr("打印机:正常")
        else:
            # What went wrong in a few words (the whole reason is the label's tooltip): the
            # status bar shares its width with the store, the business date and the sync.
            reason = re.split("[:：]", self.printer_state[1] or "", maxsplit=1)[0].strip()
            reason = reason.removeprefix("打印机").removeprefix("The printer ")
            text = self.tr("打印机:{0}").format(reason or self.tr("离线"))
        if status.jobs_waiting:
            text += self.tr(" · 待打印 {0} 张").format(status.jobs_waiting)
        if status.jobs_failed:
            text += self.tr(" · 失败 {0} 张").format(status.jobs_failed)
        return text

    def show_error(self, exc: BaseException) -> None:
        text = describe(exc)
        if self._counter is not None and self.stack.currentWidget() is self._counter:
            self._counter.say(text, error=True)
        else:
            self.statusBar().showMessage(text, 10_000)

    def closeEvent(self, event: QEvent) -> None:
        # An operation being committed finishes before the window goes (it takes ms).
        self.session.tasks.drain()
        QApplication.instance().removeEventFilter(self)
        if self.wedge is not None:
            QApplication.instance().removeEventFilter(self.wedge)
        self.status_timer.stop()
        super().closeEvent(event)
