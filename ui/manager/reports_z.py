"""X report (mid-shift), daily close (日结) with the Z report, and reprint of a closed date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.receipt import render_text
from app.services.closing import close_day, z_report
from app.services.counter_info import business_day_now
from app.services.receipts import report_receipt
from app.services.reports import export_report
from app.services.shifts import x_report
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.errors import describe
from ui.manager.common import ReportText, print_or_show, x_rows, z_rows
from ui.ops import Op
from ui.session import Session

SCREEN_COLUMNS = 48


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class ReportDialog(QDialog):
    """A report on screen (as it would print) with a print button; loads it off the UI thread."""

    def __init__(self, session: Session, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.title = title
        self.report: dict[str, Any] | None = None
        self.setWindowTitle(title)
        self.setModal(True)
        self.resize(620, 760)
        self.outer = QVBoxLayout(self)
        self.top = QHBoxLayout()
        self.outer.addLayout(self.top)
        self.text = ReportText(self)
        self.outer.addWidget(self.text, 1)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.outer.addWidget(self.state)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.print_button = QPushButton(self.tr("打印 (F9)"), self)
        self.print_button.setShortcut("F9")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_report)
        self.print_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("关闭 (Esc)"), self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        self.outer.addLayout(buttons)

    def rows(self, report: dict[str, Any]) -> list[Any]:
        raise NotImplementedError

    def heading(self) -> str:
        return self.title

    def load(self, fn: Any) -> None:
        self.state.setText(self.tr("正在读取…"))
        self.print_button.setEnabled(False)
        Op(self.session.tasks, fn, owner=self, read=True).success(self.show_report).failure(
            self.failed
        ).run()

    def failed(self, exc: BaseException) -> None:
        self.state.setProperty("role", "error")
        self.state.style().polish(self.state)
        self.state.setText(describe(exc))

    def show_report(self, report: dict[str, Any]) -> None:
        self.report = report
        self.state.setProperty("role", "")
        self.state.style().polish(self.state)
        self.state.setText("")
        store = self.session.store.name if self.session.store else None
        doc = report_receipt(self.heading(), self.rows(report), store_name=store)
        self.text.show_lines(render_text(doc, SCREEN_COLUMNS))
        self.print_button.setEnabled(True)

    def print_report(self) -> None:
        if self.report is None:
            return
        self.print_button.setEnabled(False)
        print_or_show(self.session, self, self.heading(), self.rows(self.report), self._printed)

    def _printed(self, _lines: list[str], queued: bool) -> None:
        self.print_button.setEnabled(True)
        self.state.setText(
            self.tr("已送打印机") if queued else self.tr("未设置打印机:报表显示在屏幕上")
        )


class XReportDialog(ReportDialog):
    """X 报表: the unfinished shifts' figures so far, with their expected cash. Reads only."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("X 报表(交班前)"), parent)
        self.top.addWidget(caption(self.tr("未交班班次的当前数据,不改变任何记录"), self))
        ctx, actor = session.ctx, session.cashier
        self.load(lambda: x_report(ctx, actor))

    def rows(self, report: dict[str, Any]) -> list[Any]:
        store = self.session.store
        return x_rows(report, store.timezone if store else "Asia/Shanghai")

    @classmethod
    def ask(cls, parent: QWidget | None, session: Session) -> None:
        run_modal(cls(session, parent))


class ZReportDialog(ReportDialog):
    """Z 报表 of any date: the stored report of a closed date (reprint), else a preview."""

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        day: dt.date | None = None,
        export_path: Path | None = None,
    ) -> None:
        super().__init__(session, self.tr("Z 报表 / 重打日结单"), parent)
        self.export_path = export_path  # tests give the file the save dialog would ask for
        self.top.addWidget(QLabel(self.tr("营业日"), self))
        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(qdate(day or session.report_day()))
        self.date.dateChanged.connect(lambda _d: self.reload())
        self.top.addWidget(self.date)
        self.top.addStretch(1)
        self.export_button = QPushButton(self.tr("导出 Excel/CSV"), self)
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.export)
        self.top.addWidget(self.export_button)
        self.reload()

    def export(self) -> None:
        report = self.report
        if report is None:
            return
        path = self.export_path
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("导出 Z 报表"),
                f"z-{report['business_date']}.xlsx",
                self.tr("Excel 文件 (*.xlsx);;CSV 文件 (*.csv)"),
            )
            if not name:
                return
            path = Path(name)
        Op(self.session.tasks, lambda: export_report(report, path), owner=self).success(
            lambda p: self.state.setText(self.tr("已导出到 {0}").format(p))
        ).failure(self.failed).run()

    def heading(self) -> str:
        if self.report is not None and self.report.get("closed"):
            return self.tr("日结报表 Z")
        return self.tr("日结报表 Z(预览)")

    def reload(self) -> None:
        ctx, actor, day = self.session.ctx, self.session.cashier, pydate(self.date.date())
        self.load(lambda: z_report(ctx, actor, day))

    def rows(self, report: dict[str, Any]) -> list[Any]:
        return z_rows(report)

    @classmethod
    def ask(cls, parent: QWidget | None, session: Session, day: dt.date | None = None) -> None:
        run_modal(cls(session, parent, day))


class DayCloseDialog(OpDialog):
    """日结: the Z report preview of the current business date (read with it on the database
    worker), Enter closes the date; then the stored report. Just after a close, until the next
    date starts, it shows the stored report of the date closed."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("日结"), parent)
        self.setMinimumWidth(640)
        self.resize(660, 800)
        self.day = session.today()
        self.preview: dict[str, Any] | None = None
        self.stored: dict[str, Any] | None = None
        self.intro = self.tr("营业日 {0}:核对 Z 报表后按 Enter 日结,日结后该日不能再记入任何业务")
        self.head = QLabel(self.intro.format(self.day.isoformat()), self)
        self.head.setWordWrap(True)
        self.body.addWidget(self.head)
        self.text = ReportText(self)
        self.text.setMinimumHeight(520)
        self.body.addWidget(self.text, 1)
        self.print_state = caption("", self)
        self.body.addWidget(self.print_state)
        self.confirm_button.setText(self.tr("确认日结 (Enter)"))
        self.loading = True
        self.revalidate()
        ctx, actor = session.ctx, session.cashier

        def preview() -> dict[str, Any]:
            now = business_day_now(ctx)
            # Just after a close, before the next date has started: the date closed last.
            return z_report(ctx, actor, now.business_date if now.started else now.clock_date)

        Op(session.tasks, preview, owner=self, read=True).success(self._previewed).failure(
            self._preview_failed
        ).run()

    def _show(self, report: dict[str, Any], title: str) -> None:
        store = self.session.store.name if self.session.store else None
        doc = report_receipt(title, z_rows(report), store_name=store)
        self.text.show_lines(render_text(doc, SCREEN_COLUMNS))

    def _previewed(self, report: dict[str, Any]) -> None:
        self.loading = False
        self.day = dt.date.fromisoformat(report["business_date"])
        self.head.setText(self.intro.format(self.day.isoformat()))
        if report.get("closed"):
            self._closed(report, already=True)
            return
        self.preview = report
        self._show(report, self.tr("日结报表 Z(预览)"))
        self.revalidate()

    def _preview_failed(self, exc: BaseException) -> None:
        self.loading = False
        self.error.setText(describe(exc))

    def problem(self) -> str | None:
        if self.stored is not None:
            return None
        if self.loading:
            return self.tr("正在计算 Z 报表…")
        if self.preview is None:
            return self.tr("无法生成 Z 报表")
        return None

    def perform(self) -> None:
        if self.stored is not None:
            self.accept()
            return
        ctx, actor, day = self.session.ctx, self.session.cashier, self.day
        self.run(lambda: close_day(ctx, actor, day), self._closed)

    def _closed(self, report: dict[str, Any], already: bool = False) -> None:
        self.stored = report
        self.result_value = None
        self.error.clear()
        title = self.tr("日结报表 Z")
        self._show(report, title)
        self.head.setText(
            self.tr("营业日 {0} 已日结(之前已完成)").format(self.day.isoformat())
            if already
            else self.tr("营业日 {0} 日结完成,报表已保存,可随时重打").format(self.day.isoformat())
        )
        self.head.setProperty("role", "title")
        self.head.style().polish(self.head)
        self.confirm_button.setText(self.tr("完成 (Enter)"))
        self.cancel_button.hide()
        self.revalidate()
        if not already:
            print_or_show(self.session, self, title, z_rows(report), self._printed)

    def _printed(self, _lines: list[str], queued: bool) -> None:
        self.print_state.setText(
            self.tr("日结单已送打印机") if queued else self.tr("未设置打印机:日结单显示在屏幕上")
        )

    def accept(self) -> None:
        if self.stored is not None:
            self.result_value = self.stored
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, session: Session) -> dict[str, Any] | None:
        dialog = cls(session, parent)
        run_modal(dialog)
        return dialog.stored if dialog.stored and dialog.stored.get("closed") else None
