"""The print worker: takes jobs off the durable queue and prints them, on its own thread.

It never touches a business transaction: it reads a job, prints it, and marks the job done
once the printer confirmed it (``PrinterSettings.confirm_print``) — or, when the printer is
off, out of paper, unplugged or did not confirm, records the error and queues the job again
with exponential backoff (given up as ``failed`` after ``max_attempts``; a person can
retry it). A job whose bytes went out unconfirmed may have printed: its retry is marked
重打印. Claiming is a compare-and-set in the database, so however many workers run and
however a manual retry races the recovery of an interrupted job, no job is printed by two
workers.

A printer that cannot answer its status at all (a Windows printer queue, a file, or a model
whose confirmation is turned off) leaves each job ``sent``: it is not printed again, and
nothing calls it confirmed.

``on_job(job)`` is called at every state change and ``on_printer(online, detail)`` when the
printer is found up or down, or down for another reason (off, out of paper, not confirming)
— plain callbacks the UI bridges to Qt signals. Up with a ``detail``: the printer took the
job but cannot confirm it printed (the detail says why).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from app.domain.errors import CounterError
from app.domain.ids import uuid7
from app.domain.messages import render
from app.ports import PrinterError, PrintUnconfirmedError, ReceiptPrinter
from app.services import printing
from app.services.context import CounterContext
from app.services.printing import PrintJob
from app.services.settings import printer_settings, receipt_template

# python-escpos (its capability database alone takes ~200 ms to load) is imported by the
# worker's thread when the first job prints, not when the window starts.

log = logging.getLogger(__name__)
RECOVERY_INTERVAL = 30.0  # seconds between looks for jobs a dead worker left printing

PrinterFor = Callable[[PrintJob], ReceiptPrinter]
JobListener = Callable[[PrintJob], None]
PrinterListener = Callable[[bool, "str | None"], None]


def configured_printer(ctx: CounterContext, *, timeout: float | None = None) -> PrinterFor:
    """Jobs print on the counter's configured printer (or the address the job names).

    ``timeout``: seconds for the connection, each write and the printer's status answer
    (default: the transports' own).
    """

    def printer_for(job: PrintJob) -> ReceiptPrinter:
        settings = printer_settings(ctx)
        address = job.target or (settings.address if settings.enabled else "")
        if not address:
            raise PrinterError(render("printer_not_configured"))
        from devices.escpos_printer import EscposReceiptPrinter, logo_file

        logo = logo_file(receipt_template(ctx).logo_path)
        if timeout is None:
            return EscposReceiptPrinter(settings, logo_path=logo, address=address)
        return EscposReceiptPrinter(settings, logo_path=logo, address=address, timeout=timeout)

    return printer_for


class PrintQueueWorker:
    def __init__(
        self,
        ctx: CounterContext,
        *,
        printer_for: PrinterFor | None = None,
        on_job: JobListener | None = None,
        on_printer: PrinterListener | None = None,
        base_delay: float = 2.0,
        max_delay: float = 60.0,
        max_attempts: int = 10,
        lease: dt.timedelta = dt.timedelta(minutes=2),
        idle_wait: float = 1.0,
    ) -> None:
        self.ctx = ctx
        self.printer_for = printer_for or configured_printer(ctx)
        self.on_job = on_job
        self.on_printer = on_printer
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_attempts = max_attempts
        self.lease = lease
        self.idle_wait = idle_wait
        self.printer_online: bool | None = None
        self.printer_detail: str | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> PrintQueueWorker:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="print queue", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """Look at the queue now (a job was just queued or retried)."""
        self._wake.set()

    def _run(self) -> None:
        last_recovery = -RECOVERY_INTERVAL
        while not self._stop.is_set():
            try:
                if time.monotonic() - last_recovery >= RECOVERY_INTERVAL:
                    self.recover()
                    last_recovery = time.monotonic()
                if self.run_once():
                    continue
                wait = self._idle_for()
            except Exception:  # the database busy or gone: keep the thread, try again later
                log.exception("print queue")
                wait = self.idle_wait
            self._wake.wait(wait)
            self._wake.clear()

    def _idle_for(self) -> float:
        due = printing.next_due(self.ctx)
        if due is None:
            return self.idle_wait
        wait = (due - self.ctx.now()).total_seconds()
        return min(max(wait, 0.01), self.idle_wait)

    # -- the work ------------------------------------------------------------------------------
    def recover(self) -> int:
        """Requeue jobs an earlier worker left printing (it crashed, or the power went)."""
        return printing.recover(self.ctx, self.lease)

    def delay(self, attempts: int) -> float:
        return min(self.base_delay * 2 ** max(attempts - 1, 0), self.max_delay)

    def run_once(self) -> int:
        """Print every job that is due now; returns how many were tried."""
        tried = 0
        due_by = self.ctx.now()  # a job that fails now is due later: tried once per run
        while not self._stop.is_set():
            token = uuid7()
            job = printing.claim_next(self.ctx, token, due_by=due_by)
            if job is None:
                return tried
            tried += 1
            self._print(job, token)
        return tried

    def print_job(self, job_id: str) -> PrintJob:
        """Print one queued job now (the CLI's ``receipt print``); returns its new state."""
        token = uuid7()
        job = printing.claim(self.ctx, job_id, token)
        if job is not None:
            self._print(job, token)
        return printing.get_job(self.ctx, job_id)

    def _print(self, job: PrintJob, token: str) -> None:
        self._emit_job(job)
        try:
            printer = self.printer_for(job)
            unconfirmed = printer.print_document(job.document, open_drawer=job.document.open_drawer)
        except Exception as exc:  # whatever stopped this job is its error; the queue goes on
            if not isinstance(exc, (PrinterError, CounterError, OSError, ValueError)):
                log.exception("print job %s", job.id)
            error = exc.message if isinstance(exc, CounterError) else str(exc)
            give_up = job.attempts >= self.max_attempts
            retry_at = None
            if not give_up:
                retry_at = self.ctx.now() + dt.timedelta(seconds=self.delay(job.attempts))
            error = error or render("printer_unavailable", detail="")
            maybe_printed = isinstance(exc, PrintUnconfirmedError)
            printing.fail(self.ctx, job.id, token, error, retry_at, maybe_printed=maybe_printed)
            self._emit_printer(False, error)
        else:
            # A printer that cannot answer (a Windows queue, a file) took it: sent, not done.
            printing.finish(self.ctx, job.id, token, confirmed=unconfirmed is None)
            self._emit_printer(True, unconfirmed)
        self._emit_job(printing.get_job(self.ctx, job.id))

    def _emit_job(self, job: PrintJob) -> None:
        if self.on_job is not None:
            self.on_job(job)

    def _emit_printer(self, online: bool, detail: str | None) -> None:
        if (online, detail) != (self.printer_online, self.printer_detail):
            self.printer_online, self.printer_detail = online, detail
            if self.on_printer is not None:
                self.on_printer(online, detail)
