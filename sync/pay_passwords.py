"""The counter's :class:`app.ports.PayPasswordAuthority`: HQ checks the payment password of a
member whose verifier this counter does not hold (another store's member), over the signed
channel, while the cashier waits (a short timeout). Neither the password nor HQ's answer is
logged; a failure is logged by kind only."""

from __future__ import annotations

import logging
from pathlib import Path

from sync.config import load_config

log = logging.getLogger("member_counter.sync")


class HQPayPasswords:
    def __init__(self, data_dir: Path, timeout: tuple[float, float] = (3.0, 10.0)) -> None:
        self.data_dir = data_dir
        self.timeout = timeout

    def verify(self, member_id: str, password: str) -> tuple[str, int | None]:
        # The HTTP client (requests, the wire schemas) is imported when HQ is first asked, not
        # when the counter opens: on the UI thread that import froze the window ~0.3 s.
        from sync.client import HQClient, SyncError

        config = load_config(self.data_dir)
        if config is None:
            return "unreachable", None  # not enrolled: no HQ to ask
        client = HQClient(config, timeout=self.timeout, data_dir=self.data_dir)
        try:
            found = client.verify_pay_password(member_id, password)
        except SyncError as exc:
            log.info("payment password check at HQ failed: %s", exc.kind)
            return "unreachable", None
        finally:
            client.close()
        return found.status, found.left
