"""The consent ledger's commands (``consent grant|withdraw|show|export``)."""

from __future__ import annotations

import argparse
from typing import Any

from app.domain.consent_messages import CHANNEL_WORDS, PURPOSE_WORDS, SOURCE_WORDS, STATE_WORDS
from app.domain.messages import current_language
from app.services import consent
from app.services.context import CounterContext
from app.services.security import Actor

Result = dict[str, Any]


def grant(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    s = consent.grant(ctx, actor, args.member, args.purpose, args.channel,
                      wording_version=args.wording, source=args.source)  # fmt: skip
    return {"event": "consent_granted", "consent": [s.to_dict()]}


def withdraw(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    s = consent.withdraw(ctx, actor, args.member, args.purpose, args.channel, source=args.source)
    return {"event": "consent_withdrawn", "consent": [s.to_dict()]}


def show(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {
        "consent": [s.to_dict() for s in consent.current_consent(ctx, args.member)],
        "history": [e.wire() for e in consent.history(ctx, args.member)],
    }


def export(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {"event": "exported", **consent.export_proof(ctx, actor, args.out)}


HANDLERS = {
    ("consent", "grant"): grant,
    ("consent", "withdraw"): withdraw,
    ("consent", "show"): show,
    ("consent", "export"): export,
}

_L = {
    "zh": {"consent": "当前同意状态", "consent_granted": "已记录同意",
           "consent_withdrawn": "已记录撤回", "history": "同意记录", "exported": "已导出",
           "none": "(无)", "entries": "条"},
    "en": {"consent": "Consent now", "consent_granted": "Consent recorded",
           "consent_withdrawn": "Withdrawal recorded", "history": "History",
           "exported": "Exported", "none": "(none)", "entries": "entries"},
}  # fmt: skip


def _t(key: str) -> str:
    return _L[current_language()][key]


def _w(words: dict[str, tuple[str, str]], key: str) -> str:
    pair = words.get(key, (key, key))
    return pair[0] if current_language() == "zh" else pair[1]


def _entry(e: dict[str, Any]) -> str:
    state = "granted" if e["granted"] else "withdrawn"
    return (f"{e['at'][:16].replace('T', ' ')}  {_w(PURPOSE_WORDS, e['purpose'])}"
            f"/{_w(CHANNEL_WORDS, e['channel'])}  {_w(STATE_WORDS, state)}  "
            f"{e['wording_version']}  {e['store_code']} {e['staff_no'] or ''}  "
            f"{_w(SOURCE_WORDS, e['source'])}")  # fmt: skip


def lines(d: Result) -> list[str]:
    if "path" in d:
        return [f"{_t('exported')}: {d['path']} ({d['entries']} {_t('entries')})"]
    out = [_t(d.get("event", "consent"))]
    for s in d["consent"]:
        when = f"  {s['entry']['at'][:10]}" if s["entry"] else ""
        out.append(f"  {_w(PURPOSE_WORDS, s['purpose'])}/{_w(CHANNEL_WORDS, s['channel'])}: "
                   f"{_w(STATE_WORDS, s['state'])}{when}")  # fmt: skip
    if "history" in d:
        out.append(_t("history"))
        out += [f"  {_entry(e)}" for e in d["history"]] or [f"  {_t('none')}"]
    return out


TEXT_RENDERERS = dict.fromkeys(HANDLERS, lines)
