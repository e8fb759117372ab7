"""A member's transactions older than this counter keeps (the history window), as HQ served
them: read only, closed with Enter or Esc."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_cny
from app.services.history_window import OlderTxn
from ui.models import kind_name

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def hq_kind_name(kind: str) -> str:
    """HQ names a transaction by the event that made it."""
    names = {
        "member.registered": "register",
        "member.imported": "register",
        "stored_value.topped_up": "topup",
        "stored_value.topup_refunded": "topup_refund",
        "stored_value.adjusted": "sv_adjust",
        "checkout.completed": "checkout",
        "checkout.refunded": "refund",
        "card.reported_lost": "card_lost",
        "card.frozen": "card_freeze",
        "card.unfrozen": "card_unfreeze",
        "card.replaced": "card_replace",
        "card.cancelled": "card_cancel",
        "tier.overridden": "tier_override",
        "points.expired": "points_expire",
        "points.adjusted": "points_adjust",
    }
    return kind_name(names.get(kind, kind))


def _signed(fen: int) -> str:
    return ("+" if fen > 0 else "") + format_cny(fen) if fen else ""


class OlderHistoryDialog(QDialog):
    def __init__(
        self, name: str, since: str, rows: list[OlderTxn], more: bool, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("更早记录(总部)"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("{name} 在 {since} 之前的记录,由总部提供:本机只保留最近 18 个月").format(
                name=name, since=since
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        headers = [self.tr("时间"), self.tr("类型"), self.tr("门店"), self.tr("储值变动"),
                   self.tr("积分变动")]  # fmt: skip
        self.table = table = QTableWidget(len(rows), len(headers), self)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        for i, row in enumerate(rows):
            points = f"{row.points:+d}" if row.points else ""
            cells = [f"{row.at:%Y-%m-%d %H:%M}", hq_kind_name(row.kind), row.store_code or "",
                     _signed(row.principal_fen + row.bonus_fen), points]  # fmt: skip
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j >= 3:
                    item.setTextAlignment(_RIGHT)
                table.setItem(i, j, item)
        layout.addWidget(table, 1)
        if not rows:
            layout.addWidget(QLabel(self.tr("总部没有更早的记录"), self))
        elif more:
            layout.addWidget(
                QLabel(self.tr("只列出最近 {n} 笔;更早的请到总部查询").format(n=len(rows)), self)
            )
        close = QPushButton(QCoreApplication.translate("dialog", "关闭"), self)
        close.setMinimumHeight(44)
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout.addWidget(close)
        self.resize(720, 520)
