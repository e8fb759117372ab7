"""Printed means printed: a job is done only when the printer answered its status after the
job; a printer that took the connection and dropped it, reset it, or never answered leaves
the job queued, reported, and marked 重打印 for its retry (it may have printed)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.domain.errors import RuleError
from app.domain.messages import render
from app.domain.receipt import Receipt
from app.services import printing
from app.services.context import CounterContext, open_counter
from app.services.hashing import Hasher
from app.services.lookup import MemberView
from app.services.receipts import receipt_for_txn, report_receipt
from app.services.security import Actor
from app.services.settings import PrinterSettings, set_printer_settings
from app.services.stored_value import top_up
from devices.escpos_printer import EscposReceiptPrinter
from devices.print_queue import PrintQueueWorker, configured_printer
from tests.devices.printers import (
    ANSWER,
    CLOSE,
    OFFLINE,
    RESET,
    SILENT,
    PtyPrinter,
    ScriptedPrinter,
)

TIMEOUT = 0.5  # seconds the worker waits for the test printers
NOT_CONFIRMED = render("printer_not_confirmed", detail="")


@pytest.fixture
def live_ctx(ctx: CounterContext, data_dir: Path) -> Iterator[CounterContext]:
    """A second context on the same database with the real clock (backoff needs time)."""
    live = open_counter(data_dir, hasher=Hasher.fast())
    yield live
    live.close()


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedPrinter]]:
    made: list[ScriptedPrinter] = []

    def make(*script: str) -> ScriptedPrinter:
        made.append(ScriptedPrinter(*script))
        return made[-1]

    yield make
    for p in made:
        p.close()


def _cash_top_ups(
    ctx: CounterContext, cashier: Actor, register: Callable[..., MemberView], n: int
) -> list[str]:
    member = register("王五", "13700137000")
    return [top_up(ctx, cashier, member.card_no, 10_000 * (i + 1), "cash").txn_id for i in range(n)]


def _worker(ctx: CounterContext, events: list[tuple[bool, str | None]]) -> PrintQueueWorker:
    return PrintQueueWorker(
        ctx,
        printer_for=configured_printer(ctx, timeout=TIMEOUT),
        on_printer=lambda online, detail: events.append((online, detail)),
        base_delay=0,
        idle_wait=0.05,
    )


def _report() -> Receipt:
    return report_receipt("交班报表", [("现金", "¥1.00")])


def _receipt_bytes(
    ctx: CounterContext, settings: PrinterSettings, txn_id: str, *, reprint: bool
) -> bytes:
    doc = receipt_for_txn(ctx, txn_id, reprint=reprint)
    return EscposReceiptPrinter(settings).render(doc, open_drawer=doc.open_drawer)


@pytest.mark.parametrize("behaviour", [CLOSE, RESET, SILENT, ANSWER])
def test_only_a_printer_that_answers_its_status_finishes_the_job(
    behaviour: str,
    ctx: CounterContext,
    live_ctx: CounterContext,
    cashier: Actor,
    manager: Actor,
    register: Callable[..., MemberView],
    scripted: Callable[..., ScriptedPrinter],
) -> None:
    printer = scripted(behaviour)
    settings = set_printer_settings(
        ctx, manager, PrinterSettings(address=printer.address, width=58, enabled=True)
    )
    assert settings.confirm_print  # on by default
    (txn,) = _cash_top_ups(ctx, cashier, register, 1)
    job = printing.enqueue_receipt(live_ctx, txn)
    events: list[tuple[bool, str | None]] = []

    assert _worker(live_ctx, events).run_once() == 1
    after = printing.get_job(live_ctx, job.id)
    if behaviour == ANSWER:
        assert after.state == printing.DONE and not after.reprint
        assert printer.printed == [_receipt_bytes(ctx, settings, txn, reprint=False)]
        assert printer.queries == 1
        assert events == [(True, None)]
        return
    # Taken and dropped, reset, or never answered: not done, retried, and reported.
    assert after.state == printing.QUEUED and after.attempts == 1
    assert after.last_error is not None and after.last_error.startswith(NOT_CONFIRMED)
    if behaviour == SILENT:
        assert render("printer_no_status", seconds=f"{TIMEOUT:g}") in after.last_error
    assert events == [(False, after.last_error)]  # what the window's status bar shows
    assert printer.printed == []
    # It may have printed: what prints next is marked 重打印 and opens no drawer.
    assert after.reprint and not after.document.open_drawer
    assert after.document == receipt_for_txn(ctx, txn, reprint=True)
    assert not printing.was_printed(live_ctx, txn)


def test_a_printer_that_recovers_prints_every_job_once(
    ctx: CounterContext,
    live_ctx: CounterContext,
    cashier: Actor,
    manager: Actor,
    register: Callable[..., MemberView],
    scripted: Callable[..., ScriptedPrinter],
) -> None:
    printer = scripted(CLOSE, RESET, SILENT, ANSWER)
    settings = set_printer_settings(
        ctx, manager, PrinterSettings(address=printer.address, width=80, enabled=True)
    )
    txns = _cash_top_ups(ctx, cashier, register, 4)
    jobs = [printing.enqueue_receipt(live_ctx, t) for t in txns]
    events: list[tuple[bool, str | None]] = []
    worker = _worker(live_ctx, events).start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if all(j.state == printing.DONE for j in printing.list_jobs(live_ctx)):
                break
            time.sleep(0.02)
    finally:
        worker.stop()
    done = {j.id: j for j in printing.list_jobs(live_ctx)}
    assert all(j.state == printing.DONE for j in done.values()), done
    # The oldest three met the close, the reset and the silence; the fourth printed at once.
    assert printer.connections[:4] == [CLOSE, RESET, SILENT, ANSWER]
    assert [done[j.id].attempts for j in jobs] == [2, 2, 2, 1]
    assert [done[j.id].reprint for j in jobs] == [True, True, True, False]
    expected = [
        _receipt_bytes(ctx, settings, t, reprint=i < 3) for i, t in enumerate(txns)
    ]  # the retried ones marked 重打印, without the drawer kick
    assert len(printer.printed) == len(jobs) == printer.queries  # every job, each once
    assert sorted(printer.printed) == sorted(expected)
    assert sum("重打印".encode("gb18030") in p for p in printer.printed) == 3
    assert sum(b"\x1bp\x00" in p for p in printer.printed) == 1
    assert events[0][0] is False and events[0][1] and NOT_CONFIRMED in events[0][1]
    assert events[-1] == (True, None)


def test_a_printer_that_answers_it_is_offline_has_not_confirmed(
    ctx: CounterContext,
    live_ctx: CounterContext,
    manager: Actor,
    scripted: Callable[..., ScriptedPrinter],
) -> None:
    """Cover open or paper out: it took the job into its buffer but says it is offline."""
    printer = scripted(OFFLINE, ANSWER)
    set_printer_settings(ctx, manager, PrinterSettings(address=printer.address, enabled=True))
    job = printing.enqueue_document(live_ctx, _report())
    worker = _worker(live_ctx, [])
    worker.run_once()
    after = printing.get_job(live_ctx, job.id)
    assert after.state == printing.QUEUED and after.reprint
    assert after.last_error == render("printer_not_confirmed", detail=render("printer_offline"))
    worker.run_once()
    assert printing.get_job(live_ctx, job.id).state == printing.DONE
    assert printer.connections == [OFFLINE, ANSWER]


def test_with_confirmation_off_a_job_is_done_once_sent(
    ctx: CounterContext,
    live_ctx: CounterContext,
    manager: Actor,
    scripted: Callable[..., ScriptedPrinter],
) -> None:
    """A model that cannot answer: the store turns confirmation off for it."""
    printer = scripted(SILENT)
    set_printer_settings(
        ctx,
        manager,
        PrinterSettings(address=printer.address, enabled=True, confirm_print=False),
    )
    job = printing.enqueue_document(live_ctx, _report())
    start = time.monotonic()
    events: list[tuple[bool, str | None]] = []
    _worker(live_ctx, events).run_once()
    # Sent, not retried, and never called confirmed (done is what a printer confirmed).
    assert printing.get_job(live_ctx, job.id).state == printing.SENT
    assert time.monotonic() - start < TIMEOUT  # no wait for an answer
    assert printer.connections == [SILENT]
    assert events == [(True, render("printer_sent_confirm_off"))]


@pytest.mark.parametrize("kind", ["file", "win"])
def test_a_printer_that_cannot_answer_leaves_its_jobs_sent_not_done(
    kind: str,
    ctx: CounterContext,
    live_ctx: CounterContext,
    cashier: Actor,
    manager: Actor,
    register: Callable[..., MemberView],
    tmp_path: Path,
) -> None:
    """A file or a Windows printer queue takes the bytes and cannot answer DLE EOT: the job
    is ``sent`` (not retried: it probably printed), never ``done``; the status says it was
    sent and cannot be confirmed; a retry is refused and a second print is a reprint."""
    paper = tmp_path / "paper.bin"
    address = f"{kind}:{paper}" if kind == "file" else "win:XP-80C"
    settings = set_printer_settings(ctx, manager, PrinterSettings(address=address, enabled=True))
    assert settings.confirm_print  # on: it cannot apply to this printer
    sent: list[bytes] = []

    def to_windows(address: str, data: bytes, **options: object) -> bool:
        # transports.send to escpos's Win32Raw (Windows only): the bytes go to the spooler,
        # and it is not asked (ANSWERING), as for a file.
        assert address == "win:XP-80C" and options["confirm"] is True
        sent.append(data)
        return False

    def printer_for(job: printing.PrintJob) -> EscposReceiptPrinter:
        if kind == "file":
            return configured_printer(live_ctx, timeout=TIMEOUT)(job)
        return EscposReceiptPrinter(settings, sender=to_windows)

    (txn,) = _cash_top_ups(ctx, cashier, register, 1)
    job = printing.enqueue_receipt(live_ctx, txn)
    events: list[tuple[bool, str | None]] = []
    worker = PrintQueueWorker(
        live_ctx, printer_for=printer_for,
        on_printer=lambda online, detail: events.append((online, detail)),
    )  # fmt: skip
    assert worker.run_once() == 1
    after = printing.get_job(live_ctx, job.id)
    assert after.state == printing.SENT and after.attempts == 1 and after.last_error is None
    wanted = _receipt_bytes(ctx, settings, txn, reprint=False)
    assert (paper.read_bytes() if kind == "file" else sent[0]) == wanted
    words = f"已送出,无法确认:{address} 不能回答打印机状态(Windows 打印机或文件),请看是否打出"
    assert events == [(True, words)]
    assert worker.run_once() == 0  # not printed again
    assert printing.was_printed(live_ctx, txn)
    with pytest.raises(RuleError) as refused:
        printing.retry(live_ctx, job.id)
    assert refused.value.message == (
        f"打印任务 {job.id} 已送出打印机(打印机无法确认),如需再打请用重打印"
    )


@pytest.mark.parametrize("answers", [True, False])
def test_a_serial_printer_confirms_by_answering_too(
    answers: bool, ctx: CounterContext, live_ctx: CounterContext, manager: Actor
) -> None:
    printer = PtyPrinter(answers=answers)
    try:
        settings = set_printer_settings(
            ctx, manager, PrinterSettings(address=printer.address, enabled=True)
        )
        doc = _report()
        job = printing.enqueue_document(live_ctx, doc)
        _worker(live_ctx, []).run_once()
        after = printing.get_job(live_ctx, job.id)
        data = EscposReceiptPrinter(settings).render(doc)
        deadline = time.monotonic() + 5
        while len(printer.buffer) < len(data) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        printer.close()
    if answers:
        assert after.state == printing.DONE
        assert bytes(printer.buffer) == data  # the job, and the answered query taken out
    else:
        assert after.state == printing.QUEUED and after.reprint
        assert after.last_error == render(
            "printer_not_confirmed", detail=render("printer_no_status", seconds=f"{TIMEOUT:g}")
        )
        assert bytes(printer.buffer) == data + b"\x10\x04\x01"  # asked, no answer came
