"""The durable print queue: receipts and reports are stored first, printed after.

A transaction commits on its own; its receipt is queued afterwards in a separate small
transaction that touches only ``print_job``. A printer that is off, out of paper or unplugged
therefore never blocks or undoes a sale: the job waits, is retried with backoff, shows its
state and last error, and can be retried by hand or reprinted later (marked 重打印). A job is
done only when the printer confirmed it; one whose bytes went out unconfirmed is retried, and
marked 重打印 since its first attempt may have printed. A printer that cannot answer at all (a
Windows printer queue, a file, or a model whose confirmation is turned off) leaves its jobs
``sent``: not retried, and never called confirmed.

The worker that prints (``devices.print_queue``) claims a job with a compare-and-set, so a job
prints once even when a manual retry races the recovery of a job left half-way by a crash.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.errors import NotFoundError, RuleError, ValidationError
from app.domain.ids import uuid7
from app.domain.printer_address import parse_printer_address
from app.domain.receipt import Receipt
from app.persistence import local
from app.persistence.local import DONE, FAILED, PRINTED, PRINTING, QUEUED, SENT, STATES, JobRecord
from app.services.context import CounterContext
from app.services.receipts import mark_reprint, receipt_for_txn

__all__ = [
    "DONE",
    "FAILED",
    "PRINTING",
    "QUEUED",
    "SENT",
    "STATES",
    "PrintJob",
    "claim",
    "claim_next",
    "enqueue_document",
    "enqueue_receipt",
    "fail",
    "finish",
    "get_job",
    "list_jobs",
    "next_due",
    "recover",
    "retry",
    "was_printed",
]


@dataclass(frozen=True)
class PrintJob:
    id: str
    created_at: dt.datetime
    kind: str
    txn_id: str | None
    state: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    printed_at: dt.datetime | None
    reprint: bool
    target: str | None  # a printer address for this job only; None: the configured printer
    document: Receipt

    @classmethod
    def of(cls, row: JobRecord) -> PrintJob:
        return cls(
            id=row.id,
            created_at=row.created_at,
            kind=row.kind,
            txn_id=row.txn_id,
            state=row.state,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
            printed_at=row.printed_at,
            reprint=bool(row.reprint),
            target=row.target,
            document=Receipt.from_dict(json.loads(row.document)),
        )


def _target(target: str | None) -> str | None:
    if target is None or not target.strip():
        return None
    return str(parse_printer_address(target))


def enqueue_document(
    ctx: CounterContext,
    document: Receipt,
    *,
    txn_id: str | None = None,
    reprint: bool = False,
    target: str | None = None,
) -> PrintJob:
    """Queue any document (a receipt, a shift or daily report, a test page)."""
    row = local.add_job(
        ctx.db.engine,
        job_id=uuid7(),
        kind=document.kind,
        txn_id=txn_id,
        document=json.dumps(document.to_dict(), ensure_ascii=False),
        now=ctx.now(),
        reprint=reprint,
        target=_target(target),
    )
    return PrintJob.of(row)


def enqueue_receipt(
    ctx: CounterContext, txn_id: str, reprint: bool = False, *, target: str | None = None
) -> PrintJob:
    """Queue the receipt of a committed transaction (after its commit, never inside it)."""
    document = receipt_for_txn(ctx, txn_id, reprint=reprint)
    return enqueue_document(
        ctx, document, txn_id=document.meta.get("txn_id"), reprint=reprint, target=target
    )


def get_job(ctx: CounterContext, job_id: str) -> PrintJob:
    row = local.get_job(ctx.db.engine, (job_id or "").strip())
    if row is None:
        raise NotFoundError("print_job_not_found", job_id=job_id)
    return PrintJob.of(row)


def list_jobs(
    ctx: CounterContext,
    *,
    states: Sequence[str] | None = None,
    txn_id: str | None = None,
    limit: int = 100,
) -> list[PrintJob]:
    """Jobs newest first, optionally only in some states or of one transaction."""
    for state in states or ():
        if state not in STATES:
            raise ValidationError("setting_invalid", detail=f"state {state}")
    rows = local.list_jobs(ctx.db.engine, states=states, txn_id=txn_id, limit=limit)
    return [PrintJob.of(r) for r in rows]


def job_counts(ctx: CounterContext) -> dict[str, int]:
    """Jobs in each state (states with none are left out)."""
    return local.count_jobs(ctx.db.engine)


def retry(ctx: CounterContext, job_id: str) -> PrintJob:
    """Print a failed or waiting job again now. A printed job is reprinted instead."""
    job = get_job(ctx, job_id)
    if job.state in PRINTED:
        raise RuleError("print_job_printed" if job.state == DONE else "print_job_sent",
                        job_id=job.id)  # fmt: skip
    local.retry(ctx.db.engine, job.id, ctx.now())
    return get_job(ctx, job.id)


def was_printed(ctx: CounterContext, txn_id: str) -> bool:
    """Whether a receipt of this transaction has printed (so another one is a reprint)."""
    return local.printed_before(ctx.db.engine, txn_id)


# -- for the worker ------------------------------------------------------------------------


def claim_next(
    ctx: CounterContext, token: str, *, due_by: dt.datetime | None = None
) -> PrintJob | None:
    """Claim the oldest job due by ``due_by`` (default: now) for printing."""
    row = local.claim_next(ctx.db.engine, due_by or ctx.now(), token)
    return PrintJob.of(row) if row is not None else None


def claim(ctx: CounterContext, job_id: str, token: str) -> PrintJob | None:
    row = local.claim(ctx.db.engine, job_id, ctx.now(), token)
    return PrintJob.of(row) if row is not None else None


def finish(ctx: CounterContext, job_id: str, token: str, *, confirmed: bool = True) -> bool:
    """A claimed job printed: confirmed by the printer (done), or only sent to a printer
    that cannot confirm it (sent)."""
    return local.finish(ctx.db.engine, job_id, token, ctx.now(), confirmed=confirmed)


def fail(
    ctx: CounterContext,
    job_id: str,
    token: str,
    error: str,
    retry_at: dt.datetime | None,
    *,
    maybe_printed: bool = False,
) -> bool:
    """A claimed job did not print (``retry_at``: when to try again; None: give up).

    ``maybe_printed``: its bytes went out but the printer did not confirm them, so it may
    have printed: whatever prints next is marked 重打印 (and opens no cash drawer).
    """
    document = None
    if maybe_printed:
        marked = mark_reprint(get_job(ctx, job_id).document)
        document = json.dumps(marked.to_dict(), ensure_ascii=False)
    return local.fail(
        ctx.db.engine, job_id, token, error, retry_at=retry_at, reprint_document=document
    )


def recover(ctx: CounterContext, lease: dt.timedelta) -> int:
    """Requeue jobs a worker claimed more than ``lease`` ago and never finished (it died)."""
    now = ctx.now()
    return local.recover(ctx.db.engine, now - lease, now)


def next_due(ctx: CounterContext) -> dt.datetime | None:
    return local.next_due(ctx.db.engine, ctx.now())
