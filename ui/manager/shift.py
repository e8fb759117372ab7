"""Shifts (交班): open with a float, blind count by denomination or total, close with over/short.

The count is blind: the cashier sees the expected cash and the over/short only after the
count is committed, and a difference needs a reason (the count is never adjusted to match).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.domain.money import format_cny
from app.services.security import Permission
from app.services.shifts import (
    DENOMINATIONS,
    ShiftView,
    close_shift,
    count_shift,
    open_shift,
    x_report,
)
from ui.dialogs.approval import ApprovalBox
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.manager.common import over_short_text, print_or_show, shift_rows
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import DigitsEdit, MoneyEdit
from ui.widgets.keypad import Keypad


def denomination_name(fen: int) -> str:
    return f"¥{fen // 100}" if fen >= 100 else f"¥0.{fen:02d}".rstrip("0")


class OpenShiftDialog(OpDialog):
    """开班: the cash float put in the drawer (may be 0)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("开班"), parent)
        actor = session.cashier
        intro = self.tr("收银员 {0}({1}):请清点放入钱箱的备用金")
        self.body.addWidget(caption(intro.format(actor.name, actor.staff_no), self))
        form = QFormLayout()
        self.float_edit = MoneyEdit(self)
        self.float_edit.setText("0")
        self.float_edit.selectAll()
        self.float_edit.textChanged.connect(self.revalidate)
        form.addRow(self.tr("备用金(元)"), self.float_edit)
        self.body.addLayout(form)
        self.keypad = Keypad(self, confirm=False, amounts=True)
        self.keypad.set_target(self.float_edit)
        self.body.addWidget(self.keypad)
        self.confirm_button.setText(self.tr("开班 (Enter)"))
        self.float_edit.setFocus()
        self.revalidate()

    def problem(self) -> str | None:
        if self.float_edit.fen() is None:
            return self.tr("请输入备用金金额(没有备用金请输入 0)")
        return None

    def perform(self) -> None:
        ctx, actor, fen = self.session.ctx, self.session.cashier, self.float_edit.fen() or 0
        self.run(lambda: open_shift(ctx, actor, fen))

    @classmethod
    def ask(cls, parent: QWidget | None, session: Session) -> ShiftView | None:
        dialog = cls(session, parent)
        return dialog.result_value if run_modal(dialog) else None


class Stage:
    COUNT, CONFIRM, REASON, DONE = range(4)


class HandoverDialog(OpDialog):
    """交班: the blind count (by denomination or as a total; Enter moves from box to box),
    a summary of what was counted to confirm (still blind), then over/short and a reason."""

    def __init__(
        self, session: Session, parent: QWidget | None = None, shift_id: str | None = None
    ) -> None:
        super().__init__(session, self.tr("交班点款"), parent)
        self.setMinimumWidth(760)
        self.shift_id = shift_id
        self.stage = Stage.COUNT
        self.closed: ShiftView | None = None
        self.over_short_fen = 0
        self.pages = QStackedWidget(self)
        # A manager may count and close another cashier's shift (one who had to leave).
        self.whose = QComboBox(self)
        self.whose.hide()
        self.whose.currentIndexChanged.connect(self._whose_changed)
        if session.cashier.can(Permission.SHIFT_MANAGE) and shift_id is None:
            form = QFormLayout()
            form.addRow(self.tr("交班的班次"), self.whose)
            self.body.addLayout(form)
            ctx, actor = session.ctx, session.cashier
            Op(session.tasks, lambda: x_report(ctx, actor), owner=self, read=True).success(
                self._shifts_loaded
            ).run()
        self.body.addWidget(self.pages)

        # 1. the blind count
        count = QWidget(self)
        layout = QHBoxLayout(count)
        left = QVBoxLayout()
        blind = self.tr("盲点:请清点钱箱中的全部现金(含备用金),应有金额在提交后才显示")
        left.addWidget(caption(blind, count))
        mode_row = QHBoxLayout()
        self.by_pieces = QPushButton(self.tr("按面额点款"), count)
        self.by_total = QPushButton(self.tr("只输总额"), count)
        self.mode = QButtonGroup(self)
        for b in (self.by_pieces, self.by_total):
            b.setCheckable(True)
            b.setAutoDefault(False)
            b.setProperty("role", "preset")
            self.mode.addButton(b)
            mode_row.addWidget(b)
        self.by_pieces.setChecked(True)
        self.mode.buttonClicked.connect(lambda _b: self._mode_changed())
        left.addLayout(mode_row)
        self.pieces_box = QWidget(count)
        grid = QGridLayout(self.pieces_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.pieces: dict[int, DigitsEdit] = {}
        for i, denom in enumerate(DENOMINATIONS):
            edit = DigitsEdit(5, self.pieces_box)
            edit.setPlaceholderText("0")
            edit.setMaximumWidth(90)
            edit.textChanged.connect(self.revalidate)
            self.pieces[denom] = edit
            r, c = i % 7, (i // 7) * 2
            grid.addWidget(QLabel(denomination_name(denom), self.pieces_box), r, c)
            grid.addWidget(edit, r, c + 1)
        left.addWidget(self.pieces_box)
        self.total_box = QWidget(count)
        form = QFormLayout(self.total_box)
        self.total_edit = MoneyEdit(self.total_box)
        self.total_edit.textChanged.connect(self.revalidate)
        form.addRow(self.tr("现金总额(元)"), self.total_edit)
        self.total_box.hide()
        left.addWidget(self.total_box)
        self.counted_label = QLabel(count)
        self.counted_label.setProperty("role", "total")
        left.addWidget(self.counted_label)
        left.addStretch(1)
        layout.addLayout(left, 1)
        self.keypad = Keypad(count, confirm=False, amounts=True)
        self.keypad.set_target(self.pieces[DENOMINATIONS[0]])
        self.keypad.serve([*self.pieces.values(), self.total_edit])
        layout.addWidget(self.keypad)
        self.pages.addWidget(count)

        # 2. what was counted, to confirm before it is committed (no expected figure yet)
        confirm = QWidget(self)
        cl = QVBoxLayout(confirm)
        check = self.tr("请核对清点结果。提交后不能自行重点(重点需店长授权)")
        cl.addWidget(caption(check, confirm))
        self.confirm_lines = QLabel(confirm)
        self.confirm_lines.setWordWrap(True)
        cl.addWidget(self.confirm_lines)
        self.confirm_total = QLabel(confirm)
        self.confirm_total.setProperty("role", "total")
        cl.addWidget(self.confirm_total)
        self.approval = ApprovalBox.of(session, confirm)
        self.approval.hide()
        self.approval.staff_no.textChanged.connect(self.revalidate)
        self.approval.pin.textChanged.connect(self.revalidate)
        cl.addWidget(self.approval)
        cl.addStretch(1)
        self.pages.addWidget(confirm)

        # 3. over/short shown after the count, with the reason it needs
        reason = QWidget(self)
        rl = QVBoxLayout(reason)
        self.result_label = QLabel(reason)
        self.result_label.setWordWrap(True)
        rl.addWidget(self.result_label)
        self.over_short_label = QLabel(reason)
        self.over_short_label.setProperty("role", "warning")
        rl.addWidget(self.over_short_label)
        rf = QFormLayout()
        self.reason = QLineEdit(reason)
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(self.tr("例如:找零出错、收到假币"))
        self.reason.textChanged.connect(self.revalidate)
        rf.addRow(self.tr("长短款原因"), self.reason)
        rl.addLayout(rf)
        rl.addStretch(1)
        self.pages.addWidget(reason)

        # 4. closed: the handover slip
        done = QWidget(self)
        dl = QVBoxLayout(done)
        self.done_label = QLabel(done)
        self.done_label.setProperty("role", "title")
        dl.addWidget(self.done_label)
        self.summary = QLabel(done)
        self.summary.setWordWrap(True)
        dl.addWidget(self.summary)
        self.print_state = caption("", done)
        dl.addWidget(self.print_state)
        dl.addStretch(1)
        self.pages.addWidget(done)

        self.confirm_button.setText(self.tr("提交点款 (Enter)"))
        self.pieces[DENOMINATIONS[0]].setFocus()
        self.revalidate()

    def _shifts_loaded(self, report: dict[str, Any]) -> None:
        own = self.session.cashier.staff_no
        shifts = sorted(report["shifts"], key=lambda s: s["staff_no"] != own)
        if not shifts:
            return
        self.whose.blockSignals(True)
        for s in shifts:
            self.whose.addItem(
                self.tr("{0} {1}(营业日 {2})").format(
                    s["staff_no"], s["staff_name"], s["business_date"]
                ),
                s["shift_id"],
            )
        self.whose.blockSignals(False)
        self.whose.show()
        self._whose_changed()

    def _whose_changed(self) -> None:
        if self.stage == Stage.COUNT and self.whose.count():
            self.shift_id = self.whose.currentData()

    # -- the count --------------------------------------------------------------------
    def _mode_changed(self) -> None:
        by_pieces = self.by_pieces.isChecked()
        self.pieces_box.setVisible(by_pieces)
        self.total_box.setVisible(not by_pieces)
        target = self.pieces[DENOMINATIONS[0]] if by_pieces else self.total_edit
        target.setFocus()
        self.keypad.set_target(target)
        self.revalidate()

    def denominations(self) -> dict[int, int]:
        return {d: e.value() for d, e in self.pieces.items() if e.value()}

    def counted_fen(self) -> int | None:
        if self.by_pieces.isChecked():
            return sum(d * n for d, n in self.denominations().items())
        return self.total_edit.fen()

    def problem(self) -> str | None:
        if self.stage == Stage.COUNT:
            fen = self.counted_fen()
            self.counted_label.setText(
                self.tr("清点合计 {0}").format(format_cny(fen)) if fen is not None else ""
            )
            if fen is None:
                return self.tr("请输入清点的现金总额")
            if self.by_pieces.isChecked() and not any(e.text() for e in self.pieces.values()):
                return self.tr("请输入各面额的张数(钱箱没有现金请输入 0)")
            return None
        if self.stage == Stage.CONFIRM and self.approval.isVisible():
            return self.approval.missing()
        if self.stage == Stage.REASON and not self.reason.text().strip():
            return self.tr("长短款不为零,请填写原因")
        return None

    def enter_commits(self) -> bool:
        """While counting, Enter moves from box to box; from the last one it goes on to the
        summary (the count is never committed by an Enter meant for the next box)."""
        if self.stage == Stage.COUNT:
            fields = [f for f in (*self.pieces.values(), self.total_edit) if f.isVisible()]
            return self.focusWidget() is fields[-1] and self.problem() is None
        return super().enter_commits()

    def needed_field(self) -> QWidget | None:
        if self.stage == Stage.CONFIRM and self.approval.isVisible():
            return self.approval.needed()
        return None

    def _show_summary(self) -> None:
        self.stage = Stage.CONFIRM
        pieces = self.denominations() if self.by_pieces.isChecked() else {}
        self.confirm_lines.setText(
            "\n".join(
                f"{denomination_name(d)} × {n} = {format_cny(d * n)}" for d, n in pieces.items()
            )
            or self.tr("按总额清点")
        )
        self.confirm_total.setText(
            self.tr("清点合计 {0}").format(format_cny(self.counted_fen() or 0))
        )
        self.pages.setCurrentIndex(Stage.CONFIRM)
        self.setWindowTitle(self.tr("核对点款"))
        self.confirm_button.setText(self.tr("确认提交 (Enter)"))
        self.cancel_button.setText(self.tr("返回修改 (Esc)"))
        self.confirm_button.setFocus()
        self.revalidate()

    def _back_to_count(self) -> None:
        self.stage = Stage.COUNT
        self.pages.setCurrentIndex(Stage.COUNT)
        self.setWindowTitle(self.tr("交班点款"))
        self.confirm_button.setText(self.tr("提交点款 (Enter)"))
        self.cancel_button.setText(self.tr("取消 (Esc)"))
        self.error.clear()
        fields = [f for f in (*self.pieces.values(), self.total_edit) if f.isVisible()]
        fields[0].setFocus()
        self.revalidate()

    def reject(self) -> None:
        if self.stage == Stage.CONFIRM and not self.busy:
            self._back_to_count()
            return
        super().reject()

    def on_refused(self, exc: BaseException) -> None:
        if getattr(exc, "code", "") in ("approval_required", "approver_not_manager", "pin_wrong"):
            self.approval.show()  # a count was committed before: a recount needs a manager
            self.approval.staff_no.setFocus()

    def perform(self) -> None:
        ctx, actor, shift_id = self.session.ctx, self.session.cashier, self.shift_id
        if self.stage == Stage.DONE:
            self.accept()
            return
        if self.stage == Stage.COUNT:
            self._show_summary()
            return
        if self.stage == Stage.REASON:
            reason = self.reason.text().strip()
            self.run(
                lambda: close_shift(ctx, actor, reason=reason, shift_id=shift_id), self._closed
            )
            return
        pieces = self.denominations() if self.by_pieces.isChecked() else None
        total = None if pieces else (self.counted_fen() or 0)
        approval = self.approval.approval() if self.approval.isVisible() else None

        def work() -> ShiftView | int:
            count_shift(
                ctx, actor, total_fen=total, denominations=pieces, shift_id=shift_id,
                approval=approval,
            )  # fmt: skip
            try:
                return close_shift(ctx, actor, shift_id=shift_id)
            except ValidationError as exc:
                if exc.code == "over_short_reason_required":
                    return int(exc.params["amount"])
                raise

        self.run(work, self._counted)

    def _counted(self, result: ShiftView | int) -> None:
        self.result_value = None
        self.error.clear()
        if isinstance(result, ShiftView):
            self._closed(result)
            return
        self.over_short_fen = result
        counted = self.counted_fen() or 0
        self.stage = Stage.REASON
        self.whose.setEnabled(False)
        self.result_label.setText(
            self.tr("清点现金 {0} · 系统应有现金 {1}").format(
                format_cny(counted), format_cny(counted - result)
            )
        )
        self.over_short_label.setText(over_short_text(result))
        self.confirm_button.setText(self.tr("确认交班 (Enter)"))
        self.cancel_button.setText(self.tr("取消 (Esc)"))
        self.pages.setCurrentIndex(Stage.REASON)
        self.setWindowTitle(self.tr("交班结算"))
        self.reason.setFocus()
        self.revalidate()

    def _closed(self, view: ShiftView) -> None:
        self.closed = view
        self.result_value = None  # the dialog stays open on the slip until Enter
        self.error.clear()
        self.stage = Stage.DONE
        self.cancel_button.hide()
        diff = view.over_short_fen or 0
        self.done_label.setText(self.tr("交班完成"))
        self.setWindowTitle(self.tr("交班完成"))
        self.summary.setText(
            self.tr("清点现金 {0} · 应有现金 {1} · 长短款 {2}").format(
                format_cny(view.counted_fen or 0),
                format_cny(view.expected_fen or 0),
                over_short_text(diff),
            )
            + (self.tr("\n原因:{0}").format(view.reason) if view.reason else "")
        )
        self.confirm_button.setText(self.tr("完成 (Enter)"))
        self.pages.setCurrentIndex(Stage.DONE)
        print_or_show(self.session, self, self.tr("交班单"), shift_rows(view), self._printed)

    def _printed(self, _lines: list[str], queued: bool) -> None:
        self.print_state.setText(
            self.tr("交班单已送打印机") if queued else self.tr("未设置打印机:交班单未打印")
        )

    def accept(self) -> None:
        if self.closed is not None:
            self.result_value = self.closed
        super().accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, session: Session, shift_id: str | None = None
    ) -> ShiftView | None:
        dialog = cls(session, parent, shift_id)
        run_modal(dialog)
        return dialog.closed
