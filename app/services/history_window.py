"""The history window at a counter (:mod:`app.domain.window`): once a day, a counter that
joined HQ carries its members' history before the window forward and lets it go.

Only a counter that took its scope from HQ does this: HQ holds the whole history and serves
what is older on request. A counter on its own is the only copy of its store's data and
keeps everything. A member with an event this counter has not pushed yet is left as it is
(HQ does not have all of its rows) and carried on a later day.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from app.domain.window import HISTORY_DAYS, window_start
from app.persistence import historystore, scopestore, syncstore
from app.services.context import CounterContext
from app.services.recording import record

BATCH = 200  # members carried per local transaction
log = logging.getLogger("member_counter.history")


@dataclass(frozen=True)
class OlderTxn:
    """One transaction older than the window, as HQ has it (served on request)."""

    at: dt.datetime  # the store's local time
    kind: str  # HQ's type: topup, checkout, refund, member.registered, ...
    store_code: str | None
    principal_fen: int  # what it moved in stored value
    bonus_fen: int
    points: int


@dataclass(frozen=True)
class CarryResult:
    since: str
    members: int
    rows: int


def carry_due(
    ctx: CounterContext, *, days: int = HISTORY_DAYS, force: bool = False
) -> CarryResult | None:
    """Carry the history before the window forward, at most once a day (``force``: now);
    None when this counter keeps everything (not joined to HQ) or carried today already."""
    with ctx.reader() as uow:
        today = ctx.local_date(uow)
        state = syncstore.state(uow)
        if state is None or state.joined_at is None:
            return None
        if not force and state.history_carried_on == today:
            return None
    since = window_start(today, days)
    members = rows = 0
    after = ""
    while True:
        with ctx.uow() as uow:
            batch = historystore.members_with_old_rows(uow, since, BATCH, after)
            if not batch:
                state = syncstore.state(uow)
                if state is not None:
                    state.history_carried_on = today
                record(
                    ctx, uow, None, action="history.carried", entity="history", entity_id=None,
                    before=None, after={"since": since.isoformat(), "members": members,
                                        "rows": rows},
                    event_type=None, payload={},
                )  # fmt: skip
                uow.commit()
                break
            pending = scopestore.pending_members(uow)
            for member_id in batch:
                if member_id in pending:
                    continue
                done = historystore.carry(uow, member_id, since)
                if done.rows or done.written:
                    members += 1
                    rows += done.rows
            uow.commit()
            after = batch[-1]
    if members:
        log.info("history before %s carried forward for %d members (%d rows)", since, members, rows)
    return CarryResult(since.isoformat(), members, rows)
