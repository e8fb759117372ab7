"""Coupons at the till through real widgets (issue 17): the member panel shows the wallet;
in the cart F9 ticks coupons from it or takes a typed code, a coupon's code scanned into the
cart is taken too, "why this price" names each coupon, and the sale redeems exactly those."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.domain.coupons import EXCHANGE, SCOPE_ITEMS, VOUCHER, Terms, Validity
from app.services import coupons
from app.services.stored_value import top_up
from tests.helpers import query
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in
from tests.ui.test_cart import _goods, nested
from ui.dialogs.cart import CartDialog
from ui.dialogs.cart_coupons import CouponPickDialog
from ui.dialogs.cart_pay import CartPayDialog


def add(qtbot, cart: CartDialog, code: str) -> None:
    """Scan an item into a member's cart and wait for it (``scan`` stops at the member)."""
    before = sum(e.quantity for e in cart.entries)
    qtbot.keyClicks(cart.scan_box, code)
    qtbot.keyClick(cart.scan_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: sum(e.quantity for e in cart.entries) == before + 1, timeout=5000)


def _issue(ctx, manager, cashier, member_id: str, name: str, terms: Terms) -> coupons.CouponView:
    t = coupons.add_template(ctx, manager, name=name, terms=terms, validity=Validity(days=30))
    return coupons.issue(ctx, cashier, member_id, t.template_id)


def test_coupons_from_the_wallet_and_by_code_priced_and_redeemed(
    qtbot, window, ctx, manager, cashier, register
) -> None:
    _goods(ctx, manager)  # 可口可乐 3.50, 雪碧 3.00, 矿泉水 2.00
    member = register(name="王芳", phone="13912345678")
    top_up(ctx, cashier, member.member_id, 10_000, "cash")
    cola = _issue(ctx, manager, cashier, member.member_id, "可乐兑换券",
                  Terms(EXCHANGE, scope=SCOPE_ITEMS, items=frozenset({"1001"}),
                        stackable=True))  # fmt: skip
    one = _issue(ctx, manager, cashier, member.member_id, "一元券",
                 Terms(VOUCHER, amount_fen=100, stackable=True))  # fmt: skip
    spare = _issue(ctx, manager, cashier, member.member_id, "备用券",
                   Terms(VOUCHER, amount_fen=50, stackable=True))  # fmt: skip
    used = _issue(ctx, manager, cashier, member.member_id, "已作废",
                  Terms(VOUCHER, amount_fen=50, stackable=True))  # fmt: skip
    coupons.void(ctx, manager, used.code, "测试")
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    qtbot.keyClicks(counter.scan_box, "13912345678")
    qtbot.keyClick(counter.scan_box, Qt.Key.Key_Return)
    qtbot.waitUntil(counter.panel.coupons.isVisible, timeout=5000)
    idle(qtbot, window)
    assert "优惠券 3 张可用" in counter.panel.coupons.text()  # the voided one is not offered
    assert "可乐兑换券" in counter.panel.coupons.text()
    save_screenshot(window, "75-member-wallet")

    def sell(cart: QDialog) -> None:
        assert isinstance(cart, CartDialog)
        qtbot.waitUntil(lambda: cart.rules is not None, timeout=5000)
        assert cart.member is not None
        add(qtbot, cart, "1001")
        add(qtbot, cart, "1001")  # 2 × 3.50
        add(qtbot, cart, "1002")  # 3.00

        def pick(d: CouponPickDialog) -> None:
            qtbot.waitUntil(lambda: d.list.count() == 3, timeout=5000)
            assert d.list.height() >= 44 * 5 and d.code.height() >= 44
            assert d.ok.height() >= 44 and d.cancel.height() >= 44
            assert all(d.list.visualItemRect(d.list.item(i)).height() >= 44 for i in range(3))
            texts = [d.list.item(i).text() for i in range(3)]
            assert any("可乐兑换券" in t and "兑换 1001 一件" in t for t in texts)
            row = next(i for i, t in enumerate(texts) if "可乐兑换券" in t)
            d.list.setCurrentRow(row)
            qtbot.keyClick(d.code, Qt.Key.Key_Space)  # ticked from the keyboard
            qtbot.keyClicks(d.code, "0000-0000-0000")  # a code that is none
            qtbot.keyClick(d.code, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: d.message.property("role") == "error", timeout=5000)
            assert "没有找到券" in d.message.text()
            qtbot.keyClicks(d.code, one.code.lower())  # typed: the one-yuan coupon
            qtbot.keyClick(d.code, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: len(d.ticked()) == 2, timeout=5000)
            save_screenshot(d, "76-cart-coupons")
            qtbot.keyClick(d.code, Qt.Key.Key_Return)  # empty box: take the ticked

        nested(qtbot, CouponPickDialog, lambda: qtbot.keyClick(cart.scan_box, Qt.Key.Key_F9),
               pick)  # fmt: skip
        assert {c.coupon_id for c in cart.coupons} == {cola.coupon_id, one.coupon_id}
        # 7.00 + 3.00; one cola (3.50) off its line; then 1.00 over 350:300 → 54, 46
        assert cart.due.text() == "¥5.50"
        assert cart.figures["coupon"].text().startswith("−¥4.50")
        cart.table.selectRow(0)
        why = cart.why.text()
        assert cola.shown_code in why and one.shown_code in why and "商品券" in why
        qtbot.keyClicks(cart.scan_box, spare.shown_code)  # a coupon's code scanned in the cart
        qtbot.keyClick(cart.scan_box, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(cart.coupons) == 3, timeout=5000)
        assert cart.due.text() == "¥5.00"
        assert cart.buttons["coupons"].text() == "F9  优惠券(3)"
        assert cart.pay_button.height() >= 44
        save_screenshot(cart, "77-cart-with-coupons")

        def pay(d: CartPayDialog) -> None:
            qtbot.waitUntil(lambda: d.info is not None, timeout=3000)
            assert d.payment.stored.fen() == 500
            d.confirm()
            qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

        nested(qtbot, CartPayDialog, lambda: qtbot.keyClick(cart.scan_box, Qt.Key.Key_F3), pay)
        qtbot.waitUntil(lambda: not cart.isVisible(), timeout=5000)

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F3), sell)
    idle(qtbot, window)
    redeemed = query(ctx, "SELECT coupon_id, discount_fen FROM coupon_entry "
                          "WHERE kind = 'redeemed'")  # fmt: skip
    assert sorted(redeemed) == sorted([(cola.coupon_id, 350), (one.coupon_id, 100),
                                       (spare.coupon_id, 50)])  # fmt: skip
    (m,) = query(ctx, "SELECT principal_fen FROM member WHERE id = ?", member.member_id)
    assert m[0] == 10_000 - 500
    (ev,) = [json.loads(p) for ty, p in query(ctx, "SELECT type, payload FROM outbox")
             if ty == "sale.completed"]  # fmt: skip
    assert len(ev["cart"]["coupons"]) == 3
    qtbot.waitUntil(lambda: "优惠券" not in counter.panel.coupons.text()
                    or not counter.panel.coupons.isVisible(), timeout=5000)  # fmt: skip


def test_the_cart_fits_1024_by_768_with_coupons(qtbot, window, ctx, manager, cashier,
                                                register) -> None:  # fmt: skip
    _goods(ctx, manager)
    member = register(name="王芳", phone="13912345678")
    _issue(ctx, manager, cashier, member.member_id, "一元券", Terms(VOUCHER, amount_fen=100))
    window.resize(1024, 768)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    qtbot.keyClicks(counter.scan_box, "13912345678")
    qtbot.keyClick(counter.scan_box, Qt.Key.Key_Return)
    qtbot.waitUntil(counter.panel.coupons.isVisible, timeout=5000)
    idle(qtbot, window)

    def look(cart: QDialog) -> None:
        assert isinstance(cart, CartDialog)
        qtbot.waitUntil(lambda: cart.rules is not None, timeout=5000)
        add(qtbot, cart, "1001")
        cart.table.selectRow(0)
        assert cart.width() <= 1024 and cart.height() <= 768
        for b in (*cart.buttons.values(), cart.pay_button):
            assert b.isVisible() and b.height() >= 44, b.text()
            assert cart.rect().contains(
                b.geometry().translated(
                    b.parentWidget().mapTo(cart, b.parentWidget().rect().topLeft())
                    - b.parentWidget().rect().topLeft()
                )
            )
        save_screenshot(cart, "78-cart-1024")
        cart.reject()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F3), look)
