"""Golden byte files: compared byte for byte; written only when asked for.

Run ``MEMBER_COUNTER_REGEN_GOLDEN=1 pytest tests/devices`` after an intended change to the
printed output, and review the new files (``python -m tests.devices.show_golden FILE``).
"""

from __future__ import annotations

import os

from tests.devices.conftest import GOLDEN, REGENERATE_ENV


def mismatch(name: str, data: bytes) -> str | None:
    """None when ``data`` equals the golden file ``name``; else what is wrong."""
    path = GOLDEN / name
    if os.environ.get(REGENERATE_ENV) == "1":
        path.write_bytes(data)
        return None
    if not path.exists():
        return f"{name}: no golden file (run with {REGENERATE_ENV}=1 and review it)"
    expected = path.read_bytes()
    if expected == data:
        return None
    at = next((i for i, (a, b) in enumerate(zip(expected, data, strict=False)) if a != b), None)
    at = at if at is not None else min(len(expected), len(data))
    return (
        f"{name}: differs at byte {at} (golden {len(expected)} bytes, now {len(data)}): "
        f"golden {expected[at : at + 24]!r} / now {data[at : at + 24]!r}"
    )
