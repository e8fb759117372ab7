"""Store reports for a date range (manager): plain data for screens, charts and export.

Figures are by business date. Definitions:

- **active members**: distinct members with at least one checkout in the range;
- **repeat-purchase rate**: the share of those with two or more checkouts, in basis
  points (2500 = 25 %);
- **churned members**: active members who joined before the range's last day minus
  ``churn_days`` and have had no checkout since then (up to the range's last day);
- **liability trend**: stored value (principal, bonus) and points outstanding at the
  end of each day of the range.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from app.domain.errors import ValidationError
from app.domain.messages import current_language
from app.persistence import reporting
from app.services.closing import liability_at
from app.services.context import CounterContext, load_rules
from app.services.figures import figures
from app.services.security import Actor, Permission, require
from app.services.spreadsheets import write_table, write_workbook

K = TypeVar("K")
MAX_DAYS = 3 * 366
DEFAULT_CHURN_DAYS = 90


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _accumulate(into: dict[K, dict[str, int]], key: K, sums: dict[str, int]) -> None:
    total = into.setdefault(key, dict.fromkeys(sums, 0))
    for name, value in sums.items():
        total[name] += value


def check_range(start: dt.date, end: dt.date) -> None:
    if end < start or (end - start).days >= MAX_DAYS:
        raise ValidationError("range_invalid", start=start.isoformat(), end=end.isoformat())


def range_report(
    ctx: CounterContext,
    actor: Actor,
    start: dt.date,
    end: dt.date,
    *,
    churn_days: int = DEFAULT_CHURN_DAYS,
) -> dict[str, Any]:
    require(actor, Permission.REPORT_VIEW)
    check_range(start, end)
    if churn_days <= 0:
        raise ValidationError("range_invalid", start=str(churn_days), end="days")
    with ctx.reader() as uow:
        rules = load_rules(uow)
        store = uow.store()
        totals = figures(uow, reporting.on_dates(start, end))
        per_day: dict[dt.date, dict[str, dict[str, int]]] = defaultdict(dict)
        per_staff: dict[tuple[str | None, str], dict[str, int]] = {}
        for day, staff_id, kind, sums in reporting.txn_sums_by_day_and_staff(uow, start, end):
            _accumulate(per_day[day], kind, sums)
            _accumulate(per_staff, (staff_id, kind), sums)
        sv_delta = reporting.sv_delta_by_day(uow, start, end)
        pts_delta = reporting.points_delta_by_day(uow, start, end)
        principal, bonus, points = liability_at(uow, start - dt.timedelta(days=1))
        days = []
        for day in _days(start, end):
            k = per_day.get(day, {})

            def s(kind: str, fld: str, k: dict[str, dict[str, int]] = k) -> int:
                return k.get(kind, {}).get(fld, 0)

            p, b = sv_delta.get(day, (0, 0))
            principal, bonus, points = principal + p, bonus + b, points + pts_delta.get(day, 0)
            days.append(
                {
                    "date": day.isoformat(),
                    "sales_count": s("checkout", "count"),
                    "sales_fen": s("checkout", "due_fen"),
                    "refunds_count": s("refund", "count"),
                    "refunds_fen": -s("refund", "due_fen"),
                    "net_sales_fen": s("checkout", "due_fen") + s("refund", "due_fen"),
                    "topups_count": s("topup", "count"),
                    "topups_fen": s("topup", "amount_fen") + s("topup_refund", "amount_fen"),
                    "topup_bonus_fen": s("topup", "bonus_fen") + s("topup_refund", "bonus_fen"),
                    "new_members": s("register", "count") + s("import", "count"),
                    "principal_fen": principal,
                    "bonus_fen": bonus,
                    "stored_value_fen": principal + bonus,
                    "points_liability": points,
                }
            )
        buyers = reporting.purchase_counts(uow, start, end)
        active = sum(buyers.values())
        repeat = sum(n for times, n in buyers.items() if times >= 2)
        churned = reporting.churned_members(uow, end - dt.timedelta(days=churn_days - 1), end)
        tiers = reporting.tier_distribution(uow)
        names = reporting.staff_names(uow)
        cashiers: dict[str, dict[str, Any]] = {}

        def cashier(staff_id: str | None) -> dict[str, Any]:
            no, name = names.get(staff_id or "", ("-", "-"))
            return cashiers.setdefault(
                no,
                {
                    "staff_no": no,
                    "staff_name": name,
                    "sales_count": 0,
                    "sales_fen": 0,
                    "refunds_count": 0,
                    "refunds_fen": 0,
                    "topups_count": 0,
                    "topups_fen": 0,
                    "members_registered": 0,
                    "shifts": 0,
                    "over_short_fen": 0,
                },
            )

        for (staff_id, kind), sums in per_staff.items():
            row = cashier(staff_id)
            if kind == "checkout":
                row["sales_count"] += sums["count"]
                row["sales_fen"] += sums["due_fen"]
            elif kind == "refund":
                row["refunds_count"] += sums["count"]
                row["refunds_fen"] -= sums["due_fen"]
            elif kind == "topup":
                row["topups_count"] += sums["count"]
                row["topups_fen"] += sums["amount_fen"]
            elif kind == "topup_refund":
                row["topups_fen"] += sums["amount_fen"]
            elif kind == "register":
                row["members_registered"] += sums["count"]
        for shift in reporting.shifts_between(uow, start, end):
            row = cashier(shift.staff_id)
            row["shifts"] += 1
            row["over_short_fen"] += shift.over_short_fen or 0
        card_status = reporting.card_status_counts(uow)
        return {
            "report": "range",
            "store": {"code": store.code, "name": store.name} if store else None,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "generated_at": ctx.now().isoformat(),
            "totals": totals,
            "members": {
                "new": totals["members"]["new"],
                "imported": totals["members"]["imported"],
                "active": active,
                "repeat_buyers": repeat,
                "repeat_rate_bp": repeat * 10000 // active if active else 0,
                "churn_days": churn_days,
                "churned": churned,
                "purchases_histogram": {str(k): v for k, v in sorted(buyers.items())},
            },
            "tiers": [
                {"code": t.code, "name": t.name, "members": tiers.get(t.code, 0)}
                for t in rules.tiers
            ],
            "points": {
                "issued": totals["points"]["earned"]
                + totals["points"]["adjusted_in"]
                + totals["points"]["migrated"],
                **totals["points"],
            },
            "cards": {**totals["cards"], "by_status_now": card_status},
            "days": days,
            "cashiers": sorted(cashiers.values(), key=lambda r: r["staff_no"]),
        }


# -- export ------------------------------------------------------------------------------

_DAY_COLUMNS = (
    ("date", "日期", "Date"),
    ("sales_count", "消费笔数", "Sales"),
    ("sales_fen", "消费金额", "Sales amount"),
    ("refunds_count", "退款笔数", "Refunds"),
    ("refunds_fen", "退款金额", "Refunded"),
    ("net_sales_fen", "净营业额", "Net sales"),
    ("topups_count", "充值笔数", "Top-ups"),
    ("topups_fen", "充值金额", "Top-up amount"),
    ("topup_bonus_fen", "赠送金额", "Bonus granted"),
    ("new_members", "新会员", "New members"),
    ("principal_fen", "储值本金余额", "Principal outstanding"),
    ("bonus_fen", "赠送金余额", "Bonus outstanding"),
    ("stored_value_fen", "储值余额合计", "Stored value outstanding"),
    ("points_liability", "积分余额", "Points outstanding"),
)
_CASHIER_COLUMNS = (
    ("staff_no", "工号", "Staff no."),
    ("staff_name", "姓名", "Name"),
    ("sales_count", "消费笔数", "Sales"),
    ("sales_fen", "消费金额", "Sales amount"),
    ("refunds_count", "退款笔数", "Refunds"),
    ("refunds_fen", "退款金额", "Refunded"),
    ("topups_count", "充值笔数", "Top-ups"),
    ("topups_fen", "充值金额", "Top-up amount"),
    ("members_registered", "登记会员", "Members registered"),
    ("shifts", "班次", "Shifts"),
    ("over_short_fen", "长短款", "Over/short"),
)


def yuan_cell(key: str, value: Any) -> Any:
    """Fen as a Decimal of yuan (a number in Excel, "12.50" in CSV)."""
    if key.endswith("_fen") and isinstance(value, int):
        return Decimal(value).scaleb(-2)
    return value


def _header(columns: tuple[tuple[str, str, str], ...]) -> list[str]:
    en = current_language() == "en"
    return [c[2] if en else c[1] for c in columns]


def _table(
    rows: list[dict[str, Any]], columns: tuple[tuple[str, str, str], ...]
) -> list[list[Any]]:
    return [[yuan_cell(c[0], r[c[0]]) for c in columns] for r in rows]


def _flat(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for k, v in value.items():
            out.extend(_flat(f"{prefix}.{k}" if prefix else str(k), v))
        return out
    if isinstance(value, list):
        return []
    return [(prefix, value)]


def summary_rows(report: dict[str, Any]) -> list[list[Any]]:
    """Every scalar figure of a report as (item, value) rows (money in yuan)."""
    skip = ("days", "cashiers", "tiers", "shifts")
    rows = []
    for key, value in report.items():
        if key in skip:
            continue
        for item, v in _flat(key, value):
            leaf = item.rsplit(".", 1)[-1]
            in_money_map = any(p in item for p in ("by_method", "by_tender"))
            rows.append([item, yuan_cell("x_fen" if in_money_map else leaf, v)])
    return rows


def export_range_report(report: dict[str, Any], path: Path | str) -> Path:
    """.xlsx: summary, days, cashiers and tiers sheets; .csv: the daily figures."""
    path = Path(path)
    en = current_language() == "en"
    if path.suffix.lower() == ".csv":
        write_table(path, _header(_DAY_COLUMNS), _table(report["days"], _DAY_COLUMNS))
        return path
    if path.suffix.lower() != ".xlsx":
        raise ValidationError("export_format", path=str(path))
    tiers = [[t["code"], t["name"], t["members"]] for t in report["tiers"]]
    write_workbook(
        path,
        [
            ("Summary" if en else "汇总", ["item", "value"], summary_rows(report)),
            ("Days" if en else "每日", _header(_DAY_COLUMNS), _table(report["days"], _DAY_COLUMNS)),
            (
                "Cashiers" if en else "收银员",
                _header(_CASHIER_COLUMNS),
                _table(report["cashiers"], _CASHIER_COLUMNS),
            ),
            ("Tiers" if en else "等级", ["code", "name", "members"], tiers),
        ],
    )
    return path


def export_report(report: dict[str, Any], path: Path | str) -> Path:
    """Any report (Z, X) as (item, value) rows in .xlsx or .csv, for the manager's files."""
    path = Path(path)
    write_table(path, ["item", "value"], summary_rows(report))
    return path
