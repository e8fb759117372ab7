"""``sync repair``: fetch from HQ the members that parked changes wait for (merged
idempotently: ledger rows by id, a transaction once; :mod:`app.services.scope`), held here
from then on, and retry every parked change (:mod:`app.services.parking`)."""

from __future__ import annotations

from typing import Any

from app.services import parking, remote, scope
from app.services.context import CounterContext
from sync.client import HQClient, SyncError


def repair(ctx: CounterContext, client: HQClient) -> dict[str, Any]:
    waiting = parking.waiting_changes(ctx)
    members = list(waiting)
    applied = 0
    for member_id, server_seq in waiting.items():
        try:
            scope.fetched(ctx, client.fetch(member_id, server_seq=server_seq))
        except SyncError as exc:
            if exc.code != "member_unknown":
                raise
            continue  # HQ has no such member: the change stays parked, with its reason
        applied += 1
    applied += remote.retry_parked(ctx)
    return {"members": members, "applied": applied, "parked_left": len(parking.parked(ctx))}
