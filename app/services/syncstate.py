"""The counter's side of sync bookkeeping: what is pending, what HQ acknowledged, how the
last attempt went. ``sync`` calls these; the window's status bar reads :func:`status`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from app.domain import offline
from app.domain.errors import RuleError
from app.domain.events import effects
from app.domain.messages import render_refusal
from app.domain.release import Release
from app.persistence import syncstore
from app.services.context import CounterContext, load_rules
from app.version import __version__

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
class Refusal:
    """An event HQ refused (quarantined) or holds behind a refused one, with HQ's reason."""

    event_id: str
    device_seq: int
    type: str
    code: str
    reason: str
    waiting_on: str | None = None

    @property
    def text(self) -> str:
        """HQ's reason in the UI's language (HQ's own words for a code this release does not
        know)."""
        return render_refusal(self.code, self.reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "device_seq": self.device_seq,
            "type": self.type,
            "code": self.code,
            "reason": self.reason,
            "waiting_on": self.waiting_on,
        }


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
    app_version: str = __version__
    recommended: Release | None = None  # what HQ recommends, when it is newer than this one
    refused: tuple[Refusal, ...] = ()  # this counter's events HQ refused, newest last
    parked: int = 0  # changes from HQ that could not apply here yet (app.services.parking)

    @property
    def update_available(self) -> bool:
        return self.recommended is not None

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
            "app_version": self.app_version,
            "update_available": self.update_available,
            "recommended_version": self.recommended.version if self.recommended else None,
            "installer_url": self.recommended.url if self.recommended else None,
            "refused": [r.to_dict() for r in self.refused],
            "parked": self.parked,
        }


def status(ctx: CounterContext) -> SyncStatus:
    with ctx.reader() as uow:
        state = syncstore.state(uow)
        pending = syncstore.pending_count(uow)
        enrolled = state is not None and state.enrolled_at is not None
        online = False
        recommended = None
        if enrolled and uow.store() is not None:
            extra = load_rules(uow).extra
            release = Release.from_rules_extra(extra)
            if release is not None and release.newer_than(__version__):
                recommended = release
            limits = offline.OfflineLimits.from_rules_extra(extra)
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
            recommended=recommended,
            refused=tuple(
                Refusal(r.event_id, r.device_seq, r.type, r.code, r.reason, r.waiting_on)
                for r in syncstore.refused(uow)
            ),
            parked=syncstore.parked_count(uow),
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


def note_refused(ctx: CounterContext, refusals: list[Refusal]) -> None:
    """Keep what HQ said about events it refused (shown by ``sync status``)."""
    if not refusals:
        return
    with ctx.uow() as uow:
        for r in refusals:
            syncstore.put_refused(
                uow, r.event_id, r.device_seq, r.type, r.code, r.reason, r.waiting_on, ctx.now()
            )
        uow.commit()


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
        state.hq_epoch = None
        uow.commit()


def epoch(ctx: CounterContext) -> str | None:
    """HQ's epoch as this counter last saw it."""
    with ctx.reader() as uow:
        state = syncstore.state(uow)
        return state.hq_epoch if state else None


def joined(ctx: CounterContext) -> bool:
    """Whether this counter took its store's scope from an HQ snapshot."""
    with ctx.reader() as uow:
        state = syncstore.state(uow)
        return state is not None and state.joined_at is not None


def members_named(items: list[OutboxItem]) -> set[str]:
    """The members these outbox events are about."""
    found: set[str] = set()
    for item in items:
        try:
            found |= effects(item.type, json.loads(item.payload)).member_ids
        except (KeyError, TypeError, ValueError):
            continue
    return found


def note_epoch(ctx: CounterContext, value: str) -> bool:
    """Remember HQ's epoch (``"epoch:restored_seq"``). True when it changed from a known one:
    HQ was restored from a backup, so the pull cursor goes back to the restore's last change
    (changes pulled since are pulled again; applying them is idempotent) and the caller
    re-sends the events HQ no longer holds."""
    epoch, _, seq = value.partition(":")
    if not epoch.isdigit() or not seq.isdigit():
        return False
    with ctx.uow() as uow:
        state = syncstore.state_for_update(uow)
        before = state.hq_epoch
        if before == value:
            return False
        state.hq_epoch = value
        restored = before is not None and before.partition(":")[0] != epoch
        if restored:
            state.cursor = min(state.cursor, int(seq))
            # What HQ holds for this store (the members it holds) is the backup's: join again.
            state.joined_at = None
        uow.commit()
        return restored


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


def history(ctx: CounterContext) -> tuple[int, list[tuple[int, str]]]:
    """(last device_seq, its rules changes as (device_seq, payload_hash)): what the counter
    brings when it joins HQ."""
    with ctx.reader() as uow:
        return syncstore.history(uow)


def device_id(ctx: CounterContext) -> tuple[str, str]:
    """(device id, store code) of this counter."""
    with ctx.reader() as uow:
        store = uow.store()
        if store is None:
            raise RuleError("store_not_initialised")
        return store.device_id, store.code
