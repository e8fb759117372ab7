"""Member tags on a real counter file (issue 18, point 1): tags a manager defines, manual tags
put on and taken off a member by whoever the tag allows, rule tags that hold while their rule
does (by the member's own figures, and by time alone), the members with a tag listed and
exported, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
import json
from functools import partial

import openpyxl
import pytest

from app.services import catalogue, countcard_products, countcards, tags
from app.services.checkout import checkout
from app.services.stored_value import top_up
from tests.helpers import query, refused

PHONE = "13800138000"


def _codes(ctx, query_: str = PHONE) -> list[tuple[str, str]]:
    return [(t.code, t.kind) for t in tags.member_tags(ctx, query_)]


def test_a_manager_defines_tags_and_every_change_is_an_event(ctx, manager, cashier,
                                                              snapshot) -> None:  # fmt: skip
    v = tags.save_tag(ctx, manager, code="vip", name="重要客户", colour="gold")
    assert (v.tag.code, v.store_code) == ("VIP", "S001")  # codes are kept in capitals
    tags.save_tag(ctx, manager, code="HIGH", name="高价值", kind="rule",
                  rule={"kind": "spend_12m", "amount_fen": 100_000})  # fmt: skip
    assert [t.tag.code for t in tags.list_tags(ctx)] == ["VIP", "HIGH"]
    saved = [json.loads(p) for ty, p in query(ctx, "SELECT type, payload FROM outbox")
             if ty == "tag.saved"]  # fmt: skip
    assert [e["tag"]["code"] for e in saved] == ["VIP", "HIGH"]
    assert saved[1]["tag"]["rule"] == {"kind": "spend_12m", "amount_fen": 100_000}

    def bad(error: str, who=manager, **kw) -> None:
        refused(snapshot, error, partial(tags.save_tag, ctx, who, **kw))

    bad("permission_denied", cashier, code="X", name="x")
    bad("tag_unchanged", code="VIP", name="重要客户", colour="gold")
    bad("tag_kind_fixed", code="VIP", name="x", kind="rule", rule={"kind": "birthday_month"})
    bad("tag_code_invalid", code="重要", name="x")
    bad("tag_name_too_long", code="L", name="一" * 17)
    bad("tag_colour_invalid", code="C", name="c", colour="pink")
    bad("tag_rule_param", code="D", name="d", kind="rule", rule={"kind": "dormant", "days": 0})
    bad("tag_rule_required", code="E", name="e", kind="rule")
    bad("text_control_chars", code="F", name="a\x00b")


def test_a_manual_tag_goes_on_and_off_with_its_clock(ctx, manager, cashier, register,
                                                      snapshot) -> None:  # fmt: skip
    m = register("张三", PHONE)
    tags.save_tag(ctx, manager, code="VIP", name="重要客户")
    tags.save_tag(ctx, manager, code="COMPLAINT", name="投诉多", set_by="manager")
    tags.save_tag(ctx, manager, code="HIGH", name="高价值", kind="rule",
                  rule={"kind": "spend_12m", "amount_fen": 1})  # fmt: skip
    after = tags.set_tag(ctx, cashier, PHONE, "vip")
    assert [(t.code, t.name) for t in after] == [("VIP", "重要客户")]
    refused(snapshot, "tag_already_on", tags.set_tag, ctx, cashier, PHONE, "VIP")
    refused(snapshot, "tag_managers_only", tags.set_tag, ctx, cashier, PHONE, "COMPLAINT")
    refused(snapshot, "tag_is_rule", tags.set_tag, ctx, manager, PHONE, "HIGH")
    refused(snapshot, "tag_unknown", tags.set_tag, ctx, cashier, PHONE, "NOPE")
    tags.set_tag(ctx, manager, PHONE, "COMPLAINT")
    tags.set_tag(ctx, cashier, PHONE, "VIP", present=False)
    refused(snapshot, "tag_not_on", tags.set_tag, ctx, cashier, PHONE, "VIP", False)
    assert _codes(ctx) == [("COMPLAINT", "manual")]
    events = [json.loads(p) for ty, p in query(ctx, "SELECT type, payload FROM outbox")
              if ty == "member.tag_set"]  # fmt: skip
    assert [(e["member_id"], e["tag_code"], e["present"]) for e in events] == [
        (m.member_id, "VIP", True), (m.member_id, "COMPLAINT", True),
        (m.member_id, "VIP", False),
    ]  # fmt: skip
    stamps = [e["hlc"] for e in events]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3  # each later than the last
    # The row stays, off, with the clock of the last write: an older "on" cannot win.
    assert query(ctx, "SELECT present, hlc FROM member_tag WHERE tag_code = 'VIP'") == [
        (0, stamps[2])
    ]
    audit = query(ctx, "SELECT action FROM audit_log WHERE action LIKE '%tag%'")
    assert [a for (a,) in audit] == ["tag.save"] * 3 + ["member.tag_set"] * 3
    # A tag no longer in use is not put on anyone, and can still be taken off.
    tags.save_tag(ctx, manager, code="COMPLAINT", name="投诉多", set_by="manager",
                  active=False)  # fmt: skip
    other = register("李四", "13912345678")
    refused(snapshot, "tag_inactive", tags.set_tag, ctx, manager, other.member_id, "COMPLAINT")
    tags.set_tag(ctx, manager, PHONE, "COMPLAINT", present=False)
    assert _codes(ctx) == []


def test_rule_tags_hold_while_their_rule_does(ctx, manager, cashier, register, clock) -> None:
    m = register("张三", PHONE, birthday=dt.date(1990, 4, 2))
    for code, rule in (
        ("HIGH", {"kind": "spend_12m", "amount_fen": 30_000}),
        ("LOW", {"kind": "low_balance", "amount_fen": 5_000}),
        ("SLEEP", {"kind": "dormant", "days": 90}),
        ("BDAY", {"kind": "birthday_month"}),
        ("CARD", {"kind": "countcard_unused"}),
    ):
        tags.save_tag(ctx, manager, code=code, name=code.lower(), kind="rule", rule=rule)
    assert _codes(ctx) == []  # registered today; never topped up; birthday in April
    top_up(ctx, cashier, PHONE, 40_000, "cash")
    checkout(ctx, cashier, PHONE, 36_000)  # ¥400 + bonus − ¥360: under ¥50 left
    assert {c for c, _ in _codes(ctx)} == {"HIGH", "LOW"}
    top_up(ctx, cashier, PHONE, 10_000, "cash")
    assert {c for c, _ in _codes(ctx)} == {"HIGH"}
    clock.advance(days=20)  # 2026-04-04: their birthday month, by time alone
    assert {c for c, _ in _codes(ctx)} == {"HIGH", "BDAY"}
    clock.advance(days=100)  # no visit for more than 90 days
    assert {c for c, _ in _codes(ctx)} == {"HIGH", "SLEEP"}
    clock.advance(days=300)  # the spend is more than 12 months old now
    assert {c for c, _ in _codes(ctx)} == {"SLEEP"}
    catalogue.add_item(ctx, manager, code="W", name="洗车", price_fen=3_000, service=True)
    countcard_products.save_product(
        ctx,
        manager,
        code="C1",
        name="洗车卡",
        items=[("W", 2, 0)],
        price_fen=5_000,
        validity_days=365,
    )
    card = countcards.sell(ctx, cashier, PHONE, "C1", tenders=[("cash", 5_000)])
    assert {c for c, _ in _codes(ctx)} == {"CARD"}  # a visit ends 沉睡
    assert [x.member_id for x in tags.members_with(ctx, "CARD")] == [m.member_id]
    for _ in range(2):
        countcards.use(ctx, cashier, PHONE, {"W": 1}, card_id=card.card.card_id)
    assert _codes(ctx) == []


def test_the_members_with_a_tag_are_listed_and_exported_safely(
    ctx, manager, cashier, register, tmp_path
) -> None:
    a = register('=HYPERLINK("x")', PHONE)
    register("李四", "13912345678")
    tags.save_tag(ctx, manager, code="VIP", name="重要客户")
    tags.set_tag(ctx, cashier, PHONE, "VIP")
    listed = tags.members_with(ctx, "VIP")
    assert [(x.member_id, x.phone) for x in listed] == [(a.member_id, "138****8000")]
    out = tags.export_tagged(ctx, manager, "VIP", tmp_path / "vip.xlsx")
    assert out["members"] == 1
    rows = list(openpyxl.load_workbook(tmp_path / "vip.xlsx").active.values)
    assert rows[0][:3] == ("会员编号", "姓名", "手机号")
    assert rows[1][1] == '\'=HYPERLINK("x")'  # a formula is text in Excel
    assert rows[1][2] == "138****8000"
    with pytest.raises(Exception) as exc:
        tags.export_tagged(ctx, cashier, "VIP", tmp_path / "no.xlsx")
    assert getattr(exc.value, "code", None) == "permission_denied"
    assert not (tmp_path / "no.xlsx").exists()
