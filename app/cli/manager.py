"""The manager's-day commands: shifts, daily close, X/Z/range reports, import, export,
audit browsing and rules. Handlers return JSON-able dicts with money as "12.50"
(keys ending in ``_fen`` lose the suffix); the text renderers read those dicts."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli import render
from app.cli.parser import UsageError, approval_of
from app.domain.errors import ValidationError
from app.domain.messages import current_language
from app.domain.money import parse_yuan
from app.services import (
    audit_log,
    closing,
    exporting,
    importing,
    reports,
    rules_admin,
    shifts,
)
from app.services.context import CounterContext
from app.services.security import Actor

Result = dict[str, Any]
MONEY_MAPS = ("by_method", "sales_by_tender", "drawer_by_method")


def money(obj: Any) -> Any:
    """Fen figures as yuan strings: ``{"net_fen": 1250}`` → ``{"net": "12.50"}``."""
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for key, value in obj.items():
            k = str(key)
            if k.endswith("_fen") and (value is None or isinstance(value, int)):
                out[k[:-4]] = None if value is None else render.yuan(value)
            elif k in MONEY_MAPS and isinstance(value, dict):
                out[k] = {m: render.yuan(v) for m, v in value.items()}
            else:
                out[k] = money(value)
        return out
    if isinstance(obj, list | tuple):
        return [money(v) for v in obj]
    return obj


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError("date_invalid", value=text) from None


def _denominations(specs: list[str]) -> dict[int, int]:
    out: dict[int, int] = {}
    for spec in specs:
        face, sep, pieces = spec.partition("=")
        if not sep or not pieces.strip().isdigit():
            raise UsageError(f"--denom takes FACE=PIECES, not {spec!r}")
        fen = parse_yuan(face)
        out[fen] = out.get(fen, 0) + int(pieces)
    return out


# -- handlers ----------------------------------------------------------------------------


def shift_open(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    view = shifts.open_shift(ctx, actor, parse_yuan(args.float_yuan, allow_zero=True))
    return money({"event": "opened", **view.as_dict()})


def shift_count(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    if (args.total is None) == (not args.denom):
        raise UsageError("give either --total YUAN or --denom FACE=PIECES")
    view = shifts.count_shift(
        ctx,
        actor,
        total_fen=parse_yuan(args.total, allow_zero=True) if args.total is not None else None,
        denominations=_denominations(args.denom) if args.denom else None,
        shift_id=args.shift_id,
        approval=approval_of(args),
    )
    return money({"event": "counted", **view.as_dict()})


def shift_close(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    view = shifts.close_shift(ctx, actor, reason=args.reason, shift_id=args.shift_id)
    return money({"event": "closed", **view.as_dict()})


def shift_status(ctx: CounterContext, actor: Actor, _args: argparse.Namespace) -> Result:
    view = shifts.current_shift(ctx, actor)
    return money({"event": "status", "shift": view.as_dict() if view else None})


def _write_report(report: dict[str, Any], out: str | None) -> None:
    if out:
        reports.export_report(report, Path(out))


def close_day(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return money(closing.close_day(ctx, actor, _date(args.date)))


def report_z(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    day = _date(args.date)
    if day is None:
        with ctx.reader() as uow:
            day = ctx.business_date(uow)
    report = closing.z_report(ctx, actor, day)
    _write_report(report, args.out)
    return money(report)


def report_x(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    report = shifts.x_report(ctx, actor, shift_id=args.shift_id, staff_no=args.cashier)
    _write_report(report, args.out)
    return money(report)


def report_range(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    start, end = _date(args.date_from), _date(args.date_to)
    assert start is not None and end is not None
    report = reports.range_report(ctx, actor, start, end, churn_days=args.churn_days)
    if args.out:
        reports.export_range_report(report, Path(args.out))
        report["written_to"] = args.out
    return money(report)


def _progress(as_json: bool) -> Callable[[str, int, int], None]:
    words = {
        "zh": {"check": "检查", "write": "写入"},
        "en": {"check": "checked", "write": "written"},
    }

    def show(stage: str, done: int, total: int) -> None:
        label = words[current_language()].get(stage, stage)
        if as_json:
            print(json.dumps({"progress": stage, "done": done, "total": total}), file=sys.stderr)
        else:
            end = "\n" if done == total else "\r"
            print(f"{label} {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def import_members(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    try:
        report = importing.import_members(
            ctx,
            actor,
            Path(args.file),
            mapping=args.mapping,
            dry_run=args.dry_run,
            skip_errors=args.skip_errors,
            progress=_progress(args.json),
            header_row=args.header_row,
            tier_map=args.tier_map,
        )
    except importing.ImportRefusedError as exc:
        # The refusal message goes to the caller; which rows are wrong goes to stderr.
        for line in import_lines(money(exc.report.as_dict()), errors_only=True):
            print(line, file=sys.stderr)
        raise
    return money(report.as_dict())


def export_members(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return exporting.export_members(ctx, actor, Path(args.out), mask_phones=args.mask_phones)


def audit_list(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    page = audit_log.browse_audit(
        ctx,
        actor,
        start=_date(args.date_from),
        end=_date(args.date_to),
        staff_no=args.by,
        action=args.audit_action,
        entity=args.entity,
        entity_id=args.entity_id,
        limit=args.limit,
        offset=args.offset,
    )
    return page.as_dict()


def _rules(rules: Any, read_only: bool) -> Result:
    return {"read_only": read_only, **money(rules.to_dict())}


def rules_show(ctx: CounterContext, actor: Actor, _args: argparse.Namespace) -> Result:
    return _rules(*rules_admin.current_rules(ctx, actor))


def rules_set(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    text = args.spec.strip()
    try:
        spec = json.loads(text if text.startswith("{") else Path(text).read_text("utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"rules set takes a JSON object or a JSON file: {exc}") from None
    if not isinstance(spec, dict):
        raise UsageError("rules set takes a JSON object")
    allowed = {"tiers", "topup_bonuses", *rules_admin.EDITABLE}
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise UsageError(
            f"unknown rules: {', '.join(unknown)} (known: {', '.join(sorted(allowed))})"
        )
    new = rules_admin.update_rules(ctx, actor, **spec)
    return _rules(new, False)


HANDLERS = {
    ("shift", "open"): shift_open,
    ("shift", "count"): shift_count,
    ("shift", "close"): shift_close,
    ("shift", "status"): shift_status,
    ("close-day", None): close_day,
    ("report", "z"): report_z,
    ("report", "x"): report_x,
    ("report", "range"): report_range,
    ("import", "members"): import_members,
    ("export", "members"): export_members,
    ("audit", "list"): audit_list,
    ("rules", "show"): rules_show,
    ("rules", "set"): rules_set,
}


# -- text ----------------------------------------------------------------------------------

_L = {
    "zh": {
        "opened": "开班", "counted": "已清点", "closed": "交班完成", "status": "当前班次",
        "float": "备用金", "blind": "(盲点:交班后显示应有金额)", "expected": "应有现金",
        "counted_cash": "实点现金", "over_short": "长短款", "reason": "原因", "shift": "班次",
        "no_shift": "当前没有未结束的班次", "z": "日结报表(Z)", "x": "班中报表(X)",
        "preview": "(预览,尚未日结)", "date": "营业日", "sales": "消费", "refunds": "退款",
        "net_sales": "净营业额", "discount": "会员折扣", "points_value": "积分抵现",
        "by_tender": "按支付方式", "change": "找零", "topups": "充值(负债,非营业额)",
        "bonus": "赠送", "topup_refunds": "充值退款", "card_fees": "卡工本费",
        "cancellations": "注销退本金", "points": "积分", "earned": "发放", "redeemed": "抵用",
        "expired": "过期", "clawed": "扣回", "members": "新会员", "imported": "导入",
        "cards": "会员卡", "issued": "发卡", "replaced": "补卡", "cancelled": "注销",
        "lost": "挂失", "liability": "日终负债", "principal": "本金", "sv": "储值",
        "cashier": "收银员", "outside": "班次外现金", "count": "笔", "n_members": "位",
        "range": "经营报表", "active": "活跃会员", "repeat": "复购率", "churned": "流失会员",
        "written": "已写入", "import": "导入", "dry_run": "试运行(未写入)",
        "done": "导入完成", "create": "新建", "duplicate": "重复跳过", "exists": "已是会员",
        "skipped": "非会员行跳过",
        "error": "错误", "line": "第 {n} 行", "exported": "已导出 {n} 位会员到 {path}",
        "masked": "(手机号已隐藏)", "chain_ok": "审计链完整", "entries": "条",
        "chain_broken": "!!! 审计链断裂:第 {seq} 条记录起被改动 !!!",
        "read_only": "(总部管理,只读)", "backup": "自动备份",
        "tiers": "等级", "threshold": "累计消费", "multiplier": "积分倍率",
        "topup_rules": "充值赠送", "points_rules": "积分规则",
        "header_at": "表头:第 {lines} 行", "not_mapped": "(不导入)", "frozen": "冻结",
        "late": "其中:本店其他收银台迟到的已日结日期业务",
    },
    "en": {
        "opened": "Shift opened", "counted": "Counted", "closed": "Shift closed",
        "status": "Current shift", "float": "float",
        "blind": "(blind count: expected cash is shown at close)", "expected": "expected cash",
        "counted_cash": "counted", "over_short": "over/short", "reason": "reason",
        "shift": "shift", "no_shift": "No open shift", "z": "Z report (daily close)",
        "x": "X report (mid-shift)", "preview": "(preview, not closed yet)",
        "date": "business date", "sales": "Sales", "refunds": "Refunds",
        "net_sales": "Net sales", "discount": "member discount", "points_value": "points as cash",
        "by_tender": "By tender", "change": "change given",
        "topups": "Top-ups (liability, not sales)", "bonus": "bonus",
        "topup_refunds": "Top-up refunds", "card_fees": "Card fees",
        "cancellations": "Cancellations (principal paid back)", "points": "Points",
        "earned": "issued", "redeemed": "redeemed", "expired": "expired", "clawed": "taken back",
        "members": "New members", "imported": "imported", "cards": "Cards", "issued": "issued",
        "replaced": "replaced", "cancelled": "cancelled", "lost": "lost",
        "liability": "Liability at close", "principal": "principal", "sv": "stored value",
        "cashier": "Cashier", "outside": "Cash outside shifts", "count": "",
        "n_members": "", "range": "Store report", "active": "active members",
        "repeat": "repeat-purchase rate", "churned": "churned members", "written": "written to",
        "import": "Import", "dry_run": "dry run (nothing written)", "done": "Imported",
        "create": "create", "duplicate": "duplicate, skipped", "exists": "already a member",
        "skipped": "not a member, skipped",
        "error": "error", "line": "line {n}", "exported": "Exported {n} members to {path}",
        "masked": "(phones masked)", "chain_ok": "audit chain intact", "entries": "entries",
        "chain_broken": "!!! AUDIT CHAIN BROKEN at entry {seq}: the log was altered !!!",
        "read_only": "(managed by HQ, read-only)", "tiers": "Tiers", "backup": "backup",
        "threshold": "spend from", "multiplier": "points ×", "topup_rules": "Top-up bonuses",
        "points_rules": "Points",
        "header_at": "header: line {lines}", "not_mapped": "(not imported)", "frozen": "frozen",
        "late": "of which: other counters' operations of dates closed here, arrived late",
    },
}  # fmt: skip


def _t(key: str) -> str:
    return _L[current_language()][key]


def _c(text: str | None) -> str:
    return render._cny(text) if text is not None else "-"


def _time(iso: str | None) -> str:
    """A stored UTC time as this computer's local time (the counter's own clock)."""
    if not iso:
        return "-"
    return f"{dt.datetime.fromisoformat(iso).astimezone():%Y-%m-%d %H:%M}"


def _by(d: dict[str, str]) -> str:
    return ", ".join(f"{render._method(m)} {_c(v)}" for m, v in d.items()) or "-"


def shift_lines(data: Result) -> list[str]:
    if data["event"] == "status":
        s = data["shift"]
        if s is None:
            return [_t("no_shift")]
        return [f"{_t('status')}  {s['staff_no']} {s['staff_name']}  {_t('float')} "
                f"{_c(s['float'])}  {_time(s['opened_at'])}  ({s['status']})",
                f"  {_t('shift')} {s['shift_id']}"]  # fmt: skip
    head = f"{_t(data['event'])}  {data['staff_no']} {data['staff_name']}"
    if data["event"] == "opened":
        return [f"{head}  {_t('float')} {_c(data['float'])}", f"  {_t('shift')} {data['shift_id']}"]
    if data["event"] == "counted":
        return [f"{head}  {_c(data['counted'])}  {_t('blind')}"]
    lines = [
        f"{head}  {_t('float')} {_c(data['float'])}  {_t('expected')} {_c(data['expected'])}"
        f"  {_t('counted_cash')} {_c(data['counted'])}"
        f"  {_t('over_short')} {_c(data['over_short'])}"
    ]
    if data.get("reason"):
        lines.append(f"  {_t('reason')}: {data['reason']}")
    return lines


def figure_lines(f: Result, indent: str = "") -> list[str]:
    s, r = f["sales"], f["refunds"]
    p, cards = f["points"], f["cards"]
    return [
        f"{indent}{_t('sales')} {s['count']}{_t('count')} {_c(s['net'])}  "
        f"({_t('discount')} {_c(s['discount'])}, {_t('points_value')} {_c(s['points_value'])})",
        f"{indent}{_t('refunds')} {r['count']}{_t('count')} {_c(r['net'])}",
        f"{indent}{_t('net_sales')} {_c(f['net_sales'])}",
        f"{indent}{_t('by_tender')}: {_by(f['sales_by_tender'])}  {_t('change')} "
        f"{_c(f['cash_change'])}",
        f"{indent}{_t('topups')} {f['topups']['count']}{_t('count')} "
        f"{_c(f['topups']['amount'])} ({_by(f['topups']['by_method'])})  {_t('bonus')} "
        f"{_c(f['topups']['bonus'])}",
        f"{indent}{_t('topup_refunds')} {f['topup_refunds']['count']}{_t('count')} "
        f"{_c(f['topup_refunds']['amount'])}  {_t('card_fees')} {_c(f['card_fees']['amount'])}"
        f"  {_t('cancellations')} {_c(f['cancellations']['principal'])}",
        f"{indent}{_t('points')}: {_t('earned')} {p['earned']}  {_t('redeemed')} "
        f"{p['redeemed']}  {_t('expired')} {p['expired']}  {_t('clawed')} {p['clawed_back']}",
        f"{indent}{_t('members')} {f['members']['new']}  ({_t('imported')} "
        f"{f['members']['imported']})  {_t('cards')}: {_t('issued')} {cards['issued']}  "
        f"{_t('replaced')} {cards['replaced']}  {_t('cancelled')} {cards['cancelled']}  "
        f"{_t('lost')} {cards['lost']}",
    ]


def z_lines(data: Result) -> list[str]:
    store = data.get("store") or {}
    head = f"{_t('z')}  {store.get('name', '')}  {_t('date')} {data['business_date']}"
    if not data.get("closed"):
        head += f"  {_t('preview')}"
    lines = [head, *figure_lines(data, "  ")]
    li = data["liability"]
    lines.append(f"  {_t('liability')}: {_t('sv')} {_c(li['total'])} ({_t('principal')} "
                 f"{_c(li['principal'])}, {_t('bonus')} {_c(li['bonus'])})  {_t('points')} "
                 f"{li['points']}")  # fmt: skip
    late = data.get("arrived_late")  # (a report stored before it was kept has none)
    if late and any(str(v) not in ("0", "0.00") for v in late.values()):  # (yuan as text)
        lines.append(f"    {_t('late')}: {_t('principal')} {_c(late['principal'])}, "
                     f"{_t('bonus')} {_c(late['bonus'])}  "
                     f"{_t('points')} {late['points']}")  # fmt: skip
    for s in data["shifts"]:
        lines.append(
            f"  {_t('cashier')} {s['staff_no']} {s['staff_name']}  {_t('expected')} "
            f"{_c(s['expected'])}  {_t('counted_cash')} {_c(s.get('counted'))}  "
            f"{_t('over_short')} {_c(s.get('over_short'))}"
            + (f"  {_t('reason')}: {s['reason']}" if s.get("reason") else "")
        )
    lines.append(f"  {_t('outside')}: {_c(data['outside_shifts']['cash_net'])}")
    made = data.get("backup")
    if made:
        lines.append(f"  {_t('backup')}: {made.get('path') or made.get('error')}")
    return lines


def x_lines(data: Result) -> list[str]:
    lines = [f"{_t('x')}  {_time(data['printed_at'])}"]
    if not data["shifts"]:
        lines.append(f"  {_t('no_shift')}")
    for s in data["shifts"]:
        f = s["figures"]
        lines.append(f"  {s['staff_no']} {s['staff_name']}  {_time(s['opened_at'])}  {_t('float')} "
                     f"{_c(s['float'])}  {_t('expected')} {_c(f['expected_cash'])}")  # fmt: skip
        lines.extend(figure_lines(f, "    "))
    return lines


def range_lines(data: Result) -> list[str]:
    m = data["members"]
    lines = [
        f"{_t('range')}  {data['from']} – {data['to']}",
        *figure_lines(data["totals"], "  "),
        f"  {_t('active')} {m['active']}  {_t('repeat')} {m['repeat_rate_bp'] / 100:.2f}%  "
        f"{_t('churned')} {m['churned']} ({m['churn_days']}d)",
        "  " + "  ".join(f"{t['name']} {t['members']}" for t in data["tiers"]),
    ]
    for d in data["days"]:
        lines.append(f"  {d['date']}  {_t('net_sales')} {_c(d['net_sales'])}  {_t('topups')[:2]} "
                     f"{_c(d['topups'])}  {_t('sv')} {_c(d['stored_value'])}  {_t('points')} "
                     f"{d['points_liability']}")  # fmt: skip
    for c in data["cashiers"]:
        lines.append(f"  {_t('cashier')} {c['staff_no']} {c['staff_name']}  {_t('sales')} "
                     f"{c['sales_count']} {_c(c['sales'])}  {_t('refunds')} {_c(c['refunds'])}  "
                     f"{_t('over_short')} {_c(c['over_short'])}")  # fmt: skip
    if data.get("written_to"):
        lines.append(f"{_t('written')} {data['written_to']}")
    return lines


def import_lines(data: Result, errors_only: bool = False) -> list[str]:
    counts, totals = data["counts"], data["totals"]
    title = _t("dry_run") if data["dry_run"] else (_t("done") if data["imported"] else "")
    lines = [] if errors_only else [f"{_t('import')} {data['file']} ({data['encoding']})  {title}"]
    if not errors_only and data.get("columns"):
        header = ", ".join(str(n) for n in data["header_lines"])
        lines.append("  " + _t("header_at").format(lines=header))
        for c in data["columns"]:  # what each column was understood as
            values = "  " + ", ".join(f"{k} → {v}" for k, v in c["values"].items())
            lines.append(f"    {c['column']} → {c['field'] or _t('not_mapped')}"
                         + (values if c["values"] else ""))  # fmt: skip
    for r in data["rows"]:
        if errors_only and r["action"] != "error":
            continue
        if r["action"] == "create" and len(data["rows"]) > 200:
            continue  # a big file: list only the rows that need attention
        extra = [
            r.get("tier"),
            _t(r["status"]) if r.get("status", "active") != "active" else None,
            r.get("birthday"),
        ]
        lines.append(f"  {_t('line').format(n=r['line'])}  {_t(r['action'])}  {r['name']} "
                     f"{r['phone']}" + "".join(f"  {x}" for x in extra if x)
                     + (f"  {r['message']}" if r["message"] else ""))  # fmt: skip
    if not errors_only:
        lines.append("  " + "  ".join(f"{_t(k)} {v}" for k, v in counts.items()))
        lines.append(f"  {_t('principal')} {_c(totals['principal'])}  {_t('bonus')} "
                     f"{_c(totals['bonus'])}  {_t('points')} {totals['points']}")  # fmt: skip
    return lines


def export_lines(data: Result) -> list[str]:
    line = _t("exported").format(n=data["members"], path=data["path"])
    return [line + (f" {_t('masked')}" if data["phones_masked"] else "")]


def audit_lines(data: Result) -> list[str]:
    if data["chain_ok"]:
        lines = [f"{_t('chain_ok')}  {data['total']} {_t('entries')}"]
    else:
        lines = [_t("chain_broken").format(seq=data["broken_at"])]
    for r in data["rows"]:
        who = r["staff_no"] or "-"
        if r["approved_by"]:
            who += f" (+{r['approved_by']})"
        lines.append(f"  #{r['seq']}  {r['at']}  {who}  {r['action']}  {r['entity']} "
                     f"{r['entity_id'] or ''}")  # fmt: skip
    if not data["chain_ok"]:
        lines.append(_t("chain_broken").format(seq=data["broken_at"]))
    return lines


def rules_lines(data: Result) -> list[str]:
    lines = [f"{_t('tiers')}" + (f"  {_t('read_only')}" if data["read_only"] else "")]
    for t in data["tiers"]:
        lines.append(f"  {t['code']} {t['name']}  {_t('threshold')} {_c(t['threshold'])}  "
                     f"{_t('discount')} {t['discount_bp'] / 100:.2f}%  {_t('multiplier')} "
                     f"{t['multiplier_permille'] / 1000:.2f}")  # fmt: skip
    bonuses = ", ".join(f"≥{_c(b['min'])} +{_c(b['bonus'])}" for b in data["topup_bonuses"])
    lines.append(f"{_t('topup_rules')}: {bonuses}")
    cap = data["max_points_ratio_bp"] / 100
    lines.append(
        f"{_t('points_rules')}: {data['points_per_yuan']}/¥1  "
        f"{data['points_per_yuan_cash']} = ¥1  ≤ {cap:.0f}%"
    )
    return lines


TEXT_RENDERERS = {
    ("shift", "open"): shift_lines,
    ("shift", "count"): shift_lines,
    ("shift", "close"): shift_lines,
    ("shift", "status"): shift_lines,
    ("close-day", None): z_lines,
    ("report", "z"): z_lines,
    ("report", "x"): x_lines,
    ("report", "range"): range_lines,
    ("import", "members"): import_lines,
    ("export", "members"): export_lines,
    ("audit", "list"): audit_lines,
    ("rules", "show"): rules_lines,
    ("rules", "set"): rules_lines,
}
