"""Scans with ibus-libpinyin active: every code arrives exactly, in every state of 中文输入.

Before the fix a static member QR scanned at 4 ms a key arrived as ``MCSYIBMRAWLUAWUDU``
(the IME took the digits and dots) and a card number as ``898199968088`` (keys re-sent out
of order by the IME); the cashier was told 没有找到会员. Each scan here is followed by a
¥1 top-up through F2, so the database says which member the scan found.
"""

from __future__ import annotations

from tests.desktop.conftest import App, cli, member_qr

ZHANG = ("13800138000", "张三")
LI = ("13912345678", "李四")


def topups(app: App, phone: str) -> int:
    return app.query(
        "SELECT count(*) FROM txn JOIN member ON member.id = txn.member_id "
        "WHERE txn.kind = 'topup' AND member.phone = ?",
        phone,
    )[0][0]


def card_no(app: App, phone: str) -> str:
    return app.query(
        "SELECT card.card_no FROM member JOIN card ON card.id = member.card_id "
        "WHERE member.phone = ?",
        phone,
    )[0][0]


def top_up_one_yuan(app: App) -> None:
    s = app.screen
    app.open("F2", "储值充值", 0.5)
    s.type("1", enter=True)
    app.back(0.8)


def test_scans_arrive_exactly_with_the_pinyin_ime(app: App) -> None:
    app.sign_in()
    codes = [
        ("card digits", ZHANG[0], card_no(app, ZHANG[0])),
        ("static member QR", ZHANG[0], member_qr(app.data_dir, ZHANG[0])),
        ("dynamic member QR", LI[0], member_qr(app.data_dir, LI[0], dynamic=True)),
        ("full phone", LI[0], LI[0]),
    ]
    for what, phone, code in codes:
        before = topups(app, phone)
        app.screen.scan(code)
        app.settle(0.8)
        top_up_one_yuan(app)
        assert topups(app, phone) == before + 1, f"the {what} scan {code!r} did not find the member"
        app.screen.key("Escape")
        app.settle(0.3)


def test_chinese_input_is_on_for_one_search_only(app: App) -> None:
    """中文输入 (Ctrl+Space): pinyin typed at a person's speed (wangxiaoming, Space: 王晓明,
    libpinyin's first phrase) finds that member; the box is back to IME-off after the
    search, so the next scan (a QR code) arrives exactly."""
    wang = ("13700001111", "王晓明")
    cli(app.data_dir, "member", "register", "--name", wang[1], "--phone", wang[0], "--consent")
    app.sign_in()
    s = app.screen
    s.key("ctrl+space")
    app.settle(0.4)
    s.type("wangxiaoming")
    app.settle(0.5)
    app.shot("ime-on-preedit")
    s.key("space")  # the first candidate
    app.settle(0.4)
    s.key("Return")
    app.settle(1.0)
    app.shot("ime-on-found")
    top_up_one_yuan(app)
    assert topups(app, wang[0]) == 1, "pinyin typed with the IME did not find 王晓明"
    s.key("Escape")
    app.settle(0.3)
    before = topups(app, LI[0])
    s.scan(member_qr(app.data_dir, LI[0]))
    app.settle(0.8)
    top_up_one_yuan(app)
    assert topups(app, LI[0]) == before + 1, "the IME stayed on after the search"
