"""The items screen through real widgets: search, add, edit, a refusal shown, read-only
under HQ; the figures checked against the database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.services import catalogue
from app.services.syncstate import mark_enrolled
from tests.conftest import MANAGER_NO, MANAGER_PIN
from tests.helpers import query
from tests.ui.conftest import in_dialog, save_screenshot
from tests.ui.manager_helpers import signed_in, through_menu
from ui.manager.items import ItemDialog, ItemsDialog, ItemsModel


def _type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:  # QTest types ASCII only; an input method would commit the whole word at once
        widget.insert(text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)  # Enter moves to the next field


def test_add_search_and_edit_an_item(qtbot, window, ctx, manager) -> None:
    catalogue.save_category(ctx, manager, "DRINK", name="饮料")
    catalogue.add_item(ctx, manager, code="1001", name="可口可乐", price_fen=350,
                       barcodes=["6901234567892"])  # fmt: skip
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def add(d: QDialog) -> None:
        assert isinstance(d, ItemDialog)
        _type(qtbot, d.code, "1002")
        assert QApplication.focusWidget() is d.name
        _type(qtbot, d.name, "雪碧")
        assert QApplication.focusWidget() is d.price
        _type(qtbot, d.price, "3")
        _type(qtbot, d.member_price, "2.5")
        assert d.isVisible() and QApplication.focusWidget() is d.barcodes  # not saved yet
        d.barcodes.setText("6901234567891")  # a wrong check digit: refused, stays open
        d.category.setCurrentIndex(d.category.findData("DRINK"))
        d.confirm()
        qtbot.waitUntil(lambda: not d.busy, timeout=5000)
        assert "校验位" in d.error.text(), d.error.text()
        assert d.isVisible()
        d.barcodes.setText("96385074")
        save_screenshot(d, "60-item-add")
        d.service.setFocus()
        qtbot.keyClick(d.service, Qt.Key.Key_Return)  # Enter on the last field saves
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    def screen(d: QDialog) -> None:
        assert isinstance(d, ItemsDialog)
        qtbot.waitUntil(lambda: d.model.rowCount() == 1, timeout=5000)
        assert min(b.height() for b in (d.add_button, d.edit_button, d.deactivate_button)) >= 44
        in_dialog(qtbot, lambda: qtbot.mouseClick(d.add_button, Qt.MouseButton.LeftButton), add)
        qtbot.waitUntil(lambda: d.model.rowCount() == 2, timeout=5000)
        assert d.focusWidget() is d.search  # back to the search for the next one
        qtbot.keyClicks(d.search, "xb")  # pinyin initials of 雪碧
        qtbot.waitUntil(lambda: d.model.rowCount() == 1, timeout=5000)
        row = d.model.rows[0]
        assert d.model.text(row, ItemsModel.Col.PRICE) == "¥3.00/件"
        assert d.model.text(row, ItemsModel.Col.MEMBER) == "¥2.50"
        assert d.model.text(row, ItemsModel.Col.CATEGORY) == "饮料"
        qtbot.keyClick(d.search, Qt.Key.Key_Return)  # on to the list
        assert d.focusWidget() is d.table and d.table.currentIndex().row() == 0

        def edit(e: QDialog) -> None:
            assert isinstance(e, ItemDialog) and not e.code.isEnabled()
            _type(qtbot, e.price, "3.2")
            e.confirm()
            qtbot.waitUntil(lambda: not e.isVisible(), timeout=5000)

        in_dialog(qtbot, lambda: qtbot.keyClick(d.table, Qt.Key.Key_Return), edit)
        qtbot.waitUntil(
            lambda: d.model.rows and d.model.rows[0].item.price_fen == 320, timeout=5000
        )
        save_screenshot(d, "61-items")
        d.reject()

    through_menu(qtbot, window, "items", screen)
    rows = query(ctx, "SELECT code, price_fen, member_prices, category_code FROM catalogue_item "
                 "WHERE code = '1002'")  # fmt: skip
    assert rows == [("1002", 320, '{"*": 250}', "DRINK")]
    assert query(ctx, "SELECT barcode FROM item_barcode JOIN catalogue_item ON "
                 "catalogue_item.id = item_id WHERE code = '1002'") == [("96385074",)]  # fmt: skip


def test_esc_cancels_and_changes_nothing(qtbot, window, ctx, manager) -> None:
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def add(d: QDialog) -> None:
        d.code.setText("X1")
        d.name.setText("不要")
        d.price.setText("1")
        qtbot.keyClick(d.price, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    def screen(d: QDialog) -> None:
        in_dialog(qtbot, lambda: qtbot.mouseClick(d.add_button, Qt.MouseButton.LeftButton), add)
        d.reject()

    through_menu(qtbot, window, "items", screen)
    assert query(ctx, "SELECT count(*) FROM catalogue_item") == [(0,)]


def test_items_are_read_only_when_hq_manages_them(qtbot, window, ctx, manager) -> None:
    catalogue.add_item(ctx, manager, code="1001", name="可口可乐", price_fen=350)
    mark_enrolled(ctx, "https://hq.example")
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def screen(d: QDialog) -> None:
        qtbot.waitUntil(lambda: d.model.rowCount() == 1, timeout=5000)
        assert d.notice.isVisible() and "总部" in d.notice.text()
        assert not d.add_button.isEnabled() and not d.edit_button.isEnabled()
        save_screenshot(d, "62-items-hq")
        d.reject()

    through_menu(qtbot, window, "items", screen)
