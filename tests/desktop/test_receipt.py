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
