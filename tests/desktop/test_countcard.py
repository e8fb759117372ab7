"""Count cards (次卡, F11) on a real desktop, at 1024×768 and 1366×768: a card sold to a
member from his stored value, used three times with Enter (once for two items), and its
unused times refunded with a manager's approval; the card's ledger and the member's
balance read from the database."""

from __future__ import annotations

import json

from tests.desktop.conftest import ADMIN, CASHIER, App, cli

PHONE = "13800138000"  # 张三 of the demo store


def _balance(app: App) -> int:
    return app.query("SELECT principal_fen + bonus_fen FROM member WHERE phone = ?", PHONE)[0][0]


def test_a_count_card_sold_used_three_times_and_refunded(app: App) -> None:
    cli(app.data_dir, "item", "add", "WASH", "--name", "精洗", "--price", "35", "--service")
    cli(app.data_dir, "item", "add", "WAX", "--name", "打蜡", "--price", "80", "--service")
    cli(app.data_dir, "countcard", "product", "add", "CAR", "--name", "洗车卡",
        "--item", "WASH=10+1", "--item", "WAX=2", "--price", "300", "--days", "365")  # fmt: skip
    app.sign_in(CASHIER)
    s = app.screen
    s.type(PHONE, enter=True)
    app.settle(1.0)
    start = _balance(app)
    app.open("F11", "次卡", 1.0)  # no card yet: it opens on 售卡
    app.shot("countcard-sell")
    s.key("Return")  # his stored value pays the ¥300: complete, Enter sells
    s.wait_active(app.title, exact=True)
    app.settle(1.0)
    assert start - _balance(app) == 30_000
    (card,) = app.query("SELECT id, status FROM member_count_card")
    assert card[1] == "active"
    for visit in range(3):
        app.open("F11", "次卡", 1.0)  # a card with times left: it opens on 核销
        if visit == 1:  # one 精洗 and one 打蜡 in one visit: Tab past 精洗's 1 to 打蜡
            s.key("Tab")
            s.key("Tab")
            s.type("1")
            app.settle(0.4)
            app.shot("countcard-use")
        s.key("Return")  # one 精洗 (and the 打蜡 typed)
        s.wait_active(app.title, exact=True)
        app.settle(0.8)
    visits = app.query("SELECT COUNT(*) FROM count_card_entry WHERE kind = 'visit'")[0][0]
    assert visits == 3
    used = [json.loads(t) for (t,) in app.query(
        "SELECT times FROM count_card_entry WHERE kind = 'visit' ORDER BY created_at")]  # fmt: skip
    assert used == [{"WASH": [1, 0]}, {"WASH": [1, 0], "WAX": [1, 0]}, {"WASH": [1, 0]}], used
    app.shot("countcard-panel")
    before = _balance(app)
    app.open("F11", "次卡", 1.0)
    s.key("3")  # 退卡
    app.settle(0.6)
    s.key("Tab")
    for _ in range(8):  # on to the manager's staff number, past the card and the method
        focused = app.focused()
        if focused and "店长工号" in focused["hint"]:
            break
        s.key("Tab")
    s.type(ADMIN[0], enter=True)
    s.type(ADMIN[1])
    app.settle(0.5)
    app.shot("countcard-refund")
    s.key("Return")
    s.wait_active(app.title, exact=True)
    app.settle(0.8)
    assert app.query("SELECT status FROM member_count_card") == [("refunded",)]
    # ¥300 for 12 paid times: 4 used at ¥25 each, ¥200 back, in cash by default
    refund = app.query(
        "SELECT d.method, d.amount_fen FROM txn_tender d JOIN txn t ON t.id = d.txn_id "
        "WHERE t.kind = 'countcard_refund'"
    )
    assert refund == [("cash", -20_000)] and _balance(app) == before
    app.alive()


def test_a_count_card_given_to_another_member(app: App) -> None:
    """转让 (4): the receiver's phone typed and found with Enter, a manager's number and PIN."""
    cli(app.data_dir, "item", "add", "CUT", "--name", "剪发", "--price", "50", "--service")
    cli(app.data_dir, "countcard", "product", "add", "HAIR", "--name", "剪发卡",
        "--item", "CUT=10", "--price", "400", "--days", "365", "--transferable")  # fmt: skip
    cli(
        app.data_dir,
        "countcard",
        "sell",
        PHONE,
        "--product",
        "HAIR",
        "--pay",
        "cash",
        staff=CASHIER,
    )
    app.sign_in(CASHIER)
    s = app.screen
    s.type(PHONE, enter=True)
    app.settle(1.0)
    app.open("F11", "次卡", 1.0)
    s.key("4")  # 转让
    app.settle(0.4)
    s.key("Tab")  # past the card, to the receiver
    s.type("13912345678", enter=True)  # 李四 of the demo store, found with Enter
    app.settle(1.0)
    s.type(ADMIN[0], enter=True)  # the focus is on the manager's number by now
    s.type(ADMIN[1])
    app.settle(0.5)
    app.shot("countcard-transfer")
    s.key("Return")
    s.wait_active(app.title, exact=True)
    app.settle(0.8)
    owner = app.query("SELECT m.phone FROM member_count_card c JOIN member m ON m.id = c.member_id")
    assert owner == [("13912345678",)], owner
    assert app.query("SELECT COUNT(*) FROM txn WHERE kind = 'countcard_transfer'") == [(1,)]
    app.alive()
