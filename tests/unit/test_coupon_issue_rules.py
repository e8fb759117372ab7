"""Coupons a template's issue rule gives by itself (issue 17, point 2): 新人券 on
registration, 充值送券 on a top-up of at least X, a coupon on a tier upgrade, each in its
cause's transaction with its own ``coupon.issued`` event; 生日券 by ``birthday_run``, once
per member per year however often it runs."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.domain.coupon_rules import (
    BIRTHDAY,
    REGISTRATION,
    TIER_UPGRADE,
    TOPUP,
    IssueRule,
    birthday_due,
    check_rule,
    rule_of_wire,
    rule_wire,
)
from app.domain.coupons import VOUCHER, Terms, Validity
from app.domain.errors import ValidationError
from app.domain.held import DraftLine
from app.services import catalogue, coupon_rules, coupons, sale, stored_value, tiers
from app.services.members import Registration, register_member
from tests.helpers import query, refused


def _rule_template(ctx, manager, rule: IssueRule, **more) -> coupons.TemplateView:
    more.setdefault("validity", Validity(days=30))
    terms = Terms(VOUCHER, amount_fen=500)
    return coupons.add_template(ctx, manager, name=f"{rule.on}券", terms=terms, rule=rule,
                                **more)  # fmt: skip


def _events(ctx) -> list[tuple[str, dict]]:
    return [(ty, json.loads(p)) for ty, p in query(ctx, "SELECT type, payload FROM outbox "
                                                        "ORDER BY rowid")]  # fmt: skip


def _templates_of(ctx, member_id: str) -> list[str]:
    return [c.template_id for c in coupons.wallet(ctx, member_id)]


def test_a_new_member_gets_the_registration_coupon_with_its_event(
    ctx, manager, cashier, register, snapshot
) -> None:
    t = _rule_template(ctx, manager, IssueRule(REGISTRATION))
    hand = coupons.add_template(ctx, manager, name="手发", terms=Terms(VOUCHER, amount_fen=1),
                                validity=Validity(days=1))  # fmt: skip
    m = register("张三", "13800138000")
    assert _templates_of(ctx, m.member_id) == [t.template_id]  # not the one issued by hand
    types = [ty for ty, _ in _events(ctx)]
    assert types[-2:] == ["member.registered", "coupon.issued"]
    (_ty, ev) = _events(ctx)[-1]
    assert ev["member_id"] == m.member_id and {"member_id", "coupon", "entry"} <= set(ev)
    assert "issue_key" not in ev["coupon"] and "rule" not in ev  # the wire HQ knows
    (after,) = query(ctx, "SELECT after FROM audit_log WHERE action = 'coupon.issue'")
    assert json.loads(after[0])["rule"] == "registration"
    # a registration refused gives nothing
    refused(snapshot, "phone_duplicate", register_member, ctx, cashier,
            Registration(name="李四", phone="13800138000", consent=True))  # fmt: skip
    assert hand.rule is None and t.as_dict()["issue_rule"]["on"] == "registration"


def test_the_rules_coupon_is_in_the_causes_transaction(
    ctx, manager, cashier, register, snapshot, monkeypatch
) -> None:
    _rule_template(ctx, manager, IssueRule(REGISTRATION))

    def broken(*args, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(coupon_rules, "issue_one", broken)
    before = snapshot()
    with pytest.raises(RuntimeError):
        register("张三", "13800138000")
    assert snapshot() == before  # no member without the coupon, no coupon without the member


def test_a_top_up_of_at_least_the_rules_amount_gives_a_coupon_each_time(
    ctx, manager, cashier, register
) -> None:
    t = _rule_template(ctx, manager, IssueRule(TOPUP, min_fen=50_000))
    m = register("张三", "13800138000")
    stored_value.top_up(ctx, cashier, m.member_id, 49_999, "cash")
    assert _templates_of(ctx, m.member_id) == []
    first = stored_value.top_up(ctx, cashier, m.member_id, 50_000, "cash")
    stored_value.top_up(ctx, cashier, m.member_id, 80_000, "wechat")
    assert _templates_of(ctx, m.member_id) == [t.template_id, t.template_id]
    keys = query(ctx, "SELECT issue_key FROM coupon ORDER BY issued_at, rowid")
    assert keys[0] == (f"topup:{first.txn_id}",)
    types = [ty for ty, _ in _events(ctx)]
    assert types.count("coupon.issued") == 2
    assert types[-2:] == ["stored_value.topped_up", "coupon.issued"]


def test_a_rule_passes_over_a_member_at_the_limit_and_a_template_past_its_dates(
    ctx, manager, cashier, register, clock
) -> None:
    limited = _rule_template(ctx, manager, IssueRule(TOPUP, min_fen=100), per_member_limit=1)
    today = dt.date(2026, 3, 15)
    _rule_template(ctx, manager, IssueRule(TOPUP, min_fen=100),
                   validity=Validity(today, today))  # fmt: skip
    m = register("张三", "13800138000")
    clock.advance(days=1)
    stored_value.top_up(ctx, cashier, m.member_id, 100, "cash")
    stored_value.top_up(ctx, cashier, m.member_id, 100, "cash")  # the top-up goes through
    assert _templates_of(ctx, m.member_id) == [limited.template_id]
    assert query(ctx, "SELECT count(*) FROM txn WHERE kind = 'topup'") == [(2,)]


def test_a_tier_upgrade_gives_its_coupon_once_and_a_move_down_nothing(
    ctx, manager, cashier, register, approval
) -> None:
    catalogue.add_item(ctx, manager, code="TV", name="电视", price_fen=120_000)
    any_up = _rule_template(ctx, manager, IssueRule(TIER_UPGRADE))
    gold = _rule_template(ctx, manager, IssueRule(TIER_UPGRADE, tier="gold"))
    m = register("张三", "13800138000")
    r = sale.sell(ctx, cashier, [DraftLine("TV", 1)], member=m.member_id, pay="cash")
    assert (r.tier_before, r.tier) == ("normal", "silver")
    assert _templates_of(ctx, m.member_id) == [any_up.template_id]
    types = [ty for ty, _ in _events(ctx)]
    assert types[-2:] == ["sale.completed", "coupon.issued"]
    tiers.override_tier(ctx, manager, m.member_id, "normal", "调整", approval)  # down: nothing
    assert len(_templates_of(ctx, m.member_id)) == 1
    tiers.override_tier(ctx, manager, m.member_id, "gold", "调整", approval)
    # up to gold: the gold coupon; the any-tier one only once per tier reached
    assert sorted(_templates_of(ctx, m.member_id)) == sorted(
        [any_up.template_id, any_up.template_id, gold.template_id]
    )
    tiers.override_tier(ctx, manager, m.member_id, "silver", "调整", approval)
    tiers.override_tier(ctx, manager, m.member_id, "gold", "调整", approval)
    assert len(_templates_of(ctx, m.member_id)) == 3  # gold reached again: nothing more


def test_birthday_coupons_once_per_member_per_year(ctx, manager, cashier, register,
                                                   clock) -> None:  # fmt: skip
    t = _rule_template(ctx, manager, IssueRule(BIRTHDAY, days_before=7))
    soon = register("张三", "13800138000", birthday="1990-03-20")  # in 5 days
    later = register("李四", "13900139000", birthday="1990-04-20")
    register("王五", "13700137000")  # no birthday known
    run = coupon_rules.birthday_run(ctx, cashier)
    assert [v.member_id for v in run.issued] == [soon.member_id] and run.already == 0
    again = coupon_rules.birthday_run(ctx, cashier)
    assert again.issued == () and again.already == 1
    assert _templates_of(ctx, soon.member_id) == [t.template_id]
    assert _templates_of(ctx, later.member_id) == []
    assert query(ctx, "SELECT issue_key FROM coupon") == [("birthday:2026",)]
    clock.advance(days=366)  # the next year's birthday
    assert [v.member_id for v in coupon_rules.birthday_run(ctx, cashier).issued] == [soon.member_id]
    assert len(_templates_of(ctx, soon.member_id)) == 2


def test_a_counter_that_joined_hq_issues_by_its_rules_too(ctx, manager, cashier, register) -> None:
    """HQ checks a chain's coupons: an enrolled counter's rules issue as a lone one's do."""
    from app.services.syncstate import mark_enrolled

    _rule_template(ctx, manager, IssueRule(REGISTRATION))
    mark_enrolled(ctx, "http://127.0.0.1:9")
    m = register("张三", "13800138000", birthday="1990-03-15")
    assert query(ctx, "SELECT member_id FROM coupon") == [(m.member_id,)]


def test_the_birthday_window_and_29_february() -> None:
    today = dt.date(2027, 2, 25)
    assert birthday_due((2, 29), today, 3) == dt.date(2027, 2, 28)  # no 29th in 2027
    assert birthday_due((2, 29), today, 2) is None
    assert birthday_due((1, 2), dt.date(2026, 12, 30), 5) == dt.date(2027, 1, 2)
    assert birthday_due((3, 1), dt.date(2026, 3, 1), 0) == dt.date(2026, 3, 1)
    assert birthday_due((3, 1), dt.date(2026, 3, 2), 30) is None  # past: next year's is far


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (IssueRule("gift"), "on"),
        (IssueRule(TOPUP), "min_fen"),
        (IssueRule(REGISTRATION, min_fen=100), "min_fen"),
        (IssueRule(REGISTRATION, tier="gold"), "tier"),
        (IssueRule(TOPUP, min_fen=100, days_before=3), "days_before"),
    ],
)
def test_rules_that_make_no_sense_are_refused(rule: IssueRule, field: str) -> None:
    with pytest.raises(ValidationError) as e:
        check_rule(rule)
    assert e.value.params.get("field") == field
    with pytest.raises(ValidationError) as e:
        check_rule(IssueRule(BIRTHDAY, days_before=61))
    assert e.value.code == "coupon_rule_days"
    ok = IssueRule(TIER_UPGRADE, tier="gold")
    assert rule_of_wire(rule_wire(ok)) == ok
    with pytest.raises(ValidationError):
        rule_of_wire({**rule_wire(ok), "extra": 1})
