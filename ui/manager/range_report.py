"""Range reports (经营报表) with charts, export to .xlsx/.csv; member export."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_cny
from app.services.exporting import export_members
from app.services.reports import DEFAULT_CHURN_DAYS, export_range_report, range_report
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.errors import describe
from ui.manager.reports_z import pydate, qdate
from ui.models import RowsModel
from ui.ops import Op
from ui.session import Session
from ui.theme import ACCENT

DEFAULT_DAYS = 30


class CashiersModel(RowsModel[dict[str, Any]]):
    """Per-cashier figures of the range."""

    class Col(IntEnum):
        STAFF = 0
        SALES = 1
        SALES_FEN = 2
        REFUNDS_FEN = 3
        TOPUPS_FEN = 4
        MEMBERS = 5
        SHIFTS = 6
        OVER_SHORT = 7

    NUMERIC = frozenset(set(Col) - {Col.STAFF})

    def header(self, col: Col) -> str:
        return {
            self.Col.STAFF: QCoreApplication.translate("reports", "收银员"),
            self.Col.SALES: QCoreApplication.translate("reports", "消费笔数"),
            self.Col.SALES_FEN: QCoreApplication.translate("reports", "消费金额"),
            self.Col.REFUNDS_FEN: QCoreApplication.translate("reports", "退款金额"),
            self.Col.TOPUPS_FEN: QCoreApplication.translate("reports", "充值金额"),
            self.Col.MEMBERS: QCoreApplication.translate("reports", "登记会员"),
            self.Col.SHIFTS: QCoreApplication.translate("reports", "班次"),
            self.Col.OVER_SHORT: QCoreApplication.translate("reports", "长短款"),
        }[col]

    def text(self, row: dict[str, Any], col: Col) -> str:
        return {
            self.Col.STAFF: f"{row['staff_no']} {row['staff_name']}",
            self.Col.SALES: str(row["sales_count"]),
            self.Col.SALES_FEN: format_cny(row["sales_fen"]),
            self.Col.REFUNDS_FEN: format_cny(row["refunds_fen"]),
            self.Col.TOPUPS_FEN: format_cny(row["topups_fen"]),
            self.Col.MEMBERS: str(row["members_registered"]),
            self.Col.SHIFTS: str(row["shifts"]),
            self.Col.OVER_SHORT: format_cny(row["over_short_fen"]),
        }[col]


def _chart_view(chart: QChart, parent: QWidget) -> QChartView:
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    view = QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(300)
    return view


def day_labels(dates: list[str], most: int = 16) -> list[str]:
    """A chart's day labels (MM-DD): every k-th day back from the last one named, so that
    at most ``most`` are; the others blank (zero-width spaces, each a different count:
    categories are unique)."""
    step = max(1, -(-len(dates) // most))
    last = len(dates) - 1
    return [d[5:] if (last - i) % step == 0 else "\u200b" * (i + 1) for i, d in enumerate(dates)]


class RangeReportDialog(QDialog):
    """Turnover and top-ups by day, tiers, members, points, cards and cashiers for a range."""

    def __init__(
        self, session: Session, parent: QWidget | None = None, export_path: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.export_path = export_path  # tests give the file the save dialog would ask for
        self.report: dict[str, Any] | None = None
        self.setWindowTitle(self.tr("经营报表"))
        self.setModal(True)
        self.resize(1120, 760)
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        today = session.today()
        self.start = QDateEdit(self)
        self.end = QDateEdit(self)
        for edit, day in ((self.start, today - dt.timedelta(days=DEFAULT_DAYS - 1)),
                          (self.end, today)):  # fmt: skip
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(qdate(day))
        top.addWidget(QLabel(self.tr("从"), self))
        top.addWidget(self.start)
        top.addWidget(QLabel(self.tr("到"), self))
        top.addWidget(self.end)
        top.addWidget(QLabel(self.tr("流失:超过"), self))
        self.churn_days = QSpinBox(self)
        self.churn_days.setRange(1, 3650)
        self.churn_days.setValue(DEFAULT_CHURN_DAYS)
        self.churn_days.setSuffix(self.tr(" 天未消费"))
        top.addWidget(self.churn_days)
        self.query = QPushButton(self.tr("查询 (Enter)"), self)
        self.query.setProperty("role", "primary")
        self.query.setDefault(True)
        self.query.clicked.connect(self.reload)
        top.addWidget(self.query)
        top.addStretch(1)
        self.export_button = QPushButton(self.tr("导出 Excel/CSV"), self)
        self.export_button.setAutoDefault(False)
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        top.addWidget(self.export_button)
        outer.addLayout(top)

        self.figures = QGridLayout()
        self.figure_labels: dict[str, QLabel] = {}
        for i, (key, title) in enumerate(
            (
                ("net_sales", self.tr("净营业额")),
                ("topups", self.tr("充值实收")),
                ("bonus", self.tr("充值赠送")),
                ("new", self.tr("新会员")),
                ("active", self.tr("活跃会员")),
                ("repeat", self.tr("复购率")),
                ("churned", self.tr("流失会员")),
                ("liability", self.tr("储值余额")),
                ("points_issued", self.tr("发放积分")),
                ("points_redeemed", self.tr("使用积分")),
                ("points_expired", self.tr("过期积分")),
                ("cards", self.tr("发卡/补卡/注销")),
            )
        ):
            box = QVBoxLayout()
            box.addWidget(caption(title, self))
            value = QLabel("—", self)
            value.setProperty("role", "figure")
            box.addWidget(value)
            self.figure_labels[key] = value
            self.figures.addLayout(box, i // 6, i % 6)
        outer.addLayout(self.figures)

        self.tabs = QTabWidget(self)
        self.days_chart = QChart()
        self.days_chart.setTitle(self.tr("每日营业额与充值"))
        self.tabs.addTab(_chart_view(self.days_chart, self), self.tr("每日趋势"))
        self.tier_chart = QChart()
        self.tier_chart.setTitle(self.tr("会员等级分布"))
        self.tabs.addTab(_chart_view(self.tier_chart, self), self.tr("等级分布"))
        self.liability_chart = QChart()
        self.liability_chart.setTitle(self.tr("储值余额(日终)"))
        self.tabs.addTab(_chart_view(self.liability_chart, self), self.tr("储值负债"))
        self.cashiers = CashiersModel(self)
        table = QTableView(self)
        table.setModel(self.cashiers)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        self.cashier_table = table
        self.tabs.addTab(table, self.tr("收银员"))
        outer.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        bottom.addWidget(self.state, 1)
        close = QPushButton(self.tr("关闭 (Esc)"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom.addWidget(close)
        outer.addLayout(bottom)
        self.reload()

    def reload(self) -> None:
        ctx, actor = self.session.ctx, self.session.cashier
        start, end = pydate(self.start.date()), pydate(self.end.date())
        churn = self.churn_days.value()
        self.state.setText(self.tr("正在统计…"))
        Op(
            self.session.tasks,
            lambda: range_report(ctx, actor, start, end, churn_days=churn),
            owner=self,
            read=True,
        ).success(self.show_report).failure(lambda exc: self.state.setText(describe(exc))).run()

    def show_report(self, r: dict[str, Any]) -> None:
        self.report = r
        self.state.setText("")
        totals, members, points, cards = r["totals"], r["members"], r["points"], r["cards"]
        last = r["days"][-1] if r["days"] else None
        values = {
            "net_sales": format_cny(totals["net_sales_fen"]),
            "topups": format_cny(totals["topups"]["amount_fen"]),
            "bonus": format_cny(totals["topups"]["bonus_fen"]),
            "new": str(members["new"] + members["imported"]),
            "active": str(members["active"]),
            "repeat": f"{members['repeat_rate_bp'] / 100:.1f}%",
            "churned": str(members["churned"]),
            "liability": format_cny(last["stored_value_fen"]) if last else "—",
            "points_issued": f"{points['issued']:,}",
            "points_redeemed": f"{points['redeemed']:,}",
            "points_expired": f"{points['expired']:,}",
            "cards": f"{cards['issued']}/{cards['replaced']}/{cards['cancelled']}",
        }
        for key, text in values.items():
            self.figure_labels[key].setText(text)
        self._days(r["days"])
        self._tiers(r["tiers"])
        self._liability(r["days"])
        self.cashiers.set_rows(r["cashiers"])
        self.cashier_table.resizeColumnsToContents()
        self.export_button.setEnabled(True)

    def _bars(self, chart: QChart, days: list[dict[str, Any]], sets: list[QBarSet]) -> None:
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        series = QBarSeries()
        for s in sets:
            series.append(s)
        chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append(day_labels([d["date"] for d in days]))
        x.setTruncateLabels(False)  # a narrow bar's date is shown whole, not as "…"
        if len(days) > 15:
            x.setLabelsAngle(-90)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x)
        y = QValueAxis()
        y.setLabelFormat("%.0f")
        top = max((v for s in sets for v in (s.at(i) for i in range(s.count()))), default=0)
        y.setRange(0, max(top * 1.1, 1))
        y.applyNiceNumbers()
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(y)

    def _days(self, days: list[dict[str, Any]]) -> None:
        sales = QBarSet(self.tr("净营业额(元)"))
        sales.setColor(QColor(ACCENT))
        topups = QBarSet(self.tr("充值(元)"))
        topups.setColor(QColor("#d4a017"))
        for d in days:
            sales.append(d["net_sales_fen"] / 100)
            topups.append(d["topups_fen"] / 100)
        self._bars(self.days_chart, days, [sales, topups])

    def _liability(self, days: list[dict[str, Any]]) -> None:
        principal = QBarSet(self.tr("本金(元)"))
        principal.setColor(QColor("#1f6fb2"))
        bonus = QBarSet(self.tr("赠送金(元)"))
        bonus.setColor(QColor("#d4a017"))
        for d in days:
            principal.append(d["principal_fen"] / 100)
            bonus.append(d["bonus_fen"] / 100)
        self._bars(self.liability_chart, days, [principal, bonus])

    def _tiers(self, tiers: list[dict[str, Any]]) -> None:
        self.tier_chart.removeAllSeries()
        pie = QPieSeries()
        for t in tiers:
            if t["members"]:
                s = pie.append(f"{t['name']} {t['members']}", t["members"])
                s.setLabelVisible(True)
        self.tier_chart.addSeries(pie)

    # -- export ------------------------------------------------------------------------
    def export(self) -> None:
        if self.report is None:
            return
        path = self.export_path
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("导出经营报表"),
                f"report-{self.report['from']}-{self.report['to']}.xlsx",
                self.tr("Excel 文件 (*.xlsx);;CSV 文件 (*.csv)"),
            )
            if not name:
                return
            path = Path(name)
        report = self.report
        self.state.setText(self.tr("正在导出…"))
        Op(
            self.session.tasks, lambda: export_range_report(report, path), owner=self, read=True
        ).success(lambda p: self.state.setText(self.tr("已导出到 {0}").format(p))).failure(
            lambda exc: self.state.setText(describe(exc))
        ).run()

    @classmethod
    def ask(cls, parent: QWidget | None, session: Session, export_path: Path | None = None) -> None:
        run_modal(cls(session, parent, export_path))


class MemberExportDialog(OpDialog):
    """Every member with balances and points to .xlsx or .csv; phones masked on request."""

    def __init__(
        self, session: Session, parent: QWidget | None = None, path: Path | None = None
    ) -> None:
        super().__init__(session, self.tr("会员导出"), parent)
        self.setMinimumWidth(760)
        self.path = path
        intro = self.tr("导出全部会员及其储值、积分。文件含个人信息,请妥善保管;导出会记入审计日志")
        self.body.addWidget(caption(intro, self))
        row = QHBoxLayout()
        self.file_label = QLabel(str(path) if path else self.tr("未选择文件"), self)
        row.addWidget(self.file_label, 1)
        choose = QPushButton(self.tr("选择保存位置…"), self)
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose)
        row.addWidget(choose)
        self.body.addLayout(row)
        self.mask = QCheckBox(self.tr("隐藏手机号中间四位"), self)
        self.mask.setChecked(True)
        self.body.addWidget(self.mask)
        self.confirm_button.setText(self.tr("导出 (Enter)"))
        self.revalidate()

    def choose(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出会员"), "members.xlsx",
            self.tr("Excel 文件 (*.xlsx);;CSV 文件 (*.csv)"),
        )  # fmt: skip
        if name:
            self.path = Path(name)
            self.file_label.setText(name)
            self.revalidate()

    def problem(self) -> str | None:
        return None if self.path else self.tr("请选择保存位置")

    def perform(self) -> None:
        ctx, actor, path, mask = (self.session.ctx, self.session.cashier, self.path,
                                  self.mask.isChecked())  # fmt: skip
        assert path is not None
        self.run(lambda: export_members(ctx, actor, path, mask_phones=mask))

    @classmethod
    def ask(
        cls, parent: QWidget | None, session: Session, path: Path | None = None
    ) -> dict[str, Any] | None:
        dialog = cls(session, parent, path)
        return dialog.result_value if run_modal(dialog) else None
