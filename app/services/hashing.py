"""PINs and payment passwords hashed with argon2id.

Production uses argon2-cffi's recommended parameters. Tests pass
``Hasher.fast()``; hashes carry their own parameters, so a hash made with
either verifies with either.
"""

from __future__ import annotations

import os
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Honoured only when set, for the test suite's subprocess runs of the CLI.
FAST_HASH_ENV = "MEMBER_COUNTER_TEST_FAST_HASH"


class Hasher:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        if hasher is None and os.environ.get(FAST_HASH_ENV) == "1":
            hasher = _cheap()
        self._ph = hasher or PasswordHasher()

    @classmethod
    def fast(cls) -> Hasher:
        return cls(_cheap())

    def hash(self, secret: str) -> str:
        return self._ph.hash(normalise_secret(secret))

    def verify(self, hashed: str, secret: str) -> bool:
        try:
            return self._ph.verify(hashed, normalise_secret(secret))
        except (VerificationError, InvalidHashError):
            return False


def normalise_secret(secret: str) -> str:
    """Full-width digits typed through a Chinese input method are the same PIN (１２３４ = 1234)."""
    return unicodedata.normalize("NFKC", secret or "").strip()


def _cheap() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
