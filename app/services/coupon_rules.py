"""Coupons a template's issue rule gives by itself (app.domain.coupon_rules): 新人券 in the
registration's transaction, 充值送券 in the top-up's, a tier upgrade's coupon in the sale's or
the override's; 生日券 by :func:`birthday_run`, one transaction a coupon.

Each coupon is issued as by hand (app.services.coupons.issue_one: its ``issued`` entry, audit
entry and ``coupon.issued`` event) with its issue key, so a cause gives at most one coupon of a
template to a member. A rule never stops its cause: a template past its dates or a member at
its limit is passed over, and a counter that joined HQ issues none (coupons are a store's own
while HQ cannot check them)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from app.domain.coupon_rules import (
    BIRTHDAY,
    REGISTRATION,
    TIER_UPGRADE,
    TOPUP,
    IssueRule,
    birthday_due,
    issue_key,
    rule_of_wire,
)
from app.domain.errors import RuleError
from app.persistence import coupon_store
from app.persistence.coupon_tables import CouponTemplate
from app.persistence.tables import Member
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext, load_rules
from app.services.coupons import CouponView, issue_one
from app.services.security import Actor, Permission, require


def _rules_for(uow: UnitOfWork, cause: str) -> list[tuple[CouponTemplate, IssueRule]]:
    out = []
    for t in coupon_store.rule_templates(uow):
        assert t.issue_rule is not None
        rule = rule_of_wire(json.loads(t.issue_rule))
        if rule.on == cause:
            out.append((t, rule))
    return out


def _give(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor | None,
    member: Member,
    t: CouponTemplate,
    rule: IssueRule,
    cause_id: str,
    today: dt.date,
) -> CouponView | None:
    key = issue_key(rule, cause_id)
    if coupon_store.issued_with_key(uow, member.id, t.id, key):
        return None
    try:
        return issue_one(ctx, uow, actor, member, t, today, issue_key=key, rule=rule.on)
    except RuleError as e:  # refused before any write: the cause goes on without it
        if e.code in (
            "coupon_issue_expired",
            "coupon_member_limit",
            "coupon_template_inactive",
            "coupon_template_foreign",
        ):
            return None
        raise


def on_registration(
    ctx: CounterContext, uow: UnitOfWork, actor: Actor | None, member: Member
) -> list[CouponView]:
    """新人券: in the registration's transaction."""
    today = ctx.business_date(uow)
    given = (_give(ctx, uow, actor, member, t, r, "", today)
             for t, r in _rules_for(uow, REGISTRATION))  # fmt: skip
    return [v for v in given if v is not None]


def on_topup(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor | None,
    member: Member,
    txn_id: str,
    amount_fen: int,
) -> list[CouponView]:
    """充值送券: a top-up of at least the rule's amount, in the top-up's transaction."""
    today = ctx.business_date(uow)
    given = (_give(ctx, uow, actor, member, t, r, txn_id, today)
             for t, r in _rules_for(uow, TOPUP) if amount_fen >= r.min_fen)  # fmt: skip
    return [v for v in given if v is not None]


def on_tier_change(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor | None,
    member: Member,
    tier_before: str | None,
) -> list[CouponView]:
    """A tier upgrade's coupon: the member moved up (to the rule's tier, or any higher one
    when it names none), in the transaction that moved them. A move down gives nothing."""
    if tier_before is None or tier_before == member.tier_code:
        return []
    templates = _rules_for(uow, TIER_UPGRADE)
    if not templates:
        return []
    order = [t.code for t in load_rules(uow).tiers]
    if tier_before not in order or member.tier_code not in order:
        return []
    if order.index(member.tier_code) <= order.index(tier_before):
        return []
    today = ctx.business_date(uow)
    given = (_give(ctx, uow, actor, member, t, r, member.tier_code, today)
             for t, r in templates if r.tier in (None, member.tier_code))  # fmt: skip
    return [v for v in given if v is not None]


@dataclass(frozen=True)
class BirthdayRun:
    issued: tuple[CouponView, ...]
    already: int  # members whose coupon for this birthday was given before


def _born_md(birthday: dt.date | None, md: str | None) -> tuple[int, int] | None:
    if birthday is not None:
        return birthday.month, birthday.day
    if md and len(md) == 5 and md[2] == "-" and md[:2].isdigit() and md[3:].isdigit():
        return int(md[:2]), int(md[3:])
    return None


def birthday_run(ctx: CounterContext, actor: Actor) -> BirthdayRun:
    """生日券: each member whose birthday is within a birthday rule's days from today gets
    one coupon of that template for that birthday; run again, nothing more is given."""
    require(actor, Permission.MEMBER_REGISTER)
    issued: list[CouponView] = []
    already = 0
    with ctx.reader() as uow:
        templates = [(t.id, r) for t, r in _rules_for(uow, BIRTHDAY)]
        members = coupon_store.members_with_birthdays(uow) if templates else []
        today = ctx.business_date(uow)
    for member_id, birthday, md in members:
        born = _born_md(birthday, md)
        if born is None:
            continue
        for template_id, rule in templates:
            day = birthday_due(born, today, rule.days_before)
            if day is None:
                continue
            with ctx.uow() as uow:  # one coupon, one transaction
                t = coupon_store.template(uow, template_id)
                member = uow.session.get(Member, member_id)
                if t is None or member is None:
                    continue
                if coupon_store.issued_with_key(
                    uow, member_id, t.id, issue_key(rule, str(day.year))
                ):
                    already += 1
                    continue
                v = _give(ctx, uow, actor, member, t, rule, str(day.year), today)
                uow.commit()
                if v is not None:
                    issued.append(v)
    return BirthdayRun(tuple(issued), already)
