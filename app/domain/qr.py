"""Member QR payloads signed with the store's (or HQ's) key.

Static, printed on the card:        ``MC1.S.<card_no>.<sig>``
Dynamic, on the member's phone:     ``MC1.D.<member_id>.<expires_unix>.<sig>`` (valid 60 s)

The signature is HMAC-SHA256 over everything before it, base32, 16 characters
(80 bits): enough to stop forged codes, short enough for a small QR.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from app.domain.errors import ValidationError

PREFIX = "MC1"
DYNAMIC_TTL_SECONDS = 60


@dataclass(frozen=True)
class QrClaim:
    kind: str  # "static" (card number) or "dynamic" (member id)
    value: str


def _sig(key: bytes, body: str) -> str:
    digest = hmac.new(key, body.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:16]


def static_payload(key: bytes, card_no: str) -> str:
    body = f"{PREFIX}.S.{card_no}"
    return f"{body}.{_sig(key, body)}"


def dynamic_payload(key: bytes, member_id: str, now_unix: int) -> str:
    body = f"{PREFIX}.D.{member_id}.{now_unix + DYNAMIC_TTL_SECONDS}"
    return f"{body}.{_sig(key, body)}"


def is_qr_payload(text: str) -> bool:
    return text.strip().startswith(PREFIX + ".")


def verify_payload(key: bytes, text: str, now_unix: int) -> QrClaim:
    parts = text.strip().split(".")
    if len(parts) < 4 or parts[0] != PREFIX:
        raise ValidationError("qr_invalid")
    body, sig = ".".join(parts[:-1]), parts[-1]
    if not hmac.compare_digest(_sig(key, body), sig):
        raise ValidationError("qr_invalid")
    if parts[1] == "S" and len(parts) == 4:
        return QrClaim("static", parts[2])
    if parts[1] == "D" and len(parts) == 5:
        try:
            expires = int(parts[3])
        except ValueError:
            raise ValidationError("qr_invalid") from None
        if now_unix > expires:
            raise ValidationError("qr_expired")
        return QrClaim("dynamic", parts[2])
    raise ValidationError("qr_invalid")
