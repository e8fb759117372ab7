"""Member registration, lookup by everything the scan box takes, and payment passwords."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from app.domain.cards import luhn_valid
from app.domain.errors import CounterError
from app.services import lookup
from app.services.checkout import checkout
from app.services.context import CounterContext
from app.services.members import (
    Registration,
    register_member,
    reset_payment_password,
    set_payment_password,
)
from app.services.security import Approval
from app.services.stored_value import top_up
from tests.conftest import CASHIER_NO, CASHIER_PIN
from tests.helpers import Snapshot, query, refused


def changed_cells(ctx: CounterContext, before: dict, after: dict, table: str) -> set[tuple]:
    """{(row id, column)} that differ in ``table`` (column 0 is the id); rows never added."""
    cols = [r[1] for r in query(ctx, f"PRAGMA table_info({table})")]
    b = {r[0]: r for r in before[table]}
    a = {r[0]: r for r in after[table]}
    assert b.keys() == a.keys()
    return {
        (key, col) for key in b for col, x, y in zip(cols, b[key], a[key], strict=True) if x != y
    }


def assert_only_failure_count_changed(ctx, before: dict, after: dict, member_id: str) -> None:
    assert {t for t in before if before[t] != after[t]} == {"member"}
    assert changed_cells(ctx, before, after, "member") == {(member_id, "pay_password_failures")}


def reg(**kw: Any) -> Registration:
    base: dict[str, Any] = {"name": "张三", "phone": "13800138000", "consent": True}
    return Registration(**{**base, **kw})


# -- registration -------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "+86 138-0013-8000",
        "１３８００１３８０００",
        "+86 １３８ ００１３ ８０００",
        "0086 138 0013 8000",
        "(138) 0013-8000",
    ],
)
def test_phone_stored_normalised(ctx: CounterContext, cashier, typed: str) -> None:
    view = register_member(ctx, cashier, reg(phone=typed))
    assert query(ctx, "SELECT phone, phone_last4 FROM member WHERE id = ?", view.member_id) == [
        ("13800138000", "8000")
    ]


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "12800138000",
        "1380013800",
        "138001380001",
        "23800138000",
        "abc",
        "+1 415",
        "13٨00138000",  # an Arabic-Indic digit is a digit to \d, not to a mainland number
    ],
)
def test_bad_phone_refused(ctx: CounterContext, cashier, snapshot: Snapshot, phone: str) -> None:
    refused(snapshot, "phone_invalid", register_member, ctx, cashier, reg(phone=phone))


def test_registration_stores_profile(ctx: CounterContext, cashier) -> None:
    view = register_member(
        ctx,
        cashier,
        reg(
            name="  李  四 ",
            birthday="1990-05-20",
            gender="女",
            email="li4@example.com",
            address="上海市黄浦区",
            source="wechat",
        ),
    )
    assert view.name == "李 四"
    assert (view.birthday, view.gender, view.email) == (
        dt.date(1990, 5, 20),
        "f",
        "li4@example.com",
    )
    assert (view.tier, view.principal_fen, view.bonus_fen, view.points) == ("normal", 0, 0, 0)
    row = query(
        ctx,
        "SELECT name, birthday, gender, email, address, source, status, consent_at, created_by "
        "FROM member WHERE id = ?",
        view.member_id,
    )[0]
    assert row[:7] == (
        "李 四",
        "1990-05-20",
        "f",
        "li4@example.com",
        "上海市黄浦区",
        "wechat",
        "active",
    )
    assert row[7].startswith("2026-03-15 02:00:00")
    assert row[8] == cashier.staff_id


def test_name_length_1_to_32(ctx: CounterContext, cashier, snapshot: Snapshot) -> None:
    for bad in ("", "   ", "长" * 33, "a" * 33):
        refused(snapshot, "name_length", register_member, ctx, cashier, reg(name=bad))
    assert register_member(ctx, cashier, reg(name="长" * 32)).name == "长" * 32
    assert register_member(ctx, cashier, reg(name="王", phone="13900139000")).name == "王"


def test_name_with_control_characters_refused(
    ctx: CounterContext, cashier, snapshot: Snapshot
) -> None:
    refused(snapshot, "name_invalid", register_member, ctx, cashier, reg(name="张\x00三"))


@pytest.mark.parametrize(
    "birthday",
    [
        "2026-03-16",  # tomorrow
        "2026-03-15",  # today: a birthday is a past date
        "2030-01-01",
        "2026-02-30",
        "1990-13-01",
        "19900520x",
        "1899-12-31",
        dt.date(2027, 1, 1),
    ],
)
def test_bad_birthday_refused(
    ctx: CounterContext, cashier, snapshot: Snapshot, birthday: object
) -> None:
    refused(snapshot, "birthday_invalid", register_member, ctx, cashier, reg(birthday=birthday))


def test_birthday_yesterday_accepted(ctx: CounterContext, cashier) -> None:
    assert register_member(ctx, cashier, reg(birthday="2026-03-14")).birthday == dt.date(
        2026, 3, 14
    )


def test_consent_required(ctx: CounterContext, cashier, snapshot: Snapshot) -> None:
    refused(snapshot, "consent_required", register_member, ctx, cashier, reg(consent=False))


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("gender", "x", "gender_invalid"),
        ("email", "not-an-email", "email_invalid"),
        ("address", "路" * 201, "address_length"),
        ("source", "s" * 33, "source_invalid"),
        ("card_no", "12", "card_invalid"),
        ("card_no", "卡号12345", "card_invalid"),
        ("card_no", "880000000001", "card_check_digit"),
        ("referrer", "13999999999", "member_not_found"),
    ],
)
def test_other_fields_validated(
    ctx: CounterContext, cashier, snapshot: Snapshot, field: str, value: str, code: str
) -> None:
    refused(snapshot, code, register_member, ctx, cashier, reg(**{field: value}))


def test_referrer_recorded(ctx: CounterContext, cashier, register) -> None:
    friend = register(name="老王", phone="13700137000")
    view = register_member(ctx, cashier, reg(referrer="137 0013 7000"))
    assert query(ctx, "SELECT referrer_id FROM member WHERE id = ?", view.member_id) == [
        (friend.member_id,)
    ]


def test_duplicate_phone_names_existing_member(
    ctx: CounterContext, cashier, register, snapshot: Snapshot
) -> None:
    first = register(name="张三", phone="13800138000")
    err = refused(
        snapshot,
        "phone_duplicate",
        register_member,
        ctx,
        cashier,
        reg(name="张叁", phone="+86 138-0013-8000"),
    )
    assert err.params["name"] == "张三"
    assert err.params["member_id"] == first.member_id
    assert "张三" in err.message
    assert "13800138000" not in err.message  # the number is masked in the message
    assert "138****8000" in err.message


def test_duplicate_scanned_card_names_owner(
    ctx: CounterContext, cashier, register, snapshot: Snapshot
) -> None:
    owner = register(name="张三", card_no="vip-0001")
    assert owner.card_no == "VIP0001"
    err = refused(
        snapshot,
        "card_duplicate",
        register_member,
        ctx,
        cashier,
        reg(name="李四", phone="13900139000", card_no="VIP0001"),
    )
    assert err.params["name"] == "张三"
    assert "张三" in err.message


def test_generated_card_passes_luhn(register) -> None:
    cards = {register().card_no for _ in range(5)}
    assert len(cards) == 5
    for card_no in cards:
        assert card_no is not None
        assert len(card_no) == 12 and card_no.startswith("88")
        assert luhn_valid(card_no)
        assert not luhn_valid(card_no[:-1] + str((int(card_no[-1]) + 1) % 10))


def test_registration_writes_one_transaction(ctx: CounterContext, register) -> None:
    view = register()
    assert query(ctx, "SELECT kind FROM txn WHERE member_id = ?", view.member_id) == [("register",)]
    assert query(ctx, "SELECT status FROM card WHERE member_id = ?", view.member_id) == [
        ("active",)
    ]


# -- lookup -------------------------------------------------------------------


def test_lookup_by_card_number(ctx: CounterContext, cashier, register) -> None:
    m = register(card_no="VIP0001")
    assert lookup.show_member(ctx, cashier, "vip-0001").member_id == m.member_id
    g = register()
    assert lookup.show_member(ctx, cashier, g.card_no).member_id == g.member_id


def test_lookup_by_full_phone(ctx: CounterContext, cashier, register) -> None:
    m = register(phone="13800138000")
    for typed in ("13800138000", "+86 138 0013 8000", "１３８００１３８０００"):
        assert lookup.show_member(ctx, cashier, typed).member_id == m.member_id
        assert [v.member_id for v in lookup.find_members(ctx, cashier, typed)] == [m.member_id]


def test_lookup_by_static_qr(ctx: CounterContext, cashier, register, snapshot) -> None:
    m = register()
    payload = lookup.member_qr(ctx, cashier, m.member_id)
    assert payload.startswith("MC1.S.")
    assert lookup.show_member(ctx, cashier, payload).member_id == m.member_id
    forged = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    refused(snapshot, "qr_invalid", lookup.show_member, ctx, cashier, forged)


def test_dynamic_qr_expires_after_60_seconds(
    ctx: CounterContext, cashier, register, clock, snapshot: Snapshot
) -> None:
    m = register()
    payload = lookup.member_qr(ctx, cashier, m.member_id, dynamic=True)
    assert payload.startswith("MC1.D.")
    assert lookup.show_member(ctx, cashier, payload).member_id == m.member_id
    clock.advance(seconds=59)
    assert lookup.show_member(ctx, cashier, payload).member_id == m.member_id
    clock.advance(seconds=2)
    refused(snapshot, "qr_expired", lookup.show_member, ctx, cashier, payload)
    refused(snapshot, "qr_expired", top_up, ctx, cashier, payload, 10_000, "cash")
    fresh = lookup.member_qr(ctx, cashier, m.member_id, dynamic=True)
    assert lookup.show_member(ctx, cashier, fresh).member_id == m.member_id


def test_qr_from_another_store_refused(
    ctx: CounterContext, cashier, register, snapshot: Snapshot
) -> None:
    from app.domain import qr

    m = register()
    other = qr.static_payload(b"another store's key", m.card_no or "")
    refused(snapshot, "qr_invalid", lookup.show_member, ctx, cashier, other)


def test_last_four_digits_lists_every_match(ctx: CounterContext, cashier, register) -> None:
    a = register(name="张三", phone="13800001234")
    b = register(name="李四", phone="13900001234")
    register(name="王五", phone="13700005678")
    found = lookup.find_members(ctx, cashier, "1234")
    assert {v.member_id for v in found} == {a.member_id, b.member_id}
    only = lookup.find_members(ctx, cashier, "5678")
    assert [v.name for v in only] == ["王五"]
    assert lookup.find_members(ctx, cashier, "0000") == []


def test_name_prefix_search(ctx: CounterContext, cashier, register) -> None:
    register(name="张三")
    register(name="张三丰")
    register(name="李四")
    assert [v.name for v in lookup.find_members(ctx, cashier, "张")] == ["张三", "张三丰"]
    assert [v.name for v in lookup.find_members(ctx, cashier, "张三丰")] == ["张三丰"]
    assert lookup.find_members(ctx, cashier, "赵") == []


def test_pinyin_initials_and_full_pinyin(ctx: CounterContext, cashier, register) -> None:
    register(name="张三")
    register(name="李四")
    assert [v.name for v in lookup.find_members(ctx, cashier, "zs")] == ["张三"]
    assert [v.name for v in lookup.find_members(ctx, cashier, "ZS")] == ["张三"]
    assert [v.name for v in lookup.find_members(ctx, cashier, "zhangsan")] == ["张三"]
    assert [v.name for v in lookup.find_members(ctx, cashier, "ls")] == ["李四"]
    assert lookup.find_members(ctx, cashier, "wq") == []


def test_heteronym_readings_all_searchable(ctx: CounterContext, cashier, register) -> None:
    register(name="曾伟")
    register(name="张三")
    for key in ("zw", "cw", "zengwei", "cengwei"):
        assert [v.name for v in lookup.find_members(ctx, cashier, key)] == ["曾伟"], key


def test_unknown_member_refused(ctx: CounterContext, cashier, snapshot: Snapshot) -> None:
    refused(snapshot, "member_not_found", lookup.show_member, ctx, cashier, "13800138000")
    refused(snapshot, "member_not_found", lookup.show_member, ctx, cashier, "VIP9999")
    refused(snapshot, "query_empty", lookup.show_member, ctx, cashier, "  ")
    refused(snapshot, "query_empty", lookup.find_members, ctx, cashier, "")


def test_cashier_sees_masked_phone_manager_full(
    ctx: CounterContext, cashier, manager, register
) -> None:
    m = register(phone="13800138000")
    assert m.phone == "138****8000"  # registered by the cashier
    assert lookup.show_member(ctx, cashier, m.member_id).phone == "138****8000"
    assert lookup.find_members(ctx, cashier, "8000")[0].phone == "138****8000"
    assert lookup.show_member(ctx, manager, m.member_id).phone == "13800138000"
    assert lookup.find_members(ctx, manager, "8000")[0].phone == "13800138000"


# -- payment password ---------------------------------------------------------


@pytest.fixture
def funded(ctx: CounterContext, cashier, register):
    m = register(phone="13800138000")
    top_up(ctx, cashier, m.member_id, 100_000, "cash")
    return m


def failures(ctx: CounterContext, member_id: str) -> int:
    return query(ctx, "SELECT pay_password_failures FROM member WHERE id = ?", member_id)[0][0]


def test_payment_password_is_six_digits(
    ctx: CounterContext, cashier, funded, snapshot: Snapshot
) -> None:
    for bad in ("12345", "1234567", "abcdef", "12345a", "", "１２３４５６x"):
        refused(
            snapshot, "payment_password_format", set_payment_password, ctx, cashier, "8000", bad
        )


def test_set_and_change_payment_password(
    ctx: CounterContext, cashier, funded, snapshot: Snapshot
) -> None:
    q = funded.member_id
    set_payment_password(ctx, cashier, q, "123456")
    assert lookup.show_member(ctx, cashier, q).has_payment_password
    row = query(ctx, "SELECT pay_password_hash FROM member WHERE id = ?", q)[0][0]
    assert row.startswith("$argon2id$") and "123456" not in row
    # Changing needs the old one.
    refused(snapshot, "payment_password_exists", set_payment_password, ctx, cashier, q, "654321")
    before = snapshot()
    with pytest.raises(CounterError) as exc:
        set_payment_password(ctx, cashier, q, "654321", old_password="000000")
    assert (exc.value.code, exc.value.params["left"]) == ("payment_password_wrong", 4)
    assert failures(ctx, q) == 1
    assert_only_failure_count_changed(ctx, before, snapshot(), q)
    set_payment_password(ctx, cashier, q, "654321", old_password="123456")
    assert failures(ctx, q) == 0
    with pytest.raises(CounterError) as exc:
        checkout(ctx, cashier, q, 1_000, payment_password="123456")
    assert exc.value.code == "payment_password_wrong"
    result = checkout(ctx, cashier, q, 1_000, payment_password="654321")
    assert result.stored_value_fen == 100_000 + 15_000 - 1_000


def test_wrong_payment_password_five_times_locks(
    ctx: CounterContext, cashier, funded, snapshot: Snapshot
) -> None:
    q = funded.member_id
    set_payment_password(ctx, cashier, q, "123456")
    for attempt in range(1, 6):
        before = snapshot()
        with pytest.raises(CounterError) as exc:
            checkout(ctx, cashier, q, 1_000, payment_password="000000")
        if attempt < 5:
            assert (exc.value.code, exc.value.params["left"]) == (
                "payment_password_wrong",
                5 - attempt,
            )
        else:
            assert exc.value.code == "payment_password_locked"
        # Exactly one thing changed: the member's failure count.
        assert_only_failure_count_changed(ctx, before, snapshot(), q)
        assert failures(ctx, q) == attempt
        assert lookup.show_member(ctx, cashier, q).stored_value_fen == 115_000
    # Locked: the right password is refused too, and nothing changes any more.
    refused(
        snapshot,
        "payment_password_locked",
        checkout,
        ctx,
        cashier,
        q,
        1_000,
        payment_password="123456",
    )
    assert failures(ctx, q) == 5


def test_reset_payment_password_with_approval(
    ctx: CounterContext, cashier, funded, approval, snapshot: Snapshot
) -> None:
    q = funded.member_id
    set_payment_password(ctx, cashier, q, "123456")
    for _ in range(5):
        with pytest.raises(CounterError):
            checkout(ctx, cashier, q, 1_000, payment_password="000000")
    refused(snapshot, "approval_required", reset_payment_password, ctx, cashier, q, "111111", None)
    refused(
        snapshot,
        "approver_not_manager",
        reset_payment_password,
        ctx,
        cashier,
        q,
        "111111",
        Approval(CASHIER_NO, CASHIER_PIN),
    )
    refused(
        snapshot,
        "payment_password_format",
        reset_payment_password,
        ctx,
        cashier,
        q,
        "1111",
        approval,
    )
    reset_payment_password(ctx, cashier, q, "111111", approval)
    assert failures(ctx, q) == 0
    result = checkout(ctx, cashier, q, 1_000, payment_password="111111")
    assert result.stored_value_fen == 114_000
    audit = query(
        ctx,
        "SELECT a.approved_by FROM audit_log a WHERE a.action = 'member.reset_password'",
    )
    assert len(audit) == 1 and audit[0][0] is not None


def test_full_width_payment_password_is_the_same_password(
    ctx: CounterContext, cashier, funded, snapshot: Snapshot
) -> None:
    """Typed with a Chinese IME in full-width mode, "１２３４５６" must either be refused or be
    the password "123456" the member then types on the keypad."""
    q = funded.member_id
    try:
        set_payment_password(ctx, cashier, q, "１２３４５６")
    except CounterError as exc:
        assert exc.code == "payment_password_format"
        assert not lookup.show_member(ctx, cashier, q).has_payment_password
        return
    result = checkout(ctx, cashier, q, 1_000, payment_password="123456")
    assert result.stored_value_fen == 114_000
    assert failures(ctx, q) == 0
