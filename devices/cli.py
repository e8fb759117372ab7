"""Device commands for the ops CLI (added by the composition root, ``launcher``).

``printer test|show|set``, ``receipt show|print|template``, ``print-queue list|retry|run``,
``scanner listen|ports`` and ``display test``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import threading
import time
from typing import Any

from app.cli import Extension
from app.cli.parser import Parser, UsageError
from app.domain.errors import RuleError
from app.domain.receipt import render_text
from app.services import printing
from app.services.context import CounterContext
from app.services.receipts import receipt_for_txn
from app.services.security import Actor, Permission, require
from app.services.settings import (
    ENCODINGS,
    PAPER_WIDTHS,
    PrinterSettings,
    ReceiptTemplate,
    printer_settings,
    receipt_template,
    set_printer_settings,
    set_receipt_template,
)

# The adapters (escpos, pyserial, PIL) load when a device command runs, not on every start of
# the CLI.

Result = dict[str, Any]


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _job(job: printing.PrintJob) -> Result:
    return {
        "job_id": job.id,
        "kind": job.kind,
        "txn_id": job.txn_id,
        "state": job.state,
        "confirmed": job.state == printing.DONE,  # sent: to a printer that cannot confirm
        "attempts": job.attempts,
        "reprint": job.reprint,
        "target": job.target,
        "created_at": _when(job.created_at),
        "next_attempt_at": _when(job.next_attempt_at),
        "printed_at": _when(job.printed_at),
        "last_error": job.last_error,
    }


def _printer_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--printer", metavar="ADDRESS", required=required, help="e.g. tcp:HOST:9100")
    p.add_argument("--encoding", metavar="|".join(ENCODINGS), help="default GB18030")
    p.add_argument("--width", type=int, choices=PAPER_WIDTHS, help="paper width in mm")
    p.add_argument("--profile", help="python-escpos printer profile (default: default)")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    printer = sub.add_parser("printer", help="receipt printer").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = printer.add_parser("test", help="print a test page: a line in every encoding, QR, cut")
    _printer_options(p, required=True)
    p.add_argument("--no-cut", action="store_true")
    p.add_argument("--confirm", action=argparse.BooleanOptionalAction, default=None,
                   help="ask the printer to confirm the page, as receipt jobs do (default on; "
                   "--no-confirm for models that cannot answer)")  # fmt: skip
    printer.add_parser("show", help="the configured printer")
    p = printer.add_parser("set", help="configure the counter's printer (manager)")
    _printer_options(p, required=False)
    p.add_argument("--cut", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--drawer", action=argparse.BooleanOptionalAction, default=None,
                   help="kick the cash drawer on cash tenders")  # fmt: skip
    p.add_argument("--enabled", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--check-paper", action=argparse.BooleanOptionalAction, default=None,
                   help="ask the printer's paper sensor before each job")  # fmt: skip
    p.add_argument("--confirm", action=argparse.BooleanOptionalAction, default=None,
                   help="a job is done when the printer answers its status after it "
                   "(default on; --no-confirm for models that cannot answer)")  # fmt: skip
    printer.add_parser("profiles", help="printer profiles python-escpos knows")

    receipt = sub.add_parser("receipt", help="receipts").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = receipt.add_parser("show", help="the receipt of a transaction as text")
    p.add_argument("txn_id")
    p.add_argument("--width", type=int, choices=PAPER_WIDTHS, default=None)
    p.add_argument("--reprint", action="store_true")
    p = receipt.add_parser("print", help="print the receipt of a transaction")
    p.add_argument("txn_id")
    _printer_options(p, required=False)
    p.add_argument("--reprint", action="store_true", help="mark it 重打印 (automatic if printed)")
    p = receipt.add_parser("template", help="the store's receipt text (manager)")
    p.add_argument("--header", action="append", metavar="LINE", help="repeatable")
    p.add_argument("--footer", action="append", metavar="LINE", help="repeatable")
    p.add_argument("--logo", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--logo-path", metavar="IMAGE")
    p.add_argument("--counter-name")

    queue = sub.add_parser("print-queue", help="the print queue").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = queue.add_parser("list")
    p.add_argument("--state", action="append", choices=printing.STATES)
    p.add_argument("--limit", type=int, default=50)
    p = queue.add_parser("retry")
    p.add_argument("job_id")
    queue.add_parser("run", help="print every job that is due now, then exit")

    scanner = sub.add_parser("scanner", help="serial barcode/QR scanner").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = scanner.add_parser("listen", help="print each scan until Ctrl-C")
    p.add_argument("--port", required=True, metavar="URL", help="COM3, /dev/ttyACM0, loop://")
    p.add_argument("--baudrate", type=int, default=9600)
    p.add_argument("--count", type=int, help="stop after this many scans")
    p.add_argument("--timeout", type=float, help="stop after this many seconds")
    scanner.add_parser("ports", help="serial ports with USB vendor/product ids")

    display = sub.add_parser("display", help="customer pole display").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = display.add_parser("test", help="show two lines on the display")
    p.add_argument("--port", required=True, metavar="URL")
    p.add_argument("--baudrate", type=int, default=9600)
    p.add_argument("--line1", default="MEMBER COUNTER")
    p.add_argument("--line2", default="DISPLAY TEST")


# -- printer ---------------------------------------------------------------------------------


def _settings_with(base: PrinterSettings, args: argparse.Namespace) -> PrinterSettings:
    from devices import transports

    changes: dict[str, Any] = {}
    if getattr(args, "printer", None):
        changes["address"] = args.printer
        changes["enabled"] = True
    for name in ("encoding", "width", "profile"):
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = value
    settings = dataclasses.replace(base, **changes)
    if settings.profile:
        transports.check_profile(settings.profile)
    return settings.checked()


def _printer_result(s: PrinterSettings) -> Result:
    return {**dataclasses.asdict(s), "columns": s.columns}


def printer_test(_ctx: None, _actor: None, args: argparse.Namespace) -> Result:
    """The test page, confirmed by the printer as receipt jobs are (``--no-confirm`` for a
    model that cannot answer); a printer that took it and said nothing is an error."""
    from devices.escpos_printer import send_test_page

    base = PrinterSettings(cut=not args.no_cut)
    if args.confirm is not None:
        base = dataclasses.replace(base, confirm_print=args.confirm)
    settings = _settings_with(base, args)
    sent = send_test_page(settings)
    return {**_printer_result(settings), "bytes": sent.bytes, "confirmed": sent.confirmed,
            "result": sent.words}  # fmt: skip


def printer_show(ctx: CounterContext, _actor: None, _args: argparse.Namespace) -> Result:
    return _printer_result(printer_settings(ctx))


def printer_set(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    settings = _settings_with(printer_settings(ctx), args)
    flags = (
        ("cut", "cut"),
        ("drawer", "drawer_kick_on_cash"),
        ("enabled", "enabled"),
        ("check_paper", "check_paper"),
        ("confirm", "confirm_print"),
    )
    for flag, name in flags:
        value = getattr(args, flag)
        if value is not None:
            settings = dataclasses.replace(settings, **{name: value})
    return _printer_result(set_printer_settings(ctx, actor, settings))


def printer_profiles(_ctx: None, _actor: None, _args: argparse.Namespace) -> Result:
    from devices import transports

    return {"profiles": transports.profile_names()}


# -- receipts --------------------------------------------------------------------------------


def receipt_show(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    require(actor, Permission.MEMBER_VIEW)
    width = args.width or printer_settings(ctx).width
    doc = receipt_for_txn(ctx, args.txn_id, reprint=args.reprint)
    columns = 32 if width == 58 else 48
    return {"txn_id": doc.meta.get("txn_id"), "width": width, "lines": render_text(doc, columns)}


def receipt_print(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    from devices.escpos_printer import EscposReceiptPrinter, logo_file
    from devices.print_queue import PrintQueueWorker

    require(actor, Permission.MEMBER_VIEW)
    settings = _settings_with(printer_settings(ctx), args)
    if not args.printer and not settings.configured:
        raise RuleError("printer_not_configured")
    reprint = args.reprint or printing.was_printed(ctx, args.txn_id.strip())
    job = printing.enqueue_receipt(ctx, args.txn_id, reprint, target=args.printer)
    logo = logo_file(receipt_template(ctx).logo_path)

    def printer_for(j: printing.PrintJob) -> Any:
        return EscposReceiptPrinter(settings, logo_path=logo, address=j.target or settings.address)

    worker = PrintQueueWorker(ctx, printer_for=printer_for)
    done = worker.print_job(job.id)
    if done.state not in (printing.DONE, printing.SENT):
        raise RuleError("receipt_not_printed", detail=done.last_error or "", job_id=done.id)
    if done.state == printing.SENT:  # a Windows printer, a file, or confirmation off
        return {**_job(done), "result": worker.printer_detail}
    return _job(done)


def receipt_template_cmd(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    current = receipt_template(ctx)
    changes: dict[str, Any] = {}
    if args.header is not None:
        changes["header_lines"] = tuple(line for line in args.header if line)
    if args.footer is not None:
        changes["footer_lines"] = tuple(line for line in args.footer if line)
    if args.logo is not None:
        changes["logo"] = args.logo
    if args.logo_path is not None:
        changes["logo_path"] = args.logo_path
    if args.counter_name is not None:
        changes["counter_name"] = args.counter_name
    saved: ReceiptTemplate = set_receipt_template(
        ctx, actor, dataclasses.replace(current, **changes)
    )
    return dataclasses.asdict(saved)


# -- print queue -----------------------------------------------------------------------------


def queue_list(ctx: CounterContext, _actor: Actor, args: argparse.Namespace) -> Result:
    jobs = printing.list_jobs(ctx, states=args.state, limit=args.limit)
    return {"jobs": [_job(j) for j in jobs]}


def queue_retry(ctx: CounterContext, _actor: Actor, args: argparse.Namespace) -> Result:
    return _job(printing.retry(ctx, args.job_id))


def queue_run(ctx: CounterContext, _actor: Actor, _args: argparse.Namespace) -> Result:
    from devices.print_queue import PrintQueueWorker

    worker = PrintQueueWorker(ctx)
    recovered = worker.recover()
    tried = worker.run_once()
    pending = printing.list_jobs(ctx, states=[printing.QUEUED, printing.FAILED])
    return {"recovered": recovered, "tried": tried, "waiting": len(pending)}


# -- scanner and display ---------------------------------------------------------------------


def scanner_listen(_ctx: None, _actor: None, args: argparse.Namespace) -> Result:
    from devices.serial_scanner import SerialScanner

    if args.count is not None and args.count < 1:
        raise UsageError("--count must be at least 1")
    scans: list[str] = []
    enough = threading.Event()

    def on_scan(scan: str) -> None:
        scans.append(scan)
        if not args.json:
            print(scan, flush=True)
        if args.count is not None and len(scans) >= args.count:
            enough.set()

    def on_state(state: str, detail: str | None) -> None:
        print(f"[{state}] {detail or ''}".rstrip(), file=sys.stderr, flush=True)

    def on_reject(reason: str) -> None:
        print(f"[rejected] {reason}", file=sys.stderr, flush=True)

    scanner = SerialScanner(
        args.port, on_scan, baudrate=args.baudrate, on_state=on_state, on_reject=on_reject
    )
    deadline = time.monotonic() + args.timeout if args.timeout else None
    scanner.start()
    try:
        while not enough.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                break
            enough.wait(0.1)
    except KeyboardInterrupt:
        pass
    finally:
        scanner.stop()
    return {"port": args.port, "count": len(scans), "scans": scans}


def scanner_ports(_ctx: None, _actor: None, _args: argparse.Namespace) -> Result:
    from devices.serial_scanner import list_serial_ports

    return {
        "ports": [
            {
                "device": p.device,
                "description": p.description,
                "vid_pid": p.vid_pid,
                "serial_number": p.serial_number,
                "manufacturer": p.manufacturer,
            }
            for p in list_serial_ports()
        ]
    }


def display_test(_ctx: None, _actor: None, args: argparse.Namespace) -> Result:
    from devices.pole_display import PoleDisplay

    display = PoleDisplay.open(args.port, baudrate=args.baudrate)
    try:
        display.show(args.line1, args.line2)
    finally:
        display.close()
    return {"port": args.port, "line1": args.line1, "line2": args.line2}


# -- text output -----------------------------------------------------------------------------


def _receipt_lines(data: Result) -> list[str]:
    return list(data["lines"])


def _scan_lines(data: Result) -> list[str]:
    return [f"({data['count']} scans)"]


def _queue_lines(data: Result) -> list[str]:
    lines = []
    for j in data["jobs"]:
        mark = " 重打印" if j["reprint"] else ""
        error = f"  {j['last_error']}" if j["last_error"] else ""
        lines.append(f"{j['job_id']}  {j['state']:<8} {j['kind']}{mark} x{j['attempts']}{error}")
    return lines or ["(no print jobs)"]


def _ports_lines(data: Result) -> list[str]:
    return [
        f"{p['device']}  {p['vid_pid'] or '-':<9}  {p['description']}" for p in data["ports"]
    ] or ["(no serial ports)"]


def _test_page_lines(data: Result) -> list[str]:
    return [data["result"], *_printer_lines({k: v for k, v in data.items() if k != "result"})]


def _printer_lines(data: Result) -> list[str]:
    lines = [f"{k}: {v}" for k, v in data.items()]
    return lines


EXTENSION = Extension(
    add_parsers=add_parsers,
    handlers={
        ("printer", "test"): printer_test,
        ("printer", "show"): printer_show,
        ("printer", "set"): printer_set,
        ("printer", "profiles"): printer_profiles,
        ("receipt", "show"): receipt_show,
        ("receipt", "print"): receipt_print,
        ("receipt", "template"): receipt_template_cmd,
        ("print-queue", "list"): queue_list,
        ("print-queue", "retry"): queue_retry,
        ("print-queue", "run"): queue_run,
        ("scanner", "listen"): scanner_listen,
        ("scanner", "ports"): scanner_ports,
        ("display", "test"): display_test,
    },
    no_actor=frozenset({("printer", "show")}),
    no_store=frozenset(
        {
            ("printer", "test"),
            ("printer", "profiles"),
            ("scanner", "listen"),
            ("scanner", "ports"),
            ("display", "test"),
        }
    ),
    text_renderers={
        ("receipt", "show"): _receipt_lines,
        ("scanner", "listen"): _scan_lines,
        ("print-queue", "list"): _queue_lines,
        ("scanner", "ports"): _ports_lines,
        ("printer", "show"): _printer_lines,
        ("printer", "test"): _test_page_lines,
    },
)
