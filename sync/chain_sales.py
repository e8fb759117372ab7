"""The counter's :class:`app.ports.ChainSales`: HQ's copy of a cart sale made at another
store or counter of the chain (``POST /v1/sales/get``), and the sale's member fetched so the
refund can credit them, while the cashier waits (a short timeout). A failure is logged by
kind only; nothing of the sale's figures or the member is logged."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sync.config import load_config

if TYPE_CHECKING:
    from sync.client import HQClient

log = logging.getLogger("member_counter.sync")


class HQChainSales:
    def __init__(self, data_dir: Path, timeout: tuple[float, float] = (3.0, 10.0)) -> None:
        self.data_dir = data_dir
        self.timeout = timeout

    def _client(self) -> HQClient | None:
        from sync.client import HQClient  # when HQ is first asked (see sync.pay_passwords)

        config = load_config(self.data_dir)
        if config is None:
            return None  # not enrolled: no HQ to ask
        return HQClient(config, timeout=self.timeout, data_dir=self.data_dir)

    def sale(self, number: str) -> tuple[str, dict[str, Any] | None]:
        from sync.client import SyncError

        client = self._client()
        if client is None:
            return "unknown", None  # not enrolled: no chain, no other store's sales
        try:
            answer = client.sale(number)
        except SyncError as exc:
            if exc.status == 404:
                return "unknown", None
            log.info("sale read at HQ failed: %s", exc.kind)
            return "unreachable", None
        finally:
            client.close()
        return "ok", answer.model_dump(mode="json")

    def member(self, member_id: str) -> dict[str, Any] | None:
        from sync.client import SyncError

        client = self._client()
        if client is None:
            return None
        try:
            return client.fetch(member_id)
        except SyncError as exc:
            log.info("member fetch for a refund failed: %s", exc.kind)
            return None
        finally:
            client.close()
