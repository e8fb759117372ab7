"""Count cards at the counter (F11): a card sold paid in cash, used three times, the rest
refunded with a manager's approval; a refund without one, or with a staff number nobody has,
changes nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.domain.money import format_cny
from app.services import countcards
from app.services.catalogue import add_item
from app.services.countcard_products import save_product
from app.services.members import set_payment_password
from app.services.stored_value import top_up
from tests.conftest import MANAGER_NO, MANAGER_PIN, db_snapshot
from tests.helpers import query
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in
from ui import i18n, theme
from ui.dialogs.countcard import REFUND, SELL, TRANSFER, USE, CountCardDialog

PHONE = "13800138301"


def _setup(ctx, manager, register):
    add_item(ctx, manager, code="WASH", name="精洗", price_fen=3_500, service=True)
    add_item(ctx, manager, code="WAX", name="打蜡", price_fen=12_000, service=True)
    save_product(ctx, manager, code="CAR", name="洗车卡", items=[("WASH", 5, 1), ("WAX", 1, 0)],
                 price_fen=30_000, validity_days=180)  # fmt: skip
    return register(name="有卡", phone=PHONE)


def _open(qtbot, window):
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    counter.open_member(PHONE)
    idle(qtbot, window)
    assert counter.member is not None
    return counter


def f11(qtbot, window, handle) -> None:
    idle(qtbot, window)
    in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F11), handle)
    idle(qtbot, window)


def _ready(qtbot, d: CountCardDialog) -> None:
    qtbot.waitUntil(
        lambda: d.cards is not None and d.products is not None and d.info is not None,
        timeout=5000,
    )


def _fits_a_small_screen(d: QDialog) -> None:
    hint = d.minimumSizeHint()
    assert hint.width() <= 1024 - 8, hint
    assert d.sizeHint().height() <= 768 - 32 - 8, d.sizeHint()
    for b in (*d.mode_buttons.values(), d.confirm_button, d.cancel_button):
        assert b.height() >= 44 or not b.isVisible(), b.text()


def test_sell_use_three_times_and_refund_the_rest(qtbot, window, ctx, manager, register) -> None:
    m = _setup(ctx, manager, register)
    counter = _open(qtbot, window)

    def sell(d: QDialog) -> None:
        assert isinstance(d, CountCardDialog)
        _ready(qtbot, d)
        assert d.mode == SELL  # no card yet: selling comes first
        assert d.product.currentData() == "CAR" and d.price.text() == "¥300.00"
        assert d.product_detail.text() == "精洗 5 次 送 1 次 · 打蜡 1 次;购买之日起 180 天有效"
        assert d.payment.methods.method() == "cash"
        d.payment.cash_given.setFocus()
        qtbot.keyClicks(d.payment.cash_given, "400")
        assert d.payment.change.text() == "¥100.00"
        _fits_a_small_screen(d)
        save_screenshot(d, "countcard-sell")
        qtbot.keyClick(d.payment.cash_given, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    f11(qtbot, window, sell)
    [(card_id, status)] = query(
        ctx, "SELECT id, status FROM member_count_card WHERE member_id = ?", m.member_id
    )
    assert status == "active"
    [(txn_id,)] = query(ctx, "SELECT id FROM txn WHERE kind = 'countcard_sale'")
    assert query(
        ctx, "SELECT method, amount_fen, change_fen FROM txn_tender WHERE txn_id = ?", txn_id
    ) == [("cash", 40_000, 10_000)]
    assert "售卡成功" in counter.message.text() and "找零 ¥100.00" in counter.message.text()
    qtbot.waitUntil(lambda: counter.last_txn_id == txn_id, timeout=5000)  # its receipt
    qtbot.waitUntil(counter.panel.count_cards.isVisible, timeout=5000)

    def use(d: QDialog) -> None:
        assert isinstance(d, CountCardDialog)
        _ready(qtbot, d)
        assert d.mode == USE  # the member holds a card now
        assert d.use_card.currentData() == card_id and list(d.item_times) == ["WASH", "WAX"]
        wash, wax = d.item_times["WASH"], d.item_times["WAX"]
        assert (wash.text(), wax.text()) == ("1", "") and not d.use_password.isVisible()
        assert d.use_after.text() == "核销 精洗 1 次,剩 精洗 5 次 · 打蜡 1 次"
        wash.setFocus()
        wash.selectAll()
        qtbot.keyClicks(wash, "2")  # a digit in a field is the field's, not a mode
        assert d.mode == USE and wash.text() == "2"
        qtbot.keyClicks(wax, "2")
        assert not d.confirm_button.isEnabled() and d.error.text() == "次数不足:打蜡 剩 1 次"
        wax.selectAll()
        qtbot.keyClicks(wax, "1")  # both items in one visit
        assert d.use_after.text() == "核销 精洗 2 次、打蜡 1 次,剩 精洗 4 次 · 打蜡 0 次"
        _fits_a_small_screen(d)
        save_screenshot(d, "countcard-use")
        qtbot.keyClick(wax, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    f11(qtbot, window, use)
    [card] = countcards.show(ctx, manager, m.member_id)
    assert dict(card.left) == {"WASH": 4, "WAX": 0}
    assert card.recognised_fen == 15_000  # three of six paid times: two 精洗, one 打蜡
    assert query(ctx, "SELECT count(*) FROM count_card_entry WHERE kind = 'visit'") == [(1,)]
    [(visit_id,)] = query(ctx, "SELECT id FROM txn WHERE kind = 'countcard_visit'")
    qtbot.waitUntil(lambda: counter.last_txn_id == visit_id, timeout=5000)
    qtbot.waitUntil(lambda: any(visit_id in line for line in counter.receipt.lines), timeout=5000)
    receipt = [" ".join(line.split()) for line in counter.receipt.lines]
    assert "次卡消费" in receipt and "本次 精洗 2 次" in receipt and "本次 打蜡 1 次" in receipt
    assert "剩 精洗 4 次 · 打蜡 0 次" in counter.message.text()
    before = db_snapshot(ctx)

    def no_approval(d: QDialog) -> None:
        assert isinstance(d, CountCardDialog)
        _ready(qtbot, d)
        qtbot.keyClick(d.focusWidget(), "3")  # 3 = refund (the card list has the keys)
        assert d.mode == REFUND and d.refund_card.currentData() == card_id
        assert d.refund_back.text() == "¥150.00"  # ¥300 − the ¥150 of three paid times
        assert not d.confirm_button.isEnabled() and "店长" in d.error.text()
        qtbot.keyClick(d.focusWidget(), Qt.Key.Key_Return)  # goes on to the manager's number
        assert d.focusWidget() is d.approval.staff_no
        qtbot.keyClick(d.approval.staff_no, Qt.Key.Key_Return)
        assert d.isVisible()
        d.reject()

    f11(qtbot, window, no_approval)
    assert db_snapshot(ctx) == before

    def unknown_manager(d: QDialog) -> None:
        assert isinstance(d, CountCardDialog)
        _ready(qtbot, d)
        d.set_mode(REFUND)
        qtbot.keyClicks(d.approval.staff_no, "x99")
        qtbot.keyClicks(d.approval.pin, "1234")
        qtbot.keyClick(d.approval.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.error.text() and not d.busy, timeout=5000)
        assert d.isVisible() and d.result_value is None
        assert d.approval.pin.text() == ""  # cleared for another try
        d.reject()

    f11(qtbot, window, unknown_manager)
    changed = db_snapshot(ctx)
    assert {t for t in before if before[t] != changed[t]} <= {"audit_log"}
    assert query(ctx, "SELECT status FROM member_count_card") == [("active",)]

    def approved(d: QDialog) -> None:
        assert isinstance(d, CountCardDialog)
        _ready(qtbot, d)
        qtbot.keyClick(d.focusWidget(), "3")
        qtbot.keyClicks(d.approval.staff_no, MANAGER_NO)
        qtbot.keyClicks(d.approval.pin, MANAGER_PIN)
        assert d.confirm_button.isEnabled()
        _fits_a_small_screen(d)
        save_screenshot(d, "countcard-refund")
        qtbot.keyClick(d.approval.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    f11(qtbot, window, approved)
    assert query(ctx, "SELECT status FROM member_count_card") == [("refunded",)]
    [(refund_id,)] = query(ctx, "SELECT id FROM txn WHERE kind = 'countcard_refund'")
    assert query(ctx, "SELECT method, amount_fen FROM txn_tender WHERE txn_id = ?", refund_id) == [
        ("cash", -15_000)
    ]
    assert "退回 ¥150.00" in counter.message.text()
    qtbot.waitUntil(lambda: counter.last_txn_id == refund_id, timeout=5000)
    qtbot.waitUntil(lambda: not counter.panel.count_cards.isVisible(), timeout=5000)


def test_the_panel_button_opens_the_dialog(qtbot, window, ctx, manager, register) -> None:
    _setup(ctx, manager, register)
    counter = _open(qtbot, window)
    button = counter.panel.count_cards_button
    assert button.isVisible() and button.height() >= 44
    assert "F11" in button.text()
    seen = []

    def look(d: QDialog) -> None:
        seen.append(type(d))
        d.reject()

    in_dialog(qtbot, button.click, look)
    assert seen == [CountCardDialog]
    idle(qtbot, window)
    assert QApplication.activeModalWidget() is None


def test_in_english_each_mode_fits_a_1024_by_768_screen(
    qtbot, qapp, session, ctx, cashier, manager, register
) -> None:
    m = _setup(ctx, manager, register)
    countcards.sell(ctx, cashier, m.member_id, "CAR")
    session.actor = cashier
    i18n.install(qapp, "en")
    theme.apply(qapp)
    try:
        d = CountCardDialog(session, m)
        qtbot.addWidget(d)
        d.show()
        _ready(qtbot, d)
        assert d.mode == USE and d.confirm_button.text() == "Use the card (Enter)"
        for mode in (USE, SELL, REFUND, TRANSFER):
            d.set_mode(mode)
            d.adjustSize()
            wanted = {
                USE: "",
                SELL: "",
                REFUND: "A manager must approve this with staff number and PIN",
                TRANSFER: "This card cannot be transferred: 洗车卡",
            }
            assert d.error.text() == wanted[mode]
            _fits_a_small_screen(d)
            save_screenshot(d, f"countcard-{mode}-en")
        assert d.product_detail.text().startswith("精洗 ×5 + 1 free")
    finally:
        i18n.install(qapp, "zh")


def test_stored_value_and_a_visit_need_the_members_payment_password(
    qtbot, window, ctx, cashier, manager, register
) -> None:
    m = _setup(ctx, manager, register)
    top_up(ctx, cashier, m.member_id, 50_000, "cash")
    set_payment_password(ctx, cashier, m.member_id, "135790")
    counter = _open(qtbot, window)
    balance = counter.member.stored_value_fen
    assert balance >= 50_000

    def sell(d: QDialog) -> None:
        assert isinstance(d, CountCardDialog)
        _ready(qtbot, d)
        assert d.mode == SELL and d.payment.stored.fen() == 30_000  # stored value pays it all
        assert d.payment.password.isVisible() and not d.confirm_button.isEnabled()
        qtbot.keyClick(d.product, Qt.Key.Key_Return)  # Enter goes to the password
        assert d.focusWidget() is d.payment.password
        qtbot.keyClicks(d.payment.password, "000000")
        qtbot.keyClick(d.payment.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "密码错误" in d.error.text(), timeout=5000)
        qtbot.waitUntil(lambda: not d.busy, timeout=5000)
        assert d.isVisible() and d.payment.password.text() == ""
        assert d.focusWidget() is d.payment.password and not d.confirm_button.isEnabled()
        qtbot.keyClicks(d.payment.password, "135790")
        qtbot.keyClick(d.payment.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    f11(qtbot, window, sell)
    assert query(ctx, "SELECT count(*) FROM member_count_card") == [(1,)]
    [(txn_id,)] = query(ctx, "SELECT id FROM txn WHERE kind = 'countcard_sale'")
    assert query(ctx, "SELECT method, amount_fen FROM txn_tender WHERE txn_id = ?", txn_id) == [
        ("stored_value", 30_000)
    ]
    # ¥500 topped up with its bonus, less the ¥300 of the card
    qtbot.waitUntil(lambda: counter.member.stored_value_fen == balance - 30_000, timeout=5000)
    assert counter.panel.balance.text() == format_cny(balance - 30_000)

    def use(d: QDialog) -> None:
        assert isinstance(d, CountCardDialog)
        _ready(qtbot, d)
        assert d.mode == USE and d.use_password.isVisible()
        assert not d.confirm_button.isEnabled()
        qtbot.keyClick(d.use_card, Qt.Key.Key_Return)  # Enter goes to the password
        assert d.focusWidget() is d.use_password
        qtbot.keyClicks(d.use_password, "135790")
        qtbot.keyClick(d.use_password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    f11(qtbot, window, use)
    [card] = countcards.show(ctx, manager, m.member_id)
    assert dict(card.left) == {"WASH": 5, "WAX": 1}  # one of the five paid washes

    def cancelled(d: QDialog) -> None:
        assert isinstance(d, CountCardDialog)
        _ready(qtbot, d)
        qtbot.keyClick(d.focusWidget(), Qt.Key.Key_Escape)
        assert not d.isVisible()

    before = db_snapshot(ctx)
    f11(qtbot, window, cancelled)
    assert db_snapshot(ctx) == before


def test_a_card_given_to_another_member_with_a_managers_approval(
    qtbot, window, ctx, manager, cashier, register
) -> None:
    add_item(ctx, manager, code="CUT", name="剪发", price_fen=5_000, service=True)
    save_product(ctx, manager, code="HAIR", name="剪发卡", items=[("CUT", 10, 0)],
                 price_fen=40_000, validity_days=365, transferable=True)  # fmt: skip
    save_product(ctx, manager, code="VIP", name="会员专享", items=[("CUT", 2, 0)],
                 price_fen=8_000, validity_days=30)  # fmt: skip
    giver = register(name="有卡", phone=PHONE)
    taker = register(name="受让", phone="13800138302")
    card = countcards.sell(ctx, cashier, giver.member_id, "HAIR").card
    countcards.sell(ctx, cashier, giver.member_id, "VIP")
    countcards.use(ctx, cashier, giver.member_id, {"CUT": 1}, card_id=card.card_id)
    _open(qtbot, window)

    def give(d: QDialog) -> None:
        assert isinstance(d, CountCardDialog)
        _ready(qtbot, d)
        qtbot.keyClick(d.focusWidget(), "4")  # 4 = transfer
        assert d.mode == TRANSFER and d.focusWidget() is d.transfer_card
        d.transfer_card.setCurrentIndex(1)  # 会员专享: not transferable
        assert d.error.text() == "此卡不可转让:会员专享" and not d.confirm_button.isEnabled()
        d.transfer_card.setCurrentIndex(0)
        assert "手机号或卡号" in d.error.text()
        d.transfer_to.setFocus()
        qtbot.keyClicks(d.transfer_to, PHONE)  # the giver himself
        qtbot.keyClick(d.transfer_to, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.error.text() == "不能转给会员本人", timeout=5000)
        d.transfer_to.clear()
        qtbot.keyClicks(d.transfer_to, "13800138399")  # nobody
        qtbot.keyClick(d.transfer_to, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.finding and "没有找到" in d.error.text(), timeout=5000)
        d.transfer_to.selectAll()
        qtbot.keyClicks(d.transfer_to, "13800138302")
        qtbot.keyClick(d.transfer_to, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.target is not None, timeout=5000)
        assert d.transfer_who.text().startswith("转给:受让 · 138****8302")
        assert d.focusWidget() is d.transfer_approval.staff_no  # on to the manager
        assert "店长" in d.error.text()
        qtbot.keyClicks(d.transfer_approval.staff_no, MANAGER_NO)
        qtbot.keyClick(d.transfer_approval.staff_no, Qt.Key.Key_Return)
        qtbot.keyClicks(d.transfer_approval.pin, MANAGER_PIN)
        _fits_a_small_screen(d)
        save_screenshot(d, "countcard-transfer")
        qtbot.keyClick(d.transfer_approval.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    f11(qtbot, window, give)
    assert query(ctx, "SELECT member_id FROM member_count_card WHERE id = ?",
                 card.card_id) == [(taker.member_id,)]  # fmt: skip
    [moved] = countcards.show(ctx, cashier, taker.member_id)
    assert moved.card_id == card.card_id and moved.left == (("CUT", 9),)
    assert query(ctx, "SELECT approved_by IS NOT NULL FROM txn WHERE kind = 'countcard_transfer'"
                 ) == [(1,)]  # fmt: skip
    assert "次卡已转让:剪发卡 → 受让" in window.counter.message.text()
