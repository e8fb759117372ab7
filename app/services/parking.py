"""Changes pulled from HQ that cannot apply here are parked, never fatal (issue 11).

A change that fails — it names a member this counter does not hold, clashes with local data
(a card number), or cannot be read — is undone on its own (a savepoint), kept in
``sync_parked`` with the reason, and the pull goes on with the rest and moves its cursor.
After every pull batch the parked changes whose need may have arrived are tried again; those
that apply leave the list. ``sync status`` lists them; ``sync repair`` fetches the members
they need from HQ (:mod:`sync.parking`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from app.domain.audit import canonical_json
from app.domain.errors import CounterError
from app.domain.messages import render
from app.persistence import syncstore
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext

log = logging.getLogger("member_counter.sync")

RETRY_LIMIT = 500  # parked changes tried again after one pull batch
Apply = Callable[[CounterContext, UnitOfWork, Any, Any], None]


def member_of(body: dict[str, Any]) -> str | None:
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    value = payload.get("member_id")
    if value is None and isinstance(payload.get("member"), dict):
        value = payload["member"].get("member_id")
    return value if isinstance(value, str) and len(value) <= 36 else None


def _try(ctx: CounterContext, uow: UnitOfWork, state: Any, change: Any, apply: Apply) -> Any:
    """None when the change applied; else (code, reason, the member it waits for or None)."""
    try:
        with syncstore.savepoint(uow):
            apply(ctx, uow, state, change)
    except CounterError as exc:
        missing = exc.params.get("query") if exc.code == "member_not_found" else None
        return exc.code, exc.message, missing if isinstance(missing, str) else None
    except (KeyError, TypeError, ValueError, AttributeError):
        return "pull_invalid", render("pull_invalid"), None
    return None


def attempt_all(
    ctx: CounterContext, uow: UnitOfWork, state: Any, changes: Sequence[Any], apply: Apply
) -> bool:
    """Apply a whole batch under one savepoint; False (and nothing of it kept) when any change
    fails, and the caller then goes change by change with :func:`attempt`. Nearly every batch
    applies whole, and one savepoint for it instead of one per change makes a big pull (a
    store's 20,000 imported members) several times faster."""
    if len(changes) < 2:
        return False
    try:
        with syncstore.savepoint(uow):
            for change in changes:
                apply(ctx, uow, state, change)
    except (CounterError, KeyError, TypeError, ValueError, AttributeError):
        return False
    return True


def attempt(ctx: CounterContext, uow: UnitOfWork, state: Any, change: Any, apply: Apply) -> bool:
    """Apply one pulled change, or park it with the reason; True when it applied."""
    problem = _try(ctx, uow, state, change, apply)
    if problem is None:
        return True
    code, reason, missing = problem
    body = change.body if isinstance(change.body, dict) else {}
    syncstore.park(
        uow, change.server_seq, change.kind, canonical_json(change.body),
        missing or member_of(body), code, reason, ctx.now(),
    )  # fmt: skip
    log.warning("change %s from HQ parked: %s", change.server_seq, code)
    return False


def retry(ctx: CounterContext, uow: UnitOfWork, state: Any, apply: Apply) -> int:
    """Try the parked changes again (a member they wait for is skipped until it is here);
    returns how many applied."""
    from app.services.remote import PulledChange

    done = 0
    for row in syncstore.parked(uow, RETRY_LIMIT):
        if row.code == "member_not_found" and row.member_id and uow.member(row.member_id) is None:
            continue
        change = PulledChange(row.server_seq, row.kind, json.loads(row.body))
        problem = _try(ctx, uow, state, change, apply)
        if problem is None:
            syncstore.unpark(uow, row.server_seq)
            done += 1
        else:
            row.code, row.reason, missing = problem
            row.member_id = missing or row.member_id
            row.tries += 1
    return done


def parked(ctx: CounterContext) -> list[dict[str, Any]]:
    with ctx.reader() as uow:
        return [
            {
                "server_seq": r.server_seq,
                "kind": r.kind,
                "type": json.loads(r.body).get("type") if r.kind == "event" else r.kind,
                "member_id": r.member_id,
                "code": r.code,
                "reason": r.reason,
                "tries": r.tries,
            }
            for r in syncstore.parked(uow)
        ]


FETCH_TRIES = 5  # fetches of a member parked changes wait for, before the rounds stop asking


def waiting_members(ctx: CounterContext, *, max_tries: int | None = None) -> list[str]:
    """Members parked changes wait for that this counter does not hold (with ``max_tries``:
    only those HQ was asked about fewer times than that), oldest first."""
    return list(waiting_changes(ctx, max_tries=max_tries))


def waiting_changes(ctx: CounterContext, *, max_tries: int | None = None) -> dict[str, int]:
    """:func:`waiting_members`, each with the position of the first parked change waiting for
    them: the reason HQ checks before it hands the member out (sync.wire.FetchRequest)."""
    with ctx.reader() as uow:
        rows = [r for r in syncstore.parked(uow) if r.member_id]
        first: dict[str, int] = {}
        for r in rows:
            if max_tries is None or r.tries < max_tries:
                first.setdefault(r.member_id, r.server_seq)
        return {m: seq for m, seq in first.items() if uow.member(m) is None}


def fetch_failed(ctx: CounterContext, member_id: str) -> None:
    """HQ could not give ``member_id``: the changes waiting for them count one more try."""
    with ctx.uow() as uow:
        for row in syncstore.parked(uow):
            if row.member_id == member_id:
                row.tries += 1
        uow.commit()
