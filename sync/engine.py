"""One sync round: push the outbox in device_seq order, then pull changes since the cursor.

Only data moves here; what it means for the counter's tables is
:mod:`app.services.syncstate` (acknowledgements, status) and
:mod:`app.services.remote` (changes from HQ, applied with the new cursor in one
transaction).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.domain.errors import CounterError
from app.services import remote, syncstate
from app.services.context import CounterContext
from sync import wire
from sync.client import HQClient, SyncError

log = logging.getLogger("member_counter.sync")

PUSH_BATCH = 200
PULL_BATCH = 200  # one pull batch = one short write transaction at the counter


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    pulled: int
    cursor: int


def push_all(ctx: CounterContext, client: HQClient, batch: int = PUSH_BATCH) -> int:
    """Send pending events until HQ holds them all; returns how many HQ acknowledged."""
    acked_total = 0
    rounds = 0
    while True:
        items = syncstate.outbox_batch(ctx, batch)
        if not items:
            return acked_total
        rounds += 1
        try:
            resp = client.push(items)
        except SyncError as exc:
            if exc.acked_seq is not None:
                acked_total += syncstate.acknowledge(ctx, exc.acked_seq)
            raise
        acked_total += syncstate.acknowledge(ctx, resp.acked_seq)
        types = {i.event_id: i.type for i in items}
        syncstate.note_refused(
            ctx,
            [
                syncstate.Refusal(
                    r.event_id,
                    r.device_seq,
                    types.get(r.event_id, ""),
                    r.code or "",
                    r.reason or "",
                    r.waiting_on,
                )
                for r in resp.results
                if r.status == "quarantined"
            ],
        )
        if resp.acked_seq < items[0].device_seq - 1:
            log.warning("HQ holds events only up to %s: sending again from there", resp.acked_seq)
        elif resp.acked_seq < items[0].device_seq:
            raise SyncError("server", f"HQ took none of events from {items[0].device_seq}")
        if rounds > 10_000:
            raise SyncError("server", "push does not progress")


def pull_all(ctx: CounterContext, client: HQClient, batch: int = PULL_BATCH) -> int:
    """Apply HQ's changes since the stored cursor, batch by batch; returns how many."""
    applied = 0
    cursor = syncstate.cursor(ctx)
    while True:
        resp = client.pull(cursor, batch)
        changes = [remote.PulledChange(c.server_seq, c.kind, c.body) for c in resp.changes]
        result = remote.apply_changes(ctx, changes, resp.cursor)
        applied += result.applied
        cursor = result.cursor
        if not resp.has_more:
            return applied


def sync_once(ctx: CounterContext, client: HQClient) -> SyncReport:
    """Push then pull; the outcome (success or the error) is stored for ``sync status``."""
    try:
        pushed = push_all(ctx, client)
        pulled = pull_all(ctx, client)
        if client.epoch is not None and syncstate.note_epoch(ctx, client.epoch):
            # HQ was restored from a backup: it may miss events it once acknowledged and
            # changes this counter pulled. Ask what it holds, send the rest, pull again.
            log.warning("HQ was restored from a backup: sending and pulling again")
            syncstate.acknowledge(ctx, client.push([]).acked_seq)
            pushed += push_all(ctx, client)
            pulled += pull_all(ctx, client)
    except SyncError as exc:
        syncstate.record_result(ctx, str(exc))
        raise
    except CounterError as exc:  # a change this counter cannot apply: stop and say so
        syncstate.record_result(ctx, f"local: {exc.code}: {exc.message}")
        raise SyncError("local", exc.message, code=exc.code) from exc
    syncstate.record_result(ctx, None)
    return SyncReport(pushed, pulled, syncstate.cursor(ctx))


def lookup_and_fetch(ctx: CounterContext, client: HQClient, query: str) -> list[wire.MemberSummary]:
    """Find a member at HQ (registered elsewhere minutes ago) and, if HQ knows them, pull
    at once so the cashier can serve them now rather than after the next round."""
    found = client.lookup(query).members
    if found:
        pull_all(ctx, client)
    return found
