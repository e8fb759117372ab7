"""Settings (managers and admins): this counter's language, idle lock, printer, scanners,
customer display and receipt text; the store's details and business-day start. Device and
business-day settings are audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import CounterError
from app.ports import PrintUnconfirmedError
from app.services.printer_check import GARBLED, NOT_PRINTED, OK, record_test_page
from app.services.printing import FAILED, job_counts, list_jobs, retry
from app.services.settings import (
    ENCODINGS,
    PAPER_WIDTHS,
    BusinessDaySettings,
    DisplaySettings,
    PrinterSettings,
    ReceiptTemplate,
    ScannerSettings,
    business_day_settings,
    display_settings,
    printer_settings,
    receipt_template,
    scanner_settings,
    set_business_day_settings,
    set_display_settings,
    set_printer_settings,
    set_receipt_template,
    set_scanner_settings,
)
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.errors import describe
from ui.i18n import LANGUAGES
from ui.ops import Op
from ui.prefs import Prefs
from ui.session import Session

ADDRESS_HELP = (
    "usb:0x0416:0x5011 · serial:/dev/ttyUSB0?baudrate=9600\n"
    "tcp:192.168.1.50:9100 · win:XP-80C · file:/path/receipt.bin"
)


@dataclass(frozen=True)
class DeviceSettings:
    printer: PrinterSettings
    scanner: ScannerSettings
    display: DisplaySettings
    receipt: ReceiptTemplate
    business_day: BusinessDaySettings
    failed_jobs: int


def load_device_settings(session: Session) -> DeviceSettings:
    ctx = session.ctx
    return DeviceSettings(
        printer=printer_settings(ctx),
        scanner=scanner_settings(ctx),
        display=display_settings(ctx),
        receipt=receipt_template(ctx),
        business_day=business_day_settings(ctx),
        failed_jobs=job_counts(ctx).get(FAILED, 0),
    )


def _form(parent: QWidget) -> tuple[QWidget, QFormLayout]:
    page = QWidget(parent)
    return page, QFormLayout(page)


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())


class SettingsDialog(OpDialog):
    commits_from_last_only = True  # it opens filled in: Enter walks the tab, saves from its end

    def __init__(self, session: Session, prefs: Prefs, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("设置"), parent)
        self.setMinimumWidth(640)
        self.prefs = prefs
        self.loaded: DeviceSettings | None = None
        self.tabs = QTabWidget(self)
        self.body.addWidget(self.tabs)
        self._counter_tab()
        self._printer_tab()
        self._scanner_tab()
        self._receipt_tab()
        self._store_tab()
        self.confirm_button.setText(self.tr("保存 (Enter)"))
        self.saved_devices = False
        Op(session.tasks, lambda: load_device_settings(session), owner=self).success(
            self._loaded
        ).failure(lambda exc: self.error.setText(describe(exc))).run()
        self.revalidate()
        self.language.setFocus()

    # -- tabs ------------------------------------------------------------------------
    def _counter_tab(self) -> None:
        page, form = _form(self)
        self.language = QComboBox(page)
        self.language.setObjectName("language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(LANGUAGES).index(self.prefs.language))
        form.addRow(self.tr("界面语言 / Language"), self.language)
        self.idle = QSpinBox(page)
        self.idle.setObjectName("idleLock")
        self.idle.setRange(0, 120)
        self.idle.setSuffix(self.tr(" 分钟"))
        self.idle.setSpecialValueText(self.tr("不自动锁屏"))
        self.idle.setValue(self.prefs.idle_lock_minutes)
        form.addRow(self.tr("无操作自动锁屏"), self.idle)
        form.addRow(caption(self.tr("语言和锁屏只对这台收银机有效,下次启动仍然有效。"), page))
        self.tabs.addTab(page, self.tr("本机"))

    def _printer_tab(self) -> None:
        page, form = _form(self)
        self.printer_enabled = QCheckBox(self.tr("使用小票打印机"), page)
        form.addRow(self.printer_enabled)
        self.printer_address = QLineEdit(page)
        self.printer_address.setPlaceholderText("tcp:192.168.1.50:9100")
        form.addRow(self.tr("打印机地址"), self.printer_address)
        form.addRow(caption(ADDRESS_HELP, page))
        self.encoding = QComboBox(page)
        self.encoding.addItems(list(ENCODINGS))
        form.addRow(self.tr("中文编码"), self.encoding)
        self.paper_width = QComboBox(page)
        for mm in PAPER_WIDTHS:
            self.paper_width.addItem(self.tr("{0} 毫米").format(mm), mm)
        form.addRow(self.tr("纸宽"), self.paper_width)
        self.profile = QLineEdit(page)
        self.profile.setPlaceholderText("default / TM-T88V / ...")
        form.addRow(self.tr("型号配置"), self.profile)
        self.cut = QCheckBox(self.tr("打印后切纸"), page)
        self.drawer = QCheckBox(self.tr("现金收款时弹开钱箱"), page)
        self.check_paper = QCheckBox(self.tr("打印前检查缺纸"), page)
        self.confirm_print = QCheckBox(self.tr("等打印机确认已打印(不能应答的型号请关闭)"), page)
        for box in (self.cut, self.drawer, self.check_paper, self.confirm_print):
            form.addRow(box)
        buttons = QHBoxLayout()
        self.test_button = QPushButton(self.tr("打印测试页"), page)
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self._test_page)
        self.retry_button = QPushButton(self.tr("重打失败的小票"), page)
        self.retry_button.setAutoDefault(False)
        self.retry_button.clicked.connect(self._retry_failed)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.printer_note = caption("", page)
        form.addRow(self.printer_note)
        form.addRow(self._test_answer_row(page))
        self.tabs.addTab(page, self.tr("打印机"))

    def _test_answer_row(self, page: QWidget) -> QWidget:
        """What the person saw on the test page: asked once it went out, recorded."""
        row = QWidget(page)
        row.setObjectName("testPageAnswer")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("测试页打出来了吗?"), row))
        self.answer_buttons: dict[str, QPushButton] = {}
        for answer, words in (
            (OK, self.tr("打印正常")),
            (NOT_PRINTED, self.tr("未打印")),
            (GARBLED, self.tr("乱码或缺字")),
        ):
            button = QPushButton(words, row)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, a=answer: self._answer_test_page(a))
            layout.addWidget(button)
            self.answer_buttons[answer] = button
        layout.addStretch(1)
        row.hide()
        self.test_answer = row
        self.tested: tuple[PrinterSettings, bool] | None = None  # what is being asked about
        return row

    def _scanner_tab(self) -> None:
        page, form = _form(self)
        self.serial_port = QComboBox(page)
        self.serial_port.setEditable(True)
        self.serial_port.addItem(self.tr("无(只用键盘口扫描枪)"), "")
        for port, description in self.session.devices.serial_ports():
            self.serial_port.addItem(f"{port}  {description}", port)
        form.addRow(self.tr("串口扫描枪"), self.serial_port)
        self.scanner_baud = QSpinBox(page)
        self.scanner_baud.setRange(1200, 115200)
        form.addRow(self.tr("波特率"), self.scanner_baud)
        self.max_gap = QSpinBox(page)
        self.max_gap.setRange(5, 500)
        self.max_gap.setSuffix(" ms")
        form.addRow(self.tr("扫码按键最大间隔"), self.max_gap)
        self.min_length = QSpinBox(page)
        self.min_length.setRange(1, 64)
        form.addRow(self.tr("最短扫码长度"), self.min_length)
        self.prefix = QLineEdit(page)
        self.prefix.setMaxLength(8)
        self.suffix = QLineEdit(page)
        self.suffix.setMaxLength(8)
        form.addRow(self.tr("前缀"), self.prefix)
        form.addRow(self.tr("后缀"), self.suffix)
        self.display_enabled = QCheckBox(self.tr("使用顾客显示屏(客显)"), page)
        form.addRow(self.display_enabled)
        self.display_address = QLineEdit(page)
        self.display_address.setPlaceholderText("/dev/ttyUSB1 · COM3")
        form.addRow(self.tr("客显串口"), self.display_address)
        self.display_baud = QSpinBox(page)
        self.display_baud.setRange(1200, 115200)
        form.addRow(self.tr("客显波特率"), self.display_baud)
        self.tabs.addTab(page, self.tr("扫描枪和客显"))

    def _receipt_tab(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("小票抬头(每行一条)"), page))
        self.header = QPlainTextEdit(page)
        layout.addWidget(self.header)
        layout.addWidget(QLabel(self.tr("小票结尾(每行一条)"), page))
        self.footer = QPlainTextEdit(page)
        layout.addWidget(self.footer)
        form = QFormLayout()
        self.counter_name = QLineEdit(page)
        self.counter_name.setMaxLength(32)
        self.counter_name.setPlaceholderText(self.tr("如 1 号收银台"))
        form.addRow(self.tr("收银台名称"), self.counter_name)
        self.logo = QCheckBox(self.tr("打印店标(打印机内存中的图片或下面的图片文件)"), page)
        form.addRow(self.logo)
        self.logo_path = QLineEdit(page)
        form.addRow(self.tr("店标图片"), self.logo_path)
        layout.addLayout(form)
        self.tabs.addTab(page, self.tr("小票内容"))

    def _store_tab(self) -> None:
        page, form = _form(self)
        store = self.session.store
        if store is not None:
            form.addRow(self.tr("门店名称"), QLabel(store.name, page))
            form.addRow(self.tr("门店编码"), QLabel(store.code, page))
            form.addRow(self.tr("时区"), QLabel(store.timezone, page))
            form.addRow(self.tr("本机编号"), QLabel(store.device_id, page))
        self.day_start = QLineEdit(page)
        self.day_start.setObjectName("dayStart")
        self.day_start.setMaxLength(5)
        self.day_start.setPlaceholderText("04:00")
        self.day_start.textChanged.connect(lambda _t: self.revalidate())
        form.addRow(self.tr("营业日切换时间"), self.day_start)
        form.addRow(
            caption(
                self.tr(
                    "此时间之前的业务记入前一营业日(如 04:00:凌晨 1:30 的消费属于前一天)。"
                    "日结后的业务立即记入下一营业日。"
                ),
                page,
            )
        )
        self.tabs.addTab(page, self.tr("门店"))

    # -- values ----------------------------------------------------------------------
    def _loaded(self, s: DeviceSettings) -> None:
        self.loaded = s
        p = s.printer
        self.printer_enabled.setChecked(p.enabled)
        self.printer_address.setText(p.address)
        self.encoding.setCurrentText(p.encoding)
        self.paper_width.setCurrentIndex(max(0, self.paper_width.findData(p.width)))
        self.profile.setText(p.profile)
        self.cut.setChecked(p.cut)
        self.drawer.setChecked(p.drawer_kick_on_cash)
        self.check_paper.setChecked(p.check_paper)
        self.confirm_print.setChecked(p.confirm_print)
        self.retry_button.setEnabled(s.failed_jobs > 0)
        self.printer_note.setText(
            self.tr("有 {0} 张小票打印失败").format(s.failed_jobs) if s.failed_jobs else ""
        )
        sc = s.scanner
        index = self.serial_port.findData(sc.serial_port)
        if index < 0:
            self.serial_port.addItem(sc.serial_port, sc.serial_port)
            index = self.serial_port.count() - 1
        self.serial_port.setCurrentIndex(index)
        self.scanner_baud.setValue(sc.baudrate)
        self.max_gap.setValue(sc.max_gap_ms)
        self.min_length.setValue(sc.min_length)
        self.prefix.setText(sc.prefix)
        self.suffix.setText(sc.suffix)
        d = s.display
        self.display_enabled.setChecked(d.enabled)
        self.display_address.setText(d.address)
        self.display_baud.setValue(d.baudrate)
        r = s.receipt
        self.header.setPlainText("\n".join(r.header_lines))
        self.footer.setPlainText("\n".join(r.footer_lines))
        self.counter_name.setText(r.counter_name)
        self.logo.setChecked(r.logo)
        self.logo_path.setText(r.logo_path)
        self.day_start.setText(s.business_day.day_start)
        self.revalidate()

    def printer(self) -> PrinterSettings:
        return PrinterSettings(
            address=self.printer_address.text().strip(),
            encoding=self.encoding.currentText(),
            width=int(self.paper_width.currentData()),
            profile=self.profile.text().strip() or "default",
            cut=self.cut.isChecked(),
            drawer_kick_on_cash=self.drawer.isChecked(),
            enabled=self.printer_enabled.isChecked(),
            check_paper=self.check_paper.isChecked(),
            confirm_print=self.confirm_print.isChecked(),
        )

    def scanner(self) -> ScannerSettings:
        port = self.serial_port.currentData()
        if port is None or self.serial_port.currentText() != self.serial_port.itemText(
            self.serial_port.currentIndex()
        ):
            port = self.serial_port.currentText().split("  ")[0].strip()
        return ScannerSettings(
            serial_port=port or "",
            baudrate=self.scanner_baud.value(),
            prefix=self.prefix.text(),
            suffix=self.suffix.text(),
            max_gap_ms=self.max_gap.value(),
            min_length=self.min_length.value(),
        )

    def display(self) -> DisplaySettings:
        return DisplaySettings(
            address=self.display_address.text().strip(),
            baudrate=self.display_baud.value(),
            enabled=self.display_enabled.isChecked(),
        )

    def receipt(self) -> ReceiptTemplate:
        return ReceiptTemplate(
            header_lines=_lines(self.header),
            footer_lines=_lines(self.footer),
            logo=self.logo.isChecked(),
            logo_path=self.logo_path.text().strip(),
            counter_name=self.counter_name.text().strip(),
        )

    def business_day(self) -> BusinessDaySettings:
        return BusinessDaySettings(day_start=self.day_start.text().strip())

    def problem(self) -> str | None:
        if self.loaded is None:
            return self.tr("正在读取设置…")
        for make in (self.printer, self.scanner, self.display, self.receipt, self.business_day):
            try:
                make().checked()
            except CounterError as exc:
                return exc.message
        if self.printer_enabled.isChecked() and not self.printer_address.text().strip():
            return self.tr("请填写打印机地址")
        return None

    def changed_devices(self) -> list[tuple[Any, Any]]:
        """(setter, value) for each device setting that differs from what was loaded."""
        assert self.loaded is not None
        pairs = (
            # First: the one that can be refused by the database's state (see its setter).
            (set_business_day_settings, self.business_day().checked(), self.loaded.business_day),
            (set_printer_settings, self.printer().checked(), self.loaded.printer),
            (set_scanner_settings, self.scanner().checked(), self.loaded.scanner),
            (set_display_settings, self.display().checked(), self.loaded.display),
            (set_receipt_template, self.receipt().checked(), self.loaded.receipt),
        )
        return [(setter, value) for setter, value, old in pairs if value != old]

    # -- actions ---------------------------------------------------------------------
    def _test_page(self) -> None:
        test_page = self.session.devices.test_page
        if test_page is None:
            self.printer_note.setText(self.tr("此版本没有打印机驱动"))
            return
        try:
            settings = self.printer().checked()
        except CounterError as exc:
            self.printer_note.setText(exc.message)
            return
        if not settings.address:
            self.printer_note.setText(self.tr("请填写打印机地址"))
            return
        self.test_button.setEnabled(False)
        self.test_answer.hide()
        self.printer_note.setText(self.tr("正在打印测试页…"))

        def sent(result: tuple[bool, str]) -> None:
            confirmed, words = result
            self.printer_note.setText(words)
            self._ask_test_page(settings, confirmed)

        def failed(exc: BaseException) -> None:
            self.printer_note.setText(describe(exc))
            if isinstance(exc, PrintUnconfirmedError):  # its bytes went out: it may have printed
                self._ask_test_page(settings, False)

        Op(self.session.tasks, lambda: test_page(settings), owner=self, io=True).success(
            sent
        ).failure(failed).finally_(lambda: self.test_button.setEnabled(True)).run()

    def _ask_test_page(self, settings: PrinterSettings, confirmed: bool) -> None:
        self.tested = (settings, confirmed)
        self.test_answer.show()
        self.answer_buttons[OK].setFocus()
        # Below the fold at 1024×768: scrolled into view once the dialog has grown for it
        # (its scroll area resizes on a posted event).
        QTimer.singleShot(150, self, self._show_test_answer)

    def _show_test_answer(self) -> None:
        area = self.test_answer.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None and self.test_answer.isVisible():
            area.ensureWidgetVisible(self.test_answer)

    def _answer_test_page(self, answer: str) -> None:
        if self.tested is None:
            return
        settings, confirmed = self.tested
        ctx, actor = self.session.ctx, self.session.cashier
        advice = {
            OK: self.tr("已记录:测试页打印正常({0})。如有改动请保存").format(settings.encoding),
            NOT_PRINTED: self.tr(
                "已记录:测试页未打印。请检查打印机电源、纸卷和地址,再打一次测试页"
            ),
            GARBLED: self.tr(
                "已记录:测试页乱码或缺字({0})。请选用测试页上中文正常的那一行所写的编码,"
                "再打一次测试页"
            ).format(settings.encoding),
        }[answer]
        if answer == NOT_PRINTED and confirmed:
            advice += self.tr("(打印机回答了已打印:可能没有纸卷或打印头故障)")

        def recorded(_result: object) -> None:
            self.tested = None
            self.test_answer.hide()
            self.printer_note.setText(advice)
            self.test_button.setFocus()

        Op(
            self.session.tasks,
            lambda: record_test_page(ctx, actor, settings, answer, printer_confirmed=confirmed),
            owner=self,
        ).success(recorded).failure(lambda exc: self.printer_note.setText(describe(exc))).run()

    def _retry_failed(self) -> None:
        ctx = self.session.ctx

        def work() -> int:
            jobs = list_jobs(ctx, states=(FAILED,), limit=1000)
            for job in jobs:
                retry(ctx, job.id)
            return len(jobs)

        def done(count: int) -> None:
            self.session.devices.wake_printer()
            self.retry_button.setEnabled(False)
            self.printer_note.setText(self.tr("已重新排队 {0} 张小票").format(count))

        Op(self.session.tasks, work, owner=self).success(done).failure(
            lambda exc: self.printer_note.setText(describe(exc))
        ).run()

    def perform(self) -> None:
        ctx, actor = self.session.ctx, self.session.cashier
        changes = self.changed_devices()

        def work() -> bool:
            for setter, value in changes:
                setter(ctx, actor, value)
            return any(setter is not set_business_day_settings for setter, _ in changes)

        def saved(devices_changed: bool) -> None:
            self.prefs.language = self.language.currentData()
            self.prefs.idle_lock_minutes = self.idle.value()
            self.saved_devices = devices_changed
            self.accept()

        self.run(work, saved)

    @classmethod
    def ask(cls, parent: QWidget, session: Session, prefs: Prefs) -> SettingsDialog | None:
        dialog = cls(session, prefs, parent)
        return dialog if run_modal(dialog) else None
