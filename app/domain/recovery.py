"""Recovery codes: how a store that locked out its only admin gets back in, once per code.

Two kinds, both written in Crockford's base32 (no I, L, O or U; read out over the phone
without confusion), in groups of five:

- a **counter code** of 20 characters (100 random bits), printed by ``init`` and shown on the
  first-run screen; the counter keeps only its hash;
- an **HQ code** of 24 characters that HQ makes for one enrolled counter: 4 random bytes, the
  hour it expires and an HMAC-SHA256 tag with that counter's device secret. The counter checks
  it with its own copy of the secret, offline, and never takes one twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import unicodedata

from app.domain.errors import ValidationError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_READ_AS = {"I": "1", "L": "1", "O": "0"}
COUNTER_LENGTH = 20
HQ_LENGTH = 24
HQ_TTL_HOURS = 24
_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
_TAG = b"member-counter recovery v1"


def grouped(code: str) -> str:
    """``ABCDEFGHJK...`` as ``ABCDE-FGHJK-...``."""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def new_counter_code() -> str:
    return grouped("".join(secrets.choice(ALPHABET) for _ in range(COUNTER_LENGTH)))


def normalise(text: str) -> str:
    """A code as typed (any case, full-width, with dashes or spaces) in its plain form."""
    plain = unicodedata.normalize("NFKC", text or "").upper()
    plain = "".join(_READ_AS.get(c, c) for c in plain if c not in "- \t")
    if len(plain) not in (COUNTER_LENGTH, HQ_LENGTH) or any(c not in _VALUE for c in plain):
        raise ValidationError("recovery_code_invalid")
    return plain


def _encode(data: bytes) -> str:
    number, bits = int.from_bytes(data, "big"), len(data) * 8
    return "".join(ALPHABET[(number >> shift) & 31] for shift in range(bits - 5, -1, -5))


def _decode(text: str) -> bytes:
    number = 0
    for c in text:
        number = number * 32 + _VALUE[c]
    return number.to_bytes(len(text) * 5 // 8, "big")


def _mac(secret: str, device_id: str, body: bytes) -> bytes:
    message = b"|".join((_TAG, device_id.encode(), body))
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()[:8]


def _hour(at: dt.datetime) -> int:
    return int((at - _EPOCH).total_seconds() // 3600)


def hq_code(secret: str, device_id: str, now: dt.datetime, ttl_hours: int = HQ_TTL_HOURS) -> str:
    """HQ's one-time code for the counter ``device_id`` (valid ``ttl_hours``)."""
    body = secrets.token_bytes(4) + (_hour(now) + ttl_hours).to_bytes(3, "big")
    return grouped(_encode(body + _mac(secret, device_id, body)))


def hq_code_nonce(secret: str, device_id: str, plain: str, now: dt.datetime) -> str | None:
    """The code's one-time part (hex) if HQ made ``plain`` for this counter and it has not
    expired; None otherwise."""
    if len(plain) != HQ_LENGTH:
        return None
    data = _decode(plain)
    body, tag = data[:7], data[7:]
    if not hmac.compare_digest(tag, _mac(secret, device_id, body)):
        return None
    if int.from_bytes(body[4:7], "big") < _hour(now):
        return None
    return body[:4].hex()
