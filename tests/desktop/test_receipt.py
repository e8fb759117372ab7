"""The receipt beside the member, and Ctrl+R's whole receipt, on a real desktop.

Before: the pane scrolled a 48-column receipt both ways in a 190-pixel box, and nothing
showed it whole.
"""

from __future__ import annotations

from tests.desktop.conftest import ADMIN, App

ZHANG = "13800138000"


def test_ctrl_r_shows_the_whole_receipt_and_esc_returns_to_the_scan_box(app: App) -> None:
    app.sign_in(ADMIN)
    s = app.screen
    s.scan(ZHANG)
    app.settle(1.0)
    app.open("F2", "储值充值", 0.6)
    s.type("100", enter=True)
    app.back(1.5)
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
