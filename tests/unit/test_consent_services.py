"""The consent ledger on a real counter file (issue 18, point 4): consent granted and withdrawn
per purpose and channel, each an entry with its event and audit entry; a withdrawal in
effect at once; marketing consent at registration its own opt-in; who may do what; the
proof exported with the wording, phones masked, cells safe in Excel."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest

from app.domain.consent import WORDINGS
from app.domain.errors import CounterError
from app.services import consent
from app.services.members import Registration, register_member
from tests.helpers import query, refused

PHONE = "13800138000"


def _events(ctx) -> list[tuple[str, dict]]:
    return [(ty, json.loads(p)) for ty, p in query(ctx, "SELECT type, payload FROM outbox")
            if ty.startswith("consent.")]  # fmt: skip


def _state(ctx, purpose: str = "marketing", channel: str = "sms", q: str = PHONE) -> str:
    return next(s.state for s in consent.current_consent(ctx, q)
                if (s.purpose, s.channel) == (purpose, channel))  # fmt: skip


def test_grant_and_withdraw_with_their_events_and_audit(ctx, cashier, register,
                                                         snapshot) -> None:  # fmt: skip
    m = register("张三", PHONE)
    assert _state(ctx) == "none"
    assert consent.may_send(ctx, m.member_id, "marketing", "sms") is False  # never asked
    s = consent.grant(ctx, cashier, PHONE, "marketing", "sms")
    assert (s.state, s.entry.wording_version, s.entry.source) == ("granted", "mkt-sms-v1",
                                                                  "counter")  # fmt: skip
    assert (s.entry.store_code, s.entry.staff_no) == ("S001", cashier.staff_no)
    assert consent.may_send(ctx, m.member_id, "marketing", "sms") is True
    # Each channel and purpose on its own.
    assert consent.may_send(ctx, m.member_id, "marketing", "wechat") is False
    assert consent.may_send(ctx, m.member_id, "transactional", "sms") is False
    refused(snapshot, "consent_already_granted", consent.grant, ctx, cashier, PHONE,
            "marketing", "sms")  # fmt: skip
    refused(snapshot, "consent_not_granted", consent.withdraw, ctx, cashier, PHONE,
            "marketing", "email")  # fmt: skip
    refused(snapshot, "consent_wording_invalid", consent.grant, ctx, cashier, PHONE,
            "marketing", "wechat", wording_version="mkt-sms-v1")  # fmt: skip
    refused(snapshot, "consent_channel_invalid", consent.grant, ctx, cashier, PHONE,
            "marketing", "fax")  # fmt: skip
    refused(snapshot, "consent_purpose_invalid", consent.grant, ctx, cashier, PHONE,
            "spam", "sms")  # fmt: skip
    refused(snapshot, "consent_source_invalid", consent.grant, ctx, cashier, PHONE,
            "marketing", "wechat", source="registration")  # fmt: skip
    w = consent.withdraw(ctx, cashier, PHONE, "marketing", "sms")
    # In effect at once: the very next question is answered no.
    assert consent.may_send(ctx, m.member_id, "marketing", "sms") is False
    assert (w.state, w.entry.source, w.entry.wording_version) == ("withdrawn", "request",
                                                                  "mkt-sms-v1")  # fmt: skip
    assert _state(ctx) == "withdrawn"
    consent.grant(ctx, cashier, PHONE, "transactional", "sms")
    assert consent.may_send(ctx, m.member_id, "transactional", "sms") is True
    assert consent.may_send(ctx, m.member_id, "marketing", "sms") is False
    events = _events(ctx)
    assert [ty for ty, _ in events] == ["consent.granted", "consent.withdrawn",
                                        "consent.granted"]  # fmt: skip
    assert all(p["member_id"] == m.member_id == p["entry"]["member_id"] for _, p in events)
    stamps = [p["entry"]["hlc"] for _, p in events]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    audit = query(ctx, "SELECT action, before FROM audit_log WHERE action LIKE 'consent.%'")
    assert [a for a, _ in audit] == ["consent.grant", "consent.withdraw", "consent.grant"]
    # Each entry says what the state was before it.
    assert [json.loads(b)["state"] for _, b in audit] == ["none", "granted", "none"]
    # The ledger only grows: every entry kept, oldest first.
    hist = consent.history(ctx, PHONE)
    assert [(e.purpose, e.granted) for e in hist] == [("marketing", True), ("marketing", False),
                                                      ("transactional", True)]  # fmt: skip
    assert query(ctx, "SELECT count(*) FROM consent_entry") == [(3,)]
    # Granted again after the withdrawal: a new entry decides.
    consent.grant(ctx, cashier, PHONE, "marketing", "sms")
    assert consent.may_send(ctx, m.member_id, "marketing", "sms") is True


def test_marketing_consent_at_registration_is_its_own_opt_in(ctx, cashier, snapshot) -> None:
    plain = register_member(ctx, cashier, Registration(name="甲", phone=PHONE, consent=True))
    assert consent.may_send(ctx, plain.member_id, "marketing", "sms") is False
    assert _events(ctx) == [] and consent.history(ctx, PHONE) == []
    ticked = register_member(ctx, cashier, Registration(
        name="乙", phone="13912345678", consent=True, marketing_consent=True))  # fmt: skip
    assert consent.may_send(ctx, ticked.member_id, "marketing", "sms") is True
    assert consent.may_send(ctx, ticked.member_id, "marketing", "wechat") is False
    (entry,) = consent.history(ctx, "13912345678")
    assert (entry.source, entry.wording_version, entry.granted) == ("registration",
                                                                    "mkt-sms-v1", True)  # fmt: skip
    types = [ty for (ty,) in query(ctx, "SELECT type FROM outbox ORDER BY device_seq")]
    # Its own event, after the registration's, in the same transaction.
    assert types[-2:] == ["member.registered", "consent.granted"]
    by_wechat = register_member(ctx, cashier, Registration(
        name="丙", phone="13700000001", consent=True, marketing_consent=True,
        marketing_channel="wechat"))  # fmt: skip
    assert consent.may_send(ctx, by_wechat.member_id, "marketing", "wechat") is True
    refused(snapshot, "consent_channel_invalid", register_member, ctx, cashier, Registration(
        name="丁", phone="13700000002", consent=True, marketing_consent=True,
        marketing_channel="fax"))  # fmt: skip


def test_who_may_record_and_export(ctx, cashier, manager, admin, register, snapshot,
                                   tmp_path) -> None:  # fmt: skip
    register("张三", PHONE)
    for who in (cashier, manager, admin):
        consent.grant(ctx, who, PHONE, "marketing", "sms")
        consent.withdraw(ctx, who, PHONE, "marketing", "sms")
    refused(snapshot, "permission_denied", consent.export_proof, ctx, cashier,
            tmp_path / "no.csv")  # fmt: skip
    assert not (tmp_path / "no.csv").exists()
    consent.export_proof(ctx, manager, tmp_path / "ok.csv")


def test_the_proof_has_every_entry_with_its_wording_and_no_full_phone(
    ctx, cashier, manager, register, tmp_path
) -> None:
    register('=HYPERLINK("x")', PHONE)
    register("李四", "13912345678", marketing_consent=True)
    consent.grant(ctx, cashier, PHONE, "marketing", "sms")
    consent.withdraw(ctx, cashier, PHONE, "marketing", "sms", source="reply")
    out = consent.export_proof(ctx, manager, tmp_path / "proof.xlsx")
    assert out["entries"] == 3
    rows = list(openpyxl.load_workbook(tmp_path / "proof.xlsx").active.values)
    assert rows[0][:4] == ("记录编号", "会员编号", "姓名", "手机号")
    body = rows[1:]
    assert len(body) == 3
    text = json.dumps([[str(c) for c in r] for r in rows], ensure_ascii=False)
    assert PHONE not in text and "13912345678" not in text
    assert {r[3] for r in body} == {"138****8000", "139****5678"}
    assert '\'=HYPERLINK("x")' in {r[2] for r in body}  # a formula is text in Excel
    assert {r[8] for r in body} == {WORDINGS["mkt-sms-v1"].text}
    assert sorted(r[12] for r in body) == sorted(["会员回复", "注册时", "柜台"])
    assert sorted(r[6] for r in body) == ["同意", "同意", "撤回"]
    consent.export_proof(ctx, manager, tmp_path / "proof.csv")
    with (tmp_path / "proof.csv").open(encoding="utf-8-sig") as f:
        lines = list(csv.reader(f))
    assert len(lines) == 4
    raw = (tmp_path / "proof.csv").read_text(encoding="utf-8-sig")
    assert PHONE not in raw and "13912345678" not in raw
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)
    audit = query(ctx, "SELECT after FROM audit_log WHERE action = 'consent.export'")
    assert len(audit) == 2 and PHONE not in audit[0][0]
    with pytest.raises(CounterError):
        consent.export_proof(ctx, manager, tmp_path / "proof.pdf")
