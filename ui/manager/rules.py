"""The rules editor (managers, admins): tiers, points and top-up bonus rules.

Read-only with a notice when HQ manages the rules. A change is saved by the service
(validated, audited) and applies from the next operation.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from app.domain.errors import CounterError
from app.domain.money import parse_yuan
from app.domain.rules import Rules, Tier, TopUpBonus
from app.services.rules_admin import current_rules, update_rules
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.errors import describe
from ui.models import RowsModel
from ui.ops import Op
from ui.session import Session
from ui.widgets.fields import DigitsEdit, MoneyEdit

R = TypeVar("R")
_INDEX = QModelIndex()


def _yuan(fen: int) -> str:
    return f"{Decimal(fen).scaleb(-2):.2f}"


def _fen(text: str) -> int | None:
    try:
        return parse_yuan(text, allow_zero=True)
    except CounterError:
        return None


def _percent(bp: int) -> str:
    return f"{Decimal(bp).scaleb(-2).normalize():f}"


def _bp(text: str) -> int | None:
    fen = _fen(text)  # a percentage with at most two decimals, like an amount
    return fen if fen is not None and fen < 10000 else None


class EditableModel(RowsModel[R]):
    """Rows of frozen records, edited cell by cell (a cell that does not parse is refused)."""

    TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editable = True

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and self.editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable:
            return False
        if not (0 <= index.row() < len(self.rows)):
            return False
        changed = self.parse(self.rows[index.row()], self.Col(index.column()), str(value))
        if changed is None:
            return False
        self.rows[index.row()] = changed
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])
        return True

    def add(self, row: R) -> None:
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(row)
        self.endInsertRows()

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def parse(self, row: R, col: Any, text: str) -> R | None:
        raise NotImplementedError


class TiersEditModel(EditableModel[Tier]):
    class Col(IntEnum):
        CODE = 0
        NAME = 1
        THRESHOLD = 2
        DISCOUNT = 3
        MULTIPLIER = 4

    def header(self, col: Col) -> str:
        return {
            self.Col.CODE: QCoreApplication.translate("rules", "代码"),
            self.Col.NAME: QCoreApplication.translate("rules", "等级名称"),
            self.Col.THRESHOLD: QCoreApplication.translate("rules", "累计消费门槛(元)"),
            self.Col.DISCOUNT: QCoreApplication.translate("rules", "折扣(%)"),
            self.Col.MULTIPLIER: QCoreApplication.translate("rules", "积分倍率"),
        }[col]

    def text(self, row: Tier, col: Col) -> str:
        return {
            self.Col.CODE: row.code,
            self.Col.NAME: row.name,
            self.Col.THRESHOLD: _yuan(row.threshold_fen),
            self.Col.DISCOUNT: _percent(row.discount_bp),
            self.Col.MULTIPLIER: f"{Decimal(row.multiplier_permille).scaleb(-3).normalize():f}",
        }[col]

    def parse(self, row: Tier, col: Col, text: str) -> Tier | None:
        text = text.strip()
        if col == self.Col.CODE:
            return replace(row, code=text) if text else None
        if col == self.Col.NAME:
            return replace(row, name=text) if text else None
        if col == self.Col.THRESHOLD:
            fen = _fen(text)
            return None if fen is None else replace(row, threshold_fen=fen)
        if col == self.Col.DISCOUNT:
            bp = _bp(text)
            return None if bp is None else replace(row, discount_bp=bp)
        try:
            permille = Decimal(text) * 1000
        except InvalidOperation:
            return None
        if permille < 0 or permille != int(permille):
            return None
        return replace(row, multiplier_permille=int(permille))


class BonusesEditModel(EditableModel[TopUpBonus]):
    class Col(IntEnum):
        MIN = 0
        BONUS = 1

    def header(self, col: Col) -> str:
        return {
            self.Col.MIN: QCoreApplication.translate("rules", "单次充值满(元)"),
            self.Col.BONUS: QCoreApplication.translate("rules", "赠送(元)"),
        }[col]

    def text(self, row: TopUpBonus, col: Col) -> str:
        return _yuan(row.min_fen) if col == self.Col.MIN else _yuan(row.bonus_fen)

    def parse(self, row: TopUpBonus, col: Col, text: str) -> TopUpBonus | None:
        fen = _fen(text)
        if fen is None:
            return None
        return replace(row, min_fen=fen) if col == self.Col.MIN else replace(row, bonus_fen=fen)


class RulesDialog(OpDialog):
    commits_from_last_only = True  # it opens filled in: Enter walks the fields, saves from the last

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("会员规则"), parent)
        self.resize(860, 820)
        self.rules: Rules | None = None
        self.read_only = True
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.body.addWidget(self.notice)
        self.body.addWidget(QLabel(self.tr("会员等级(双击单元格修改)"), self))
        self.tiers = TiersEditModel(self)
        self.tiers_view = QTableView(self)
        self.tiers_view.setModel(self.tiers)
        self.tiers_view.verticalHeader().hide()
        self.tiers_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tiers_view.setMinimumHeight(200)
        self.body.addWidget(self.tiers_view)
        tier_buttons = QHBoxLayout()
        self.add_tier = QPushButton(self.tr("增加等级"), self)
        self.add_tier.clicked.connect(self._add_tier)
        self.remove_tier = QPushButton(self.tr("删除所选等级"), self)
        self.remove_tier.clicked.connect(
            lambda: self.tiers.remove(self.tiers_view.currentIndex().row())
        )
        for b in (self.add_tier, self.remove_tier):
            b.setAutoDefault(False)
            tier_buttons.addWidget(b)
        tier_buttons.addStretch(1)
        self.body.addLayout(tier_buttons)
        self.body.addWidget(QLabel(self.tr("充值赠送规则"), self))
        self.bonuses = BonusesEditModel(self)
        self.bonuses_view = QTableView(self)
        self.bonuses_view.setModel(self.bonuses)
        self.bonuses_view.verticalHeader().hide()
        self.bonuses_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.bonuses_view.setMinimumHeight(130)
        self.body.addWidget(self.bonuses_view)
        bonus_buttons = QHBoxLayout()
        self.add_bonus = QPushButton(self.tr("增加赠送档位"), self)
        self.add_bonus.clicked.connect(self._add_bonus)
        self.remove_bonus = QPushButton(self.tr("删除所选档位"), self)
        self.remove_bonus.clicked.connect(
            lambda: self.bonuses.remove(self.bonuses_view.currentIndex().row())
        )
        for b in (self.add_bonus, self.remove_bonus):
            b.setAutoDefault(False)
            bonus_buttons.addWidget(b)
        bonus_buttons.addStretch(1)
        self.body.addLayout(bonus_buttons)
        form = QFormLayout()
        self.points_per_yuan = DigitsEdit(4, self)
        self.points_per_yuan_cash = DigitsEdit(6, self)
        self.max_points_ratio = DigitsEdit(3, self)
        self.card_fee = MoneyEdit(self)
        self.max_topup = MoneyEdit(self)
        for name, edit in (("pointsPerYuan", self.points_per_yuan),
                           ("pointsPerYuanCash", self.points_per_yuan_cash),
                           ("maxPointsRatio", self.max_points_ratio),
                           ("cardFee", self.card_fee), ("maxTopup", self.max_topup)):  # fmt: skip
            edit.setObjectName(name)
        form.addRow(self.tr("每消费 1 元得积分"), self.points_per_yuan)
        form.addRow(self.tr("多少积分抵 1 元"), self.points_per_yuan_cash)
        form.addRow(self.tr("积分最多抵扣账单的(%)"), self.max_points_ratio)
        form.addRow(self.tr("补卡工本费(元)"), self.card_fee)
        form.addRow(self.tr("单次充值上限(元)"), self.max_topup)
        self.body.addLayout(form)
        self.body.addWidget(caption(self.tr("保存后从下一笔业务起生效,修改会记入审计日志"), self))
        for edit in (self.points_per_yuan, self.points_per_yuan_cash, self.max_points_ratio,
                     self.card_fee, self.max_topup):  # fmt: skip
            edit.textChanged.connect(self.revalidate)
        self.tiers.dataChanged.connect(lambda *_: self.revalidate())
        self.bonuses.dataChanged.connect(lambda *_: self.revalidate())
        self.confirm_button.setText(self.tr("保存规则 (Enter)"))
        self.revalidate()
        ctx, actor = session.ctx, session.cashier
        Op(session.tasks, lambda: current_rules(ctx, actor), owner=self).success(
            self._loaded
        ).failure(lambda exc: self.error.setText(describe(exc))).run()

    def _loaded(self, result: tuple[Rules, bool]) -> None:
        rules, read_only = result
        self.rules = rules
        self.read_only = read_only
        self.tiers.set_rows(list(rules.tiers))
        self.bonuses.set_rows(list(rules.topup_bonuses))
        self.points_per_yuan.setText(str(rules.points_per_yuan))
        self.points_per_yuan_cash.setText(str(rules.points_per_yuan_cash))
        self.max_points_ratio.setText(str(rules.max_points_ratio_bp // 100))
        self.card_fee.set_fen(rules.card_replace_fee_fen)
        self.max_topup.set_fen(rules.max_topup_fen)
        if read_only:
            self.notice.setProperty("role", "warning")
            self.notice.style().unpolish(self.notice)
            self.notice.style().polish(self.notice)
            self.notice.setText(self.tr("本店已连接总部:会员规则由总部统一管理,此处只能查看"))
            self.notice.show()
            self.tiers.editable = self.bonuses.editable = False
            for w in (self.add_tier, self.remove_tier, self.add_bonus, self.remove_bonus,
                      self.points_per_yuan, self.points_per_yuan_cash, self.max_points_ratio,
                      self.card_fee, self.max_topup):  # fmt: skip
                w.setEnabled(False)
            self.confirm_button.hide()
        else:  # the first field, ready to be typed over (the tables take a double click)
            self.points_per_yuan.setFocus()
            self.points_per_yuan.selectAll()
        self.revalidate()

    def _add_tier(self) -> None:
        last = self.tiers.rows[-1] if self.tiers.rows else None
        threshold = (last.threshold_fen + 100_000) if last else 0
        n = len(self.tiers.rows) + 1
        self.tiers.add(Tier(f"tier{n}", self.tr("新等级"), threshold, 0, 1000))
        self.revalidate()

    def _add_bonus(self) -> None:
        last = self.bonuses.rows[-1] if self.bonuses.rows else None
        self.bonuses.add(TopUpBonus((last.min_fen * 2) if last else 10_000, 0))
        self.revalidate()

    def values(self) -> dict[str, int] | None:
        fee, top = self.card_fee.fen(), self.max_topup.fen()
        texts = (self.points_per_yuan.text(), self.points_per_yuan_cash.text(),
                 self.max_points_ratio.text())  # fmt: skip
        if fee is None or top is None or not all(texts):
            return None
        return {
            "points_per_yuan": int(texts[0]),
            "points_per_yuan_cash": int(texts[1]),
            "max_points_ratio_bp": int(texts[2]) * 100,
            "card_replace_fee_fen": fee,
            "max_topup_fen": top,
        }

    def problem(self) -> str | None:
        if self.rules is None:
            return self.tr("正在读取规则…")
        if self.read_only:
            return self.tr("规则由总部管理,不能修改")
        if self.values() is None:
            return self.tr("请填写全部积分与充值设置")
        if not self.tiers.rows:
            return self.tr("至少需要一个会员等级")
        return None

    def perform(self) -> None:
        ctx, actor = self.session.ctx, self.session.cashier
        tiers, bonuses, values = list(self.tiers.rows), list(self.bonuses.rows), self.values()
        assert values is not None
        self.run(lambda: update_rules(ctx, actor, tiers=tiers, topup_bonuses=bonuses, **values))

    @classmethod
    def ask(cls, parent: QWidget | None, session: Session) -> Rules | None:
        dialog = cls(session, parent)
        return dialog.result_value if run_modal(dialog) else None
