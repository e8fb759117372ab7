"""The audit viewer, the rules editor, range reports and member export through their screens;
every new table model through Qt's model tester; the main screens in English."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.domain.rules import Tier, TopUpBonus
from app.services.audit_log import browse_audit
from app.services.checkout import checkout
from app.services.importing import RowResult
from app.services.reports import range_report
from app.services.shifts import close_shift, count_shift, open_shift
from app.services.stored_value import top_up
from app.services.syncstate import mark_enrolled
from tests.conftest import CASHIER_NO, CASHIER_PIN, MANAGER_NO, MANAGER_PIN
from tests.helpers import query
from tests.ui.conftest import in_dialog, save_screenshot
from tests.ui.manager_helpers import signed_in, through_menu
from ui import i18n
from ui.manager.audit import AuditDialog, AuditModel
from ui.manager.importing import ImportRowsModel
from ui.manager.items import ItemsDialog
from ui.manager.menu import ManagerMenu
from ui.manager.range_report import (
    CashiersModel,
    MemberExportDialog,
    RangeReportDialog,
    day_labels,
)
from ui.manager.reports_z import DayCloseDialog
from ui.manager.rules import BonusesEditModel, RulesDialog, TiersEditModel
from ui.manager.shift import HandoverDialog, OpenShiftDialog

PHONE = "13800138000"


def busy_day(ctx, cashier, register) -> None:
    a = register(name="张三", phone=PHONE)
    b = register(name="李四", phone="13900139000")
    open_shift(ctx, cashier, 10_000)
    top_up(ctx, cashier, a.member_id, 100_000, "wechat")
    checkout(ctx, cashier, a.member_id, 110_000)  # silver now
    checkout(ctx, cashier, b.member_id, 3_000, pay="cash", tenders=[("cash", 5_000)])
    count_shift(ctx, cashier, total_fen=13_000)
    close_shift(ctx, cashier)


def test_the_audit_viewer_filters_and_shows_a_tampered_chain_loudly(
    qtbot, window, ctx, cashier, manager, register
) -> None:
    busy_day(ctx, cashier, register)
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def intact(d: QDialog) -> None:
        assert isinstance(d, AuditDialog)
        qtbot.waitUntil(lambda: d.page is not None, timeout=5000)
        assert d.page.chain_ok and "完整" in d.chain.text()
        assert d.chain.property("role") == "caption"
        total = d.page.total
        assert d.model.rowCount() == total == browse_audit(ctx, manager).total
        d.action.setCurrentIndex(d.action.findData("shift"))  # 开班与交班(全部)
        assert d.action.currentText() == "开班与交班(全部)"
        qtbot.keyClick(d.action, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.page.total != total, timeout=5000)
        cells = [d.model.index(r, AuditModel.Col.ACTION) for r in range(3)]
        tip = d.model.data(d.model.index(0, AuditModel.Col.AFTER), Qt.ItemDataRole.ToolTipRole)
        assert '"before"' in tip and "over_short_fen" in tip
        # Named in words; the stored code is the tooltip (and what the filter takes).
        assert {d.model.data(i) for i in cells} == {"开班", "交班点款", "交班"}
        codes = {d.model.data(i, Qt.ItemDataRole.ToolTipRole) for i in cells}
        assert codes == {"shift.open", "shift.count", "shift.close"}
        entity = d.model.index(0, AuditModel.Col.ENTITY)
        assert d.model.data(entity) == "班次"
        save_screenshot(d, "50-audit")
        d.reject()

    through_menu(qtbot, window, "audit", intact)
    seq = query(ctx, "SELECT seq FROM audit_log WHERE action = 'stored_value.topup'")[0][0]
    conn = sqlite3.connect(str(ctx.db.path))
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET after = '{}' WHERE seq = ?", (seq,))
    conn.commit()
    conn.close()

    def tampered(d: QDialog) -> None:
        qtbot.waitUntil(lambda: d.page is not None, timeout=5000)
        assert not d.page.chain_ok
        assert d.chain.property("role") == "warning"  # white on red, large
        assert "篡改" in d.chain.text() and f"第 {seq} 条" in d.chain.text()
        save_screenshot(d, "51-audit-tampered")
        d.reject()

    in_dialog(qtbot, lambda: AuditDialog.ask(window, window.session), tampered)


def test_a_rules_change_applies_to_the_next_top_up(qtbot, window, ctx, cashier, register) -> None:
    m = register(name="张三", phone=PHONE)
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def edit(d: QDialog) -> None:
        assert isinstance(d, RulesDialog)
        qtbot.waitUntil(lambda: d.rules is not None, timeout=5000)
        assert d.tiers.rowCount() == 4 and d.bonuses.rowCount() == 2
        # 500 yuan now brings 80 bonus (was 50), edited in the table as a manager would.
        cell = d.bonuses.index(0, BonusesEditModel.Col.BONUS)
        assert d.bonuses.data(cell) == "50.00"
        assert not d.bonuses.setData(cell, "abc")  # refused, unchanged
        assert d.bonuses.setData(cell, "80")
        assert d.tiers.setData(d.tiers.index(1, TiersEditModel.Col.NAME), "银卡会员")
        save_screenshot(d, "52-rules")
        d.max_topup.setFocus()
        qtbot.keyClick(d.max_topup, Qt.Key.Key_Return)  # Enter saves from the last field
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    out = through_menu(qtbot, window, "rules", edit)
    assert out["message"] == "会员规则已保存,从下一笔业务起生效"
    r = top_up(ctx, cashier, m.member_id, 50_000, "cash")
    assert r.bonus_fen == 8_000
    assert query(ctx, "SELECT count(*) FROM audit_log WHERE action = 'rules.update'") == [(1,)]


def test_rules_are_read_only_when_hq_manages_them(qtbot, window, ctx) -> None:
    mark_enrolled(ctx, "https://hq.example")  # enrolled: HQ manages the rules
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def read_only(d: QDialog) -> None:
        qtbot.waitUntil(lambda: d.rules is not None, timeout=5000)
        assert d.notice.isVisible() and "总部" in d.notice.text()
        assert not d.confirm_button.isVisible()
        assert not d.tiers.setData(d.tiers.index(0, TiersEditModel.Col.NAME), "x")
        flags = d.tiers.flags(d.tiers.index(0, 0))
        assert not flags & Qt.ItemFlag.ItemIsEditable
        save_screenshot(d, "53-rules-hq")
        d.reject()

    in_dialog(qtbot, lambda: RulesDialog.ask(window, window.session), read_only)


def test_range_report_charts_and_export(
    qtbot, window, ctx, cashier, manager, register, tmp_path: Path
) -> None:
    busy_day(ctx, cashier, register)
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
    target = tmp_path / "report.xlsx"
    day = window.session.today()

    def report(d: QDialog) -> None:
        assert isinstance(d, RangeReportDialog)
        qtbot.waitUntil(lambda: d.report is not None, timeout=5000)
        expected = range_report(ctx, manager, day - dt.timedelta(days=29), day)
        assert d.figure_labels["net_sales"].text() == "¥1,130.00"
        assert d.figure_labels["topups"].text() == "¥1,000.00"
        assert d.report["totals"] == expected["totals"]
        bars = d.days_chart.series()[0].barSets()
        assert bars[0].at(29) == 1130.0 and bars[1].at(29) == 1000.0
        # 30 days: every second one back from today named in full (not "…"), the rest
        # blank and distinct.
        [x_axis] = d.days_chart.axes(Qt.Orientation.Horizontal)
        names = x_axis.categories()
        assert not x_axis.truncateLabels()
        assert [n for n in names if n.strip("\u200b")] == [
            (day - dt.timedelta(days=29 - i)).strftime("%m-%d") for i in range(1, 30, 2)
        ]
        assert len(set(names)) == 30
        pie = d.tier_chart.series()[0]
        assert sorted(s.value() for s in pie.slices()) == [1.0, 1.0]  # normal, silver
        assert d.cashiers.rowCount() == 1
        save_screenshot(d, "60-range-report")
        d.tabs.setCurrentIndex(1)
        save_screenshot(d, "61-range-report-tiers")
        d.export_path = target
        d.export_button.click()
        qtbot.waitUntil(lambda: "已导出" in d.state.text(), timeout=5000)
        d.reject()

    through_menu(qtbot, window, "reports", report)
    sheets = load_workbook(target).sheetnames
    assert sheets == ["汇总", "每日", "收银员", "等级"]


def test_member_export_masks_phones(qtbot, window, ctx, register, tmp_path: Path) -> None:
    register(name="张三", phone=PHONE)
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
    target = tmp_path / "members.csv"

    def export(d: QDialog) -> None:
        assert isinstance(d, MemberExportDialog) and d.mask.isChecked()
        save_screenshot(d, "62-member-export")
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    def ask() -> None:
        window.got = MemberExportDialog.ask(window, window.session, target)  # type: ignore[attr-defined]

    result = in_dialog(qtbot, ask, export)
    assert result is None and window.got["members"] == 1  # type: ignore[attr-defined]
    text = target.read_text(encoding="utf-8-sig")
    assert "138****8000" in text and PHONE not in text


def test_the_cashiers_menu_has_only_their_shift(qtbot, window) -> None:
    signed_in(qtbot, window, CASHIER_NO, CASHIER_PIN)

    def menu(d: QDialog) -> None:
        assert isinstance(d, ManagerMenu)
        assert sorted(d.buttons) == ["handover", "open_shift"]
        save_screenshot(d, "19-menu-cashier")

        def opened(shift: QDialog) -> None:
            assert isinstance(shift, OpenShiftDialog)
            shift.reject()

        in_dialog(qtbot, lambda: qtbot.keyClick(d, Qt.Key.Key_1), opened)  # number keys choose
        d.reject()

    in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F10), menu)


def test_the_eleventh_screen_has_a_key_too(qtbot, window) -> None:
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def menu(d: QDialog) -> None:
        assert isinstance(d, ManagerMenu)
        assert len(d.buttons) == 11 and d.buttons["items"].text().startswith("A  ")

        def opened(items: QDialog) -> None:
            assert isinstance(items, ItemsDialog)
            items.reject()

        in_dialog(qtbot, lambda: qtbot.keyClick(d, Qt.Key.Key_A), opened)  # a, not only A
        d.reject()

    in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F10), menu)


@pytest.mark.parametrize(
    ("model_class", "rows"),
    [
        (ImportRowsModel, [RowResult(2, "create", "王芳", "13912340000", None, 100, 0, 5),
                           RowResult(3, "error", "李雷", "123", code="phone_invalid",
                                     params={"phone": "123"})]),
        (CashiersModel, [{"staff_no": "c01", "staff_name": "李收银", "sales_count": 1,
                          "sales_fen": 100, "refunds_fen": 0, "topups_fen": 0,
                          "members_registered": 0, "shifts": 1, "over_short_fen": -10}]),
        (TiersEditModel, [Tier("normal", "普通", 0, 0, 1000),
                          Tier("gold", "金卡", 100, 500, 1500)]),
        (BonusesEditModel, [TopUpBonus(50_000, 5_000)]),
    ],
)  # fmt: skip
def test_models_pass_the_model_tester(qtmodeltester, qapp, model_class, rows) -> None:
    model = model_class()
    qtmodeltester.check(model)
    model.set_rows(rows)
    assert model.rowCount() == len(rows)
    qtmodeltester.check(model)


def test_the_audit_model_passes_the_model_tester(
    qtmodeltester, qapp, ctx, manager, register
) -> None:
    register(name="张三", phone=PHONE)
    model = AuditModel()
    qtmodeltester.check(model)
    model.set_rows(browse_audit(ctx, manager).rows)
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_the_main_screens_in_english(qtbot, window, qapp, ctx, cashier, manager, register) -> None:
    busy_day(ctx, cashier, register)
    i18n.install(qapp, "en")
    try:
        window.build()
        signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
        assert window.counter.action_buttons["manager"].text() == "F10  Manager"

        def menu(d: QDialog) -> None:
            assert d.buttons["day_close"].text().endswith("Daily close")
            save_screenshot(d, "70-menu-en")
            d.reject()

        in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F10), menu)

        def close(d: QDialog) -> None:
            qtbot.waitUntil(lambda: d.preview is not None, timeout=5000)
            assert "Net sales" in d.text.toPlainText()
            save_screenshot(d, "71-day-close-en")
            d.reject()

        in_dialog(qtbot, lambda: DayCloseDialog.ask(window, window.session), close)

        def report(d: QDialog) -> None:
            qtbot.waitUntil(lambda: d.report is not None, timeout=5000)
            save_screenshot(d, "72-range-report-en")
            d.reject()

        in_dialog(qtbot, lambda: RangeReportDialog.ask(window, window.session), report)

        def handover(d: QDialog) -> None:
            assert d.by_pieces.text() == "By denomination"
            qtbot.keyClicks(d.pieces[10_000], "3")
            save_screenshot(d, "73-blind-count-en")
            d.reject()

        open_shift(ctx, manager, 0)
        in_dialog(qtbot, lambda: HandoverDialog.ask(window, window.session), handover)

        def audit(d: QDialog) -> None:
            qtbot.waitUntil(lambda: d.page is not None, timeout=5000)
            words = {
                d.model.data(d.model.index(r, c))
                for r in range(d.model.rowCount())
                for c in (AuditModel.Col.ACTION, AuditModel.Col.ENTITY)
            }
            assert {"Open shift", "Shift"} <= words
            assert not [w for w in words if "_" in w or "." in w]  # no stored codes
            save_screenshot(d, "74-audit-en")
            d.reject()

        in_dialog(qtbot, lambda: AuditDialog.ask(window, window.session), audit)
    finally:
        i18n.install(qapp, "zh")


def test_day_labels_name_at_most_sixteen_days() -> None:
    dates = [(dt.date(2026, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(365)]
    labels = day_labels(dates)
    named = [x for x in labels if x.strip("\u200b")]
    assert len(named) <= 16 and named[-1] == "12-31"
    assert len(set(labels)) == 365
    assert day_labels(dates[:7]) == [d[5:] for d in dates[:7]]


def test_every_recorded_action_and_entity_has_words() -> None:
    """Each action and entity code the services write into the audit log (every literal in
    app/services) has a name in the viewer, in Chinese and English."""
    import re

    from ui.manager.audit_words import ACTIONS, ENTITIES

    source = "\n".join(p.read_text(encoding="utf-8") for p in Path("app/services").glob("*.py"))
    actions = set(re.findall(r'action="([a-z_.]+)"', source))
    passed_on = {
        "card.lost",
        "card.freeze",
        "card.unfreeze",
        "member.reset_password",
        "shift.count",
        "staff.pin_failed",
        "member.import",
        *(f"item.{a}" for a in ("add", "update", "deactivate", "import")),
        *(f"category.{a}" for a in ("add", "update", "deactivate")),
    }  # in a variable; fmt: skip
    actions |= passed_on
    actions.discard("staff.add.")
    actions.discard("skipped")  # an import row's action (app.services.importing), not audited
    entities = set(re.findall(r'entity="([a-z_]+)"', source))
    assert actions - set(ACTIONS) == set()
    assert entities - set(ENTITIES) == set()
