"""Service tickets and marketing consent on a real desktop, at 1024×768 and 1366×768 (issue
18): the cashier finds 张三 by phone; Ctrl+K opens his tickets and a complaint is opened with
Enter field by field, its subject typed through the pinyin IME; Ctrl+M reads the consent
wording, Enter records it; the panel shows both at once and the database holds them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.desktop.conftest import CASHIER, App, cli

PHONE = "13800138000"  # 张三 of the demo store


def test_a_cashier_opens_a_ticket_and_records_consent(app: App) -> None:
    app.sign_in(CASHIER)
    s = app.screen
    s.type(PHONE, enter=True)
    app.settle(1.2)
    assert app.control("工单 (Ctrl+K)")
    assert app.control("营销同意 (Ctrl+M)")
    app.shot("member-panel-tickets-consent")
    s.key("ctrl+k")
    s.wait_active("服务工单")
    app.settle(0.8)
    assert app.control("该会员还没有工单", window="服务工单", kind="label")
    s.key("Down")  # 咨询 → 投诉
    s.key("Return")  # → priority
    s.key("Return")  # → subject
    app.settle(0.4)
    s.type("tuikuan")  # 退款 through the IME
    s.key("space")
    app.settle(0.3)
    s.key("Return")  # → the details (may stay empty)
    app.shot("ticket-dialog")
    s.key("Return")  # the last field: the ticket is opened
    s.wait_active(app.title, exact=True)
    app.settle(1.0)
    rows = app.query("SELECT kind, priority, subject, status FROM ticket")
    assert rows == [("complaint", "normal", "退款", "new")], rows
    assert app.control("工单 1 未结 (Ctrl+K)")
    s.key("ctrl+m")
    s.wait_active("营销同意")
    app.settle(0.8)
    s.key("1")  # 短信
    app.settle(0.3)
    app.shot("consent-dialog")
    s.key("Return")
    s.wait_active(app.title, exact=True)
    app.settle(1.0)
    rows = app.query("SELECT purpose, channel, granted, source FROM consent_entry")
    assert rows == [("marketing", "sms", 1, "counter")], rows
    # Dated in the store's time zone (Shanghai), not in UTC's.
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert app.control(f"营销短信: 已同意 {today:%Y-%m-%d}", kind="label")
    app.shot("member-panel-after")
    # The members judged (as the day close does): the panel shows 张三's stage and scores.
    cli(app.data_dir, "lifecycle", "recompute")
    s.key("Escape")
    app.settle(0.6)
    s.type(PHONE, enter=True)
    app.settle(1.2)
    label = app.control("阶段: ", kind="label")
    assert "· RFM " in label["text"] and f"(自 {today:%Y-%m-%d})" in label["text"], label
    app.shot("member-panel-stage")
    app.alive()
