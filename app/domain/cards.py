"""Card numbers: scanned from a physical card, or generated with a Luhn check digit."""

from __future__ import annotations

import secrets
import unicodedata

from app.domain.errors import ValidationError

GENERATED_PREFIX = "88"
GENERATED_LENGTH = 12  # prefix + 9 random digits + check digit


def luhn_check_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) >= 2 and luhn_check_digit(number[:-1]) == number[-1]


def generate_card_no(random_digits: str | None = None) -> str:
    body = GENERATED_PREFIX + (
        random_digits
        if random_digits is not None
        else "".join(secrets.choice("0123456789") for _ in range(GENERATED_LENGTH - 3))
    )
    return body + luhn_check_digit(body)


def normalise_card_no(text: str) -> str:
    """A scanned or typed card number: 4-32 letters/digits, upper-cased, separators removed.

    Generated numbers (prefix 88, 12 digits) must pass their check digit, so a
    mistyped digit is caught at the counter.
    """
    cleaned = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").replace("-", "")
    cleaned = cleaned.upper()
    if not (4 <= len(cleaned) <= 32) or not cleaned.isascii() or not cleaned.isalnum():
        raise ValidationError("card_invalid", value=text)
    if (
        cleaned.startswith(GENERATED_PREFIX)
        and len(cleaned) == GENERATED_LENGTH
        and cleaned.isdigit()
        and not luhn_valid(cleaned)
    ):
        raise ValidationError("card_check_digit", value=text)
    return cleaned
