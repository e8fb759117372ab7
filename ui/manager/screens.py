"""Opening the manager's screens from the F10 menu, and what the menu says afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.domain.money import format_cny
from ui.manager.audit import AuditDialog
from ui.manager.common import over_short_text
from ui.manager.importing import ImportDialog
from ui.manager.items import ItemsDialog
from ui.manager.range_report import MemberExportDialog, RangeReportDialog
from ui.manager.reports_z import DayCloseDialog, XReportDialog, ZReportDialog
from ui.manager.rules import RulesDialog
from ui.manager.shift import HandoverDialog, OpenShiftDialog

if TYPE_CHECKING:
    from ui.manager.menu import ManagerMenu

Q = QCoreApplication  # the menu's own context, so its tr() finds these


def open_shift(menu: ManagerMenu) -> None:
    view = OpenShiftDialog.ask(menu, menu.session)
    if view is not None:
        menu.say(Q.translate("ManagerMenu", "已开班,备用金 {0}").format(format_cny(view.float_fen)))


def handover(menu: ManagerMenu) -> None:
    view = HandoverDialog.ask(menu, menu.session)
    if view is not None:
        menu.say(
            Q.translate("ManagerMenu", "已交班:{0}").format(over_short_text(view.over_short_fen))
        )


def x_report(menu: ManagerMenu) -> None:
    XReportDialog.ask(menu, menu.session)


def day_close(menu: ManagerMenu) -> None:
    report = DayCloseDialog.ask(menu, menu.session)
    if report is not None:
        menu.say(Q.translate("ManagerMenu", "营业日 {0} 已日结").format(report["business_date"]))


def z_report(menu: ManagerMenu) -> None:
    ZReportDialog.ask(menu, menu.session)


def range_report(menu: ManagerMenu) -> None:
    RangeReportDialog.ask(menu, menu.session)


def import_members(menu: ManagerMenu) -> None:
    report = ImportDialog.ask(menu, menu.session)
    if report is not None:
        menu.say(Q.translate("ManagerMenu", "已导入 {0} 位会员").format(report.totals()["members"]))


def export_members(menu: ManagerMenu) -> None:
    result = MemberExportDialog.ask(menu, menu.session)
    if result is not None:
        menu.say(
            Q.translate("ManagerMenu", "已导出 {0} 位会员到 {1}").format(
                result["members"], result["path"]
            )
        )


def audit(menu: ManagerMenu) -> None:
    AuditDialog.ask(menu, menu.session)


def rules(menu: ManagerMenu) -> None:
    if RulesDialog.ask(menu, menu.session) is not None:
        menu.say(Q.translate("ManagerMenu", "会员规则已保存,从下一笔业务起生效"))


def items(menu: ManagerMenu) -> None:
    ItemsDialog.ask(menu, menu.session)
