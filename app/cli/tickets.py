"""The service-ticket commands (``ticket open|update|list|show|report``); phones masked."""

from __future__ import annotations

import argparse
from typing import Any

from app.domain.messages import current_language
from app.domain.tickets import KIND_WORDS, PRIORITY_WORDS, STATUS_WORDS
from app.services import tickets
from app.services.context import CounterContext
from app.services.security import Actor

Result = dict[str, Any]


def open_(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    v = tickets.open_ticket(ctx, actor, args.member, kind=args.kind, priority=args.priority,
                            subject=args.subject, body=args.body)  # fmt: skip
    return {"event": "ticket_opened", "tickets": [v.to_dict()]}


def update(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    v = tickets.update_ticket(ctx, actor, args.number, status=args.status, assignee=args.assign,
                              note=args.note, resolution=args.resolution,
                              satisfaction=args.satisfaction)  # fmt: skip
    return {"event": "ticket_updated", "tickets": [v.to_dict()]}


def listing(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    views = tickets.list_tickets(ctx, member=args.member, status=args.status,
                                 overdue=args.overdue, store=args.store)  # fmt: skip
    return {"tickets": [v.to_dict() for v in views]}


def show(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {"ticket": tickets.show_ticket(ctx, args.number).to_dict()}


def report(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {"ticket_report": tickets.report(ctx, actor).to_dict()}


HANDLERS = {
    ("ticket", "open"): open_,
    ("ticket", "update"): update,
    ("ticket", "list"): listing,
    ("ticket", "show"): show,
    ("ticket", "report"): report,
}

_L = {
    "zh": {"tickets": "工单", "ticket_opened": "已开工单", "ticket_updated": "已更新工单",
           "none": "(无)", "overdue": "已超时", "due": "到期", "history": "处理记录",
           "report": "工单统计", "total": "合计", "resolved": "已解决", "mean": "平均",
           "median": "中位", "hours": "小时", "by_kind": "按类型", "by_store": "按门店",
           "assignee": "处理人", "resolution": "处理结果", "satisfaction": "满意度",
           "opened": "开单", "updated": "更新", "reopened": "重新打开"},
    "en": {"tickets": "Tickets", "ticket_opened": "Ticket opened",
           "ticket_updated": "Ticket updated", "none": "(none)", "overdue": "OVERDUE",
           "due": "due", "history": "History", "report": "Tickets report", "total": "total",
           "resolved": "resolved", "mean": "mean", "median": "median", "hours": "h",
           "by_kind": "By kind", "by_store": "By store", "assignee": "assigned to",
           "resolution": "resolution", "satisfaction": "satisfaction", "opened": "opened",
           "updated": "updated", "reopened": "reopened"},
}  # fmt: skip


def _t(key: str) -> str:
    return _L[current_language()][key]


def _w(words: dict[str, tuple[str, str]], key: str) -> str:
    pair = words.get(key)
    return key if pair is None else pair[0 if current_language() == "zh" else 1]


def _line(t: Result) -> str:
    due = t["due_at"][:16].replace("T", " ")
    late = f"  {_t('overdue')}" if t["overdue"] else ""
    return (f"  {t['number']}  {_w(KIND_WORDS, t['kind'])}  {_w(PRIORITY_WORDS, t['priority'])}"
            f"  {_w(STATUS_WORDS, t['status'])}  {t['member_name']} {t['phone']}  "
            f"{t['subject']}  {_t('due')} {due} UTC{late}")  # fmt: skip


def _figures(name: str, f: Result) -> str:
    mean = "-" if f["mean_hours"] is None else f"{f['mean_hours']:g}"
    median = "-" if f["median_hours"] is None else f"{f['median_hours']:g}"
    return (f"  {name}: {_t('total')} {f['total']}, {_t('resolved')} {f['resolved']}, "
            f"{_t('overdue')} {f['overdue']}, {_t('mean')} {mean} {_t('hours')}, "
            f"{_t('median')} {median} {_t('hours')}")  # fmt: skip


def lines(d: Result) -> list[str]:
    if "ticket_report" in d:
        r = d["ticket_report"]
        out = [_t("report"), _figures(_t("total"), r["total"]), _t("by_kind")]
        out += [_figures(_w(KIND_WORDS, k), f) for k, f in r["by_kind"].items()]
        out.append(_t("by_store"))
        out += [_figures(k, f) for k, f in r["by_store"].items()]
        return out
    if "ticket" in d:
        t = d["ticket"]
        out = [_line(t).strip()]
        if t.get("body"):
            out.append(f"  {t['body']}")
        for key in ("assignee", "resolution", "satisfaction"):
            if t.get(key) is not None:
                out.append(f"  {_t(key)}: {t[key]}")
        out.append(_t("history"))
        for e in t["history"]:
            what = ", ".join(f"{k} {v[0]}→{v[1]}" for k, v in e["changes"].items())
            note = f"  「{e['note']}」" if e.get("note") else ""
            out.append(f"  {e['at'][:16].replace('T', ' ')}  {e['store_code'] or ''}  "
                       f"{e['staff_no'] or ''}  {_t(e['action'])}  {what}{note}")  # fmt: skip
        return out
    out = [_t(d.get("event", "tickets"))]
    out += [_line(t) for t in d["tickets"]]
    return out if d["tickets"] else [*out, f"  {_t('none')}"]


TEXT_RENDERERS = dict.fromkeys(HANDLERS, lines)
