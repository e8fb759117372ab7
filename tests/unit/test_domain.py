"""Unit tests of the pure rules in app/domain, against PRODUCT.md's default business rules."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest

from app.domain import qr
from app.domain.cards import (
    GENERATED_LENGTH,
    GENERATED_PREFIX,
    generate_card_no,
    luhn_check_digit,
    luhn_valid,
    normalise_card_no,
)
from app.domain.errors import CounterError, RuleError, ValidationError
from app.domain.messages import MESSAGES, current_language, render, set_language
from app.domain.money import MAX_AMOUNT_FEN, format_cny, format_yuan, parse_yuan
from app.domain.phone import mask_phone, normalise_phone
from app.domain.points import LotBalance, consume_oldest, expiry_for
from app.domain.pricing import (
    Tender,
    points_earned,
    quote_checkout,
    settle_tenders,
    split_stored_value,
    tier_for_spend,
    topup_bonus,
)
from app.domain.rules import default_rules

RULES = default_rules()
NORMAL, SILVER, GOLD, DIAMOND = (RULES.tier(c) for c in ("normal", "silver", "gold", "diamond"))
APP_DIR = Path(__file__).resolve().parents[2] / "app"


def code_of(excinfo: pytest.ExceptionInfo[CounterError]) -> str:
    return excinfo.value.code


# -- money ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("０.０５", 5),
        ("１２.５０", 1250),
        (" 8 ", 800),
        ("007", 700),
        ("1000000", MAX_AMOUNT_FEN),
    ],
)
def test_parse_yuan_accepts_what_a_person_types(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("¥1,234.50", 123450),
        ("￥1,234.50", 123450),
        ("１，０００．５０", 100050),
        ("1,000,000", MAX_AMOUNT_FEN),
        ("12", 1200),
    ],
)
def test_parse_yuan_with_grouping_reads_what_old_systems_write(text: str, fen: int) -> None:
    assert parse_yuan(text, grouping=True) == fen


def test_parse_yuan_accepts_int_and_zero_when_allowed() -> None:
    assert parse_yuan(12) == 1200
    assert parse_yuan("0", allow_zero=True) == 0
    assert parse_yuan("0.00", allow_zero=True) == 0


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1,5", "amount_invalid"),
        ("1,,0", "amount_invalid"),
        ("1e3", "amount_invalid"),
        ("1_0", "amount_invalid"),
        ("+5", "amount_invalid"),
        ("0x10", "amount_invalid"),
        ("1,000.50", "amount_invalid"),  # thousands separators only in imported files
        ("¥8", "amount_invalid"),
        ("١٢", "amount_invalid"),  # digits of another script
        ("12.", "amount_invalid"),
        (".5", "amount_invalid"),
        ("1 000", "amount_invalid"),
        ("-1", "amount_not_positive"),
        ("-0.01", "amount_not_positive"),
        ("0", "amount_not_positive"),
        ("0.00", "amount_not_positive"),
        ("1.234", "amount_too_precise"),
        ("0.001", "amount_too_precise"),
        ("abc", "amount_invalid"),
        ("", "amount_invalid"),
        ("12元", "amount_invalid"),
        ("NaN", "amount_invalid"),
        ("sNaN", "amount_invalid"),
        ("Infinity", "amount_invalid"),
        ("-Infinity", "amount_invalid"),
        ("1000000.01", "amount_too_large"),
        (format_yuan(MAX_AMOUNT_FEN + 1), "amount_too_large"),
        ("99999999999999999999", "amount_too_large"),
    ],
)
def test_parse_yuan_refusals(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_yuan(text)
    assert code_of(excinfo) == code
    assert excinfo.value.params["value"] == text


def test_parse_yuan_refuses_a_huge_exponent_as_a_validation_error() -> None:
    # A garbled scan such as "1e999999" must be a refusal the cashier can read,
    # not a decimal.Overflow escaping from the parser.
    with pytest.raises(ValidationError) as excinfo:
        parse_yuan("1e999999")
    assert code_of(excinfo) == "amount_invalid"
    with pytest.raises(ValidationError) as excinfo:
        parse_yuan("9" * 5000)
    assert code_of(excinfo) == "amount_too_large"


@pytest.mark.parametrize(
    ("fen", "plain", "shown"),
    [
        (0, "0.00", "¥0.00"),
        (5, "0.05", "¥0.05"),
        (1250, "12.50", "¥12.50"),
        (123450, "1234.50", "¥1,234.50"),
        (MAX_AMOUNT_FEN, "1000000.00", "¥1,000,000.00"),
        (-5, "-0.05", "-¥0.05"),
        (-123450, "-1234.50", "-¥1,234.50"),
    ],
)
def test_format_yuan_and_cny(fen: int, plain: str, shown: str) -> None:
    assert format_yuan(fen) == plain
    assert format_cny(fen) == shown
    if fen > 0:
        assert parse_yuan(plain) == fen
        assert parse_yuan(shown, grouping=True) == fen


# -- phone ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        " 138-0013 8000 ",
        "１３８００１３８０００",
        "１３８－００１３－８０００",
        "+86 138 0013 8000",
        "+86-13800138000",
        "+8613800138000",
        "＋８６１３８００１３８０００",
        "008613800138000",
        "0086 138 0013 8000",
        "8613800138000",
    ],
)
def test_normalise_phone_accepts(text: str) -> None:
    assert normalise_phone(text) == "13800138000"


@pytest.mark.parametrize(
    "text",
    [
        "138001380001",  # 12 digits
        "1380013800",  # 10 digits
        "12800138000",  # starts 12
        "10800138000",  # starts 10
        "23800138000",
        "1380013800a",
        "abcdefghijk",
        "",
        "   ",
        "+85213800138000",
        "86138001380001",  # 86 prefix but 14 digits
    ],
)
def test_normalise_phone_refusals(text: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalise_phone(text)
    assert code_of(excinfo) == "phone_invalid"
    assert excinfo.value.params == {"value": text}


def test_every_mobile_prefix_13_to_19_is_accepted() -> None:
    for second in "3456789":
        assert normalise_phone(f"1{second}912345678") == f"1{second}912345678"


def test_mask_phone() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("12345") == "*****"
    assert mask_phone("") == ""


# -- cards ------------------------------------------------------------------


def test_luhn_known_values() -> None:
    assert luhn_check_digit("7992739871") == "3"
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("7")
    assert not luhn_valid("7992739871a")


def test_generated_card_numbers_have_prefix_length_and_valid_check_digit() -> None:
    numbers = {generate_card_no() for _ in range(200)}
    assert len(numbers) > 190  # random, not a constant
    for no in numbers:
        assert no.startswith(GENERATED_PREFIX)
        assert len(no) == GENERATED_LENGTH
        assert no.isdigit()
        assert luhn_valid(no)
        assert normalise_card_no(no) == no


def test_generate_card_no_from_given_digits() -> None:
    body = "88123456789"
    assert generate_card_no("123456789") == body + luhn_check_digit(body)


def test_normalise_card_no_cleans_separators_case_and_width() -> None:
    no = generate_card_no("000000001")
    spaced = f" {no[:4]} {no[4:8]}-{no[8:]} "
    assert normalise_card_no(spaced) == no
    full_width = no.translate(str.maketrans(string.digits, "０１２３４５６７８９"))
    assert normalise_card_no(full_width) == no
    assert normalise_card_no("ab-12 cd") == "AB12CD"
    # A physical card's own numbering (not our 88 prefix) is taken as printed.
    assert normalise_card_no("6222000011112222") == "6222000011112222"


@pytest.mark.parametrize("text", ["", "abc", "12", "卡号12345", "12345!678", "A" * 33, None])
def test_normalise_card_no_refusals(text: str | None) -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalise_card_no(text)  # type: ignore[arg-type]
    assert code_of(excinfo) == "card_invalid"


def test_every_single_digit_typo_of_a_generated_card_is_caught() -> None:
    no = generate_card_no()
    for i, ch in enumerate(no):
        if i < len(GENERATED_PREFIX):
            continue  # changing the prefix makes it a foreign card number
        for d in string.digits:
            if d == ch:
                continue
            typo = no[:i] + d + no[i + 1 :]
            with pytest.raises(ValidationError) as excinfo:
                normalise_card_no(typo)
            assert code_of(excinfo) == "card_check_digit", typo


# -- pricing: top-up bonus, pro-rata split ------------------------------------


@pytest.mark.parametrize(
    ("yuan", "bonus_yuan"),
    [
        ("0.01", 0),
        ("499.99", 0),
        ("500", 50),
        ("500.01", 50),
        ("999.99", 50),
        ("1000", 150),
        ("5000", 150),
        ("50000", 150),
    ],
)
def test_topup_bonus_default_rules(yuan: str, bonus_yuan: int) -> None:
    assert topup_bonus(RULES, parse_yuan(yuan)) == bonus_yuan * 100


@pytest.mark.parametrize(
    ("amount", "principal", "bonus", "expected"),
    [
        (1000, 9000, 1000, (900, 100)),  # 10 % bonus
        (233, 200, 100, (156, 77)),  # 77.67 -> 77
        (100, 200, 100, (67, 33)),  # 33.33 -> 33 bonus, the rest principal
        (1, 1, 1, (1, 0)),
        (1, 0, 5, (0, 1)),
        (5, 5, 0, (5, 0)),
        (300, 200, 100, (200, 100)),  # the whole balance
        (59_999, 100_000, 15_000, (52_174, 7_825)),
    ],
)
def test_split_stored_value(
    amount: int, principal: int, bonus: int, expected: tuple[int, int]
) -> None:
    p, b = split_stored_value(amount, principal, bonus)
    assert (p, b) == expected
    assert p + b == amount
    assert 0 <= p <= principal
    assert 0 <= b <= bonus
    assert b == amount * bonus // (principal + bonus)


def test_split_stored_value_refuses_more_than_the_balance() -> None:
    with pytest.raises(RuleError) as excinfo:
        split_stored_value(301, 200, 100)
    assert code_of(excinfo) == "balance_insufficient"
    assert excinfo.value.params == {"balance": 300, "amount": 301}
    with pytest.raises(RuleError):
        split_stored_value(1, 0, 0)


# -- pricing: quote, points earned, tenders, tiers --------------------------


def test_quote_normal_tier_has_no_discount() -> None:
    q = quote_checkout(RULES, 10_000, NORMAL, 0, 0)
    assert (q.discount_fen, q.after_discount_fen, q.due_fen) == (0, 10_000, 10_000)
    assert q.max_points == 0  # no points to use


def test_quote_tier_discount_is_floored_in_fen() -> None:
    q = quote_checkout(RULES, 9_999, SILVER, 0, 0)  # 2 % of 99.99 = 1.9998
    assert q.discount_fen == 199
    assert q.after_discount_fen == 9_800
    assert q.due_fen == 9_800
    q = quote_checkout(RULES, 1_999, GOLD, 0, 0)  # 5 % of 19.99 = 0.9995
    assert q.discount_fen == 99
    q = quote_checkout(RULES, 1_999, DIAMOND, 0, 0)  # 10 % of 19.99 = 1.999
    assert q.discount_fen == 199
    assert q.due_fen == 1_800


def test_quote_points_cap_is_half_the_bill_after_discount() -> None:
    q = quote_checkout(RULES, 10_000, SILVER, 4_900, 100_000)
    assert q.after_discount_fen == 9_800
    assert q.max_points == 4_900
    assert (q.points_used, q.points_value_fen, q.due_fen) == (4_900, 4_900, 4_900)
    with pytest.raises(RuleError) as excinfo:
        quote_checkout(RULES, 10_000, SILVER, 4_901, 100_000)
    assert code_of(excinfo) == "points_over_cap"
    assert excinfo.value.params == {"max_points": 4_900}
    # Odd amounts: the cap is floored, so the member pays the extra fen.
    q = quote_checkout(RULES, 101, NORMAL, 50, 1_000)
    assert (q.points_value_fen, q.due_fen) == (50, 51)
    with pytest.raises(RuleError):
        quote_checkout(RULES, 101, NORMAL, 51, 1_000)


def test_quote_max_points_is_limited_by_the_balance() -> None:
    q = quote_checkout(RULES, 10_000, NORMAL, 300, 300)
    assert q.max_points == 300
    assert q.due_fen == 9_700


def test_quote_points_over_balance_refused() -> None:
    with pytest.raises(RuleError) as excinfo:
        quote_checkout(RULES, 10_000, NORMAL, 301, 300)
    assert code_of(excinfo) == "points_insufficient"
    assert excinfo.value.params == {"balance": 300, "points": 301}


def test_quote_refuses_non_positive_amount_and_negative_points() -> None:
    with pytest.raises(ValidationError) as excinfo:
        quote_checkout(RULES, 0, NORMAL, 0, 0)
    assert code_of(excinfo) == "amount_not_positive"
    with pytest.raises(ValidationError) as excinfo:
        quote_checkout(RULES, 10_000, NORMAL, -1, 100)
    assert code_of(excinfo) == "points_negative"


@pytest.mark.parametrize(
    ("paid_fen", "tier", "points"),
    [
        (9_999, SILVER, 118),  # floor(99.99) = 99 × 1.2 = 118.8 -> 118
        (9_999, NORMAL, 99),
        (10_099, GOLD, 150),
        (10_000, DIAMOND, 200),
        (99, DIAMOND, 0),
        (0, SILVER, 0),
        (-500, SILVER, 0),
        (100, SILVER, 1),  # 1.2 -> 1
        (500, SILVER, 6),
    ],
)
def test_points_earned(paid_fen: int, tier: object, points: int) -> None:
    assert points_earned(RULES, paid_fen, tier) == points  # type: ignore[arg-type]


def test_settle_split_tender_exactly() -> None:
    settled = settle_tenders(10_000, [("stored_value", 6_000), ("wechat", 4_000)])
    assert settled == [Tender("stored_value", 6_000, 0), Tender("wechat", 4_000, 0)]


def test_settle_cash_gives_change() -> None:
    settled = settle_tenders(9_550, [("cash", 10_000)])
    assert settled == [Tender("cash", 10_000, 450)]
    assert settled[0].net_fen == 9_550
    settled = settle_tenders(9_550, [("stored_value", 5_000), ("cash", 5_000)])
    assert settled == [Tender("stored_value", 5_000, 0), Tender("cash", 5_000, 450)]
    assert sum(t.net_fen for t in settled) == 9_550


def test_settle_nothing_due_needs_no_tender() -> None:
    assert settle_tenders(0, []) == []


@pytest.mark.parametrize(
    ("due", "tenders", "code", "params"),
    [
        (9_550, [("wechat", 10_000)], "tender_overpaid", {"due": 9_550, "paid": 10_000}),
        (
            9_550,
            [("stored_value", 6_000), ("wechat", 4_000), ("cash", 100)],
            "tender_overpaid",
            {"due": 9_550, "paid": 10_100},
        ),
        (9_550, [("cash", 9_000)], "tender_short", {"due": 9_550, "paid": 9_000}),
        (
            9_550,
            [("stored_value", 5_000), ("alipay", 4_000)],
            "tender_short",
            {"due": 9_550, "paid": 9_000},
        ),
    ],
)
def test_settle_rule_refusals(
    due: int, tenders: list[tuple[str, int]], code: str, params: dict[str, int]
) -> None:
    with pytest.raises(RuleError) as excinfo:
        settle_tenders(due, tenders)
    assert code_of(excinfo) == code
    assert excinfo.value.params == params


@pytest.mark.parametrize(
    ("tenders", "code"),
    [
        ([("cash", 5_000), ("cash", 5_000)], "tender_duplicate"),
        ([("stored_value", 100), ("stored_value", 100)], "tender_duplicate"),
        ([("bitcoin", 10_000)], "method_invalid"),
        ([("cash", 0), ("wechat", 10_000)], "amount_not_positive"),
        ([("wechat", -1), ("cash", 10_001)], "amount_not_positive"),
        ([], "tender_missing"),
    ],
)
def test_settle_validation_refusals(tenders: list[tuple[str, int]], code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        settle_tenders(10_000, tenders)
    assert code_of(excinfo) == code


@pytest.mark.parametrize(
    ("spend_yuan", "tier"),
    [
        (0, "normal"),
        (999.99, "normal"),
        (1_000, "silver"),
        (4_999.99, "silver"),
        (5_000, "gold"),
        (19_999.99, "gold"),
        (20_000, "diamond"),
        (1_000_000, "diamond"),
    ],
)
def test_tier_for_spend_thresholds(spend_yuan: float, tier: str) -> None:
    fen = round(spend_yuan * 100)
    assert tier_for_spend(RULES, fen).code == tier


def test_default_tier_table() -> None:
    assert [
        (t.code, t.threshold_fen, t.discount_bp, t.multiplier_permille) for t in RULES.tiers
    ] == [
        ("normal", 0, 0, 1000),
        ("silver", 100_000, 200, 1200),
        ("gold", 500_000, 500, 1500),
        ("diamond", 2_000_000, 1000, 2000),
    ]
    assert RULES.points_per_yuan_cash == 100
    assert RULES.max_points_ratio_bp == 5000


# -- points lots ------------------------------------------------------------


@pytest.mark.parametrize(
    ("earned", "expires"),
    [
        (dt.date(2026, 3, 15), dt.date(2027, 12, 31)),
        (dt.date(2026, 12, 31), dt.date(2027, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
        (dt.date(2027, 1, 1), dt.date(2028, 12, 31)),
    ],
)
def test_expiry_for(earned: dt.date, expires: dt.date) -> None:
    assert expiry_for(earned) == expires


def test_consume_oldest_takes_the_earliest_expiring_lots_first() -> None:
    lots = [
        LotBalance("lot-c", 100, dt.date(2028, 12, 31)),
        LotBalance("lot-a", 30, dt.date(2027, 12, 31)),
        LotBalance("lot-empty", 0, dt.date(2026, 12, 31)),
        LotBalance("lot-b", 50, dt.date(2027, 12, 31)),
    ]
    assert consume_oldest(lots, 10) == [("lot-a", 10)]
    assert consume_oldest(lots, 30) == [("lot-a", 30)]
    assert consume_oldest(lots, 95) == [("lot-a", 30), ("lot-b", 50), ("lot-c", 15)]
    assert consume_oldest(lots, 180) == [("lot-a", 30), ("lot-b", 50), ("lot-c", 100)]
    assert consume_oldest(lots, 0) == []


def test_consume_oldest_refuses_more_than_available() -> None:
    lots = [LotBalance("a", 30, dt.date(2027, 12, 31)), LotBalance("b", -5, dt.date(2027, 1, 1))]
    with pytest.raises(RuleError) as excinfo:
        consume_oldest(lots, 31)
    assert code_of(excinfo) == "points_insufficient"
    assert excinfo.value.params == {"balance": 30, "points": 31}


# -- QR payloads --------------------------------------------------------------

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
NOW = 1_773_540_000  # 2026-03-15 02:00 UTC
MEMBER_ID = "01950000-0000-7000-8000-000000000001"


def test_static_qr_verifies() -> None:
    payload = qr.static_payload(KEY, "881234567897")
    assert payload.startswith("MC1.S.881234567897.")
    assert qr.is_qr_payload(payload)
    assert qr.verify_payload(KEY, payload, NOW) == qr.QrClaim("static", "881234567897")
    # Static codes do not expire.
    assert qr.verify_payload(KEY, f"  {payload}\n", NOW + 10 * 365 * 86400).value == "881234567897"


def test_dynamic_qr_verifies_for_60_seconds_then_expires() -> None:
    payload = qr.dynamic_payload(KEY, MEMBER_ID, NOW)
    assert payload.startswith(f"MC1.D.{MEMBER_ID}.{NOW + 60}.")
    assert qr.verify_payload(KEY, payload, NOW) == qr.QrClaim("dynamic", MEMBER_ID)
    assert qr.verify_payload(KEY, payload, NOW + 60).value == MEMBER_ID
    with pytest.raises(ValidationError) as excinfo:
        qr.verify_payload(KEY, payload, NOW + 61)
    assert code_of(excinfo) == "qr_expired"


def _flip_last(payload: str) -> str:
    last = payload[-1]
    return payload[:-1] + ("A" if last != "A" else "B")


@pytest.mark.parametrize(
    "payload",
    [
        _flip_last(qr.static_payload(KEY, "881234567897")),
        _flip_last(qr.dynamic_payload(KEY, MEMBER_ID, NOW)),
        # body changed, signature kept
        qr.static_payload(KEY, "881234567897").replace("881234567897", "881234567898"),
        # expiry pushed forward, signature kept
        qr.dynamic_payload(KEY, MEMBER_ID, NOW).replace(str(NOW + 60), str(NOW + 6000)),
        # signed with another key
        qr.static_payload(OTHER_KEY, "881234567897"),
        qr.dynamic_payload(OTHER_KEY, MEMBER_ID, NOW),
        # malformed
        "MC1.S.881234567897",
        "MC1",
        "XX1.S.881234567897.AAAAAAAAAAAAAAAA",
        "",
    ],
)
def test_tampered_or_foreign_qr_refused(payload: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        qr.verify_payload(KEY, payload, NOW)
    assert code_of(excinfo) == "qr_invalid"


def test_a_tampered_expired_code_is_invalid_not_expired() -> None:
    payload = _flip_last(qr.dynamic_payload(KEY, MEMBER_ID, NOW))
    with pytest.raises(ValidationError) as excinfo:
        qr.verify_payload(KEY, payload, NOW + 3600)
    assert code_of(excinfo) == "qr_invalid"


# -- messages -----------------------------------------------------------------

_RAISED = re.compile(r"Error\(\s*\"([a-z0-9_]+)\"")
_PLACEHOLDER = re.compile(r"\{([a-z_]+(?::[a-z]+)?)\}")  # {name} or {name:money}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _codes_used_in_app() -> set[str]:
    codes: set[str] = set()
    for path in APP_DIR.rglob("*.py"):
        codes.update(_RAISED.findall(path.read_text(encoding="utf-8")))
    # Codes chosen at run time (lookup refuses blocked cards by status).
    from app.services.lookup import _CARD_BLOCKING

    codes.update(_CARD_BLOCKING.values())
    return codes


def test_the_code_scan_finds_the_codes() -> None:
    codes = _codes_used_in_app()
    # multi-line raises are found too
    assert {"balance_insufficient", "topup_refund_insufficient", "card_lost"} <= codes
    assert len(codes) > 40


def test_every_code_used_in_app_has_chinese_and_english_text() -> None:
    missing = sorted(_codes_used_in_app() - MESSAGES.keys())
    assert missing == []
    for code in _codes_used_in_app():
        zh, en = MESSAGES[code]
        assert _CJK.search(zh), (code, zh)
        assert not _CJK.search(en) and re.search(r"[A-Za-z]", en), (code, en)


def test_chinese_and_english_texts_use_the_same_parameters() -> None:
    for code, (zh, en) in MESSAGES.items():
        assert set(_PLACEHOLDER.findall(zh)) == set(_PLACEHOLDER.findall(en)), code


def test_set_language_switches_counter_error_messages() -> None:
    err = RuleError("balance_insufficient", balance=1_000, amount=123_450)
    assert current_language() == "zh"
    assert err.message == "储值余额不足:余额 ¥10.00,需要 ¥1,234.50"
    set_language("en")
    assert current_language() == "en"
    assert err.message == "Not enough stored value: balance ¥10.00, needed ¥1,234.50"
    assert str(err) == err.message
    set_language("en_US")
    assert current_language() == "en"
    set_language("zh_CN")
    assert err.message.startswith("储值余额不足")


def test_money_params_render_as_yuan_in_both_languages() -> None:
    err = RuleError("tender_short", due=9_550, paid=9_000)
    assert err.message == "支付金额不足:应付 ¥95.50,已付 ¥90.00"
    set_language("en")
    assert err.message == "Not enough paid: ¥95.50 due, ¥90.00 paid"
    assert (
        RuleError("topup_too_large", max=5_000_000).message == "One top-up cannot exceed ¥50,000.00"
    )
    assert "¥" in render("tender_overpaid", due=1, paid=2)


def test_points_are_not_rendered_as_money() -> None:
    # points_insufficient reports a points balance: 120 points must read "120", not "¥1.20".
    set_language("en")
    err = RuleError("points_insufficient", balance=120, points=500)
    assert err.message == "Not enough points: 120 available, 500 needed"
    set_language("zh")
    assert err.message == "积分不足:现有 120,需要 500"


def test_non_money_params_are_shown_as_given() -> None:
    set_language("en")
    assert (
        RuleError("points_over_cap", max_points=4_900).message
        == "At most 4900 points on this bill (half of it after discount)"
    )
    assert ValidationError("amount_invalid", value="abc").message == "Not a valid amount: abc"
    assert "¥" not in ValidationError("amount_invalid", value="12").message


def test_unknown_code_and_missing_params_do_not_crash() -> None:
    assert CounterError("no_such_code").message == "no_such_code"
    assert "{balance}" in CounterError("balance_insufficient").message
