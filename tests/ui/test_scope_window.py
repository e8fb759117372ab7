"""The window with scoped replication: another store's member this counter does not hold is
fetched from HQ before they are served; with HQ out of reach the cashier is told why."""

from __future__ import annotations

import sqlite3

import pytest

from app.domain.errors import RuleError
from app.services.checkout import checkout
from tests.ui.conftest import idle
from tests.ui.test_robustness import signed_in_counter

PHONE = "13800138000"


def not_held(ctx, member_id: str) -> None:
    """As an upgraded counter has them: pulled before HQ scoped the streams."""
    conn = sqlite3.connect(str(ctx.db.path))
    conn.execute("UPDATE member SET held = 0 WHERE id = ?", (member_id,))
    conn.commit()
    conn.close()


def test_a_member_not_held_is_asked_of_hq_first(qtbot, window, register, ctx, cashier) -> None:
    view = register(name="张三", phone=PHONE)
    not_held(ctx, view.member_id)
    counter = signed_in_counter(qtbot, window)
    asked: list[str] = []

    def lookup(text: str) -> int:
        asked.append(text)
        return -1  # HQ out of reach

    window.session.sync.lookup = lookup
    counter.scan(PHONE)
    qtbot.waitUntil(lambda: counter.member is not None, timeout=5000)
    idle(qtbot, window)
    assert asked == [PHONE]  # HQ was asked before the member was shown
    assert "其他门店" in counter.message.text() and "联网" in counter.message.text()
    with pytest.raises(RuleError) as refused:
        checkout(ctx, cashier, PHONE, 100)
    assert refused.value.code == "member_not_held"


def test_a_member_not_here_with_hq_out_of_reach_says_so(qtbot, window) -> None:
    counter = signed_in_counter(qtbot, window)
    window.session.sync.lookup = lambda _text: -1
    counter.scan("13900139000")
    qtbot.waitUntil(lambda: "总部暂时连不上" in counter.not_found_label.text(), timeout=5000)
    assert "没有找到会员" in counter.not_found_label.text()
    window.session.sync.lookup = lambda _text: 0  # HQ answered: nobody
    counter.scan("13900139001")
    qtbot.waitUntil(lambda: "13900139001" in counter.not_found_label.text(), timeout=5000)
    assert "总部暂时连不上" not in counter.not_found_label.text()


def test_history_before_the_window_is_asked_of_hq(qtbot, window, register, ctx) -> None:
    import datetime as dt

    from app.services.history_window import OlderTxn
    from tests.ui.conftest import in_dialog

    view = register(name="张三", phone=PHONE)
    counter = signed_in_counter(qtbot, window)
    counter.open_member(PHONE)
    qtbot.waitUntil(lambda: counter.member is not None, timeout=5000)
    idle(qtbot, window)
    assert counter.panel.older.isHidden()  # not enrolled with HQ: this counter has it all
    asked: list[str] = []

    def older(member_id: str) -> tuple[list[OlderTxn], bool]:
        asked.append(member_id)
        at = dt.datetime(2024, 5, 1, 10, 30)
        row = OlderTxn(at, "stored_value.topped_up", "S002", 50_000, 5_000, 0)
        return [row], True

    window.session.sync.older_history = older
    conn = sqlite3.connect(str(ctx.db.path))
    conn.execute("UPDATE member SET joined_on = NULL WHERE id = ?", (view.member_id,))
    conn.commit()  # (a member registered at another store)
    conn.close()
    counter.refresh_member()
    qtbot.waitUntil(lambda: not counter.panel.older.isHidden(), timeout=5000)
    seen: dict[str, str] = {}

    def read(dialog) -> None:
        table = dialog.table
        seen["row"] = " ".join(table.item(0, j).text() for j in range(table.columnCount()))
        dialog.accept()

    def ask() -> None:  # HQ answers on a worker thread; then the dialog opens
        counter.panel.older.click()
        qtbot.waitUntil(lambda: "row" in seen, timeout=5000)

    in_dialog(qtbot, ask, read)
    assert asked == [view.member_id]
    assert seen["row"] == "2024-05-01 10:30 充值 S002 +¥550.00 ", seen
