"""Enrolling the counter with HQ, and forgetting HQ again — neither while events are pending
on a counter already enrolled (they would be stranded)."""

from __future__ import annotations

from pathlib import Path

from app.services import syncstate
from app.services.context import CounterContext
from sync import client, wire
from sync.config import SyncConfig, load_config, remove_config, save_config


def enroll(
    ctx: CounterContext,
    data_dir: Path,
    server_url: str,
    code: str,
    *,
    ca_bundle: str | None = None,
    device_name: str | None = None,
    timeout: float = 10.0,
) -> SyncConfig:
    if load_config(data_dir) is not None:
        syncstate.ensure_no_pending(ctx)
    device_id, store_code = syncstate.device_id(ctx)
    head, rules = syncstate.history(ctx)
    resp = client.enroll(
        server_url,
        wire.EnrollRequest(
            code=code.strip(),
            device_id=device_id,
            store_code=store_code,
            device_name=device_name,
            history_head=head,
            history_rules=[
                wire.HistoryRules(device_seq=seq, payload_hash=h)
                for seq, h in rules[-wire.MAX_HISTORY_RULES :]
            ],
        ),
        verify=ca_bundle or True,
        timeout=timeout,
    )
    config = SyncConfig(
        server_url=server_url.rstrip("/"),
        device_id=resp.device_id,
        secret=resp.secret,
        store_code=resp.store_code,
        ca_bundle=ca_bundle,
    )
    save_config(data_dir, config)
    syncstate.mark_enrolled(ctx, config.server_url)
    return config


def reset(ctx: CounterContext, data_dir: Path) -> None:
    syncstate.mark_reset(ctx)  # refuses while events are pending
    remove_config(data_dir)
