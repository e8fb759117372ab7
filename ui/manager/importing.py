"""Member import (会员导入): pick a file, map its columns, dry run row by row, then import all
or nothing with a progress bar."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.domain.money import format_cny
from app.services.import_columns import parse_tier_map
from app.services.importing import (
    FIELDS,
    REQUIRED,
    ImportRefusedError,
    ImportReport,
    RowResult,
    guess_mapping,
    import_members,
    read_members_table,
)
from app.services.spreadsheets import Table
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.errors import describe
from ui.models import RowsModel
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import LatinEdit


def field_name(fld: str) -> str:
    names = {
        "name": QCoreApplication.translate("import", "姓名"),
        "phone": QCoreApplication.translate("import", "手机号"),
        "card_no": QCoreApplication.translate("import", "卡号"),
        "principal": QCoreApplication.translate("import", "储值余额(本金)"),
        "bonus": QCoreApplication.translate("import", "赠送金余额"),
        "points": QCoreApplication.translate("import", "积分"),
        "birthday": QCoreApplication.translate("import", "生日"),
        "gender": QCoreApplication.translate("import", "性别"),
        "email": QCoreApplication.translate("import", "邮箱"),
        "address": QCoreApplication.translate("import", "地址"),
        "spend": QCoreApplication.translate("import", "累计消费"),
        "tier": QCoreApplication.translate("import", "会员等级"),
        "status": QCoreApplication.translate("import", "会员状态"),
        "registered_at": QCoreApplication.translate("import", "注册时间"),
        "home_store": QCoreApplication.translate("import", "注册门店"),
        "notes": QCoreApplication.translate("import", "备注"),
    }
    return names.get(fld, fld)


def action_name(action: str) -> str:
    names = {
        "create": QCoreApplication.translate("import", "新建"),
        "duplicate": QCoreApplication.translate("import", "重复行,跳过"),
        "exists": QCoreApplication.translate("import", "已是会员,跳过"),
        "skipped": QCoreApplication.translate("import", "非会员行,跳过"),
        "error": QCoreApplication.translate("import", "错误"),
    }
    return names.get(action, action)


def status_name(status: str) -> str:
    names = {
        "active": QCoreApplication.translate("import", "正常"),
        "frozen": QCoreApplication.translate("import", "冻结"),
        "lost": QCoreApplication.translate("import", "挂失"),
        "cancelled": QCoreApplication.translate("import", "注销"),
    }
    return names.get(status, status)


def understood(report: ImportReport) -> str:
    """What each column of the file was understood as, as the command's dry run says it:
    "卡内余额 → 储值余额(本金) · 会员等级 → 会员等级(VIP → 金卡) · 备用 → (不导入)"."""
    parts = []
    for c in report.columns:
        target = (
            field_name(c.field) if c.field else QCoreApplication.translate("import", "(不导入)")
        )
        if c.values:
            shown = [
                f"{value} → "
                + (report.tier_names.get(here, here) if c.field == "tier" else status_name(here))
                for value, here in c.values.items()
            ]
            target += "(" + ", ".join(shown) + ")"
        parts.append(f"{c.column} → {target}")
    return " · ".join(parts)


class ImportRowsModel(RowsModel[RowResult]):
    """The dry run's verdict on every row of the file."""

    class Col(IntEnum):
        LINE = 0
        ACTION = 1
        NAME = 2
        PHONE = 3
        CARD = 4
        BALANCE = 5
        POINTS = 6
        MESSAGE = 7

    NUMERIC = frozenset({Col.LINE, Col.BALANCE, Col.POINTS})

    def header(self, col: Col) -> str:
        return {
            self.Col.LINE: QCoreApplication.translate("import", "行号"),
            self.Col.ACTION: QCoreApplication.translate("import", "处理"),
            self.Col.NAME: QCoreApplication.translate("import", "姓名"),
            self.Col.PHONE: QCoreApplication.translate("import", "手机号"),
            self.Col.CARD: QCoreApplication.translate("import", "卡号"),
            self.Col.BALANCE: QCoreApplication.translate("import", "储值"),
            self.Col.POINTS: QCoreApplication.translate("import", "积分"),
            self.Col.MESSAGE: QCoreApplication.translate("import", "说明"),
        }[col]

    def text(self, row: RowResult, col: Col) -> str:
        return {
            self.Col.LINE: str(row.line),
            self.Col.ACTION: action_name(row.action),
            self.Col.NAME: row.name,
            self.Col.PHONE: row.phone,
            self.Col.CARD: row.card_no or "",
            self.Col.BALANCE: format_cny(row.principal_fen + row.bonus_fen),
            self.Col.POINTS: str(row.points),
            self.Col.MESSAGE: row.message or "",
        }[col]

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and 0 <= index.row() < self.rowCount()
            and self.row_at(index.row()).action == "error"
        ):
            from PySide6.QtGui import QColor

            return QColor("#c8102e")
        return super().data(index, role)


class ProgressBridge(QObject):
    """The import's progress callback runs on the worker thread; this signal carries it to
    the UI thread (a queued connection across threads)."""

    progressed = Signal(str, int, int)

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.progressed.emit(stage, done, total)


class StepPage(QWidget):
    """One step of the dialog. A stack is as tall as its tallest page for a given width
    (QStackedLayout asks every page's heightForWidth): the mapping page's many fields made
    the dry run's page scroll, with 返回修改列映射 out of sight at 1024×768. A page not shown
    asks for no room."""

    def heightForWidth(self, width: int) -> int:
        return 0 if self.isHidden() else super().heightForWidth(width)

    def sizeHint(self) -> QSize:
        return QSize(0, 0) if self.isHidden() else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        return QSize(0, 0) if self.isHidden() else super().minimumSizeHint()


class Page:
    FILE, MAPPING, REPORT = range(3)


NOT_MAPPED = ""


class ImportDialog(OpDialog):
    """Three steps on Enter: read the file, dry run with the mapping, import."""

    def __init__(
        self, session: Session, parent: QWidget | None = None, path: Path | None = None
    ) -> None:
        super().__init__(session, self.tr("会员导入"), parent)
        self.resize(980, 680)
        self.path = path
        self.table: Table | None = None
        self.report: ImportReport | None = None
        self.imported: ImportReport | None = None
        self.page = Page.FILE
        self.pages = QStackedWidget(self)
        self.pages.currentChanged.connect(lambda _i: self.pages.updateGeometry())
        self.body.addWidget(self.pages, 1)

        first = StepPage(self)
        fl = QVBoxLayout(first)
        intro = self.tr(
            "从旧系统的 CSV 或 Excel 文件导入会员:先试运行逐行报告,导入全部成功或全部不导入"
        )
        fl.addWidget(caption(intro, first))
        row = QHBoxLayout()
        # The file's path typed (or pasted) straight in, Enter reads it: the keyboard needs no
        # file chooser, and a pinyin IME never sees the path's letters.
        self.path_edit = LatinEdit(first)
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText(self.tr("文件路径(可粘贴),如 D:\\export\\members.csv"))
        self.path_edit.textChanged.connect(lambda _t: self.revalidate())
        row.addWidget(self.path_edit, 1)
        self.file_label = QLabel(self.tr("未选择文件"), first)
        self.file_label.hide()  # what was read is named on the next page
        choose = QPushButton(self.tr("选择文件…"), first)
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose_file)
        row.addWidget(choose)
        fl.addLayout(row)
        fl.addStretch(1)
        self.pages.addWidget(first)

        mapping = StepPage(self)
        ml = QVBoxLayout(mapping)
        self.mapping_caption = caption("", mapping)
        ml.addWidget(self.mapping_caption)
        form = QFormLayout()
        # The header row: found by itself among title rows (0, 自动), or the one named here.
        self.header_row = QSpinBox(mapping)
        self.header_row.setObjectName("importHeaderRow")
        self.header_row.setRange(0, 1000)
        self.header_row.setSpecialValueText(self.tr("自动"))
        self.header_row.editingFinished.connect(self._header_row_changed)
        form.addRow(self.tr("表头所在行"), self.header_row)
        # The old system's tier names -> tiers here, written as the command's --tier-map.
        self.tier_map = QLineEdit(mapping)
        self.tier_map.setObjectName("importTierMap")
        self.tier_map.setPlaceholderText(
            self.tr("旧等级=本店等级,多个用逗号分隔,如 VIP=金卡,普通会员=普通")
        )
        self.tier_map.textChanged.connect(lambda _t: self.revalidate())
        self.combos: dict[str, QComboBox] = {}
        for fld in FIELDS:
            combo = QComboBox(mapping)
            combo.currentIndexChanged.connect(lambda _i: self.revalidate())
            self.combos[fld] = combo
            star = " *" if fld in REQUIRED else ""
            form.addRow(field_name(fld) + star, combo)
            if fld == "tier":
                form.addRow(self.tr("等级对应"), self.tier_map)
        ml.addLayout(form)
        ml.addStretch(1)
        self.pages.addWidget(mapping)

        report = StepPage(self)
        rl = QVBoxLayout(report)
        self.summary = QLabel(report)
        self.summary.setWordWrap(True)
        rl.addWidget(self.summary)
        self.columns_label = caption("", report)
        self.columns_label.setObjectName("importColumns")
        rl.addWidget(self.columns_label)
        self.rows_model = ImportRowsModel(self)
        self.rows_view = QTableView(report)
        self.rows_view.setModel(self.rows_model)
        self.rows_view.horizontalHeader().setStretchLastSection(True)
        self.rows_view.verticalHeader().hide()
        # The rows scroll in the table: it takes the height left, never more (the dialog's
        # body scrolled and hid 返回修改列映射 below the table at 1024×768).
        self.rows_view.setMinimumHeight(120)
        rl.addWidget(self.rows_view, 1)
        self.progress = QProgressBar(report)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.hide()
        rl.addWidget(self.progress)
        options = QHBoxLayout()
        self.back_button = QPushButton(self.tr("返回修改列映射"), report)
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.back_to_mapping)
        options.addWidget(self.back_button)
        self.skip_errors = QCheckBox(self.tr("跳过有错误的行,只导入其余的"), report)
        self.skip_errors.toggled.connect(lambda _on: self.revalidate())
        options.addWidget(self.skip_errors)
        options.addStretch(1)
        rl.addLayout(options)
        self.pages.addWidget(report)

        self.bridge = ProgressBridge(self)
        self.bridge.progressed.connect(self._progressed)
        self.confirm_button.setText(self.tr("下一步 (Enter)"))
        self.revalidate()
        self.path_edit.setFocus()
        if path is not None:
            self.load(path)

    # -- step 1: the file ----------------------------------------------------------------
    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择导入文件"), "", self.tr("表格文件 (*.csv *.xlsx)")
        )
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        self.path = path
        self.file_label.setText(str(path))
        if self.path_edit.text() != str(path):
            self.path_edit.setText(str(path))
        self.error.setText(self.tr("正在读取文件…"))
        row = self.chosen_header_row()
        Op(
            self.session.tasks, lambda: read_members_table(path, header_row=row), owner=self
        ).success(self._read).failure(lambda exc: self.error.setText(describe(exc))).run()

    def chosen_header_row(self) -> int | None:
        return self.header_row.value() or None

    def _header_row_changed(self) -> None:
        if self.page == Page.MAPPING and self.path is not None and not self.busy:
            self.load(self.path)

    def _read(self, table: Table) -> None:
        self.table = table
        self.error.clear()
        guessed = guess_mapping(table.headers, table.children)
        for fld, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(不导入)"), NOT_MAPPED)
            for h in table.headers:
                if h.strip():  # a column without a header is never a mapping target
                    combo.addItem(h, h)
            combo.setCurrentIndex(max(combo.findData(guessed.get(fld, NOT_MAPPED)), 0))
            combo.blockSignals(False)
        lines = "、".join(str(n) for n in table.header_lines)
        self.mapping_caption.setText(
            self.tr(
                "{0}:表头在第 {3} 行,{1} 行数据,编码 {2}。请核对每个字段对应的列(已按列名自动匹配)。"  # noqa: E501
            ).format(self.path.name if self.path else "", len(table.rows), table.encoding, lines)
        )
        self.page = Page.MAPPING
        self.pages.setCurrentIndex(Page.MAPPING)
        self.confirm_button.setText(self.tr("试运行 (Enter)"))
        self.revalidate()
        first = next(iter(self.combos.values()), None)
        if first is not None:
            first.setFocus()  # the mapping's first field: Enter runs the dry run when complete

    def mapping(self) -> dict[str, str | None]:
        return {f: (c.currentData() or None) for f, c in self.combos.items()}

    # -- validation ----------------------------------------------------------------------
    def problem(self) -> str | None:
        if self.page == Page.FILE:
            return None if self.path_edit.text().strip() else self.tr("请选择要导入的文件")
        if self.page == Page.MAPPING:
            chosen = [h for h in self.mapping().values() if h]
            missing = [field_name(f) for f in REQUIRED if not self.mapping().get(f)]
            if missing:
                return self.tr("请为必填字段选择列:{0}").format("、".join(missing))
            if len(chosen) != len(set(chosen)):
                return self.tr("同一列不能对应两个字段")
            try:
                parse_tier_map(self.tier_map.text())
            except ValidationError as exc:
                return describe(exc)
        report = self.report
        if self.page != Page.REPORT or self.imported is not None or report is None:
            return None
        errors = report.counts()["error"]
        if errors and not self.skip_errors.isChecked():
            return self.tr("有 {0} 行错误:请修正文件后重新导入,或返回修改列映射").format(errors)
        if not report.counts()["create"]:
            return self.tr("没有可导入的新会员")
        return None

    # -- steps 2 and 3 ---------------------------------------------------------------------
    def perform(self) -> None:
        if self.page == Page.FILE:  # Enter in the path: read the file (a refusal says why)
            self.load(Path(self.path_edit.text().strip().strip('"')))
            return
        ctx, actor, path = self.session.ctx, self.session.cashier, self.path
        assert path is not None
        mapping, header_row = self.mapping(), self.chosen_header_row()
        tier_map = self.tier_map.text().strip() or None
        if self.imported is not None:
            self.accept()
            return
        if self.page == Page.MAPPING:
            self.run(
                lambda: import_members(
                    ctx,
                    actor,
                    path,
                    mapping=mapping,
                    dry_run=True,
                    header_row=header_row,
                    tier_map=tier_map,
                ),
                self._dry_run,
            )
            return
        self.progress.setValue(0)
        self.progress.show()
        bridge, skip = self.bridge, self.skip_errors.isChecked()
        self.back_button.setEnabled(False)
        self.skip_errors.setEnabled(False)
        self.run(
            lambda: import_members(
                ctx,
                actor,
                path,
                mapping=mapping,
                skip_errors=skip,
                progress=bridge,
                header_row=header_row,
                tier_map=tier_map,
            ),
            self._imported,
        )

    def back_to_mapping(self) -> None:
        if self.busy or self.imported is not None:
            return
        self.report = None
        self.skip_errors.setChecked(False)
        self.progress.hide()
        self.page = Page.MAPPING
        self.pages.setCurrentIndex(Page.MAPPING)
        self.confirm_button.setText(self.tr("试运行 (Enter)"))
        self.revalidate()
        # Back to what to change: the old tiers' mapping when a tier is read from the file
        # (a tier not here is the usual reason to come back), else the first field.
        target = self.tier_map if self.combos["tier"].currentData() else self._first_combo()
        if target is not None:
            target.setFocus()
            # Once the page has its own layout (the switch lays it out after this returns).
            QTimer.singleShot(0, self, lambda: self.scroll.ensureWidgetVisible(target))

    def _first_combo(self) -> QComboBox | None:
        return next(iter(self.combos.values()), None)

    def _dry_run(self, report: ImportReport) -> None:
        self.result_value = None
        self.error.clear()
        self.report = report
        self.rows_model.set_rows(report.rows)
        self.rows_view.resizeColumnsToContents()
        self._summarise(report, self.tr("试运行结果(未写入任何数据)"))
        self.columns_label.setText(self.tr("各列的识别:") + understood(report))
        self.page = Page.REPORT
        self.pages.setCurrentIndex(Page.REPORT)
        self.confirm_button.setText(self.tr("导入 (Enter)"))
        self.skip_errors.setVisible(report.counts()["error"] > 0)
        self.revalidate()

    def _summarise(self, report: ImportReport, title: str) -> None:
        c, tot = report.counts(), report.totals()
        self.summary.setText(
            title
            + "\n"
            + self.tr("新建 {0} · 重复跳过 {1} · 已是会员 {2} · 错误 {3}").format(
                c["create"], c["duplicate"], c["exists"], c["error"]
            )
            + (self.tr(" · 非会员行跳过 {0}").format(c["skipped"]) if c["skipped"] else "")
            + "\n"
            + self.tr("导入储值本金 {0} · 赠送金 {1} · 积分 {2}").format(
                format_cny(tot["principal_fen"]), format_cny(tot["bonus_fen"]), tot["points"]
            )
        )

    def _progressed(self, stage: str, done: int, total: int) -> None:
        if total <= 0:
            return
        # Checking the rows is the first tenth, writing them the rest.
        share = done * 100 // total
        self.progress.setValue(share // 10 if stage == "check" else 10 + share * 9 // 10)

    def _imported(self, report: ImportReport) -> None:
        self.result_value = None
        self.error.clear()
        self.imported = report
        self.progress.setValue(100)
        self.rows_model.set_rows(report.rows)
        self._summarise(report, self.tr("导入完成:已导入 {0} 位会员").format(
            report.totals()["members"]))  # fmt: skip
        self.confirm_button.setText(self.tr("完成 (Enter)"))
        self.cancel_button.hide()
        self.back_button.hide()
        self.skip_errors.hide()

    def on_refused(self, exc: BaseException) -> None:
        self.progress.hide()
        self.back_button.setEnabled(True)
        self.skip_errors.setEnabled(True)
        if isinstance(exc, ImportRefusedError):
            self.report = exc.report
            self.rows_model.set_rows(exc.report.rows)
            self.rows_view.resizeColumnsToContents()
            self._summarise(exc.report, self.tr("导入被拒绝,未写入任何数据"))

    def accept(self) -> None:
        self.result_value = self.imported
        super().accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, session: Session, path: Path | None = None
    ) -> ImportReport | None:
        dialog = cls(session, parent, path)
        run_modal(dialog)
        return dialog.imported
