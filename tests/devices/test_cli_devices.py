"""The device commands as a user runs them: real processes, a real data directory."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

from app.services.context import open_counter
from app.services.hashing import Hasher
from app.services.receipts import receipt_for_txn
from devices.escpos_printer import RenderOptions, render_document, render_test_page
from tests.integration.test_cli import Cli
from tests.integration.test_cli import cli as cli  # the fixture: store S900, its staff

REPO = Path(__file__).resolve().parents[2]
ADMIN, MANAGER, CASHIER = ("admin", "9512"), ("m01", "5826"), ("c01", "1470")


def _receipt_bytes(cli: Cli, txn_id: str, *, reprint: bool, width: int = 80) -> bytes:
    ctx = open_counter(cli.data_dir, hasher=Hasher.fast())
    try:
        doc = receipt_for_txn(ctx, txn_id, reprint=reprint)
    finally:
        ctx.close()
    return render_document(doc, RenderOptions(width=width), open_drawer=doc.open_drawer)


def test_printer_test_writes_the_test_page(tmp_path: Path) -> None:
    out = tmp_path / "printer.bin"
    c = Cli(tmp_path / "none")
    data = c.ok("printer", "test", "--printer", f"file:{out}", "--encoding", "gbk", "--width", "58")
    assert data["encoding"] == "GBK" and data["columns"] == 32
    assert out.read_bytes() == render_test_page(RenderOptions(encoding="GBK", width=58))
    code, err, _ = c.run("printer", "test", "--printer", "lpt1")
    assert code == 3 and err["code"] == "printer_address_invalid"
    code, err, _ = c.run("printer", "test", "--printer", f"file:{out}", "--encoding", "latin-1")
    assert code == 3 and err["code"] == "encoding_invalid"
    assert not (tmp_path / "none").exists() or not any((tmp_path / "none").iterdir())


def test_receipt_print_reprint_configured_printer_and_queue(cli: Cli, tmp_path: Path) -> None:
    m = cli.ok("member", "register", "--name", "张三", "--phone", "13800138000", "--consent",
               staff=CASHIER)  # fmt: skip
    topup = cli.ok("topup", m["card_no"], "--amount", "500", "--method", "cash", staff=CASHIER)
    txn = topup["txn_id"]
    paper = tmp_path / "receipt.bin"

    job = cli.ok("receipt", "print", txn, "--printer", f"file:{paper}", staff=CASHIER)
    # A file cannot answer: sent, never called confirmed, and the result says why.
    assert job["state"] == "sent" and job["confirmed"] is False and job["reprint"] is False
    assert job["result"] == (
        f"已送出,无法确认:file:{paper} 不能回答打印机状态(Windows 打印机或文件),请看是否打出"
    )
    assert paper.read_bytes() == _receipt_bytes(cli, txn, reprint=False)
    assert b"\x1bp\x00" in paper.read_bytes()  # cash: the drawer opens

    again = cli.ok("receipt", "print", txn, "--printer", f"file:{paper}", staff=CASHIER)
    assert again["reprint"] is True  # printed before: a reprint, marked 重打印
    assert paper.read_bytes() == _receipt_bytes(cli, txn, reprint=True)
    assert "重打印".encode("gb18030") in paper.read_bytes()
    assert b"\x1bp\x00" not in paper.read_bytes()

    # No printer set up and none named: refused, nothing queued.
    code, err, _ = cli.run("receipt", "print", txn, staff=CASHIER)
    assert code == 3 and err["code"] == "printer_not_configured"

    # Only a manager configures the counter's printer; then it is used by default.
    configured = tmp_path / "configured.bin"
    code, err, _ = cli.run("printer", "set", "--printer", f"file:{configured}", staff=CASHIER)
    assert code == 3 and err["code"] == "permission_denied"
    s = cli.ok("printer", "set", "--printer", f"file:{configured}", "--width", "58",
               "--no-drawer", staff=MANAGER)  # fmt: skip
    assert s["enabled"] is True and s["width"] == 58 and s["drawer_kick_on_cash"] is False
    assert s["confirm_print"] is True  # a job is done when the printer confirmed it
    off = cli.ok("printer", "set", "--no-confirm", staff=MANAGER)  # a model that cannot answer
    assert off["confirm_print"] is False and cli.ok("printer", "show")["confirm_print"] is False
    assert cli.ok("printer", "show")["address"] == f"file:{configured}"
    cli.ok("receipt", "print", txn, staff=CASHIER)
    printed = configured.read_bytes()
    assert "重打印".encode("gb18030") in printed and b"\x1bp\x00" not in printed

    preview = cli.ok("receipt", "show", txn, staff=CASHIER)
    assert preview["width"] == 58 and any("138****8000" in line for line in preview["lines"])

    # A printer that is off: the command fails, the job waits in the queue with its error.
    code, err, _ = cli.run("receipt", "print", txn, "--printer", "tcp:127.0.0.1:9", staff=CASHIER)
    assert code == 3 and err["code"] == "receipt_not_printed" and "127.0.0.1:9" in err["error"]
    assert "Error" not in err["error"]  # a sentence, no exception class
    jobs = cli.ok("print-queue", "list", staff=CASHIER)["jobs"]
    assert [j["state"] for j in jobs] == ["queued", "sent", "sent", "sent"]  # files cannot confirm
    assert jobs[0]["last_error"] and jobs[0]["attempts"] == 1
    retried = cli.ok("print-queue", "retry", jobs[0]["job_id"], staff=CASHIER)
    assert retried["state"] == "queued" and retried["attempts"] == 0
    code, err, _ = cli.run("print-queue", "retry", jobs[1]["job_id"], staff=CASHIER)
    assert code == 3 and err["code"] == "print_job_sent"  # to a file: sent, not confirmed
    run = cli.ok("print-queue", "run", staff=CASHIER)  # the printer at :9 is still off
    assert run == {"recovered": 0, "tried": 1, "waiting": 1}

    template = cli.ok("receipt", "template", "--header", "欢迎光临", "--footer", "谢谢",
                      "--counter-name", "2号台", staff=MANAGER)  # fmt: skip
    assert template["header_lines"] == ["欢迎光临"] and template["counter_name"] == "2号台"
    lines = cli.ok("receipt", "show", txn, "--width", "80", staff=CASHIER)["lines"]
    assert any("欢迎光临" in line for line in lines) and any("2号台" in line for line in lines)


def _read_line(stream: object, timeout: float) -> str:
    fd = stream.fileno()  # type: ignore[attr-defined]
    ready, _, _ = select.select([fd], [], [], timeout)
    assert ready, "no output from the scanner command"
    return stream.readline()  # type: ignore[attr-defined]


def test_scanner_listen_prints_each_scan(tmp_path: Path) -> None:
    master, slave = os.openpty()
    port = os.ttyname(slave)
    os.close(slave)
    cmd = [sys.executable, "-m", "launcher", "--data-dir", str(tmp_path / "d"),
           "scanner", "listen", "--port", port, "--count", "2", "--timeout", "20"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    try:
        assert _read_line(proc.stderr, 20).strip() == "[connected]"
        os.write(master, b"886000000010\r\n")
        assert _read_line(proc.stdout, 10).strip() == "886000000010"
        os.write(master, b"\xff\xfe\r")  # garbage: rejected, not a scan
        os.write(master, b"MC1.S.886000000010.ABCDEFGH\r")
        assert _read_line(proc.stdout, 10).strip() == "MC1.S.886000000010.ABCDEFGH"
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert proc.returncode == 0
    assert out.strip() == "(2 scans)"
    assert "[rejected] garbage" in err


def test_scanner_listen_json_and_ports(tmp_path: Path) -> None:
    c = Cli(tmp_path / "d")
    start = time.monotonic()
    data = c.ok("scanner", "listen", "--port", "loop://", "--timeout", "0.3")
    assert data == {"port": "loop://", "count": 0, "scans": []}
    assert time.monotonic() - start < 30
    assert isinstance(c.ok("scanner", "ports")["ports"], list)
    assert "TM-T88V" in c.ok("printer", "profiles")["profiles"]


def test_display_test_writes_the_two_lines(tmp_path: Path) -> None:
    master, slave = os.openpty()
    port = os.ttyname(slave)
    try:
        data = Cli(tmp_path / "d").ok("display", "test", "--port", port, "--line1", "TOTAL",
                                      "--line2", "CNY 12.50")  # fmt: skip
        assert data["line1"] == "TOTAL"
        received = b""
        while select.select([master], [], [], 0.5)[0]:
            received += os.read(master, 4096)
        assert received.endswith(
            b"\x0bTOTAL" + b" " * 15 + b"\x1f\x24\x01\x02CNY 12.50" + b" " * 11
        )
    finally:
        os.close(master)
        os.close(slave)
