"""A new device secret handed from HQ to a running counter (``member-hq device
rotate-secret``), sealed under the secret the counter signs with now.

HQ sends it in the :data:`HEADER` of an answer to a request signed with the old secret; only
HQ and that counter hold the old secret, so only the counter opens it, and Fernet's MAC
proves it came from HQ. The key is HKDF-SHA256 of the old secret and the device id.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HEADER = "X-MC-Next-Secret"
_INFO = b"member-counter secret hand-over v1\n"


class HandoverError(ValueError):
    """A sealed secret that does not open with this counter's secret."""


def _fernet(old_secret: str, device_id: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + device_id.encode()
    ).derive(old_secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(old_secret: str, device_id: str, new_secret: str) -> str:
    return _fernet(old_secret, device_id).encrypt(new_secret.encode()).decode()


def unseal(old_secret: str, device_id: str, token: str) -> str:
    try:
        return _fernet(old_secret, device_id).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise HandoverError("sealed secret does not open") from None
