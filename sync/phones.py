"""Another store's member's full number, asked of HQ over the signed channel while the
manager waits (a short timeout): the asker :func:`app.services.phone_view.full_phone` takes.
The number is returned to the caller only — never stored, never logged; a failure is logged
by kind only and turned into a refusal the counter's user can read."""

from __future__ import annotations

import logging
from pathlib import Path

from app.domain.errors import AuthenticationError, CounterError, NotFoundError, RuleError
from sync.client import HQClient, SyncError
from sync.config import load_config

log = logging.getLogger("member_counter.sync")


class HQPhones:
    def __init__(self, data_dir: Path, timeout: tuple[float, float] = (3.0, 8.0)) -> None:
        self.data_dir = data_dir
        self.timeout = timeout

    def ask(self, member_id: str, staff_id: str, staff_no: str | None) -> str:
        config = load_config(self.data_dir)
        if config is None:
            raise RuleError("sync_not_enrolled")
        client = HQClient(config, timeout=self.timeout, data_dir=self.data_dir)
        try:
            return client.member_phone(member_id, staff_id, staff_no)
        except SyncError as exc:
            log.info("full number at HQ: %s (%s)", exc.kind, exc.code or "-")
            raise refusal(exc, staff_no) from None
        finally:
            client.close()


def refusal(exc: SyncError, staff_no: str | None) -> CounterError:
    """What the counter's user is told when HQ does not give the number."""
    if exc.kind != "refused":
        return RuleError("phone_hq_unreachable")
    if exc.code in ("staff_unknown", "phone_not_allowed"):
        return AuthenticationError("phone_hq_staff", staff_no=staff_no or "-")
    if exc.code == "member_unknown":
        return NotFoundError("phone_hq_member")
    if exc.code == "rate_limited":
        return RuleError("phone_hq_busy")
    return RuleError("sync_failed", detail=str(exc))
