"""HMAC request signing shared by the counter (signs) and HQ (verifies).

A request is signed with the device's secret over its method, path (with the
query string), a Unix timestamp, a one-time nonce and the SHA-256 of its body.
HQ accepts a timestamp within :data:`WINDOW_SECONDS` of its own clock and each
nonce once; both sides use only the standard library here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

WINDOW_SECONDS = 300  # 5 minutes either way: older or newer requests are refused

HEADER_DEVICE = "X-MC-Device"
HEADER_TIMESTAMP = "X-MC-Timestamp"
HEADER_NONCE = "X-MC-Nonce"
HEADER_SIGNATURE = "X-MC-Signature"


class SignatureError(Exception):
    """A request HQ must refuse; ``code`` says why (stable, for tests and logs)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join((method.upper(), path, timestamp, nonce, body_hash(body))).encode()


def signature(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(
        secret.encode(), string_to_sign(method, path, timestamp, nonce, body), hashlib.sha256
    ).hexdigest()


def new_secret() -> str:
    return secrets.token_hex(32)


def sign_request(
    device_id: str,
    secret: str,
    method: str,
    path: str,
    body: bytes,
    *,
    now: float | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers that authenticate one request (``path`` includes any query string)."""
    timestamp = str(int(time.time() if now is None else now))
    nonce = nonce or secrets.token_hex(16)
    return {
        HEADER_DEVICE: device_id,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: signature(secret, method, path, timestamp, nonce, body),
    }


@dataclass(frozen=True)
class SignedHeaders:
    device_id: str
    timestamp: int
    nonce: str
    signature: str


def read_headers(headers: Mapping[str, str]) -> SignedHeaders:
    """The signing headers of a request; missing or malformed ones are refused."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        device_id = lowered[HEADER_DEVICE.lower()]
        timestamp = lowered[HEADER_TIMESTAMP.lower()]
        nonce = lowered[HEADER_NONCE.lower()]
        sig = lowered[HEADER_SIGNATURE.lower()]
    except KeyError:
        raise SignatureError("unsigned") from None
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureError("bad_timestamp")
    if not (8 <= len(nonce) <= 64) or not nonce.isalnum():
        raise SignatureError("bad_nonce")
    if not (1 <= len(device_id) <= 64):
        raise SignatureError("bad_device")
    return SignedHeaders(device_id, int(timestamp), nonce, sig)


def check_fresh(signed: SignedHeaders, now: float) -> None:
    if abs(now - signed.timestamp) > WINDOW_SECONDS:
        raise SignatureError("stale_timestamp")


def check_signature(
    secret: str, signed: SignedHeaders, method: str, path: str, body: bytes
) -> None:
    expected = signature(secret, method, path, str(signed.timestamp), signed.nonce, body)
    if not hmac.compare_digest(expected, signed.signature):
        raise SignatureError("bad_signature")
