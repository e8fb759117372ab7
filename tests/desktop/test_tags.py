"""Member tags on a real desktop, at 1024×768 and 1366×768 (issue 18): a manual tag and a rule
tag defined from the command line; the member found by phone shows them in the panel; Ctrl+T
opens the member's tags, a number key switches one, Enter saves; the panel shows it at once
and the database holds it."""

from __future__ import annotations

from tests.desktop.conftest import ADMIN, CASHIER, App, cli

PHONE = "13800138000"  # 张三 of the demo store


def test_a_cashier_tags_a_member_with_ctrl_t(app: App) -> None:
    cli(app.data_dir, "tag", "define", "VIP", "--name", "重要客户", "--colour", "gold",
        staff=ADMIN)  # fmt: skip
    cli(app.data_dir, "tag", "define", "CAR", "--name", "有车", "--colour", "blue", staff=ADMIN)
    cli(app.data_dir, "tag", "define", "RICH", "--name", "高价值", "--rule", "spend_12m",
        "--amount", "0.01", staff=ADMIN)  # fmt: skip
    app.sign_in(CASHIER)
    s = app.screen
    s.type(PHONE, enter=True)
    app.settle(1.2)
    assert app.control("标签 (Ctrl+T)")
    assert app.control("高价值", kind="label")  # a rule tag: he has spent this year
    app.shot("tags-panel-before")
    s.key("ctrl+t")
    s.wait_active("会员标签")
    app.settle(0.8)
    assert app.control("张三 的标签", window="会员标签")
    s.key("1")  # 1 = 有车 (the manual tags by code: CAR, VIP)
    app.settle(0.3)
    app.shot("tags-dialog")
    s.key("Return")
    s.wait_active(app.title, exact=True)
    app.settle(1.0)
    assert app.control("有车", kind="label")
    app.shot("tags-panel-after")
    rows = app.query("SELECT tag_code, present FROM member_tag")
    assert rows == [("CAR", 1)], rows
    app.alive()
