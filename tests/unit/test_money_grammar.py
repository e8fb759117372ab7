"""The one money parser accepts exactly the strings of its stated grammar (app.domain.money).

The reference recogniser below is written without regular expressions, from the grammar as
the module states it; hypothesis looks for a string on which the two disagree.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.money import GROUPED_GRAMMAR, MAX_AMOUNT_FEN, PLAIN_GRAMMAR, parse_yuan

ASCII_DIGITS = "0123456789"


def _digits(s: str) -> bool:
    return bool(s) and all(c in ASCII_DIGITS for c in s)


def reference(text: str, grouping: bool) -> int | None:
    """The amount in fen if ``text`` is in the grammar (any size), else None."""
    s = unicodedata.normalize("NFKC", text).strip()
    if grouping and s.startswith("¥"):
        s = s[1:]
    whole, dot, frac = s.partition(".")
    if dot and not (_digits(frac) and 1 <= len(frac) <= 2):
        return None
    if not _digits(whole):
        if not grouping or "," not in whole:
            return None
        groups = whole.split(",")
        first, rest = groups[0], groups[1:]
        if not (_digits(first) and len(first) <= 3 and first[0] != "0"):
            return None
        if not all(_digits(g) and len(g) == 3 for g in rest):
            return None
        whole = "".join(groups)
    return int(Decimal(whole + "." + (frac or "0")) * 100)


def parsed(text: str, grouping: bool) -> int | None:
    try:
        return parse_yuan(text, allow_zero=True, grouping=grouping)
    except ValidationError:
        return None


# Characters that make near misses likely: digits of both widths, separators, signs,
# exponent and hex letters, white space, currency signs and digits of another script.
NEAR = st.text(
    alphabet=st.sampled_from(
        list("0123456789012,.,.") + list("０１９，．¥￥+-eE_xX ") + ["\t", "\u00a0", "٣", "²"]
    ),
    max_size=14,
)


@settings(max_examples=3000, deadline=None)
@given(text=st.one_of(NEAR, st.text(max_size=12)), grouping=st.booleans())
@example(text="1,5", grouping=True)
@example(text="1,,0", grouping=True)
@example(text="1e3", grouping=False)
@example(text="1_0", grouping=False)
@example(text="+5", grouping=False)
@example(text="0x10", grouping=False)
@example(text="Infinity", grouping=True)
@example(text="1,000.50", grouping=False)
@example(text="1,000.50", grouping=True)
@example(text="０１２，３４５．６", grouping=True)
def test_parser_accepts_exactly_the_grammar(text: str, grouping: bool) -> None:
    want = reference(text, grouping)
    if want is not None and want > MAX_AMOUNT_FEN:
        want = None  # in the grammar, but refused as too large
    assert parsed(text, grouping) == want


@settings(max_examples=1000, deadline=None)
@given(st.from_regex(PLAIN_GRAMMAR, fullmatch=True))
def test_every_plain_amount_is_read_with_its_value(text: str) -> None:
    value = Decimal(text) * 100
    result = parsed(text, False)
    assert result == (int(value) if value <= MAX_AMOUNT_FEN else None)
    # What the CLI and the window take, an import takes too.
    assert parsed(text, True) == result


@settings(max_examples=1000, deadline=None)
@given(st.from_regex(GROUPED_GRAMMAR, fullmatch=True))
def test_every_grouped_amount_is_read_with_its_value(text: str) -> None:
    value = Decimal(text.lstrip("¥").replace(",", "")) * 100
    assert parsed(text, True) == (int(value) if value <= MAX_AMOUNT_FEN else None)
    if "," in text or "¥" in text:
        assert parsed(text, False) is None  # separators and signs only in imported files
