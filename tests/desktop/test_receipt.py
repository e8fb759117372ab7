"""The receipt beside the member, and Ctrl+R's whole receipt, on a real desktop.

Before: the pane scrolled a 48-column receipt both ways in a 190-pixel box, and nothing
showed it whole.
"""

from __future__ import annotations

from tests.desktop.conftest import ADMIN, App

ZHANG = "13800138000"


def top_up_100(app: App) -> None:
    """Signed in as the admin: 张三 scanned and ¥100 topped up with F2 (a receipt made)."""
    app.sign_in(ADMIN)
    app.screen.scan(ZHANG)
    app.settle(1.0)
    app.open("F2", "储值充值", 0.6)
    app.screen.type("100", enter=True)
    app.back(1.5)


def test_ctrl_r_shows_the_whole_receipt_and_esc_returns_to_the_scan_box(app: App) -> None:
    top_up_100(app)
    s = app.screen
    app.control("整张查看", kind="button")  # the receipt is beside the member
    app.shot("counter-receipt-pane")
    s.key("ctrl+r")
    win = s.wait_active("整张小票")
    app.settle(0.8)
    app.shot("counter-receipt-whole")
    assert win.x >= 0 and win.y >= 0 and win.right <= s.width and win.bottom <= s.height, win
    assert win.width >= s.width * 0.8, f"the whole receipt got {win.width} px of {s.width}"
    s.key("Escape")
    app.back(0.8)
    focused = app.focused()
    assert focused is not None and "刷卡" in focused["hint"], focused


def test_a_printer_that_takes_the_bytes_and_says_nothing_is_not_printed(app: App) -> None:
    """A network printer that accepts the job and closes without answering its status: the
    status bar says it did not confirm, and the job waits to be printed again."""
    import contextlib
    import socket
    import threading

    from tests.desktop.conftest import cli

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def swallow() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    conn.recv(65536)

    threading.Thread(target=swallow, daemon=True).start()
    try:
        cli(app.data_dir, "printer", "set", "--printer", f"tcp:127.0.0.1:{port}")
        top_up_100(app)
        label = app.control("未确认")["text"]
        assert "打印机" in label, label
        app.settle(6.0)  # the status answer it waits for (5 s), then the bar
        app.shot("printer-not-confirmed")
        states = {r[0] for r in app.query("SELECT state FROM print_job")}
        assert "done" not in states, states
    finally:
        server.close()


def test_a_file_printer_is_sent_not_confirmed_and_the_test_page_asks_the_person(
    app: App,
) -> None:
    """A printer that cannot answer (a file, as a Windows queue): after a top-up the status
    bar says the receipt was sent and cannot be confirmed, never 正常; the settings' test
    page asks what the paper shows, and the answer tapped is recorded."""
    import json

    from tests.desktop.conftest import cli

    paper = app.data_dir / "paper.bin"
    cli(app.data_dir, "printer", "set", "--printer", f"file:{paper}")
    top_up_100(app)
    app.settle(1.5)
    label = app.control("已送出")["text"]
    assert label.startswith("打印机:已送出,无法确认"), label
    assert "正常" not in label
    app.shot("printer-sent-unconfirmed")
    assert {r[0] for r in app.query("SELECT state FROM print_job")} == {"sent"}
    s = app.screen
    s.key("ctrl+comma")
    s.wait_active("设置")
    app.settle(1.0)
    s.key("ctrl+Tab")  # the next tab: 打印机
    app.settle(0.8)
    app.tap("打印测试页", kind="button")
    app.settle(1.5)
    assert app.control("无法确认是否打出")
    app.control("打印正常", kind="button")
    app.shot("test-page-asks")
    app.tap("乱码或缺字", kind="button")
    app.settle(1.0)
    assert app.control("已记录:测试页乱码或缺字")
    rows = app.query("SELECT after FROM audit_log WHERE action = 'printer.test_page'")
    assert [json.loads(r[0])["answer"] for r in rows] == ["garbled"]
    s.key("Escape")
