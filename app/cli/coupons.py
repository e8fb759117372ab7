"""The coupon commands (``coupon template add|list``, ``coupon issue|list|show|void``)."""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from app.cli import render
from app.cli.parser import UsageError
from app.domain.coupon_rules import IssueRule
from app.domain.coupons import SCOPE_ITEMS, SCOPE_ORDER, Terms, Validity
from app.domain.messages import current_language
from app.domain.money import parse_yuan
from app.services import coupon_rules, coupons
from app.services.context import CounterContext
from app.services.security import Actor

Result = dict[str, Any]


def _yuan(text: str | None) -> int:
    return parse_yuan(text) if text else 0


def _percent_bp(text: str | None) -> int:
    if not text:
        return 0
    try:
        bp = Decimal(text.strip().rstrip("%")) * 100
    except InvalidOperation:
        raise UsageError(f"--percent takes 12% or 8.5%, not {text!r}") from None
    if bp != bp.to_integral_value():
        raise UsageError(f"--percent takes at most two decimals: {text!r}")
    return int(bp)


def _validity(args: argparse.Namespace) -> Validity:
    if args.days is not None:
        return Validity(days=args.days)
    start, _sep, end = args.dates.partition(":")
    try:
        return Validity(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    except ValueError:
        raise UsageError(f"--dates takes YYYY-MM-DD:YYYY-MM-DD, not {args.dates!r}") from None


def _hours(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise UsageError(f"--hours takes HH:MM-HH:MM, not {text!r}") from None
    end_minute = end.hour * 60 + end.minute
    return start.hour * 60 + start.minute, end_minute or 24 * 60  # 22:00-00:00: till midnight


def _weekdays(text: str | None) -> frozenset[int]:
    if not text:
        return frozenset()
    try:
        return frozenset(int(d) for d in text.split(","))
    except ValueError:
        raise UsageError(f"--weekdays takes 1,2,... (1 = Monday), not {text!r}") from None


def _template(v: coupons.TemplateView) -> Result:
    return v.as_dict()


def _coupon(v: coupons.CouponView) -> Result:
    return {
        "coupon_id": v.coupon_id,
        "code": v.shown_code,
        "template_id": v.template_id,
        "name": v.name,
        "member_id": v.member_id,
        "valid_from": v.valid_from.isoformat(),
        "valid_until": v.valid_until.isoformat(),
        "state": v.state,
    }


def template(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    if args.template_action == "list":
        views = coupons.templates(ctx, include_inactive=args.include_inactive)
        return {"templates": [_template(v) for v in views]}
    scoped = bool(args.item or args.category)
    terms = Terms(
        kind=args.kind,
        amount_fen=_yuan(args.amount),
        threshold_fen=_yuan(args.threshold),
        percent_bp=_percent_bp(args.percent),
        cap_fen=parse_yuan(args.cap) if args.cap else None,
        floor_fen=_yuan(args.floor),
        min_spend_fen=_yuan(args.min_spend),
        scope=SCOPE_ITEMS if scoped else SCOPE_ORDER,
        items=frozenset(args.item or ()),
        categories=frozenset(args.category or ()),
        stackable=args.stackable,
        hours=_hours(args.hours),
        weekdays=_weekdays(args.weekdays),
        stores=frozenset(c.strip().upper() for c in args.store or ()),
        group=args.group.strip() if args.group else None,
    )
    rule = None
    if args.on:
        rule = IssueRule(args.on, _yuan(args.min_topup), args.tier, args.days_before)
    v = coupons.add_template(ctx, actor, name=args.name, terms=terms, validity=_validity(args),
                             per_member_limit=args.limit, refund_restores=args.refund_restores,
                             rule=rule)  # fmt: skip
    return {"event": "template_added", "templates": [_template(v)]}


def issue(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    v = coupons.issue(ctx, actor, args.member, args.template)
    return {"event": "issued", "coupons": [_coupon(v)]}


def wallet(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {"coupons": [_coupon(v) for v in coupons.wallet(ctx, args.member)]}


def birthday_run(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    run = coupon_rules.birthday_run(ctx, actor)
    return {"event": "birthday_run", "coupons": [_coupon(v) for v in run.issued],
            "already": run.already}  # fmt: skip


def show(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    d = coupons.show(ctx, actor, args.code)
    return {
        "coupons": [_coupon(d.coupon)],
        "owner": d.owner,
        "template": _template(d.template) if d.template is not None else None,
        "ledger": list(d.ledger),
    }


def void(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    v = coupons.void(ctx, actor, args.code, args.reason)
    return {"event": "voided", "coupons": [_coupon(v)]}


HANDLERS = {
    ("coupon", "template"): template,
    ("coupon", "issue"): issue,
    ("coupon", "list"): wallet,
    ("coupon", "show"): show,
    ("coupon", "void"): void,
    ("coupon", "birthday-run"): birthday_run,
}

_L = {
    "zh": {"templates": "券模板", "template_added": "已添加券模板", "issued": "已发券",
           "coupons": "优惠券", "none": "(无)", "until": "有效期至",
           "usable": "可用", "redeemed": "已使用", "voided": "已作废", "expired": "已过期",
           "voided_event": "已作废", "birthday_run": "已发生日券",
           "owner": "持有人", "bearer": "无记名", "ledger": "流水",
           "issued_entry": "发放", "redeemed_entry": "使用", "restored_entry": "退回",
           "voided_entry": "作废", "expired_entry": "过期"},
    "en": {"templates": "Coupon templates", "template_added": "Coupon template added",
           "issued": "Coupon issued", "coupons": "Coupons", "none": "(none)",
           "until": "valid until", "usable": "usable", "redeemed": "used",
           "voided": "voided", "expired": "expired", "voided_event": "Coupon voided",
           "birthday_run": "Birthday coupons issued",
           "owner": "owner", "bearer": "bearer", "ledger": "Ledger", "issued_entry": "issued",
           "redeemed_entry": "used", "restored_entry": "given back", "voided_entry": "voided",
           "expired_entry": "expired"},
}  # fmt: skip


def _t(key: str) -> str:
    return _L[current_language()][key]


def template_lines(d: Result) -> list[str]:
    lines = [_t(d.get("event", "templates"))]
    for t in d["templates"]:
        terms = t["terms"]
        valid = f"{t['validity_days']}d" if t["validity_days"] else (
            f"{t['valid_from']}:{t['valid_until']}")  # fmt: skip
        off = (f"{terms['percent_bp'] / 100:g}%" if terms["kind"] == "percent"
               else render._cny(render.yuan(terms["amount_fen"])))  # fmt: skip
        lines.append(f"  {t['template_id']}  {t['name']}  {terms['kind']} {off}  {valid}")
    return lines if d["templates"] else [*lines, f"  {_t('none')}"]


def coupon_lines(d: Result) -> list[str]:
    event = d.get("event")
    lines = [_t("voided_event" if event == "voided" else event or "coupons")]
    for c in d["coupons"]:
        lines.append(f"  {c['code']}  {c['name']}  {_t(c['state'])}  "
                     f"{_t('until')} {c['valid_until']}")  # fmt: skip
    return lines if d["coupons"] else [*lines, f"  {_t('none')}"]


def detail_lines(d: Result) -> list[str]:
    lines = coupon_lines(d)
    lines.append(f"  {_t('owner')}: {d['owner'] or _t('bearer')}")
    if d["template"] is not None:
        lines += template_lines({"templates": [d["template"]]})[1:]
    lines.append(_t("ledger"))
    for e in d["ledger"]:
        off = f"  {render._cny(render.yuan(e['discount_fen']))}" if e["discount_fen"] else ""
        lines.append(f"  {e['business_date']}  {_t(e['kind'] + '_entry')}{off}")
    return lines


TEXT_RENDERERS = {
    ("coupon", "template"): template_lines,
    ("coupon", "issue"): coupon_lines,
    ("coupon", "list"): coupon_lines,
    ("coupon", "show"): detail_lines,
    ("coupon", "void"): coupon_lines,
    ("coupon", "birthday-run"): coupon_lines,
}
