"""What a screen needs to know of the store it runs in, before and after anyone signs in."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass


@dataclass(frozen=True)
class StoreInfo:
    code: str
    name: str
    device_id: str
    timezone: str
    _: KW_ONLY  # the two below by name: a recovery code once landed in staff_no_max
    staff_no_max: int = 32  # the longest staff number here: staff-number fields take no more
    # Only from init_store: the store's first recovery code, shown this once (see recovery).
    recovery_code: str | None = None
