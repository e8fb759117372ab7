"""Staff PINs: 4 to 8 digits (6 is a good choice), and none a stranger would try first.

Refused as trivial: all one digit (0000, 888888), and a run up or down (1234, 4321, 123456,
98765). A PIN typed in full-width digits is the same PIN (the caller normalises it).
"""

from __future__ import annotations

import itertools

MIN_LENGTH, MAX_LENGTH = 4, 8
DIGITS = "0123456789"


def is_trivial(pin: str) -> bool:
    if len(set(pin)) == 1:
        return True
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    return steps in ({1}, {-1})


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be a staff PIN (a message code), or None when it can."""
    if not (MIN_LENGTH <= len(pin) <= MAX_LENGTH) or any(c not in DIGITS for c in pin):
        return "pin_format"
    if is_trivial(pin):
        return "pin_trivial"
    return None
