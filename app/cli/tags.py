"""The member-tag commands (``tag define|list|add|remove``)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.parser import UsageError
from app.domain.messages import current_language
from app.domain.money import parse_yuan
from app.domain.tag_messages import RULE_WORDS
from app.domain.tags import MANUAL, RULE, RULE_PARAM
from app.services import tags
from app.services.context import CounterContext
from app.services.security import Actor

Result = dict[str, Any]


def _rule(args: argparse.Namespace) -> dict[str, Any] | None:
    if args.rule is None:
        if args.amount or args.days:
            raise UsageError("--amount and --days go with --rule")
        return None
    param = RULE_PARAM[args.rule]
    if param == "amount_fen":
        if not args.amount or args.days is not None:
            raise UsageError(f"--rule {args.rule} takes --amount YUAN")
        return {"kind": args.rule, "amount_fen": parse_yuan(args.amount)}
    if param == "days":
        if args.days is None or args.amount:
            raise UsageError(f"--rule {args.rule} takes --days N")
        return {"kind": args.rule, "days": args.days}
    if args.amount or args.days is not None:
        raise UsageError(f"--rule {args.rule} takes no --amount or --days")
    return {"kind": args.rule}


def define(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    rule = _rule(args)
    v = tags.save_tag(ctx, actor, code=args.code, name=args.name, colour=args.colour,
                      kind=RULE if rule else MANUAL,
                      set_by="manager" if args.managers_only else "cashier", rule=rule,
                      active=not args.inactive)  # fmt: skip
    return {"event": "tag_saved", "tags": [v.to_dict()]}


def _member(m: tags.TaggedMember) -> Result:
    return {"member_id": m.member_id, "name": m.name, "phone": m.phone}


def listing(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    if args.out and not args.tag:
        raise UsageError("--out goes with --tag")
    if args.member:
        return {"member_tags": [t.to_dict() for t in tags.member_tags(ctx, args.member)]}
    if args.tag and args.out:
        return {"event": "exported", **tags.export_tagged(ctx, actor, args.tag, args.out)}
    if args.tag:
        return {"tag": args.tag, "members": [_member(m) for m in tags.members_with(ctx, args.tag)]}
    views = tags.list_tags(ctx, include_inactive=args.include_inactive)
    return {"tags": [v.to_dict() for v in views]}


def add(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    after = tags.set_tag(ctx, actor, args.member, args.code, True)
    return {"event": "tag_added", "member_tags": [t.to_dict() for t in after]}


def remove(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    after = tags.set_tag(ctx, actor, args.member, args.code, False)
    return {"event": "tag_removed", "member_tags": [t.to_dict() for t in after]}


HANDLERS = {
    ("tag", "define"): define,
    ("tag", "list"): listing,
    ("tag", "add"): add,
    ("tag", "remove"): remove,
}

_L = {
    "zh": {"tags": "标签", "tag_saved": "已保存标签", "tag_added": "已加标签",
           "tag_removed": "已取消标签", "member_tags": "会员标签", "members": "有此标签的会员",
           "exported": "已导出", "none": "(无)", "manual": "手动", "rule": "规则",
           "managers": "仅店长", "inactive": "已停用"},
    "en": {"tags": "Tags", "tag_saved": "Tag saved", "tag_added": "Tag added",
           "tag_removed": "Tag taken off", "member_tags": "The member's tags",
           "members": "Members with the tag", "exported": "Exported", "none": "(none)",
           "manual": "manual", "rule": "rule", "managers": "managers only",
           "inactive": "not in use"},
}  # fmt: skip


def _t(key: str) -> str:
    return _L[current_language()][key]


def _rule_words(rule: dict[str, Any]) -> str:
    zh, en = RULE_WORDS[rule["kind"]]
    n = rule.get("days") or (rule.get("amount_fen", 0) / 100)
    return (zh if current_language() == "zh" else en).format(n=f"{n:g}")


def lines(d: Result) -> list[str]:
    if "path" in d:
        return [f"{_t('exported')}: {d['path']} ({d['members']})"]
    if "members" in d:
        out = [f"{_t('members')} {d['tag']}"]
        out += [f"  {m['name']}  {m['phone']}  {m['member_id']}" for m in d["members"]]
        return out if d["members"] else [*out, f"  {_t('none')}"]
    if "member_tags" in d:
        out = [_t(d.get("event", "member_tags"))]
        out += [f"  {t['name']} ({_t(t['kind'])})" for t in d["member_tags"]]
        return out if d["member_tags"] else [*out, f"  {_t('none')}"]
    out = [_t(d.get("event", "tags"))]
    for t in d["tags"]:
        how = _rule_words(t["rule"]) if t["rule"] else _t("manual")
        if t["set_by"] == "manager" and not t["rule"]:
            how += f", {_t('managers')}"
        if not t["active"]:
            how += f", {_t('inactive')}"
        out.append(f"  {t['code']}  {t['name']}  [{t['colour']}]  {how}")
    return out if d["tags"] else [*out, f"  {_t('none')}"]


TEXT_RENDERERS = dict.fromkeys(HANDLERS, lines)
