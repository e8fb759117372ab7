"""Range reports, member export, the audit viewer and rules editing without HQ."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.domain.rules import TopUpBonus
from app.services import audit_log, reports, rules_admin, syncstate
from app.services.checkout import checkout
from app.services.exporting import export_members
from app.services.refunds import refund
from app.services.stored_value import top_up
from app.services.tiers import override_tier
from tests.helpers import Snapshot, query, refused

DAY = dt.date(2026, 3, 15)


def test_range_report_figures(ctx, clock, cashier, manager, approval, register) -> None:
    a = register(name="张三", phone="13800138000")
    b = register(name="李四", phone="13900139000")
    register(name="王五", phone="13700137000")
    top_up(ctx, cashier, a.member_id, 100_000, "cash")  # +150 bonus
    checkout(ctx, cashier, a.member_id, 10_000)
    clock.advance(days=1)
    checkout(ctx, cashier, a.member_id, 5_000)
    sale = checkout(ctx, manager, b.member_id, 2_000, pay="wechat")
    refund(ctx, cashier, sale.txn_id, approval)
    clock.advance(days=1)  # the 17th: nothing happens
    r = reports.range_report(ctx, manager, DAY, DAY + dt.timedelta(days=2), churn_days=30)
    assert [d["date"] for d in r["days"]] == ["2026-03-15", "2026-03-16", "2026-03-17"]
    assert [d["net_sales_fen"] for d in r["days"]] == [10_000, 5_000, 0]
    assert [d["refunds_fen"] for d in r["days"]] == [0, 2_000, 0]
    assert [d["topups_fen"] for d in r["days"]] == [100_000, 0, 0]
    assert [d["new_members"] for d in r["days"]] == [3, 0, 0]
    # Liability at the end of each day: 1,150 yuan, less 100 and then 50 spent.
    assert [d["stored_value_fen"] for d in r["days"]] == [105_000, 100_000, 100_000]
    assert [d["points_liability"] for d in r["days"]] == [100, 150, 150]
    assert r["totals"]["net_sales_fen"] == 15_000
    assert r["members"]["active"] == 2 and r["members"]["repeat_buyers"] == 1
    assert r["members"]["repeat_rate_bp"] == 5000
    assert r["members"]["churned"] == 0  # everybody joined within the last 30 days
    assert r["tiers"][0] == {"code": "normal", "name": "普通", "members": 3}
    assert [t["members"] for t in r["tiers"][1:]] == [0, 0, 0]  # 150 yuan spent: still 普通
    by_no = {c["staff_no"]: c for c in r["cashiers"]}
    assert by_no["c01"]["sales_count"] == 2 and by_no["c01"]["refunds_fen"] == 2_000
    assert by_no["m01"]["sales_fen"] == 2_000
    # A hundred days later none of the three has been back for 60 days: all churned.
    clock.advance(days=100)
    later = DAY + dt.timedelta(days=100)
    r2 = reports.range_report(ctx, manager, later, later, churn_days=60)
    assert r2["members"]["churned"] == 3


def test_range_report_exports(ctx, manager, register, cashier, tmp_path: Path) -> None:
    a = register()
    top_up(ctx, cashier, a.member_id, 1_000, "cash")
    r = reports.range_report(ctx, manager, DAY, DAY)
    xlsx = reports.export_range_report(r, tmp_path / "r.xlsx")
    book = load_workbook(xlsx, read_only=True)
    assert book.sheetnames == ["汇总", "每日", "收银员", "等级"]
    days = list(book["每日"].iter_rows(values_only=True))
    assert days[0][0] == "日期" and days[1][0] == "2026-03-15"
    assert days[1][7] == 10  # top-ups, in yuan
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert summary["totals.topups.amount_fen"] == 10
    book.close()
    path = reports.export_range_report(r, tmp_path / "r.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1][0] == "2026-03-15" and rows[1][7] == "10.00"


def test_member_export_masks_phones_when_asked(ctx, manager, cashier, register, tmp_path) -> None:
    a = register(name="张三", phone="13800138000")
    top_up(ctx, cashier, a.member_id, 50_000, "wechat")
    out = export_members(ctx, manager, tmp_path / "m.csv")
    assert out == {"path": str(tmp_path / "m.csv"), "members": 1, "phones_masked": False}
    with (tmp_path / "m.csv").open(encoding="utf-8-sig", newline="") as f:
        header, row = list(csv.reader(f))
    assert header[:3] == ["会员号", "姓名", "手机"]
    assert row[1:3] == ["张三", "13800138000"] and row[7:10] == ["500.00", "50.00", "550.00"]
    export_members(ctx, manager, tmp_path / "m.xlsx", mask_phones=True)
    book = load_workbook(tmp_path / "m.xlsx", read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert rows[1][2] == "138****8000" and Decimal(str(rows[1][9])) == Decimal("550")
    assert query(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'member.export'") == [(2,)]


def test_cashiers_get_no_reports_or_exports(ctx, cashier, tmp_path, snapshot: Snapshot) -> None:
    refused(snapshot, "permission_denied", reports.range_report, ctx, cashier, DAY, DAY)
    refused(snapshot, "permission_denied", export_members, ctx, cashier, tmp_path / "m.csv")
    refused(snapshot, "permission_denied", audit_log.browse_audit, ctx, cashier)
    refused(snapshot, "permission_denied", rules_admin.update_rules, ctx, cashier,
            points_per_yuan=2)  # fmt: skip


def test_audit_viewer_filters_and_shows_a_broken_chain(
    ctx, clock, cashier, manager, approval, register
) -> None:
    a = register()
    top_up(ctx, cashier, a.member_id, 1_000, "cash")
    clock.advance(days=1)
    override_tier(ctx, cashier, a.member_id, "gold", "老客户", approval)
    page = audit_log.browse_audit(ctx, manager, staff_no="c01", action="stored_value")
    assert page.chain_ok and page.total == 1
    assert page.rows[0].action == "stored_value.topup" and page.rows[0].staff_no == "c01"
    assert page.rows[0].at.startswith("2026-03-15T10:00")
    day2 = audit_log.browse_audit(ctx, manager, start=DAY + dt.timedelta(days=1))
    assert [r.action for r in day2.rows] == ["tier.override"]
    assert day2.rows[0].approved_by == "m01"
    assert audit_log.browse_audit(ctx, manager, entity="member", entity_id=a.member_id).total == 3
    # Someone edits the log behind the counter's back: the viewer says so.
    conn = sqlite3.connect(str(ctx.db.path))
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET after = '{}' WHERE action = 'stored_value.topup'")
    conn.commit()
    conn.close()
    broken = audit_log.browse_audit(ctx, manager)
    seq = query(ctx, "SELECT seq FROM audit_log WHERE action = 'stored_value.topup'")[0][0]
    assert not broken.chain_ok and broken.broken_at == seq


def test_rules_edits_apply_from_the_next_operation(
    ctx, cashier, manager, admin, register, snapshot: Snapshot
) -> None:
    a = register()
    assert top_up(ctx, cashier, a.member_id, 50_000, "cash").bonus_fen == 5_000
    rules_admin.update_rules(ctx, manager, topup_bonuses=[{"min_fen": 30_000, "bonus_fen": 8_000}])
    assert top_up(ctx, cashier, a.member_id, 50_000, "cash").bonus_fen == 8_000
    new = rules_admin.update_rules(ctx, admin, points_per_yuan=2)
    assert new.points_per_yuan == 2 and new.topup_bonuses == (TopUpBonus(30_000, 8_000),)
    assert checkout(ctx, cashier, a.member_id, 1_000).points_earned == 20
    audit = query(ctx, "SELECT before, after FROM audit_log WHERE action = 'rules.update'")
    assert len(audit) == 2 and '"points_per_yuan":1' in audit[1][0]
    assert query(ctx, "SELECT COUNT(*) FROM outbox WHERE type = 'rules.changed'") == [(2,)]
    # Bad rules and removing a tier a member holds are refused, changing nothing.
    tiers = [t.__dict__ for t in rules_admin.current_rules(ctx, manager)[0].tiers]
    refused(snapshot, "rules_invalid", rules_admin.update_rules, ctx, manager,
            tiers=[tiers[1], tiers[0]])  # fmt: skip
    refused(snapshot, "tier_in_use", rules_admin.update_rules, ctx, manager,
            tiers=[{**tiers[1], "threshold_fen": 0}, *tiers[2:]])  # fmt: skip
    refused(snapshot, "rules_invalid", rules_admin.update_rules, ctx, manager,
            max_points_ratio_bp=20_000)  # fmt: skip
    # Once HQ manages the rules, the store's copy is read-only.
    syncstate.mark_enrolled(ctx, "https://hq.example")
    assert rules_admin.current_rules(ctx, manager)[1] is True
    refused(snapshot, "rules_managed_by_hq", rules_admin.update_rules, ctx, admin,
            points_per_yuan=3)  # fmt: skip


@pytest.mark.parametrize("bad", [(DAY, DAY - dt.timedelta(days=1)), (DAY, DAY.replace(year=2030))])
def test_range_limits(ctx, manager, snapshot: Snapshot, bad) -> None:
    refused(snapshot, "range_invalid", reports.range_report, ctx, manager, *bad)
