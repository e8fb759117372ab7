"""The cart on a real desktop, at 1024×768 and 1366×768: twelve goods scanned at a scanner's
speed (keyboard wedge) into twelve lines, a quantity typed with ``*`` and one added with
``+``, the cart held (F6), the app closed and started again, the cart recalled from the list
(F7) by another sign-in, a member's card scanned into it, and the sale paid from his stored
value, two of its lines refunded in part; then a walk-in's cart of two goods paid in cash
with change. Outcomes are read from the database."""

from __future__ import annotations

from pathlib import Path

from tests.desktop.conftest import (
    ADMIN,
    CASHIER,
    GOODS,
    App,
    goods_barcodes,
    goods_catalogue,
    start_app,
)
from tests.desktop.xsession import XSession

PHONE = "13800138000"  # 张三 of the demo store


def _lines(app: App) -> list[tuple[str, int]]:
    return app.query(
        "SELECT l.item_code, l.quantity FROM txn_line l JOIN txn t ON t.id = l.txn_id "
        "ORDER BY t.created_at, l.line_no"
    )


def _box_of(app: App, label: str) -> None:
    """Touch the field to the right of a form row's label in the refund dialog."""
    x, y, w, h = app.control(label, window="退货", kind="label")["rect"]
    app.screen.click(x + w + 40, y + h // 2)
    app.settle(0.3)


def test_twelve_scanned_lines_held_over_a_restart_recalled_and_paid(
    app: App, screen: XSession, tmp_path: Path, shots_dir: Path
) -> None:
    goods_catalogue(app.data_dir, tmp_path)
    card = app.query(
        "SELECT c.card_no FROM card c JOIN member m ON m.id = c.member_id WHERE m.phone = ?",
        PHONE,
    )[0][0]
    app.sign_in(CASHIER)
    s = app.screen
    app.settle(0.8)  # the counter has read that the store sells goods
    app.open("F3", "购物车", 1.0)
    for code in goods_barcodes():
        s.scan(code)
        app.settle(0.25)
    assert app.control("F3  收款", window="购物车")
    s.type("3")
    s.key("asterisk")  # the last line (咖啡) × 3
    app.settle(0.4)
    s.key("plus")  # × 4
    app.settle(0.6)
    app.shot("cart-twelve-lines")
    total = sum(round(float(p) * 100) for _, p in GOODS) + 3 * 1200
    assert app.control(f"¥{total / 100:.2f}", window="购物车")
    s.key("F6")  # 挂单
    app.settle(1.0)
    assert app.query("SELECT state, line_count FROM held_cart") == [("held", 12)]
    assert app.control("已挂单", window="购物车")
    s.key("Escape")  # an empty cart closes without a question
    s.wait_active(app.title, exact=True)

    app.stop()  # the counter is closed with a held cart; it is there after the start
    screen.gone(app.title, timeout=20)
    again = start_app(screen, app.data_dir, shots_dir)
    try:
        again.sign_in(ADMIN)  # another cashier recalls it
        again.settle(0.8)
        again.open("F3", "购物车", 1.0)
        s.key("F7")
        s.wait_active("取单")
        again.settle(0.8)
        again.shot("held-list")
        assert again.control("取单 (Enter)", window="取单")  # 第 1 号 chosen (the shot)
        s.key("Return")
        s.wait_active("购物车")
        again.settle(1.0)
        assert again.control("已取单", window="购物车")
        s.scan(card)  # 张三's card: the cart becomes his, at his tier's prices
        again.settle(1.0)
        assert again.control("张三", window="购物车")
        again.shot("cart-recalled-member")
        s.key("F3")  # 收款
        s.wait_active("收款")
        again.settle(0.8)
        again.shot("cart-pay")  # his stored value pays it all: complete, Enter takes it
        s.key("Return")
        s.wait_active(again.title, exact=True)
        again.settle(0.8)
        assert again.query("SELECT state FROM held_cart") == [("sold",)]
        lines = _lines(again)
        assert len(lines) == 12 and lines[-1] == ("G11", 4)
        (member,) = again.query(
            "SELECT m.phone FROM txn t JOIN member m ON m.id = t.member_id "
            "WHERE t.kind = 'checkout' ORDER BY t.created_at DESC LIMIT 1"
        )
        assert member == (PHONE,)
        (paid,) = again.query(
            "SELECT d.method FROM txn_tender d JOIN txn t ON t.id = d.txn_id "
            "WHERE t.kind = 'checkout' ORDER BY t.created_at DESC LIMIT 1"
        )
        assert paid == ("stored_value",)
        again.shot("cart-sold")

        # Two of its lines refunded in part (F7): one 可口可乐 of one, one 咖啡 of four.
        sale_id = again.query(
            "SELECT id FROM txn WHERE kind = 'checkout' ORDER BY created_at DESC LIMIT 1"
        )[0][0]
        before = again.query("SELECT principal_fen + bonus_fen FROM member WHERE phone = ?",
                             PHONE)[0][0]  # fmt: skip
        s.key("F7")
        s.wait_active("退货")
        again.settle(0.8)
        _box_of(again, "1. 可口可乐")  # a finger on each line's box (both in view)
        s.key("Up")  # 可口可乐: 1
        _box_of(again, "12. 咖啡")
        s.key("Up")  # 咖啡: 1 of 4
        assert again.control("退 2 件", window="退货")
        s.key("Return")  # the reason: 质量问题, the first of the store's list
        again.settle(0.2)
        s.key("Return")
        again.settle(0.2)
        s.type(ADMIN[0], enter=True)  # the manager's approval
        s.type(ADMIN[1])
        again.settle(0.5)
        again.shot("line-refund")
        s.key("Return")
        s.wait_active(again.title, exact=True)
        again.settle(0.8)
        refunded = again.query(
            "SELECT line_no, quantity FROM txn_refund_line WHERE original_txn_id = ? "
            "ORDER BY line_no",
            sale_id,
        )
        assert refunded == [(0, 1), (11, 1)]
        after = again.query("SELECT principal_fen + bonus_fen FROM member WHERE phone = ?",
                            PHONE)[0][0]  # fmt: skip
        assert after - before == 350 + 1200  # back to his stored value, to the fen

        # A walk-in's cart: two goods typed by their codes, ¥10 handed over for ¥6.50.
        s.key("Escape")  # 张三 off the screen
        again.settle(0.5)
        again.open("F3", "购物车", 1.0)
        s.type("G00", enter=True)
        again.settle(0.5)
        s.type("G01", enter=True)
        again.settle(0.6)
        assert again.control("散客", window="购物车")
        s.key("F3")
        s.wait_active("收款")
        again.settle(0.8)
        s.type("10")  # the focus is on the cash handed over
        again.settle(0.5)
        assert again.control("找零 ¥3.50", window="收款")
        again.shot("cart-walk-in-pay")
        s.key("Return")
        s.wait_active(again.title, exact=True)
        again.settle(0.8)
        (walk_in,) = again.query(
            "SELECT t.member_id, t.due_fen, d.method, d.change_fen FROM txn t JOIN txn_tender d "
            "ON d.txn_id = t.id WHERE t.kind = 'checkout' ORDER BY t.created_at DESC LIMIT 1"
        )
        assert walk_in == (None, 650, "cash", 350)
        again.alive()
    finally:
        again.stop()
