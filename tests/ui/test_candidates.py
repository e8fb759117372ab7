"""Several members match: a list to choose from with the arrow keys and Enter."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import idle, sign_in
from ui.counter import Page


def test_last_four_digits_shared_by_two_members_give_a_list(qtbot, window, register) -> None:
    register(name="张三", phone="13800001234")
    register(name="李四", phone="13900001234")
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    qtbot.keyClicks(counter.scan_box, "1234")
    qtbot.keyClick(counter.scan_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.pages.currentIndex() == Page.CANDIDATES, timeout=5000)
    names = [counter.candidate_list.item(i).text().split()[0] for i in range(2)]
    assert sorted(names) == ["张三", "李四"]
    assert counter.candidate_list.hasFocus() and counter.candidate_list.currentRow() == 0
    qtbot.keyClick(counter.candidate_list, Qt.Key.Key_Down)
    qtbot.keyClick(counter.candidate_list, Qt.Key.Key_Return)
    idle(qtbot, window)
    assert counter.pages.currentIndex() == Page.MEMBER
    assert counter.member is not None and counter.member.name == names[1]
    assert counter.scan_box.hasFocus()  # ready for the next scan


def test_pinyin_initials_find_a_member(qtbot, window, register) -> None:
    register(name="王小明", phone="15000001234")
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    qtbot.keyClicks(counter.scan_box, "wxm")
    qtbot.keyClick(counter.scan_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.member is not None, timeout=5000)
    assert counter.member.name == "王小明"
