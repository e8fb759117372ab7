"""Mainland China mobile numbers."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from app.domain.errors import ValidationError

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_SEPARATORS = re.compile(r"[\s\-()（）.]")


def normalise_phone(text: str) -> str:
    """Return the 11-digit mobile number, accepting spaces, dashes, full-width digits, +86.

    Raises ``ValidationError`` for anything that is not a mainland mobile number.
    """
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    cleaned = _SEPARATORS.sub("", cleaned)
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    elif cleaned.startswith("0086"):
        cleaned = cleaned[4:]
    elif cleaned.startswith("86") and len(cleaned) == 13:
        cleaned = cleaned[2:]
    if not _MOBILE.fullmatch(cleaned):
        raise ValidationError("phone_invalid", value=text)
    return cleaned


def looks_like_phone(text: str) -> bool:
    try:
        normalise_phone(text)
    except ValidationError:
        return False
    return True


def mask_phone(phone: str) -> str:
    """138****8000, as shown to roles that may not see the full number and on receipts."""
    if len(phone) != 11:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[7:]}"


def phone_hash(key: str, phone: str) -> str:
    """The chain's keyed hash of a full number (HMAC-SHA256, hex): how a counter finds, by the
    number typed or scanned, another store's member whose number it does not hold."""
    return hmac.new(key.encode(), phone.encode(), hashlib.sha256).hexdigest()


def phone_key_id(key: str) -> str:
    """A name for the chain's phone key that does not give the key away (SHA-256 of it,
    16 hex digits): what a counter keeps on disk to tell HQ's key from a rotated one, while
    the key itself stays in the counter's memory (app.persistence.phone_keys)."""
    return hashlib.sha256(b"member-counter phone key\0" + key.encode()).hexdigest()[:16]
