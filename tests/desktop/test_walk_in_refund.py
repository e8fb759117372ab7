"""A walk-in's amount-only sale refunded whole on a real desktop, at 1024×768 and 1366×768:
F7 with no member on screen, the receipt's 单号 scanned, a reason, a manager's number and
PIN, Enter; the money back by the tender it was paid with, read from the database."""

from __future__ import annotations

from tests.desktop.conftest import ADMIN, CASHIER, App, cli


def test_an_amount_only_walk_in_sale_is_refunded_by_its_receipt(app: App) -> None:
    cli(app.data_dir, "checkout", "--walk-in", "--amount", "42", "--tender", "cash=50",
        staff=CASHIER)  # fmt: skip
    [(txn_id,)] = app.query(
        "SELECT id FROM txn WHERE kind = 'checkout' AND member_id IS NULL "
        "ORDER BY created_at DESC LIMIT 1"
    )
    app.sign_in(CASHIER)
    s = app.screen
    app.open("F7", "找到那笔销售", 0.8)  # no member on screen: the receipt's number
    s.scan(txn_id)  # its QR code, as a scanner types it: found at once
    s.wait_active("退款")
    app.settle(0.8)
    app.shot("walk-in-refund")
    s.key("Return")  # the reason (质量问题, the first) → the manager's staff number
    s.type(ADMIN[0], enter=True)
    s.type(ADMIN[1])
    app.settle(0.4)
    app.shot("walk-in-refund-approved")
    s.key("Return")
    s.wait_active(app.title, exact=True)
    app.settle(0.8)
    back = app.query(
        "SELECT t.note, d.method, d.amount_fen FROM txn_tender d JOIN txn t ON t.id = d.txn_id "
        "WHERE t.kind = 'refund' AND t.original_txn_id = ?",
        txn_id,
    )
    assert back == [("质量问题", "cash", -4_200)], back
    app.shot("walk-in-refund-done")
    app.alive()
