"""The keyboard grammar and touch with real keys and clicks (README: one grammar).

Defects of the issue each test would have caught: in refund approval Enter after the
manager's number stayed there and the PIN went into 工号 ("10011111", in plain text); in
the payment-password dialog the confirmation went into the first field; in checkout the
member's password went into the amount; F1's consent was seven Tabs away; on the sign-in
keypad, tapping 密码 and then the digits still typed into 工号 ("20012468").
"""

from __future__ import annotations

from tests.desktop.conftest import CASHIER, MANAGER, TITLE, App

ZHANG = "13800138000"
PASSWORD_ECHO = 2  # QLineEdit.EchoMode.Password


def txns(app: App, kind: str, phone: str = ZHANG) -> int:
    return app.query(
        "SELECT count(*) FROM txn JOIN member ON member.id = txn.member_id "
        "WHERE txn.kind = ? AND member.phone = ?",
        kind,
        phone,
    )[0][0]


def open_member(app: App, phone: str = ZHANG) -> None:
    app.screen.scan(phone)
    app.settle(1.0)


def test_sign_in_by_touch_types_into_the_field_tapped(app: App) -> None:
    app.tap("工号", kind="field")
    for digit in CASHIER[0]:
        app.tap(digit, kind="button", window=TITLE)
    app.tap("4–8 位数字", kind="field")  # the PIN field
    for digit in CASHIER[1]:
        app.tap(digit, kind="button", window=TITLE)
    app.shot("sign-in-touch")
    app.tap("登录", kind="button")
    app.settle(1.0)
    app.control("收银员:李收银", kind="label")  # the counter screen, signed in


def test_refund_approval_enter_goes_to_the_pin(app: App) -> None:
    app.sign_in()
    open_member(app)
    before = txns(app, "refund")
    s = app.screen
    app.open("F7", "退款", 0.5)
    s.type(MANAGER[0], enter=True)
    focused = app.focused()
    assert focused is not None and focused["echo"] == PASSWORD_ECHO, focused
    assert app.control("店长工号", kind="field")["text"] == f"={MANAGER[0]}"
    s.type(MANAGER[1], enter=True)
    app.back(0.8)
    assert txns(app, "refund") == before + 1


def test_payment_password_then_checkout_with_it(app: App) -> None:
    app.sign_in()
    open_member(app)
    s = app.screen
    app.open("F8", "会员支付密码", 0.5)
    s.type("246810", enter=True)  # Enter moves on to the confirmation
    s.type("246810", enter=True)  # and commits from there
    app.back(0.8)
    (row,) = app.query("SELECT pay_password_hash FROM member WHERE phone = ?", ZHANG)
    assert row[0], "the payment password was not saved"
    before = txns(app, "checkout")
    app.open("F3", "收银结账", 0.8)
    s.type("10", enter=True)  # the amount; stored value pays, so the password comes next
    app.settle(0.3)
    focused = app.focused()
    assert focused is not None and focused["echo"] == PASSWORD_ECHO, focused
    s.type("246810", enter=True)
    app.back(0.8)
    assert txns(app, "checkout") == before + 1


def test_register_phone_name_consent_with_enter_and_space(app: App) -> None:
    app.sign_in()
    s = app.screen
    app.open("F1", "登记会员", 0.5)
    s.type("13600001234", enter=True)
    s.type("wangxiaoming")  # the name through the pinyin IME
    s.key("space")
    app.settle(0.3)
    s.key("Return")  # the consent is next: one key away
    app.settle(0.3)
    focused = app.focused()
    assert focused is not None and focused["kind"] == "checkbox", focused
    w, h = focused["rect"][2:]
    assert h >= 44, f"the consent is a {w}×{h} target"
    s.key("space")
    app.settle(0.3)
    app.shot("register-consent")
    s.key("Return")
    app.back(0.8)
    assert app.query("SELECT name FROM member WHERE phone = '13600001234'") == [("王晓明",)]


def test_a_recount_pin_never_lands_in_the_staff_number(app: App) -> None:
    """A staff-number field takes no more characters than the store's longest number."""
    app.sign_in()
    open_member(app)
    s = app.screen
    app.open("F7", "退款", 0.5)
    s.type(MANAGER[0] + MANAGER[1])  # no Enter between: the PIN typed on in the wrong box
    app.settle(0.6)
    assert app.control("店长工号", kind="field")["text"] == "=10011", "more than a staff number"
    s.key("Escape")
