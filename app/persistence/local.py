"""Counter-local rows: settings, recovery codes and the print queue.

The print queue's state changes are compare-and-set UPDATEs, each in its own short write
transaction on the caller's connection, so a printer worker on its own thread never holds
the write lock while it talks to a printer, and a job goes from queued to printing once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, update

from app.persistence.tables import PrintJob, RecoveryCode, Setting
from app.persistence.uow import UnitOfWork

QUEUED, PRINTING, DONE, FAILED = "queued", "printing", "done", "failed"
# Sent to a printer that cannot confirm it (a Windows queue, a file, confirmation off): it is
# not retried, like a done job, but nobody knows it printed.
SENT = "sent"
STATES = (QUEUED, PRINTING, DONE, SENT, FAILED)
PRINTED = (DONE, SENT)  # whatever prints next of its transaction is a reprint
_t = PrintJob.__table__


@dataclass(frozen=True)
class JobRecord:
    id: str
    created_at: dt.datetime
    kind: str
    txn_id: str | None
    document: str
    state: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    printed_at: dt.datetime | None
    reprint: bool
    target: str | None
    claim: str | None
    claimed_at: dt.datetime | None


def _reading(engine: Engine) -> Engine:
    """Reads take no write lock (a deferred BEGIN, see app.persistence.db)."""
    return engine.execution_options(counter_readonly=True)


def _record(row: object) -> JobRecord:
    return JobRecord(**{c.name: getattr(row, c.name) for c in _t.columns})


# -- settings ----------------------------------------------------------------------------


def setting_row(uow: UnitOfWork, key: str) -> Setting | None:
    return uow.session.get(Setting, key)


def put_setting(
    uow: UnitOfWork, key: str, value: str, at: dt.datetime, by: str | None
) -> Setting | None:
    """Insert or replace a setting; returns the row as it was before (None if new)."""
    row = uow.session.get(Setting, key)
    if row is None:
        uow.session.add(Setting(key=key, value=value, updated_at=at, updated_by=by))
        return None
    before = Setting(key=row.key, value=row.value, updated_at=row.updated_at, updated_by=by)
    row.value, row.updated_at, row.updated_by = value, at, by
    return before


# -- recovery codes -----------------------------------------------------------------------


def unused_recovery_codes(uow: UnitOfWork, source: str) -> list[RecoveryCode]:
    return list(
        uow.session.scalars(
            select(RecoveryCode).where(
                RecoveryCode.source == source,
                RecoveryCode.used_at.is_(None),
                RecoveryCode.revoked_at.is_(None),
            )
        )
    )


def recovery_code_seen(uow: UnitOfWork, source: str, code_hash: str) -> bool:
    return (
        uow.session.scalar(
            select(RecoveryCode.id).where(
                RecoveryCode.source == source, RecoveryCode.code_hash == code_hash
            )
        )
        is not None
    )


# -- the print queue ----------------------------------------------------------------------


def add_job(
    engine: Engine,
    *,
    job_id: str,
    kind: str,
    txn_id: str | None,
    document: str,
    now: dt.datetime,
    reprint: bool,
    target: str | None,
) -> JobRecord:
    values = {
        "id": job_id,
        "created_at": now,
        "kind": kind,
        "txn_id": txn_id,
        "document": document,
        "state": QUEUED,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": None,
        "printed_at": None,
        "reprint": reprint,
        "target": target,
        "claim": None,
        "claimed_at": None,
    }
    with engine.begin() as conn:
        conn.execute(_t.insert().values(**values))
    return JobRecord(**values)


def get_job(engine: Engine, job_id: str) -> JobRecord | None:
    with _reading(engine).connect() as conn:
        row = conn.execute(select(_t).where(_t.c.id == job_id)).first()
        conn.rollback()
    return _record(row) if row is not None else None


def list_jobs(
    engine: Engine,
    *,
    states: Sequence[str] | None = None,
    txn_id: str | None = None,
    limit: int = 100,
) -> list[JobRecord]:
    stmt = select(_t).order_by(_t.c.created_at.desc(), _t.c.id.desc()).limit(limit)
    if states:
        stmt = stmt.where(_t.c.state.in_(list(states)))
    if txn_id is not None:
        stmt = stmt.where(_t.c.txn_id == txn_id)
    with _reading(engine).connect() as conn:
        rows = conn.execute(stmt).all()
        conn.rollback()
    return [_record(r) for r in rows]


def count_jobs(engine: Engine) -> dict[str, int]:
    """How many jobs are in each state (the status bar's figures, without reading them)."""
    stmt = select(_t.c.state, func.count()).group_by(_t.c.state)
    with _reading(engine).connect() as conn:
        counts = {state: n for state, n in conn.execute(stmt)}
        conn.rollback()
    return counts


def next_due(engine: Engine, now: dt.datetime) -> dt.datetime | None:
    """When the earliest queued job falls due (None when nothing is queued)."""
    with _reading(engine).connect() as conn:
        when = conn.execute(
            select(_t.c.next_attempt_at)
            .where(_t.c.state == QUEUED)
            .order_by(_t.c.next_attempt_at)
            .limit(1)
        ).scalar()
        conn.rollback()
    return when


def claim_next(engine: Engine, now: dt.datetime, token: str) -> JobRecord | None:
    """Take the oldest due queued job for printing (compare-and-set on its state)."""
    while True:
        with engine.begin() as conn:
            job_id = conn.execute(
                select(_t.c.id)
                .where(_t.c.state == QUEUED, _t.c.next_attempt_at <= now)
                .order_by(_t.c.created_at, _t.c.id)
                .limit(1)
            ).scalar()
            if job_id is None:
                return None
            taken = conn.execute(
                update(_t)
                .where(_t.c.id == job_id, _t.c.state == QUEUED)
                .values(
                    state=PRINTING,
                    claim=token,
                    claimed_at=now,
                    attempts=_t.c.attempts + 1,
                )
            ).rowcount
            if taken == 1:
                row = conn.execute(select(_t).where(_t.c.id == job_id)).one()
                return _record(row)
        # Another worker took it between the SELECT and the UPDATE: look again.


def claim(engine: Engine, job_id: str, now: dt.datetime, token: str) -> JobRecord | None:
    """Take one queued job for printing now, due or not (compare-and-set on its state)."""
    with engine.begin() as conn:
        taken = conn.execute(
            update(_t)
            .where(_t.c.id == job_id, _t.c.state == QUEUED)
            .values(state=PRINTING, claim=token, claimed_at=now, attempts=_t.c.attempts + 1)
        ).rowcount
        if taken != 1:
            return None
        return _record(conn.execute(select(_t).where(_t.c.id == job_id)).one())


def finish(
    engine: Engine, job_id: str, token: str, now: dt.datetime, *, confirmed: bool = True
) -> bool:
    """Mark a job this worker claimed as printed (``confirmed``: done) or sent to a printer
    that cannot say (sent); False if it was not (or no longer) ours."""
    with engine.begin() as conn:
        return (
            conn.execute(
                update(_t)
                .where(_t.c.id == job_id, _t.c.state == PRINTING, _t.c.claim == token)
                .values(
                    state=DONE if confirmed else SENT, printed_at=now, last_error=None, claim=None
                )
            ).rowcount
            == 1
        )


def fail(
    engine: Engine,
    job_id: str,
    token: str,
    error: str,
    *,
    retry_at: dt.datetime | None,
    reprint_document: str | None = None,
) -> bool:
    """A claimed job could not print: queue it again at ``retry_at``, or give up (None).

    ``reprint_document``: the job may have printed; what it prints next (marked 重打印).
    """
    values: dict[str, object] = {"last_error": error[:2000], "claim": None}
    if reprint_document is not None:
        values.update(document=reprint_document, reprint=True)
    if retry_at is None:
        values["state"] = FAILED
    else:
        values.update(state=QUEUED, next_attempt_at=retry_at)
    with engine.begin() as conn:
        return (
            conn.execute(
                update(_t)
                .where(_t.c.id == job_id, _t.c.state == PRINTING, _t.c.claim == token)
                .values(**values)
            ).rowcount
            == 1
        )


def retry(engine: Engine, job_id: str, now: dt.datetime) -> bool:
    """Queue a failed (or waiting) job to print now; False if it is printing or printed."""
    with engine.begin() as conn:
        return (
            conn.execute(
                update(_t)
                .where(_t.c.id == job_id, _t.c.state.in_((FAILED, QUEUED)))
                .values(state=QUEUED, next_attempt_at=now, attempts=0)
            ).rowcount
            == 1
        )


def recover(engine: Engine, claimed_before: dt.datetime, now: dt.datetime) -> int:
    """Requeue jobs left printing by a worker that died (claimed before ``claimed_before``)."""
    with engine.begin() as conn:
        return int(
            conn.execute(
                update(_t)
                .where(_t.c.state == PRINTING, _t.c.claimed_at < claimed_before)
                .values(
                    state=QUEUED,
                    claim=None,
                    next_attempt_at=now,
                    last_error="interrupted while printing",
                )
            ).rowcount
        )


def printed_before(engine: Engine, txn_id: str) -> bool:
    with _reading(engine).connect() as conn:
        found = conn.execute(
            select(_t.c.id).where(_t.c.txn_id == txn_id, _t.c.state.in_(PRINTED)).limit(1)
        ).first()
        conn.rollback()
    return found is not None
