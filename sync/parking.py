"""``sync repair``: fetch from HQ the members that parked changes wait for, apply what HQ
holds about them (idempotently: ledger rows by id, a transaction once) and retry every
parked change (:mod:`app.services.parking`)."""

from __future__ import annotations

from typing import Any

from app.services import parking, remote, syncstate
from app.services.context import CounterContext
from sync.client import HQClient


def repair(ctx: CounterContext, client: HQClient) -> dict[str, Any]:
    members = parking.waiting_members(ctx)
    applied = 0
    for member_id in members:
        resp = client.member_changes(member_id)
        changes = [remote.PulledChange(c.server_seq, c.kind, c.body) for c in resp.changes]
        applied += remote.apply_changes(ctx, changes, syncstate.cursor(ctx), replay=True).applied
    applied += remote.retry_parked(ctx)
    return {"members": members, "applied": applied, "parked_left": len(parking.parked(ctx))}
