"""Errors a cashier can read.

Every refusal carries a stable ``code`` (for tests and the UI), its parameters,
and a message rendered in the current UI language from :mod:`app.domain.messages`.
"""

from __future__ import annotations

from typing import Any

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


class NotFoundError(CounterError):
    """The member, card, staff member or transaction does not exist."""


class PermissionDeniedError(CounterError):
    """The signed-in staff member may not do this."""


class AuthenticationError(CounterError):
    """Wrong staff number, PIN or payment password, or a locked account."""
