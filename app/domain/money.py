"""Money is integer fen inside; Decimal only to parse input and format output."""

from __future__ import annotations

import unicodedata
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from app.domain.errors import ValidationError

FEN_PER_YUAN = 100
# A single amount above this is a typo, not a sale (1,000,000 yuan).
MAX_AMOUNT_FEN = 100_000_000


def parse_yuan(text: str | int | Decimal, *, allow_zero: bool = False) -> int:
    """Parse a yuan amount typed by a person ("12", "12.5", "１２.５０", "¥12") into fen.

    Refuses negatives, more than two decimals, and absurdly large values.
    """
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        cleaned = unicodedata.normalize("NFKC", str(text)).strip()
        cleaned = cleaned.replace(",", "").lstrip("¥￥").strip()
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError("amount_invalid", value=str(text)) from None
    if not value.is_finite():
        raise ValidationError("amount_invalid", value=str(text))
    if value.adjusted() > 12:  # more digits than any amount a counter handles
        raise ValidationError("amount_too_large", value=str(text))
    scaled = value * FEN_PER_YUAN
    if scaled != scaled.to_integral_value(rounding=ROUND_DOWN):
        raise ValidationError("amount_too_precise", value=str(text))
    fen = int(scaled)
    if fen < 0 or (fen == 0 and not allow_zero):
        raise ValidationError("amount_not_positive", value=str(text))
    if fen > MAX_AMOUNT_FEN:
        raise ValidationError("amount_too_large", value=str(text))
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
