"""The cart (F3 in a store with goods) through real widgets: scanned lines, quantity keys,
a line deleted, 整单折扣 and 抹零, a walk-in paid in cash, a member attached by card, a held
cart recalled; every figure checked against what the database holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.domain.cart import OrderDiscount
from app.services import catalogue, held, partial_refunds
from app.services.coupon_cart import looks_like_coupon
from app.services.stored_value import top_up
from tests.conftest import MANAGER_NO, MANAGER_PIN
from tests.helpers import query
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in
from ui.dialogs.cart import CartDialog
from ui.dialogs.cart_edits import DiscountDialog, zhe_to_bp
from ui.dialogs.cart_pay import CartPayDialog
from ui.dialogs.held_list import HeldListDialog
from ui.dialogs.walk_in import WalkInDialog

GOODS = [  # code, name, price in fen, barcode
    ("1001", "可口可乐", 350, "6901234567892"),
    ("1002", "雪碧", 300, "96385074"),
    ("1003", "矿泉水", 200, None),
]


def _goods(ctx: Any, manager: Any) -> None:
    for code, name, price, barcode in GOODS:
        catalogue.add_item(ctx, manager, code=code, name=name, price_fen=price,
                           barcodes=[barcode] if barcode else [])  # fmt: skip


def nested(
    qtbot: Any,
    kind: type,
    trigger: Callable[[], Any],
    handle: Callable[[Any], Any],
    *,
    wait: bool = False,
) -> Any:
    """``trigger`` opens a modal ``kind`` (over an open dialog, or later: ``wait``);
    ``handle`` drives it."""
    outcome: dict[str, Any] = {}

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(10, step)
            return
        try:
            dialog.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
            outcome["value"] = handle(dialog)
        except BaseException as exc:
            outcome["error"] = exc
            if dialog.isVisible():
                dialog.done(0)
        finally:
            outcome["done"] = True

    below = QApplication.activeModalWidget()
    QTimer.singleShot(0, step)
    trigger()
    if wait:  # the dialog opens once a read off the UI thread has answered
        qtbot.waitUntil(lambda: "done" in outcome, timeout=10_000)
    if "error" in outcome:
        raise outcome["error"]
    if below is not None and below.isVisible():  # offscreen: activation is not given back
        below.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is below, timeout=2000)
    return outcome.get("value")


def scan(qtbot: Any, cart: CartDialog, text: str) -> None:
    """Scan ``text`` and wait for the cart's answer: every answer says something new (a line
    added, a member attached, a refusal), so an earlier message is never taken for it."""
    before = cart.table.rowCount(), sum(e.quantity for e in cart.entries), cart.member
    said = cart.message.text()
    qtbot.keyClicks(cart.scan_box, text)
    qtbot.keyClick(cart.scan_box, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            (cart.table.rowCount(), sum(e.quantity for e in cart.entries), cart.member) != before
            or (cart.message.property("role") == "error" and cart.message.text() != said)
        ),
        timeout=5000,
    )


def test_a_walk_in_cart_scanned_changed_and_paid_in_cash(qtbot, window, ctx, manager) -> None:
    _goods(ctx, manager)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)  # the counter knows the store sells goods
    counter = window.counter
    assert counter.action_buttons["checkout"].isEnabled()  # no member: a walk-in sale

    def sell(cart: QDialog) -> None:
        assert isinstance(cart, CartDialog)
        qtbot.waitUntil(lambda: cart.rules is not None, timeout=5000)
        scan(qtbot, cart, "6901234567892")  # 可口可乐 by EAN-13
        scan(qtbot, cart, "6901234567892")  # again: the same line, 2 pieces
        assert cart.table.rowCount() == 1 and cart.entries[0].quantity == 2
        scan(qtbot, cart, "96385074")  # 雪碧 by EAN-8
        qtbot.keyClick(cart.scan_box, Qt.Key.Key_Plus)  # 雪碧 × 2
        qtbot.keyClicks(cart.scan_box, "3")
        qtbot.keyClick(cart.scan_box, Qt.Key.Key_Asterisk)  # 雪碧 × 3
        assert [e.quantity for e in cart.entries] == [2, 3]
        scan(qtbot, cart, "1003")  # 矿泉水 by its code
        qtbot.keyClick(cart.scan_box, Qt.Key.Key_Delete)  # gone again
        assert [e.item.code for e in cart.entries] == ["1001", "1002"]
        scan(qtbot, cart, "zzzz")
        assert "没有找到" in cart.message.text()
        assert cart.due.text() == "¥16.00"  # 2 × 3.50 + 3 × 3.00

        def discount(d: DiscountDialog) -> None:
            qtbot.keyClicks(d.zhe, "9.5")  # 九五折: 5 % off, within a cashier's 10 %
            qtbot.keyClick(d.zhe, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: not d.isVisible(), timeout=3000)

        nested(qtbot, DiscountDialog, lambda: qtbot.keyClick(cart.scan_box, Qt.Key.Key_F4),
               discount)  # fmt: skip
        assert cart.discount == OrderDiscount(percent_bp=500)
        assert cart.due.text() == "¥15.20"
        qtbot.keyClick(cart.scan_box, Qt.Key.Key_F5)  # 抹零 to the jiao: nothing to drop
        qtbot.keyClick(cart.scan_box, Qt.Key.Key_F5)  # to the yuan
        assert cart.rounding == "yuan" and cart.due.text() == "¥15.00"
        assert "店长授权" in cart.message.text()  # a cashier drops the jiao alone, not the yuan
        cart.table.selectRow(0)
        assert "原价 ¥3.50 × 2" in cart.why.text() and "整单折扣" in cart.why.text()
        save_screenshot(cart, "70-cart-walk-in")

        def pay(d: CartPayDialog) -> None:
            assert d.payment.methods.isVisible() and not d.points.isVisible()
            assert QApplication.focusWidget() is d.payment.cash_given
            qtbot.keyClicks(d.payment.cash_given, "20")
            assert d.approval.isVisible() and "授权" in d.error.text()
            qtbot.keyClick(d.payment.cash_given, Qt.Key.Key_Return)  # on to the approval
            assert QApplication.focusWidget() is d.approval.staff_no
            qtbot.keyClicks(d.approval.staff_no, MANAGER_NO)
            qtbot.keyClick(d.approval.staff_no, Qt.Key.Key_Return)
            qtbot.keyClicks(d.approval.pin, MANAGER_PIN)
            assert "找零 ¥5.00" in d.summary.text(), d.error.text()
            save_screenshot(d, "71-cart-pay-cash")
            qtbot.keyClick(d.approval.pin, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

        nested(qtbot, CartPayDialog, lambda: qtbot.keyClick(cart.scan_box, Qt.Key.Key_Return),
               pay)  # fmt: skip
        qtbot.waitUntil(lambda: not cart.isVisible(), timeout=5000)

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F3), sell)
    idle(qtbot, window)
    (txn,) = query(
        ctx, "SELECT id, member_id, due_fen, discount_fen FROM txn WHERE kind = 'checkout'"
    )
    assert txn[1] is None and txn[2] == 1500 and txn[3] == 100
    lines = query(ctx, "SELECT item_code, quantity FROM txn_line WHERE txn_id = ? ORDER BY line_no",
                  txn[0])  # fmt: skip
    assert lines == [("1001", 2), ("1002", 3)]
    tender = query(ctx, "SELECT method, amount_fen, change_fen FROM txn_tender WHERE txn_id = ?",
                   txn[0])  # fmt: skip
    assert tender == [("cash", 2000, 500)]
    assert "散客收款成功" in counter.message.text()


def test_a_member_attached_by_card_held_and_recalled(qtbot, window, ctx, manager, cashier,
                                                      register) -> None:  # fmt: skip
    _goods(ctx, manager)
    member = register(name="王芳", phone="13912345678")
    top_up(ctx, cashier, member.member_id, 10_000, "cash")
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)  # the counter knows the store sells goods
    counter = window.counter

    def park(cart: QDialog) -> None:
        assert isinstance(cart, CartDialog)
        qtbot.waitUntil(lambda: cart.rules is not None, timeout=5000)
        scan(qtbot, cart, "1001")
        scan(qtbot, cart, member.card_no)  # the member's card attaches the member
        assert cart.member is not None and "王芳" in cart.member_label.text()
        qtbot.keyClick(cart.scan_box, Qt.Key.Key_F6)  # 挂单
        qtbot.waitUntil(lambda: not cart.entries and "已挂单" in cart.message.text(), timeout=5000)
        cart.reject()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F3), park)
    idle(qtbot, window)
    (number,) = [v.number for v in held.open_held(ctx, cashier)]

    def recall_and_pay(cart: QDialog) -> None:
        assert isinstance(cart, CartDialog)
        qtbot.waitUntil(lambda: cart.rules is not None, timeout=5000)

        def pick(d: HeldListDialog) -> None:
            qtbot.waitUntil(lambda: d.list.count() == 1, timeout=3000)
            assert "王芳" in d.list.item(0).text()
            save_screenshot(d, "72-held-list")
            qtbot.keyClick(d.list, Qt.Key.Key_Return)

        nested(qtbot, HeldListDialog, lambda: qtbot.keyClick(cart.scan_box, Qt.Key.Key_F7), pick)
        qtbot.waitUntil(lambda: len(cart.entries) == 1, timeout=5000)
        assert cart.held_number == number and cart.member is not None

        def pay(d: CartPayDialog) -> None:
            qtbot.waitUntil(lambda: d.info is not None, timeout=3000)
            assert d.payment.stored.fen() == 350  # stored value pays it all by default
            d.confirm()
            qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

        nested(qtbot, CartPayDialog, lambda: qtbot.keyClick(cart.scan_box, Qt.Key.Key_F3), pay)
        qtbot.waitUntil(lambda: not cart.isVisible(), timeout=5000)

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F3), recall_and_pay)
    idle(qtbot, window)
    assert held.open_held(ctx, cashier) == []
    state = query(ctx, "SELECT state, txn_id IS NOT NULL FROM held_cart WHERE number = ?", number)
    assert state == [("sold", 1)]
    (m,) = query(ctx, "SELECT principal_fen FROM member WHERE id = ?", member.member_id)
    assert m[0] == 10_000 - 350


# A member's card number that also passes a coupon code's check character (about one
# generated number in twenty thousand does): the cart must still find the member.
CARD_LIKE_A_COUPON = "880000589999"


def test_a_card_number_that_reads_as_a_coupon_code_attaches_its_member(
    qtbot, window, ctx, manager, register
) -> None:
    assert looks_like_coupon(CARD_LIKE_A_COUPON)
    _goods(ctx, manager)
    member = register(name="赵敏", phone="13912340000", card_no=CARD_LIKE_A_COUPON)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)
    counter = window.counter

    def attach(cart: QDialog) -> None:
        assert isinstance(cart, CartDialog)
        qtbot.waitUntil(lambda: cart.rules is not None, timeout=5000)
        scan(qtbot, cart, "1001")
        scan(qtbot, cart, member.card_no)
        assert cart.member is not None and cart.member.member_id == member.member_id
        assert cart.message.property("role") != "error", cart.message.text()
        scan(qtbot, cart, "ABCD-EFGH-JKMY")  # a coupon code that names no coupon
        assert cart.message.property("role") == "error"
        assert "ABCD" in cart.message.text() and cart.member is not None
        cart.reject()

    in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F3), attach)


def test_a_walk_in_amount_sale_without_a_catalogue(qtbot, window, ctx) -> None:
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)  # the counter knows the store sells goods

    def sell(d: QDialog) -> None:
        assert isinstance(d, WalkInDialog)
        assert not d.payment.stored.isVisible()
        qtbot.keyClicks(d.amount, "12.5")
        qtbot.mouseClick(d.payment.methods.buttons["wechat"], Qt.MouseButton.LeftButton)
        assert not d.payment.cash_given.isVisible()  # no change to give
        qtbot.keyClick(d.amount, Qt.Key.Key_Return)  # complete: Enter takes the payment
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F3), sell)
    idle(qtbot, window)
    rows = query(ctx, "SELECT t.member_id, t.due_fen, d.method FROM txn t JOIN txn_tender d "
                 "ON d.txn_id = t.id WHERE t.kind = 'checkout'")  # fmt: skip
    assert rows == [(None, 1250, "wechat")]


def test_zhe_is_read_as_chinese_stores_say_it() -> None:
    assert zhe_to_bp("9") == 1000 and zhe_to_bp("9.5") == 500 and zhe_to_bp("8.8") == 1200
    assert zhe_to_bp("10") is None and zhe_to_bp("0") is None and zhe_to_bp("abc") is None
    assert zhe_to_bp("9.123") is None


def test_a_serial_scanners_code_goes_into_the_open_cart(qtbot, window, ctx, manager) -> None:
    _goods(ctx, manager)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)

    def cart_open(cart: QDialog) -> None:
        assert isinstance(cart, CartDialog)
        qtbot.waitUntil(lambda: cart.rules is not None, timeout=5000)
        window._serial_scan("96385074")  # as the serial scanner's thread delivers it
        qtbot.waitUntil(lambda: len(cart.entries) == 1, timeout=5000)
        assert cart.entries[0].item.code == "1002" and cart.scan_box.text() == ""
        cart.reject()

    in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F3), cart_open)
    assert query(ctx, "SELECT COUNT(*) FROM txn") == [(0,)]  # nothing sold, nothing kept


def _history_row(counter, txn_id: str) -> str:
    """The time cell of the sale's row in the member's purchases tab (with its refund mark)."""
    from app.services.history import Tab

    model = counter.panel.models[Tab.CHECKOUTS]
    for i in range(model.rowCount()):
        if model.row_at(i).txn_id == txn_id:
            return model.data(model.index(i, 0)) or ""
    return ""


def test_two_lines_of_a_sale_refunded_in_part_from_the_members_history(
    qtbot, window, ctx, manager, cashier, register
) -> None:
    from app.domain.held import DraftLine
    from app.services import sale
    from ui.dialogs.line_refund import LineRefundDialog

    _goods(ctx, manager)
    member = register(name="王芳", phone="13912345678")
    top_up(ctx, cashier, member.member_id, 10_000, "cash")
    sold = sale.sell(ctx, cashier, [DraftLine("1001", 3), DraftLine("1002", 2)],
                     member=member.member_id)  # fmt: skip
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    qtbot.keyClicks(counter.scan_box, "13912345678")
    qtbot.keyClick(counter.scan_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.history is not None, timeout=5000)
    idle(qtbot, window)
    before = query(ctx, "SELECT principal_fen FROM member WHERE id = ?", member.member_id)[0][0]

    def refund(d: QDialog) -> None:
        assert isinstance(d, LineRefundDialog)
        assert [b.maximum() for b in d.quantities] == [3, 2]
        d.quantities[0].setValue(1)  # one 可口可乐
        d.quantities[1].setValue(2)  # both 雪碧
        assert "退 3 件" in d.estimate.text()
        d.reason.setCurrentText("质量问题")
        assert "授权" in d.error.text()  # a manager approves every refund
        qtbot.keyClicks(d.approval.staff_no, MANAGER_NO)
        qtbot.keyClicks(d.approval.pin, MANAGER_PIN)
        save_screenshot(d, "73-line-refund")
        d.confirm()
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    nested(qtbot, LineRefundDialog, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F7),
           refund, wait=True)  # fmt: skip
    idle(qtbot, window)
    after = query(ctx, "SELECT principal_fen FROM member WHERE id = ?", member.member_id)[0][0]
    assert after - before == 350 + 600  # paid from stored value: back to it, to the fen
    left = {s.line_no: s.left for s in partial_refunds.refundable(ctx, sold.txn_id)}
    assert left == {0: 2, 1: 0}
    assert "退货完成" in counter.message.text()
    qtbot.waitUntil(lambda: "(部分退)" in _history_row(counter, sold.txn_id), timeout=5000)
    assert counter.selected_txn().txn_id == sold.txn_id  # F7 offers the rest of it again


def test_a_walk_ins_goods_taken_back_by_the_receipts_number(
    qtbot, window, ctx, manager, cashier
) -> None:
    from app.domain.held import DraftLine
    from app.services import sale
    from ui.dialogs.line_refund import LineRefundDialog, SaleNumberDialog

    _goods(ctx, manager)
    sold = sale.sell(ctx, cashier, [DraftLine("1001", 2)], tenders=[("cash", 1000)])
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)
    counter = window.counter
    assert counter.action_buttons["refund"].isEnabled()  # no member: a receipt's number

    def number(d: QDialog) -> None:
        assert isinstance(d, SaleNumberDialog)
        qtbot.keyClicks(d.number, "zz-12")  # not a number a receipt has
        assert "6 位" in d.error.text()
        d.number.clear()
        qtbot.keyClicks(d.number, "abcdef")
        d.confirm()
        qtbot.waitUntil(lambda: not d.busy, timeout=3000)
        assert "没有找到单号" in d.error.text() and d.isVisible()
        d.number.clear()
        qtbot.keyClicks(d.number, sold.txn_id[-8:])  # its last 8 characters
        qtbot.keyClick(d.number, Qt.Key.Key_Return)

    def refund(d: LineRefundDialog) -> None:
        assert d.sale.txn_id == sold.txn_id and d.sale.member_id is None
        d.quantities[0].setValue(1)
        qtbot.keyClicks(d.approval.staff_no, MANAGER_NO)
        qtbot.keyClicks(d.approval.pin, MANAGER_PIN)
        d.confirm()
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    nested(qtbot, LineRefundDialog, lambda: in_dialog(
        qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F7), number), refund,
        wait=True)  # fmt: skip
    idle(qtbot, window)
    back = query(ctx, "SELECT d.method, d.amount_fen FROM txn_tender d JOIN txn t "
                 "ON t.id = d.txn_id WHERE t.kind = 'refund'")  # fmt: skip
    assert back == [("cash", -350)]


def test_a_walk_ins_amount_only_sale_refunded_whole_by_the_receipts_number(
    qtbot, window, ctx, cashier
) -> None:
    from app.services import sale
    from ui.dialogs.line_refund import AmountRefundDialog, SaleNumberDialog

    sold = sale.walk_in(ctx, cashier, 4_200, tenders=[("cash", 5_000)])  # 8.00 change
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)
    counter = window.counter

    def number(d: QDialog) -> None:
        assert isinstance(d, SaleNumberDialog)
        qtbot.keyClicks(d.number, sold.txn_id[-8:])
        qtbot.keyClick(d.number, Qt.Key.Key_Return)

    def refund(d: AmountRefundDialog) -> None:
        assert d.sale.txn_id == sold.txn_id and d.amount.due_fen == 4_200
        assert d.focusWidget() is d.reason and "现金 ¥42.00" in d.paid_text.text()
        assert not d.confirm_button.isEnabled() and "授权" in d.error.text()
        qtbot.keyClick(d.reason, Qt.Key.Key_Return)  # on to the manager's number
        assert d.focusWidget() is d.approval.staff_no
        qtbot.keyClicks(d.approval.staff_no, MANAGER_NO)
        qtbot.keyClick(d.approval.staff_no, Qt.Key.Key_Return)
        qtbot.keyClicks(d.approval.pin, MANAGER_PIN)
        save_screenshot(d, "74-amount-refund")
        qtbot.keyClick(d.approval.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    nested(qtbot, AmountRefundDialog, lambda: in_dialog(
        qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F7), number), refund,
        wait=True)  # fmt: skip
    idle(qtbot, window)
    back = query(ctx, "SELECT t.note, d.method, d.amount_fen FROM txn_tender d JOIN txn t "
                 "ON t.id = d.txn_id WHERE t.kind = 'refund'")  # fmt: skip
    assert back == [("质量问题", "cash", -4_200)]
    assert "退款完成" in counter.message.text() and "¥42.00" in counter.message.text()
