"""Another store's member's full number in the window: a manager taps 查看完整号码 and HQ
(a real HQ on 127.0.0.1, SQLite; the route on PostgreSQL too in tests/sync/test_member_phone.py)
gives it, off the UI thread; it shows until another member is on screen or the screen locks,
and is never stored. A cashier has no such button; with HQ out of reach the manager is told."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from app.services.members import Registration, register_member
from app.services.store import store_info
from server.db import sqlite_url
from tests.hqkit import CASHIER_NO, CASHIER_PIN, MANAGER_NO, MANAGER_PIN, Counter, HQServer
from tests.sync.test_foreign_members import file_bytes
from tests.ui.conftest import idle, save_screenshot, sign_in
from ui import i18n, theme
from ui.ops import TaskManager
from ui.prefs import Prefs
from ui.session import Session
from ui.window import MainWindow
from ui.wiring import CounterSync

PHONE = "13912345678"
MASKED = "139****5678"
LOCAL = "13800138000"


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    (tmp_path / "hq").mkdir()
    server = HQServer(sqlite_url(tmp_path / "hq"))
    server.start()
    yield server
    server.close()


@pytest.fixture
def stores(
    qtbot: Any, qapp: Any, tmp_path: Path, hq: HQServer
) -> Iterator[tuple[MainWindow, Counter, str]]:
    """Store S002's window (1024×768) holding 赵六, a member of S001, with the number masked."""
    i18n.install(qapp, "zh")
    theme.apply(qapp)
    home = Counter(tmp_path, "S001")
    here = Counter(tmp_path, "S002")
    home.enroll(hq.base_url, hq.new_store("S001"))
    here.enroll(hq.base_url, hq.new_store("S002"))
    member = register_member(
        home.ctx, home.cashier, Registration(name="赵六", phone=PHONE, consent=True)
    ).member_id
    home.sync()
    here.sync()
    assert [f.member_id for f in here.lookup(PHONE)] == [member]
    register_member(here.ctx, here.cashier, Registration(name="张三", phone=LOCAL, consent=True))
    tasks = TaskManager()
    link = CounterSync(here.ctx, clock=here.clock).as_link()  # the worker is not started
    prefs = Prefs(tmp_path)
    prefs.idle_lock_minutes = 0
    session = Session(ctx=here.ctx, tasks=tasks, store=store_info(here.ctx))
    w = MainWindow(session, prefs, sync=link)
    qtbot.addWidget(w)
    w.resize(1024, 768)
    w.show()
    qtbot.waitExposed(w)
    yield w, here, member
    tasks.shutdown()
    here.close()
    home.close()


def open_member(qtbot: Any, window: MainWindow, query: str, *, settle: bool = True) -> None:
    counter = window.counter
    name = "张三" if query == LOCAL else "赵六"
    counter.open_member(query)
    qtbot.waitUntil(lambda: counter.member is not None and counter.member.name == name)
    if settle:
        idle(qtbot, window)


def inside(widget: QWidget, outer: QWidget) -> bool:
    top_left = widget.mapTo(outer, QPoint(0, 0))
    return QRect(QPoint(0, 0), outer.size()).contains(QRect(top_left, widget.size()))


def phone_viewed(counter: Counter, member_id: str) -> list[tuple[str, str]]:
    conn = sqlite3.connect(str(counter.ctx.db.path))
    try:
        return conn.execute(
            "SELECT staff_id, COALESCE(after, '') FROM audit_log "
            "WHERE action = 'member.phone_viewed' AND entity_id = ?",
            (member_id,),
        ).fetchall()
    finally:
        conn.close()


def test_a_manager_sees_another_stores_members_number_from_hq_and_a_cashier_cannot(
    qtbot, stores, hq: HQServer
) -> None:
    window, here, member = stores
    sign_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter, panel = window.counter, window.counter.panel
    open_member(qtbot, window, member)
    assert panel.phone.text() == f"手机 {MASKED}"
    button = panel.show_phone
    assert button.isVisible() and button.text() == "查看完整号码"
    assert button.height() >= 44 and button.width() >= button.sizeHint().width()
    assert inside(button, window) and inside(panel.phone, window)
    save_screenshot(window, "full-phone-masked-1024")

    button.click()
    qtbot.waitUntil(lambda: PHONE in panel.phone.text(), timeout=10_000)
    idle(qtbot, window)
    assert not button.isVisible()
    assert phone_viewed(here, member) == [(window.session.actor.staff_id, '{"from":"hq"}')]
    save_screenshot(window, "full-phone-shown-1024")

    # Read again after an operation: still this member, still shown; another member: gone.
    counter.refresh_member()
    idle(qtbot, window)
    assert PHONE in panel.phone.text()
    open_member(qtbot, window, LOCAL)
    assert panel.phone.text() == f"手机 {LOCAL}"  # this store's member: in full, as always
    assert not button.isVisible()  # and nothing to ask HQ
    open_member(qtbot, window, member)
    assert panel.phone.text() == f"手机 {MASKED}" and button.isVisible()

    # The screen locks with the number shown: masked again behind the sign-in screen.
    button.click()
    qtbot.waitUntil(lambda: PHONE in panel.phone.text(), timeout=10_000)
    window.lock()
    assert PHONE not in panel.phone.text()
    sign_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    assert panel.phone.text() == f"手机 {MASKED}" and button.isVisible()

    # HQ out of reach: said plainly, nothing shown, nothing audited.
    hq.stop()
    button.click()
    qtbot.waitUntil(lambda: "总部连接不上" in counter.message.text(), timeout=15_000)
    idle(qtbot, window)
    assert "无法查看完整号码" in counter.message.text()
    assert panel.phone.text() == f"手机 {MASKED}" and button.isVisible()
    assert len(phone_viewed(here, member)) == 2

    # A cashier signs in: no button, the masked number only.
    window.lock()
    sign_in(qtbot, window, CASHIER_NO, CASHIER_PIN)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    open_member(qtbot, window, member)
    assert panel.phone.text() == f"手机 {MASKED}" and not button.isVisible()

    assert PHONE.encode() not in file_bytes(here)


def test_an_answer_for_a_member_no_longer_on_screen_is_dropped(qtbot, stores) -> None:
    window, _here, member = stores
    sign_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    panel = window.counter.panel
    open_member(qtbot, window, member)
    real = window.session.sync.full_phone
    assert real is not None
    gate = threading.Event()
    answered: list[str] = []

    def slow(actor: Any, member_id: str) -> str:  # on a worker thread
        gate.wait(5)
        number = real(actor, member_id)
        answered.append(member_id)
        return number

    window.session.sync.full_phone = slow
    panel.show_phone.click()
    open_member(qtbot, window, LOCAL, settle=False)  # another member before HQ answers
    assert not answered
    gate.set()
    qtbot.waitUntil(lambda: bool(answered), timeout=10_000)
    idle(qtbot, window)
    assert window.counter.member is not None and window.counter.member.name == "张三"
    assert panel.phone.text() == f"手机 {LOCAL}"
    open_member(qtbot, window, member)
    assert panel.phone.text() == f"手机 {MASKED}"
