"""Table models of the member panel's history tabs (one ``Col`` enum per model).

A history tab holds the pages read so far; Qt's views call ``fetchMore`` when they are
scrolled to the end (or are not yet full), and the model asks its ``fetcher`` for the next
page, which arrives later through ``add_page``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, Qt

from app.domain.money import format_cny
from app.services.history import Cursor, HistoryPage, PointsLine, TierLine, TxnLine

R = TypeVar("R")
_INDEX = QModelIndex()
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def kind_name(kind: str) -> str:
    names = {
        "register": QCoreApplication.translate("history", "开卡"),
        "topup": QCoreApplication.translate("history", "充值"),
        "topup_refund": QCoreApplication.translate("history", "充值退款"),
        "sv_adjust": QCoreApplication.translate("history", "余额调整"),
        "carried": QCoreApplication.translate("history", "结转(此前记录在总部)"),
        "hq_void": QCoreApplication.translate("history", "总部作废(已冲回)"),
        "hq_correction": QCoreApplication.translate("history", "总部更正"),
        "checkout": QCoreApplication.translate("history", "消费"),
        "refund": QCoreApplication.translate("history", "消费退款"),
        "card_lost": QCoreApplication.translate("history", "挂失"),
        "card_freeze": QCoreApplication.translate("history", "冻结"),
        "card_unfreeze": QCoreApplication.translate("history", "解冻"),
        "card_replace": QCoreApplication.translate("history", "补卡"),
        "card_cancel": QCoreApplication.translate("history", "注销"),
        "tier_override": QCoreApplication.translate("history", "调整等级"),
        "points_expire": QCoreApplication.translate("history", "积分过期"),
        "points_adjust": QCoreApplication.translate("history", "积分调整"),
        "countcard_sale": QCoreApplication.translate("history", "购次卡"),
        "countcard_visit": QCoreApplication.translate("history", "次卡消费"),
        "countcard_refund": QCoreApplication.translate("history", "退次卡"),
        "countcard_transfer": QCoreApplication.translate("history", "转让次卡"),
        "countcard_expire": QCoreApplication.translate("history", "次卡过期"),
    }
    return names.get(kind, kind)


def method_name(method: str) -> str:
    names = {
        "stored_value": QCoreApplication.translate("history", "储值"),
        "cash": QCoreApplication.translate("history", "现金"),
        "wechat": QCoreApplication.translate("history", "微信"),
        "alipay": QCoreApplication.translate("history", "支付宝"),
        "bankcard": QCoreApplication.translate("history", "银行卡"),
    }
    return names.get(method, method)


def points_kind_name(kind: str) -> str:
    names = {
        "earn": QCoreApplication.translate("history", "消费得积分"),
        "redeem": QCoreApplication.translate("history", "积分抵现"),
        "expire": QCoreApplication.translate("history", "过期"),
        "adjust": QCoreApplication.translate("history", "调整"),
        "clawback": QCoreApplication.translate("history", "退款扣回"),
        "redeem_reversal": QCoreApplication.translate("history", "退款退回"),
        "void": QCoreApplication.translate("history", "注销作废"),
        "hq_void": QCoreApplication.translate("history", "总部作废(已冲回)"),
        "hq_correction": QCoreApplication.translate("history", "总部更正"),
    }
    return names.get(kind, kind)


def tenders_text(line: TxnLine) -> str:
    return " + ".join(
        f"{method_name(t.method)} {format_cny(abs(t.amount_fen) - t.change_fen)}"
        for t in line.tenders
    )


class RowsModel(QAbstractTableModel, Generic[R]):
    """Read-only rows of frozen records; subclasses name the columns and their text."""

    Col: ClassVar[type[IntEnum]]
    NUMERIC: ClassVar[frozenset[int]] = frozenset()
    TEXT_ROLES: ClassVar[tuple[Qt.ItemDataRole, ...]] = (Qt.ItemDataRole.DisplayRole,)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[R] = []
        self.cursor: Cursor | None = None  # where the next page starts; None: all shown
        self.fetcher: Callable[[Cursor], None] | None = None
        self._fetching = False

    def set_rows(self, rows: Sequence[R], cursor: Cursor | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.cursor = cursor
        self._fetching = False
        self.endResetModel()

    def set_page(self, page: HistoryPage[R]) -> None:
        self.set_rows(page.rows, page.cursor)

    def add_page(self, page: HistoryPage[R]) -> None:
        """The next page asked for by ``fetchMore``, appended below the rows shown."""
        self._fetching = False
        self.cursor = page.cursor
        if page.rows:
            first = len(self.rows)
            self.beginInsertRows(_INDEX, first, first + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()

    def page_failed(self) -> None:
        self._fetching = False

    def canFetchMore(self, parent: QModelIndex = _INDEX) -> bool:
        return (
            not parent.isValid()
            and self.cursor is not None
            and self.fetcher is not None
            and not self._fetching
        )

    def fetchMore(self, parent: QModelIndex = _INDEX) -> None:
        if self.canFetchMore(parent):
            assert self.fetcher is not None and self.cursor is not None
            self._fetching = True
            self.fetcher(self.cursor)

    def row_at(self, row: int) -> R:
        return self.rows[row]

    def rowCount(self, parent: QModelIndex = _INDEX) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = _INDEX) -> int:
        return 0 if parent.isValid() else len(self.Col)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if 0 <= section < len(self.Col):
            return self.header(self.Col(section))
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks for a dozen roles per visible cell on every paint: the ones this model
        # does not answer are turned away before any work.
        text = role in self.TEXT_ROLES
        if not text and role != Qt.ItemDataRole.TextAlignmentRole:
            return None
        row, column = index.row(), index.column()
        if not index.isValid() or not (0 <= row < len(self.rows)):
            return None
        if not (0 <= column < len(self.Col)):
            return None
        if text:
            return self.text(self.rows[row], self.Col(column))
        if column in self.NUMERIC:
            return _RIGHT
        return None

    def header(self, col: Any) -> str:
        raise NotImplementedError

    def text(self, row: R, col: Any) -> str:
        raise NotImplementedError


def _time(line: TxnLine | PointsLine | TierLine) -> str:
    return line.at.strftime("%Y-%m-%d %H:%M")


def _refund_mark(row: TxnLine) -> str:
    if row.refunded:
        return QCoreApplication.translate("history", "(已退)")
    if row.partly_refunded:  # F7 offers what is left of it
        return QCoreApplication.translate("history", "(部分退)")
    return ""


class TopUpsModel(RowsModel[TxnLine]):
    class Col(IntEnum):
        TIME = 0
        KIND = 1
        AMOUNT = 2
        BONUS = 3
        METHOD = 4
        STAFF = 5

    NUMERIC = frozenset({Col.AMOUNT, Col.BONUS})

    def header(self, col: Col) -> str:
        return {
            self.Col.TIME: QCoreApplication.translate("history", "时间"),
            self.Col.KIND: QCoreApplication.translate("history", "类型"),
            self.Col.AMOUNT: QCoreApplication.translate("history", "金额"),
            self.Col.BONUS: QCoreApplication.translate("history", "赠送"),
            self.Col.METHOD: QCoreApplication.translate("history", "支付方式"),
            self.Col.STAFF: QCoreApplication.translate("history", "收银员"),
        }[col]

    def text(self, row: TxnLine, col: Col) -> str:
        refunded = _refund_mark(row)
        return {
            self.Col.TIME: _time(row),
            self.Col.KIND: kind_name(row.kind) + refunded,
            self.Col.AMOUNT: format_cny(row.amount_fen),
            self.Col.BONUS: format_cny(row.bonus_fen),
            self.Col.METHOD: tenders_text(row),
            self.Col.STAFF: row.staff,
        }[col]


class CheckoutsModel(RowsModel[TxnLine]):
    class Col(IntEnum):
        TIME = 0
        AMOUNT = 1
        DISCOUNT = 2
        POINTS_USED = 3
        PAID = 4
        TENDERS = 5
        POINTS_EARNED = 6
        STAFF = 7

    NUMERIC = frozenset({Col.AMOUNT, Col.DISCOUNT, Col.POINTS_USED, Col.PAID, Col.POINTS_EARNED})

    def header(self, col: Col) -> str:
        return {
            self.Col.TIME: QCoreApplication.translate("history", "时间"),
            self.Col.AMOUNT: QCoreApplication.translate("history", "消费金额"),
            self.Col.DISCOUNT: QCoreApplication.translate("history", "会员折扣"),
            self.Col.POINTS_USED: QCoreApplication.translate("history", "积分抵现"),
            self.Col.PAID: QCoreApplication.translate("history", "实付"),
            self.Col.TENDERS: QCoreApplication.translate("history", "支付方式"),
            self.Col.POINTS_EARNED: QCoreApplication.translate("history", "得积分"),
            self.Col.STAFF: QCoreApplication.translate("history", "收银员"),
        }[col]

    def text(self, row: TxnLine, col: Col) -> str:
        return {
            self.Col.TIME: _time(row) + _refund_mark(row),
            self.Col.AMOUNT: format_cny(row.amount_fen),
            self.Col.DISCOUNT: format_cny(row.discount_fen),
            self.Col.POINTS_USED: f"{row.points_used} = {format_cny(row.points_value_fen)}",
            self.Col.PAID: format_cny(row.due_fen),
            self.Col.TENDERS: tenders_text(row),
            self.Col.POINTS_EARNED: str(row.points_earned),
            self.Col.STAFF: row.staff,
        }[col]


class RefundsModel(RowsModel[TxnLine]):
    class Col(IntEnum):
        TIME = 0
        KIND = 1
        MONEY_BACK = 2
        ORIGINAL = 3
        STAFF = 4

    NUMERIC = frozenset({Col.MONEY_BACK})

    def header(self, col: Col) -> str:
        return {
            self.Col.TIME: QCoreApplication.translate("history", "时间"),
            self.Col.KIND: QCoreApplication.translate("history", "类型"),
            self.Col.MONEY_BACK: QCoreApplication.translate("history", "退回"),
            self.Col.ORIGINAL: QCoreApplication.translate("history", "原交易"),
            self.Col.STAFF: QCoreApplication.translate("history", "收银员"),
        }[col]

    def text(self, row: TxnLine, col: Col) -> str:
        return {
            self.Col.TIME: _time(row),
            self.Col.KIND: kind_name(row.kind),
            self.Col.MONEY_BACK: tenders_text(row),
            self.Col.ORIGINAL: (row.original_txn_id or "")[-12:],
            self.Col.STAFF: row.staff,
        }[col]


class CountCardsModel(RowsModel[TxnLine]):
    """A count card's sale, visits, refund, transfer and expiry (the amount: the price paid,
    the value a visit recognised, the money paid back, the value that expired)."""

    class Col(IntEnum):
        TIME = 0
        KIND = 1
        CARD = 2
        AMOUNT = 3
        TENDERS = 4
        STAFF = 5

    NUMERIC = frozenset({Col.AMOUNT})

    def header(self, col: Col) -> str:
        return {
            self.Col.TIME: QCoreApplication.translate("history", "时间"),
            self.Col.KIND: QCoreApplication.translate("history", "类型"),
            self.Col.CARD: QCoreApplication.translate("history", "次卡"),
            self.Col.AMOUNT: QCoreApplication.translate("history", "金额"),
            self.Col.TENDERS: QCoreApplication.translate("history", "支付方式"),
            self.Col.STAFF: QCoreApplication.translate("history", "收银员"),
        }[col]

    def text(self, row: TxnLine, col: Col) -> str:
        return {
            self.Col.TIME: _time(row),
            self.Col.KIND: kind_name(row.kind),
            self.Col.CARD: (row.note or "").split(" ")[0],  # the product code
            self.Col.AMOUNT: format_cny(row.amount_fen),
            self.Col.TENDERS: tenders_text(row),
            self.Col.STAFF: row.staff,
        }[col]


class PointsModel(RowsModel[PointsLine]):
    class Col(IntEnum):
        TIME = 0
        KIND = 1
        POINTS = 2

    NUMERIC = frozenset({Col.POINTS})

    def header(self, col: Col) -> str:
        return {
            self.Col.TIME: QCoreApplication.translate("history", "时间"),
            self.Col.KIND: QCoreApplication.translate("history", "类型"),
            self.Col.POINTS: QCoreApplication.translate("history", "积分"),
        }[col]

    def text(self, row: PointsLine, col: Col) -> str:
        return {
            self.Col.TIME: _time(row),
            self.Col.KIND: points_kind_name(row.kind),
            self.Col.POINTS: f"{row.points:+d}",
        }[col]


class TiersModel(RowsModel[TierLine]):
    class Col(IntEnum):
        TIME = 0
        FROM = 1
        TO = 2
        REASON = 3
        STAFF = 4

    def header(self, col: Col) -> str:
        return {
            self.Col.TIME: QCoreApplication.translate("history", "时间"),
            self.Col.FROM: QCoreApplication.translate("history", "原等级"),
            self.Col.TO: QCoreApplication.translate("history", "新等级"),
            self.Col.REASON: QCoreApplication.translate("history", "原因"),
            self.Col.STAFF: QCoreApplication.translate("history", "操作员"),
        }[col]

    def text(self, row: TierLine, col: Col) -> str:
        reasons = {
            "auto_upgrade": QCoreApplication.translate("history", "消费升级"),
            "override": QCoreApplication.translate("history", "人工调整"),
            "refund": QCoreApplication.translate("history", "退款回退"),
        }
        return {
            self.Col.TIME: _time(row),
            self.Col.FROM: row.from_tier,
            self.Col.TO: row.to_tier,
            self.Col.REASON: reasons.get(row.reason, row.reason),
            self.Col.STAFF: row.staff,
        }[col]
