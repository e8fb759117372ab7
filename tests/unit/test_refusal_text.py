"""HQ's refusals in the UI's language: HQ sends a code and its reason in Chinese; the
counter renders the code again from the parameters in that reason (F12 and ``sync status``),
and shows HQ's words for a code or a wording it does not know."""

from __future__ import annotations

import string
from collections.abc import Iterator

import pytest

from app.domain.messages import (
    MESSAGES,
    current_language,
    render,
    render_in,
    render_refusal,
    set_language,
)
from server.validate import Refused
from sync.cli import _refused_lines

MONEY = ("amount", "expected", "bonus")
CASES = [
    ("bonus_mismatch", {"amount": 100_000, "expected": 10_000, "bonus": 20_000},
     "The bonus breaks the rules: a top-up of ¥1,000.00 earns ¥100.00, not ¥200.00"),
    ("staff_role", {"staff": "c01", "action": "stored_value.adjusted"},
     "Staff c01 may not do this (stored_value.adjusted)"),
    ("member_foreign", {"home": "S002", "action": "card.frozen"},
     "The member belongs to store S002; this store may not do this (card.frozen)"),
    ("approval_missing", {}, "This needs a manager's approval"),
    ("money_mismatch", {"detail": "the change is wrong"},
     "The amounts do not add up: the change is wrong"),
]  # fmt: skip


@pytest.fixture
def english() -> Iterator[None]:
    before = current_language()
    set_language("en")
    yield
    set_language(before)


@pytest.mark.parametrize(("code", "params", "english_text"), CASES)
def test_a_refusal_is_rendered_from_its_code_in_english(
    english: None, code: str, params: dict, english_text: str
) -> None:
    refused = Refused(code, **params)
    # HQ words it in Chinese even in a process that shows English.
    assert refused.reason == render_in("zh", refused.code, **params) != english_text
    assert render_refusal(refused.code, refused.reason) == english_text


def test_every_refusal_of_hq_reads_back_into_english(english: None) -> None:
    """Each hq_ code with made-up parameters: its Chinese reason renders as its English."""
    codes = [code for code in MESSAGES if code.startswith("hq_")]
    assert len(codes) > 20
    for code in codes:
        names = {n for _l, n, _s, _c in string.Formatter().parse(MESSAGES[code][0]) if n}
        params = {n: 12_345 if n in MONEY else f"<{n} 值>" for n in names}
        refused = Refused(code.removeprefix("hq_"), **params)
        assert refused.code == code
        english_text = render(code, **params)
        assert english_text != refused.reason, code
        assert render_refusal(code, refused.reason) == english_text, code


def test_chinese_shows_hqs_words_and_unknown_codes_fall_back() -> None:
    before = current_language()
    set_language("zh")
    try:
        reason = Refused("staff_unknown", staff="c09").reason
        assert render_refusal("hq_staff_unknown", reason) == "员工 c09 在总部未登记或已停用"
        set_language("en")
        assert (
            render_refusal("hq_staff_unknown", reason) == "Staff c09 is unknown at HQ or inactive"
        )
        # A code of a newer HQ, or a reason worded otherwise: HQ's text as it came.
        assert render_refusal("hq_from_a_newer_hq", "新的拒收原因") == "新的拒收原因"
        assert render_refusal("hq_staff_unknown", "另一种说法") == "另一种说法"
        assert render_refusal("", "旧版本未给代码") == "旧版本未给代码"
    finally:
        set_language(before)


def test_sync_status_lists_the_reason_in_the_language_shown(english: None) -> None:
    refused = Refused("txn_unknown", txn_id="0192aa")
    row = {"device_seq": 4, "type": "checkout.refunded", "code": refused.code,
           "reason": refused.reason}  # fmt: skip
    assert _refused_lines([row])[1] == "  #4 checkout.refunded:HQ has no transaction 0192aa"
    set_language("zh")
    assert _refused_lines([row])[1] == "  #4 checkout.refunded:总部没有找到原交易 0192aa"
