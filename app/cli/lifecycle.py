"""Members' lifecycle stages and RFM (``lifecycle recompute|show|stages``)."""

from __future__ import annotations

import argparse
from typing import Any

from app.domain.lifecycle import STAGE_WORDS, STAGES, Edges
from app.domain.messages import current_language
from app.domain.money import format_yuan
from app.services import member_value
from app.services.context import CounterContext
from app.services.security import Actor

Result = dict[str, Any]


def _edges(e: Edges | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {"month": e.month, "members": e.members, "recency_days": list(e.recency),
            "frequency": list(e.frequency),
            "monetary": [format_yuan(v) for v in e.monetary]}  # fmt: skip


def recompute(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    r = member_value.recompute(ctx, actor)
    return {"event": "recomputed", "date": r.today.isoformat(), "members": r.members,
            "moved": r.moved, "stages": r.stages, "edges": _edges(r.edges)}  # fmt: skip


def show(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    v = member_value.value_of(ctx, actor, args.member)
    score = v.rfm
    return {
        "member_id": v.member_id,
        "stage": v.stage,
        "since": v.since.isoformat() if v.since else None,
        "rfm": None if score is None else {
            "scores": score.text(), "recency_days": score.recency_days,
            "frequency": score.frequency, "monetary": format_yuan(score.monetary_fen),
            "month": v.month,
        },
        "history": [{"stage": s, "entered": a.isoformat(),
                     "left": b.isoformat() if b else None} for s, a, b in v.history],
        "thresholds": v.thresholds.wire(),
    }  # fmt: skip


def stages(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    c = member_value.stage_counts(ctx, actor)
    return {"computed_on": c.computed_on.isoformat() if c.computed_on else None,
            "stages": c.stages, "edges": _edges(c.edges)}  # fmt: skip


HANDLERS = {
    ("lifecycle", "recompute"): recompute,
    ("lifecycle", "show"): show,
    ("lifecycle", "stages"): stages,
}

_L = {
    "zh": {"recomputed": "已重新计算", "members": "位会员", "moved": "阶段变化",
           "since": "自", "none": "(无)", "history": "阶段记录", "edges": "RFM 分界",
           "computed_on": "计算于", "never": "尚未计算", "no_edges": "本月 RFM 分界尚未计算",
           "now": "至今", "recency": "最近消费(天)", "frequency": "12个月到店次数",
           "monetary": "12个月消费"},
    "en": {"recomputed": "Recomputed", "members": "members", "moved": "stage changes",
           "since": "since", "none": "(none)", "history": "Stage history", "edges": "RFM edges",
           "computed_on": "computed on", "never": "never computed",
           "no_edges": "this month's RFM edges are not computed yet", "now": "now",
           "recency": "days since last visit", "frequency": "visits in 12 months",
           "monetary": "spend in 12 months"},
}  # fmt: skip


def _t(key: str) -> str:
    return _L[current_language()][key]


def _stage(code: str) -> str:
    zh, en = STAGE_WORDS[code]
    return zh if current_language() == "zh" else en


def _edge_lines(e: dict[str, Any] | None) -> list[str]:
    if e is None:
        return [_t("no_edges")]
    return [f"{_t('edges')} {e['month']} ({e['members']} {_t('members')})",
            f"  R {_t('recency')}: {' / '.join(map(str, e['recency_days']))}",
            f"  F {_t('frequency')}: {' / '.join(map(str, e['frequency']))}",
            f"  M {_t('monetary')}: {' / '.join(e['monetary'])}"]  # fmt: skip


def _counts(counts: dict[str, int]) -> str:
    return "  ".join(f"{_stage(s)} {counts.get(s, 0)}" for s in STAGES)


def lines(d: Result) -> list[str]:
    if d.get("event") == "recomputed":
        return [f"{_t('recomputed')} {d['date']}: {d['members']} {_t('members')}, "
                f"{_t('moved')} {d['moved']}", f"  {_counts(d['stages'])}",
                *_edge_lines(d["edges"])]  # fmt: skip
    if "computed_on" in d:
        head = f"{_t('computed_on')} {d['computed_on']}" if d["computed_on"] else _t("never")
        return [head, f"  {_counts(d['stages'])}", *_edge_lines(d["edges"])]
    since = f"({_t('since')} {d['since']})" if d["since"] else ""
    out = [f"{_stage(d['stage'])}{since}"]
    r = d["rfm"]
    out.append(f"RFM {r['scores']}  ({r['recency_days']} / {r['frequency']} / {r['monetary']}, "
               f"{r['month']})" if r else _t("no_edges"))  # fmt: skip
    out.append(_t("history"))
    out += [f"  {h['entered']} → {h['left'] or _t('now')}  {_stage(h['stage'])}"
            for h in d["history"]] or [f"  {_t('none')}"]  # fmt: skip
    return out


TEXT_RENDERERS = dict.fromkeys(HANDLERS, lines)
