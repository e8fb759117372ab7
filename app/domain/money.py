"""Money is integer fen inside; Decimal only to parse input and format output.

:func:`parse_yuan` is the one parser of amounts typed or read anywhere (CLI, the window's
fields, imported files). After NFKC normalisation (full-width digits, comma and point become
ASCII) and trimming surrounding white space, it accepts exactly::

    amount  = digits [ "." d [ d ] ]               (CLI and the window)
    digits  = d { d }                               d = "0".."9" (ASCII after NFKC)

and, with ``grouping=True`` (imported files, which old systems write as ``¥1,000.50``)::

    amount  = [ "¥" ] ( digits | grouped ) [ "." d [ d ] ]
    grouped = nz [ d [ d ] ] "," d d d { "," d d d }    nz = "1".."9"

Nothing else: no sign, exponent, underscore, hex, ``Infinity``, spaces inside, or a comma
that is not a thousands separator (``1,5`` and ``1,,0`` are refused).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from app.domain.errors import ValidationError

FEN_PER_YUAN = 100
# A single amount above this is a typo, not a sale (1,000,000 yuan).
MAX_AMOUNT_FEN = 100_000_000
# More whole-yuan digits than this is "too large" without converting them at all.
_MAX_DIGITS = 12

_DIGITS = r"[0-9]+"
_GROUPED = r"[1-9][0-9]{0,2}(?:,[0-9]{3})+"
_FRACTION = r"(?:\.(?P<frac>[0-9]{1,2}))?"
PLAIN_GRAMMAR = rf"(?P<whole>{_DIGITS}){_FRACTION}"
GROUPED_GRAMMAR = rf"¥?(?P<whole>{_DIGITS}|{_GROUPED}){_FRACTION}"
_PLAIN = re.compile(PLAIN_GRAMMAR)
_GROUPED_RE = re.compile(GROUPED_GRAMMAR)
# Shapes that are refused with a more precise message than "not an amount".
_TOO_PRECISE = re.compile(r"¥?[0-9][0-9,]*\.[0-9]{3,}")
_NEGATIVE = re.compile(r"-¥?[0-9][0-9,]*(?:\.[0-9]+)?")


def parse_yuan(
    text: str | int | Decimal, *, allow_zero: bool = False, grouping: bool = False
) -> int:
    """A yuan amount (see the module's grammar) in fen; refuses zero unless ``allow_zero``.

    ``int`` and ``Decimal`` values (from code, not from people) are range-checked only.
    """
    if isinstance(text, int | Decimal):
        value = Decimal(text)
        if not value.is_finite():
            raise ValidationError("amount_invalid", value=str(text))
        if value.adjusted() >= _MAX_DIGITS:
            raise ValidationError("amount_too_large", value=str(text))
        scaled = value * FEN_PER_YUAN
        if scaled != scaled.to_integral_value():
            raise ValidationError("amount_too_precise", value=str(text))
        return _checked(int(scaled), str(text), allow_zero)
    raw = str(text)
    cleaned = unicodedata.normalize("NFKC", raw).strip()
    match = (_GROUPED_RE if grouping else _PLAIN).fullmatch(cleaned)
    if match is None:
        if _NEGATIVE.fullmatch(cleaned):
            raise ValidationError("amount_not_positive", value=raw)
        if _TOO_PRECISE.fullmatch(cleaned):
            raise ValidationError("amount_too_precise", value=raw)
        raise ValidationError("amount_invalid", value=raw)
    whole = match["whole"].replace(",", "").lstrip("0") or "0"
    if len(whole) > _MAX_DIGITS:
        raise ValidationError("amount_too_large", value=raw)
    frac = (match["frac"] or "").ljust(2, "0")
    return _checked(int(whole) * FEN_PER_YUAN + int(frac), raw, allow_zero)


def _checked(fen: int, raw: str, allow_zero: bool) -> int:
    if fen < 0 or (fen == 0 and not allow_zero):
        raise ValidationError("amount_not_positive", value=raw)
    if fen > MAX_AMOUNT_FEN:
        raise ValidationError("amount_too_large", value=raw)
    return fen


def format_yuan(fen: int) -> str:
    """Fen as a plain two-decimal string: 1250 -> "12.50", -5 -> "-0.05"."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{part:02d}"


def format_cny(fen: int) -> str:
    """Fen for display: 123450 -> "¥1,234.50"."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}¥{whole:,}.{part:02d}"
