"""One sync round: push the outbox in device_seq order, then pull changes since the cursor
(or, for a counter that never did, join from HQ's snapshot of its store's scope).

Only data moves here; what it means for the counter's tables is
:mod:`app.services.syncstate` (acknowledgements, status) and
:mod:`app.services.remote` (changes from HQ, applied with the new cursor in one
transaction).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.domain.errors import CounterError
from app.persistence import scopestore
from app.services import foreign, history_window, parking, remote, scope, syncstate
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


MAX_FETCH = 5  # members of other stores fetched per online lookup
MAX_PARKED_FETCH = 20  # members parked changes wait for, fetched per round


def push_all(ctx: CounterContext, client: HQClient, batch: int = PUSH_BATCH) -> int:
    """Send pending events until HQ holds them all; returns how many HQ acknowledged. A
    member of another store this counter served without holding them (offline, a top-up)
    is fetched afterwards: HQ keeps this store up to date about them from then on."""
    acked_total = 0
    rounds = 0
    served: set[str] = set()
    while True:
        items = syncstate.outbox_batch(ctx, batch)
        if not items:
            fetch_unheld(ctx, client, served)
            return acked_total
        served |= syncstate.members_named(items)
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


def fetch_unheld(ctx: CounterContext, client: HQClient, member_ids: set[str]) -> int:
    """Fetch those of ``member_ids`` this counter has but does not hold; returns how many."""
    if not member_ids:
        return 0
    with ctx.reader() as uow:
        unheld = scopestore.unheld_among(uow, member_ids)
    for member_id in sorted(unheld):
        scope.fetched(ctx, client.fetch(member_id))
    return len(unheld)


def join(ctx: CounterContext, client: HQClient) -> int | None:
    """Take the store's scope from HQ's snapshot; None when HQ has no snapshots (a release
    before scoped replication: the counter pulls the whole stream as before)."""
    before = syncstate.epoch(ctx)
    try:
        joined = scope.join(ctx, client.snapshot(), epoch=lambda: client.epoch)
    except SyncError as exc:
        if exc.status == 404:
            return None
        raise
    now = client.epoch
    if before and now and before.partition(":")[0] != now.partition(":")[0]:
        # HQ's epoch changed since this counter last synced (restored, or upgraded): it may
        # miss events it once acknowledged. Ask what it holds and send the rest.
        syncstate.acknowledge(ctx, client.push([]).acked_seq)
        push_all(ctx, client)
    log.info(
        "joined HQ at %s: %s members held, %s no longer held",
        joined.cursor, joined.members, joined.unheld,
    )  # fmt: skip
    return joined.members


def pull_all(ctx: CounterContext, client: HQClient, batch: int = PULL_BATCH) -> int:
    """Apply HQ's changes since the stored cursor, batch by batch; returns how many. A
    counter that never joined takes its scope from HQ's snapshot first."""
    applied = 0
    if not syncstate.joined(ctx):
        applied += join(ctx, client) or 0
    cursor = syncstate.cursor(ctx)
    while True:
        resp = client.pull(cursor, batch)
        take_phone_key(ctx, client.phone_key)
        changes = [remote.PulledChange(c.server_seq, c.kind, c.body) for c in resp.changes]
        result = remote.apply_changes(ctx, changes, resp.cursor)
        applied += result.applied
        cursor = result.cursor
        if not resp.has_more:
            return applied + fetch_parked(ctx, client)


def take_phone_key(ctx: CounterContext, key: str | None) -> None:
    """Keep the chain's phone key a pull's answer named (in memory: a counter started offline
    finds other stores' members by number again from its first pull); one HQ rotated makes
    the next round join again (:func:`app.services.foreign.take_phone_key`)."""
    if foreign.knows_phone_key(ctx, key):
        return
    with ctx.uow() as uow:
        if foreign.take_phone_key(uow, key):
            log.info("HQ's phone key changed: joining again")
        uow.commit()


def fetch_parked(ctx: CounterContext, client: HQClient) -> int:
    """Fetch the members parked changes wait for (a change about a member this store did
    not hold, e.g. the member another was merged into) and retry the parked changes. A
    member HQ does not know is asked about again in later rounds, a few times
    (``parking.FETCH_TRIES``; ``sync repair`` asks again on demand); a fetch that fails
    otherwise waits for the next round and never fails this one, whose push and pull are
    done."""
    waiting = parking.waiting_changes(ctx, max_tries=parking.FETCH_TRIES)
    fetched = 0
    for member_id, server_seq in list(waiting.items())[:MAX_PARKED_FETCH]:
        try:
            scope.fetched(ctx, client.fetch(member_id, server_seq=server_seq))
        except SyncError as exc:
            if exc.code == "member_unknown":
                parking.fetch_failed(ctx, member_id)
                continue  # the change stays parked with its reason
            log.info("fetching members parked changes wait for: %s", exc)
            break
        fetched += 1
    return remote.retry_parked(ctx) if fetched else 0


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
    carry_history(ctx)
    return SyncReport(pushed, pulled, syncstate.cursor(ctx))


def carry_history(ctx: CounterContext) -> None:
    """Once a day, after a round that reached HQ: the history before the window goes
    (:mod:`app.services.history_window`). A failure here never fails the round."""
    try:
        history_window.carry_due(ctx)
    except CounterError as exc:
        log.warning("history not carried forward: %s", exc.code)


def lookup_and_fetch(ctx: CounterContext, client: HQClient, query: str) -> list[wire.MemberSummary]:
    """Find a member at HQ (registered elsewhere, or at this store minutes ago) and fetch
    them, so the cashier serves them now with HQ's balances; from then on this store holds
    them and their later changes reach it."""
    found = client.lookup(query).members
    for member in found[:MAX_FETCH]:
        scope.fetched(ctx, client.fetch(member.member_id, query=query))
    return found
