"""Errors a cashier can read.

Every refusal carries a stable ``code`` (for tests and the UI), its parameters,
and a message rendered in the current UI language from :mod:`app.domain.messages`.
"""

from __future__ import annotations

import errno
from typing import Any, ClassVar

from app.domain.messages import render


class CounterError(Exception):
    """Base of every refusal the counter reports to its user."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return render(self.code, **self.params)

    def __str__(self) -> str:
        return self.message


class ValidationError(CounterError):
    """Input that is malformed or out of range."""


class RuleError(CounterError):
    """A business rule refuses the operation (balance, limits, card state, ...)."""


class ClockError(RuleError):
    """The computer's clock is earlier than the last operation or the last closed date."""


class NotFoundError(CounterError):
    """The member, card, staff member or transaction does not exist."""


class PermissionDeniedError(CounterError):
    """The signed-in staff member may not do this."""


class AuthenticationError(CounterError):
    """Wrong staff number, PIN or payment password, or a locked account."""


class StorageError(CounterError):
    """The disk or the database file refused (full, failing, read-only, busy): the operation
    was not saved and nothing of it was written; the data already there is intact."""

    # errno values that mean the disk, not the request, is at fault.
    OS_CODES: ClassVar[dict[int, str]] = {
        errno.ENOSPC: "storage_full",
        getattr(errno, "EDQUOT", errno.ENOSPC): "storage_full",  # no EDQUOT on Windows
        errno.EIO: "storage_io",
        errno.EROFS: "storage_readonly",
    }

    @classmethod
    def from_os_error(cls, exc: OSError) -> StorageError | None:
        code = cls.OS_CODES.get(exc.errno or 0)
        return cls(code) if code else None
