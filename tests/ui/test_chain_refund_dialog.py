"""F7 with the 单号 of a sale made at another store (issue 16 point 5), through real widgets
and a real HQ on 127.0.0.1: the sale is read from HQ, the refund dialog names its store and
the store's money-back policy, the refund is made; with HQ unreachable the cashier reads why
and nothing changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.domain.held import DraftLine
from app.services import chain_sales, sale
from server import catalogue as hq_catalogue
from server.db import sqlite_url
from sync import enrollment
from sync.chain_sales import HQChainSales
from tests.conftest import MANAGER_NO, MANAGER_PIN
from tests.helpers import query
from tests.hqkit import Counter, HQServer
from tests.server.test_sales_at_hq import COLA
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in
from tests.ui.test_cart import nested


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    (tmp_path / "hq").mkdir()
    server = HQServer(sqlite_url(tmp_path / "hq"))
    server.start()
    yield server
    server.close()


@pytest.fixture
def seller(tmp_path: Path, hq: HQServer) -> Iterator[Counter]:
    """A counter of store S003, enrolled, with HQ's catalogue."""
    hq_catalogue.put_category(hq.engine, {"code": "drink", "name": "饮料"})
    hq_catalogue.put_item(hq.engine, COLA)
    counter = Counter(tmp_path, "S003")
    counter.enroll(hq.base_url, hq.new_store("S003"))
    counter.sync()
    yield counter
    counter.close()


def _stores(ctx: Any, data_dir: Any, server: HQServer, seller: Counter) -> Any:
    """This window's counter enrolled at store S001; the counter of store S003 sold."""
    enrollment.enroll(ctx, data_dir, server.base_url, server.new_store("S001"))
    ctx.chain_sales = HQChainSales(data_dir)  # as ui.wiring wires it
    sold = sale.sell(seller.ctx, seller.cashier, [DraftLine("1001", 2)],
                     tenders=[("wechat", 700)])  # fmt: skip
    seller.sync()
    return sold


def _number(qtbot: Any, number: str) -> Any:
    from ui.dialogs.line_refund import SaleNumberDialog

    def handle(d: QDialog) -> None:
        assert isinstance(d, SaleNumberDialog)
        qtbot.keyClicks(d.number, number)  # as the scanner types the receipt's QR
        qtbot.keyClick(d.number, Qt.Key.Key_Return)

    return handle


def test_f7_refunds_a_sale_of_another_store_read_from_hq(
    qtbot, window, ctx, data_dir, manager, hq, seller
) -> None:
    from ui.dialogs.line_refund import LineRefundDialog

    sold = _stores(ctx, data_dir, hq, seller)
    chain_sales.set_policy(ctx, manager, "cash")
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)
    counter = window.counter

    def refund(d: LineRefundDialog) -> None:
        assert d.sale.txn_id == sold.txn_id and d.sale.elsewhere and d.sale.cash_back
        texts = [w.text() for w in d.findChildren(type(d.how))]
        assert any("门店 S003 的销售" in t for t in texts)
        assert "现金退回" in d.how.text() and "原支付方式" not in d.how.text()
        d.quantities[0].setValue(1)
        qtbot.keyClicks(d.approval.staff_no, MANAGER_NO)
        qtbot.keyClicks(d.approval.pin, MANAGER_PIN)
        save_screenshot(d, "75-chain-refund")
        d.confirm()
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=10_000)

    nested(qtbot, LineRefundDialog, lambda: in_dialog(
        qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F7),
        _number(qtbot, sold.txn_id)), refund, wait=True)  # fmt: skip
    idle(qtbot, window)
    back = query(ctx, "SELECT d.method, d.amount_fen FROM txn_tender d JOIN txn t "
                 "ON t.id = d.txn_id WHERE t.kind = 'refund'")  # fmt: skip
    assert back == [("cash", -350)]  # paid by WeChat at S003, back as cash by this policy
    assert query(ctx, "SELECT line_no, quantity FROM txn_refund_line") == [(0, 1)]


def test_f7_offline_says_hq_is_needed_and_changes_nothing(
    qtbot, window, ctx, data_dir, hq, seller
) -> None:
    sold = _stores(ctx, data_dir, hq, seller)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)
    counter = window.counter
    hq.stop()
    seen: dict[str, str] = {}

    def handle(d: QDialog) -> None:
        _number(qtbot, sold.txn_id)(d)
        qtbot.waitUntil(lambda: not d.busy and bool(d.error.text()), timeout=15_000)
        seen["error"] = d.error.text()
        assert d.isVisible()  # the cashier stays in the dialog, told why
        d.reject()

    try:
        in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F7), handle)
    finally:
        hq.start()
    assert "需连接总部" in seen["error"]
    assert query(ctx, "SELECT count(*) FROM txn WHERE id = ?", sold.txn_id) == [(0,)]
