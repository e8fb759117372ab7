"""Another store's member pays from stored value in the window: their payment password is
checked at HQ (real HQ on 127.0.0.1, SQLite), on a worker thread, never the UI thread; a
wrong one is refused with HQ's words and nothing is spent."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.services.members import Registration, register_member, set_payment_password
from app.services.stored_value import top_up
from tests.hqkit import Counter as StoreCounter
from tests.hqkit import HQServer
from tests.ui.conftest import idle, in_dialog, sign_in
from tests.ui.test_sync import counter_window, hq  # noqa: F401 (fixtures)
from ui.dialogs.checkout import CheckoutDialog

PHONE = "13700002222"


def test_a_foreign_members_password_is_checked_at_hq_off_the_ui_thread(
    qtbot: Any,
    counter_window: Any,  # noqa: F811
    hq: HQServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    window, store = counter_window
    store.enroll(hq.base_url, hq.new_store("A001"))
    home = StoreCounter(tmp_path, "B001")
    try:
        home.enroll(hq.base_url, hq.new_store("B001"))
        who = Registration(name="周杰", phone=PHONE, consent=True)
        register_member(home.ctx, home.cashier, who)
        top_up(home.ctx, home.cashier, PHONE, 50_000, "cash")
        set_payment_password(home.ctx, home.cashier, PHONE, "135790")
        home.sync()
    finally:
        home.close()
    store.sync()
    [found] = store.lookup(PHONE)  # held here from now on, its verifier at HQ
    with store.ctx.reader() as uow:
        m = uow.member(found.member_id)
        assert m.pay_password_at_hq and m.pay_password_hash is None

    asked: list[tuple[str, bool]] = []
    authority = store.ctx.pay_passwords
    assert authority is not None

    class Watched:
        def verify(self, member_id: str, password: str) -> tuple[str, int | None]:
            on_ui = threading.current_thread() is threading.main_thread()
            answer = authority.verify(member_id, password)
            asked.append((answer[0], on_ui))
            return answer

    store.ctx.pay_passwords = Watched()  # type: ignore[assignment]
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    counter.open_member(PHONE)
    qtbot.waitUntil(lambda: counter.member is not None, timeout=10_000)
    idle(qtbot, window)

    def pay(password: str, expect: str) -> Any:
        def fill(d: QDialog) -> None:
            assert isinstance(d, CheckoutDialog)
            qtbot.waitUntil(lambda: d.info is not None, timeout=5000)
            d.amount.setText("30")
            d.password.setText(password)
            qtbot.keyClick(d.password, Qt.Key.Key_Return)
            if expect:
                qtbot.waitUntil(lambda: expect in d.error.text(), timeout=10_000)
                assert d.isVisible()
                d.reject()
            else:
                qtbot.waitUntil(lambda: not d.isVisible(), timeout=10_000)

        in_dialog(qtbot, lambda: qtbot.keyClick(counter.scan_box, Qt.Key.Key_F3), fill)
        idle(qtbot, window)
        with store.ctx.reader() as uow:
            m = uow.member(found.member_id)
            return m.principal_fen + m.bonus_fen

    assert pay("000000", "支付密码错误") == 50_000 + 5_000  # 充500送50: nothing spent
    assert pay("135790", "") == 55_000 - 3_000
    assert asked == [("wrong", False), ("ok", False)]  # HQ answered, on a worker thread
