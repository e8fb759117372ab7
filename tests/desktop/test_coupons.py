"""Coupons on a real desktop, at 1024×768 and 1366×768: the member's wallet in the panel, the
cart's F9 list ticked with Space, a second coupon's code typed into the cart's scan box, the
sale paid from stored value with Enter; the redemptions read from the database."""

from __future__ import annotations

import json
from pathlib import Path

from tests.desktop.conftest import ADMIN, CASHIER, App, cli, goods_barcodes, goods_catalogue

PHONE = "13800138000"  # 张三 of the demo store


def _issue(app: App, name: str, *terms: str) -> str:
    added = json.loads(cli(app.data_dir, "--json", "coupon", "template", "add", "--name", name,
                           *terms, "--days", "30", "--stackable", staff=ADMIN))  # fmt: skip
    tid = added["templates"][0]["template_id"]
    issued = json.loads(cli(app.data_dir, "--json", "coupon", "issue", "--member", PHONE,
                            "--template", tid, staff=CASHIER))  # fmt: skip
    return str(issued["coupons"][0]["code"])


def test_coupons_from_the_wallet_and_a_typed_code_at_the_till(app: App, tmp_path: Path) -> None:
    goods_catalogue(app.data_dir, tmp_path)  # G00 可口可乐 3.50, G01 雪碧 3.00, ...
    cola = _issue(app, "可乐兑换券", "--kind", "exchange", "--item", "G00")
    five = _issue(app, "满5减1", "--kind", "threshold", "--threshold", "5", "--amount", "1")
    app.sign_in(CASHIER)
    s = app.screen
    s.type(PHONE, enter=True)
    app.settle(1.2)
    assert app.control("优惠券 2 张可用", kind="label")
    app.shot("coupons-wallet")
    app.open("F3", "购物车", 1.0)
    barcodes = goods_barcodes()
    for code in (barcodes[0], barcodes[0], barcodes[1]):  # 2 × 可口可乐, 1 × 雪碧: ¥10.00
        s.scan(code)
        app.settle(0.3)
    app.open("F9", "优惠券", 1.2)
    app.shot("coupons-pick")
    # the wallet's first (soonest to expire, then by code) ticked with Space; the other typed
    _ticked, typed = sorted((cola, five))
    assert app.control("张三 的券包", window="优惠券")
    s.key("space")
    app.settle(0.3)
    s.key("Return")  # an empty code box: take the ticked
    s.wait_active("购物车")
    app.settle(0.8)
    s.type(typed, enter=True)  # a code typed (or scanned) into the cart's box
    app.settle(1.2)
    assert app.control("F9  优惠券(2)", window="购物车")
    # one 可口可乐 (3.50) off; then 1.00 off the 6.50 left: 5.50 to pay
    assert app.control("¥5.50", window="购物车")
    app.shot("coupons-cart")
    s.key("F3")
    s.wait_active("收款")
    app.settle(0.8)
    s.key("Return")  # his stored value pays it all
    s.wait_active(app.title, exact=True)
    app.settle(0.8)
    redeemed = app.query(
        "SELECT c.code, e.discount_fen FROM coupon_entry e JOIN coupon c ON c.id = e.coupon_id "
        "WHERE e.kind = 'redeemed' ORDER BY c.code"
    )
    shown = [(f"{c[:4]}-{c[4:8]}-{c[8:]}", fen) for c, fen in redeemed]
    assert sorted(shown) == sorted([(cola, 350), (five, 100)]), redeemed
    due = app.query("SELECT DISTINCT t.due_fen FROM txn t JOIN coupon_entry e ON e.txn_id = t.id "
                    "WHERE e.kind = 'redeemed'")  # fmt: skip
    assert due == [(550,)]
    app.alive()
