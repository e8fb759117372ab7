"""The print queue: nothing lost while the printer is down, each job printed exactly once,
business tables never touched."""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.domain.errors import CounterError
from app.domain.receipt import Receipt
from app.services import printing
from app.services.context import CounterContext, open_counter
from app.services.hashing import Hasher
from app.services.lookup import MemberView
from app.services.receipts import report_receipt
from app.services.security import Actor
from app.services.settings import PrinterSettings, set_printer_settings
from app.services.stored_value import top_up
from devices.escpos_printer import EscposReceiptPrinter
from devices.print_queue import PrintQueueWorker
from tests.devices.conftest import business_rows
from tests.devices.printers import answer_queries

WAIT = 15.0


def wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class TinyPrinter:
    """A network printer on 127.0.0.1: bound but not listening (off), until it comes up."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.paper = True

    @property
    def address(self) -> str:
        return f"tcp:127.0.0.1:{self.port}"

    def come_up(self) -> None:
        self.sock.listen(16)
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self._threads.append(t)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            t = threading.Thread(target=self._read, args=(conn,), daemon=True)
            t.start()
            self._threads.append(t)

    def _read(self, conn: socket.socket) -> None:
        buffer = bytearray()
        with conn:
            while data := conn.recv(65536):
                buffer += data
                # DLE EOT n: the paper sensor before a job, the printer's status after it.
                if answer := answer_queries(buffer, self.paper):
                    conn.sendall(answer)
        with self._lock:
            self.received.append(bytes(buffer))

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def tiny_printer() -> Iterator[TinyPrinter]:
    p = TinyPrinter()
    yield p
    p.close()


@pytest.fixture
def live_ctx(ctx: CounterContext, data_dir: Path) -> Iterator[CounterContext]:
    """A second context on the same database with the real clock (backoff needs time to pass)."""
    live = open_counter(data_dir, hasher=Hasher.fast())
    yield live
    live.close()


def test_jobs_wait_while_the_printer_is_down_and_print_once_when_it_comes_up(
    ctx: CounterContext,
    live_ctx: CounterContext,
    cashier: Actor,
    manager: Actor,
    register: Callable[..., MemberView],
    tiny_printer: TinyPrinter,
) -> None:
    settings = set_printer_settings(
        ctx, manager, PrinterSettings(address=tiny_printer.address, width=58, enabled=True)
    )
    member = register("王五", "13700137000")
    txns = [top_up(ctx, cashier, member.card_no, 10_000 * (i + 1), "cash").txn_id for i in range(3)]
    before = business_rows(ctx)

    jobs = [printing.enqueue_receipt(live_ctx, t) for t in txns]
    jobs.append(
        printing.enqueue_document(live_ctx, report_receipt("交班报表", [("现金", "¥1.00")]))
    )
    states: list[tuple[str, str]] = []
    printer_states: list[bool] = []
    worker = PrintQueueWorker(
        live_ctx,
        base_delay=0.05,
        max_delay=0.2,
        idle_wait=0.05,
        on_job=lambda j: states.append((j.id, j.state)),
        on_printer=lambda online, _detail: printer_states.append(online),
    ).start()
    try:
        # The printer is off: every job is tried, fails, and waits with its error recorded.
        wait_for(
            lambda: all(
                j.attempts >= 2 and j.state == printing.QUEUED for j in printing.list_jobs(live_ctx)
            ),
            "retries while the printer is off",
        )
        waiting = printing.list_jobs(live_ctx)
        assert all("refused" in (j.last_error or "") for j in waiting)
        assert all(j.next_attempt_at > j.created_at for j in waiting)
        assert tiny_printer.received == []

        tiny_printer.come_up()
        worker.wake()
        wait_for(
            lambda: all(j.state == printing.DONE for j in printing.list_jobs(live_ctx)),
            "every job printed",
        )
    finally:
        worker.stop()
    wait_for(lambda: len(tiny_printer.received) >= len(jobs), "the printer to read every job")
    time.sleep(0.1)  # nothing more arrives

    printer = EscposReceiptPrinter(settings)
    expected = [printer.render(j.document, open_drawer=j.document.open_drawer) for j in jobs]
    assert sorted(tiny_printer.received) == sorted(expected)  # each job exactly once
    assert all(b"\x1bp\x00" in e for e in expected[:3])  # cash top-ups open the drawer
    assert printer_states[0] is False and printer_states[-1] is True
    assert {s for _, s in states} >= {printing.PRINTING, printing.QUEUED, printing.DONE}
    assert business_rows(ctx) == before  # printing changed no business row


def test_a_printer_out_of_paper_keeps_the_jobs_until_paper_is_loaded(
    ctx: CounterContext,
    live_ctx: CounterContext,
    manager: Actor,
    tiny_printer: TinyPrinter,
) -> None:
    settings = set_printer_settings(
        ctx,
        manager,
        PrinterSettings(address=tiny_printer.address, enabled=True, check_paper=True),
    )
    tiny_printer.paper = False
    tiny_printer.come_up()
    jobs = [
        printing.enqueue_document(live_ctx, report_receipt(f"报表 {i}", [("现金", "¥1.00")]))
        for i in range(2)
    ]
    worker = PrintQueueWorker(live_ctx, base_delay=0.05, max_delay=0.1, idle_wait=0.05).start()
    try:
        wait_for(
            lambda: all(j.attempts >= 2 for j in printing.list_jobs(live_ctx)),
            "retries while the paper is out",
        )
        errors = {j.last_error for j in printing.list_jobs(live_ctx)}
        assert errors == {"打印机缺纸,请装纸"}, errors
        assert tiny_printer.received == [b""] * len(tiny_printer.received)  # nothing printed
        tiny_printer.paper = True
        wait_for(
            lambda: all(j.state == printing.DONE for j in printing.list_jobs(live_ctx)),
            "every job printed",
        )
    finally:
        worker.stop()
    printer = EscposReceiptPrinter(settings)
    wait_for(lambda: len([r for r in tiny_printer.received if r]) >= 2, "both jobs read")
    printed = sorted(r for r in tiny_printer.received if r)
    assert printed == sorted(printer.render(j.document) for j in jobs)


class CountingPrinter:
    def __init__(self) -> None:
        self.printed: list[str] = []
        self.lock = threading.Lock()

    def print_document(self, document: Receipt, *, open_drawer: bool = False) -> None:
        time.sleep(0.002)  # long enough for the threads to interleave
        with self.lock:
            self.printed.append(document.meta["n"])


def test_a_retry_racing_a_recovery_still_prints_each_job_once(live_ctx: CounterContext) -> None:
    printer = CountingPrinter()
    jobs = [
        printing.enqueue_document(live_ctx, Receipt((), kind="report", meta={"n": str(i)}))
        for i in range(24)
    ]
    # Half the jobs were left "printing" by a worker that died long ago.
    conn = sqlite3.connect(str(live_ctx.db.path))
    conn.executemany(
        "UPDATE print_job SET state = 'printing', claim = 'dead', "
        "claimed_at = '2000-01-01 00:00:00.000000' WHERE id = ?",
        [(j.id,) for j in jobs[::2]],
    )
    conn.commit()
    conn.close()

    stop = threading.Event()

    def meddle() -> None:
        while not stop.is_set():
            for j in jobs:
                with contextlib.suppress(CounterError):  # printed already: retry refuses
                    printing.retry(live_ctx, j.id)
            printing.recover(live_ctx, dt.timedelta(minutes=1))

    workers = [
        PrintQueueWorker(live_ctx, printer_for=lambda _j: printer, idle_wait=0.01) for _ in range(3)
    ]
    meddler = threading.Thread(target=meddle, daemon=True)
    meddler.start()
    for w in workers:
        w.start()
    try:
        wait_for(
            lambda: all(j.state == printing.DONE for j in printing.list_jobs(live_ctx)),
            "every job printed",
        )
    finally:
        stop.set()
        for w in workers:
            w.stop()
        meddler.join(5)
    counts = collections.Counter(printer.printed)
    assert sorted(counts, key=int) == [str(i) for i in range(24)]
    assert set(counts.values()) == {1}


def test_retry_refuses_a_printed_job_and_a_failed_job_prints_again(
    live_ctx: CounterContext,
) -> None:
    job = printing.enqueue_document(live_ctx, Receipt((), kind="report", meta={"n": "x"}))
    fails = {"left": 2}
    printer = CountingPrinter()

    def printer_for(_job: printing.PrintJob) -> CountingPrinter:
        if fails["left"]:
            fails["left"] -= 1
            raise OSError("out of paper")
        return printer

    worker = PrintQueueWorker(live_ctx, printer_for=printer_for, max_attempts=2, base_delay=0)
    worker.run_once()
    assert printing.get_job(live_ctx, job.id).state == printing.QUEUED
    worker.run_once()
    failed = printing.get_job(live_ctx, job.id)
    assert failed.state == printing.FAILED and failed.last_error == "out of paper"
    assert worker.run_once() == 0  # given up: not tried again by itself
    printing.retry(live_ctx, job.id)
    worker.run_once()
    assert printing.get_job(live_ctx, job.id).state == printing.DONE
    assert printer.printed == ["x"]
    with pytest.raises(CounterError) as exc:
        printing.retry(live_ctx, job.id)
    assert exc.value.code == "print_job_printed"
    with pytest.raises(CounterError) as exc:
        printing.retry(live_ctx, "no-such-job")
    assert exc.value.code == "print_job_not_found"


def test_an_unexpected_error_fails_the_job_not_the_worker(live_ctx: CounterContext) -> None:
    job = printing.enqueue_document(live_ctx, Receipt((), kind="report", meta={"n": "1"}))

    def broken(_job: printing.PrintJob) -> CountingPrinter:
        raise KeyError("no such template field")

    worker = PrintQueueWorker(live_ctx, printer_for=broken, base_delay=60)
    assert worker.run_once() == 1
    after = printing.get_job(live_ctx, job.id)
    assert after.state == printing.QUEUED and "no such template field" in (after.last_error or "")
    assert after.next_attempt_at > after.created_at
