"""An office role at the real counter window, 1024×768 and 1366×768 (issue 18, point 9): a
客服 an admin added signs in with real keys, finds 张三 by phone and sees him; the money keys
are greyed and pressing F2, F3 and F1 opens nothing and writes nothing; Ctrl+K opens his
service tickets, which is the 客服's work."""

from __future__ import annotations

from tests.desktop.conftest import App, cli

PHONE = "13800138000"  # 张三 of the demo store
SERVICE = ("k01", "4692")


def test_a_service_staff_at_the_counter_has_no_money_keys(app: App) -> None:
    cli(app.data_dir, "staff", "add", "--no", SERVICE[0], "--name", "客服小周", "--role",
        "service", "--pin", SERVICE[1])  # fmt: skip
    app.sign_in(SERVICE)
    s = app.screen
    assert app.control("客服:客服小周(k01)", kind="label")
    s.type(PHONE, enter=True)
    app.settle(1.2)
    assert app.control("张三", kind="label")
    shown = [c["text"] for w in app.windows() for c in w["controls"] if c["kind"] == "label"]
    assert not [t for t in shown if "无权" in t], shown  # finding a member is the 客服's work
    for key in ("F2", "F3", "F4", "F7", "F1"):
        assert not app.control(key, kind="button")["enabled"], key
    before = app.query("SELECT count(*) FROM txn")
    for key in ("F2", "F3", "F1"):
        s.key(key)
        app.settle(0.4)
        app.main_window()  # still the counter: no dialog opened
    assert app.query("SELECT count(*) FROM txn") == before
    app.shot("office-role-service")
    s.key("ctrl+k")
    s.wait_active("服务工单")
    app.settle(0.6)
    s.key("Escape")
    app.back()
    app.alive()
