"""The counter's side of sync bookkeeping: what is pending, what HQ acknowledged, how the
last attempt went. ``sync`` calls these; the window's status bar reads :func:`status`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.domain import offline
from app.domain.errors import RuleError
from app.persistence import syncstore
from app.services.context import CounterContext, load_rules

MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class OutboxItem:
    device_seq: int
    event_id: str
    type: str
    payload: str  # canonical JSON, as hashed
    payload_hash: str
    created_at: dt.datetime


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str | None
    pending: int
    cursor: int
    online: bool
    last_success_at: dt.datetime | None
    last_error: str | None
    last_error_at: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        def iso(v: dt.datetime | None) -> str | None:
            return v.isoformat(timespec="seconds") if v else None

        return {
            "enrolled": self.enrolled,
            "server_url": self.server_url,
            "pending": self.pending,
            "cursor": self.cursor,
            "online": self.online,
            "last_success_at": iso(self.last_success_at),
            "last_error": self.last_error,
            "last_error_at": iso(self.last_error_at),
        }


def status(ctx: CounterContext) -> SyncStatus:
    with ctx.reader() as uow:
        state = syncstore.state(uow)
        pending = syncstore.pending_count(uow)
        enrolled = state is not None and state.enrolled_at is not None
        online = False
        if enrolled and uow.store() is not None:
            limits = offline.OfflineLimits.from_rules_extra(load_rules(uow).extra)
            # Online for the status bar: the last attempt reached HQ, and recently.
            online = state.last_error is None and not offline.is_offline(
                state.last_success_at, ctx.now(), limits
            )
        return SyncStatus(
            enrolled=enrolled,
            server_url=state.server_url if state else None,
            pending=pending,
            cursor=state.cursor if state else 0,
            online=online,
            last_success_at=state.last_success_at if state else None,
            last_error=state.last_error if state else None,
            last_error_at=state.last_error_at if state else None,
        )


def pending_count(ctx: CounterContext) -> int:
    with ctx.reader() as uow:
        return syncstore.pending_count(uow)


def cursor(ctx: CounterContext) -> int:
    with ctx.reader() as uow:
        state = syncstore.state(uow)
        return state.cursor if state else 0


def outbox_batch(ctx: CounterContext, limit: int) -> list[OutboxItem]:
    """The oldest events HQ has not acknowledged, in device_seq order."""
    with ctx.reader() as uow:
        return [
            OutboxItem(e.device_seq, e.event_id, e.type, e.payload, e.payload_hash, e.created_at)
            for e in syncstore.pending_events(uow, limit)
        ]


def acknowledge(ctx: CounterContext, acked_seq: int) -> int:
    """HQ holds every event up to ``acked_seq``; those after it are to be sent (again)."""
    with ctx.uow() as uow:
        now = ctx.now()
        marked = syncstore.mark_pushed(uow, acked_seq, now)
        syncstore.unmark_pushed_after(uow, acked_seq)
        syncstore.state_for_update(uow).last_push_at = now
        uow.commit()
        return marked


def ensure_no_pending(ctx: CounterContext) -> None:
    pending = pending_count(ctx)
    if pending:
        raise RuleError("sync_pending", pending=pending)


def mark_enrolled(ctx: CounterContext, server_url: str) -> None:
    with ctx.uow() as uow:
        state = syncstore.state_for_update(uow)
        state.server_url = server_url
        state.enrolled_at = ctx.now()
        state.last_success_at = state.enrolled_at  # HQ just answered
        state.last_error = None
        state.last_error_at = None
        uow.commit()


def mark_reset(ctx: CounterContext) -> None:
    """Forget HQ (refused while events are pending)."""
    with ctx.uow() as uow:
        pending = syncstore.pending_count(uow)
        if pending:
            raise RuleError("sync_pending", pending=pending)
        state = syncstore.state_for_update(uow)
        state.server_url = None
        state.enrolled_at = None
        state.cursor = 0
        state.last_success_at = None
        uow.commit()


def record_result(ctx: CounterContext, error: str | None) -> None:
    """The outcome of one sync round: success clears the error, failure keeps the last success."""
    with ctx.uow() as uow:
        state = syncstore.state_for_update(uow)
        now = ctx.now()
        if error is None:
            state.last_success_at = now
            state.last_error = None
            state.last_error_at = None
        else:
            state.last_error = error[:MAX_ERROR_LENGTH]
            state.last_error_at = now
        uow.commit()


def device_id(ctx: CounterContext) -> tuple[str, str]:
    """(device id, store code) of this counter."""
    with ctx.reader() as uow:
        store = uow.store()
        if store is None:
            raise RuleError("store_not_initialised")
        return store.device_id, store.code
