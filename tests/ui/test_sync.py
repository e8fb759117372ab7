"""The window with HQ: enrollment from F12, the status bar, and a member from another store
found through HQ at once. A real HQ on 127.0.0.1 (SQLite), a real sync worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from app.services.members import Registration, register_member
from app.services.store import store_info
from app.version import __version__
from server.db import sqlite_url
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in
from ui import i18n, theme
from ui.dialogs.sync_status import SyncDialog
from ui.ops import TaskManager
from ui.prefs import Prefs
from ui.session import Session
from ui.window import MainWindow
from ui.wiring import CounterSync

PHONE_B = "13700001111"


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    (tmp_path / "hq").mkdir()
    server = HQServer(sqlite_url(tmp_path / "hq"))
    server.start()
    yield server
    server.close()


@pytest.fixture
def counter_window(qtbot: Any, qapp: Any, tmp_path: Path) -> Iterator[tuple[MainWindow, Counter]]:
    i18n.install(qapp, "zh")
    theme.apply(qapp)
    store = Counter(tmp_path, "A001")
    tasks = TaskManager()
    hq_sync = CounterSync(store.ctx, clock=store.clock, interval=0.2).start()
    prefs = Prefs(tmp_path)
    prefs.idle_lock_minutes = 0
    session = Session(ctx=store.ctx, tasks=tasks, store=store_info(store.ctx))
    w = MainWindow(session, prefs, sync=hq_sync.as_link())
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w, store
    hq_sync.close()
    tasks.shutdown()
    store.close()


def test_enroll_from_f12_then_serve_a_member_of_another_store(
    qtbot, counter_window, hq: HQServer, tmp_path: Path
) -> None:
    window, _store = counter_window
    sign_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)
    assert "未连接总部" in window.status_labels["sync"].text()
    code = hq.new_store("A001")

    def enroll(d: QDialog) -> None:
        assert isinstance(d, SyncDialog)
        qtbot.waitUntil(lambda: d.current is not None, timeout=5000)
        assert d.enroll_box.isVisible()
        d.server.setText(hq.base_url)
        d.code.setText(code)
        save_screenshot(d, "11-sync-enroll")
        d.code.setFocus()
        qtbot.keyClick(d.code, Qt.Key.Key_Return)  # on to the optional CA file
        assert d.focusWidget() is d.ca and not d.busy
        qtbot.keyClick(d.ca, Qt.Key.Key_Return)  # the last field: registers
        qtbot.waitUntil(lambda: d.current is not None and d.current.enrolled, timeout=10_000)
        qtbot.waitUntil(lambda: d.current.online, timeout=10_000)
        assert not d.enroll_box.isVisible()
        d.accept()

    in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F12), enroll)
    qtbot.waitUntil(lambda: "总部在线" in window.status_labels["sync"].text(), timeout=10_000)

    # A member registered at store B a minute ago, pushed to HQ, not yet pulled here.
    other = Counter(tmp_path, "B001")
    try:
        other.enroll(hq.base_url, hq.new_store("B001"))
        register_member(
            other.ctx, other.cashier, Registration(name="周杰", phone=PHONE_B, consent=True)
        )
        other.sync()
    finally:
        other.close()
    counter = window.counter
    idle(qtbot, window)
    qtbot.keyClicks(counter.scan_box, PHONE_B)
    qtbot.keyClick(counter.scan_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.member is not None, timeout=10_000)
    assert counter.member.name == "周杰"
    status = window.status_labels["sync"].text()
    assert window.session.local(window.sync_status.last_success_at).strftime("%H:%M") in status
    save_screenshot(window, "12-member-from-hq")


def test_without_hq_an_unknown_phone_is_still_offered_registration(qtbot, counter_window) -> None:
    window, _store = counter_window
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    counter = window.counter
    qtbot.keyClicks(counter.scan_box, PHONE_B)
    qtbot.keyClick(counter.scan_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: PHONE_B in counter.register_found.text(), timeout=5000)


def test_f12_and_about_say_a_newer_release_is_available(
    qtbot, counter_window, hq: HQServer
) -> None:
    """HQ recommends a release; after the next pull F12 and the About box say 新版本可用 with
    where the installer is. A recommendation no newer than this release says nothing."""
    from server import admin
    from ui.dialogs.about import AboutDialog

    window, store = counter_window
    store.enroll(hq.base_url, hq.new_store("A001"))
    url = "https://hq.example.cn/downloads/member-counter-setup-9.0.0.exe"
    admin.set_release(hq.engine, "9.0.0", url, "日结报表更快")
    store.sync()
    sign_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)

    def f12(d: QDialog) -> None:
        assert isinstance(d, SyncDialog)
        qtbot.waitUntil(lambda: d.update_label.isVisible(), timeout=5000)
        text = d.update_label.text()
        assert "新版本可用:9.0.0" in text and url in text and "日结报表更快" in text
        assert d.fields["version"].text() == __version__
        save_screenshot(d, "13-sync-new-version")
        d.accept()

    in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F12), f12)

    def about(d: QDialog) -> None:
        assert isinstance(d, AboutDialog)
        qtbot.waitUntil(lambda: d.update_label.isVisible(), timeout=5000)
        assert "新版本可用:9.0.0" in d.update_label.text()
        labels = [w.text() for w in d.findChildren(QLabel)]
        assert f"会员收银台 {__version__}" in labels and str(store.data_dir) in labels
        save_screenshot(d, "14-about")
        qtbot.keyClick(d, Qt.Key.Key_Escape)

    back_to(qtbot, window)
    in_dialog(
        qtbot,
        lambda: qtbot.keyClick(window.counter.scan_box, "i", Qt.KeyboardModifier.ControlModifier),
        about,
    )

    admin.set_release(hq.engine, __version__)  # the running release: nothing to say
    store.sync()

    def quiet(d: QDialog) -> None:
        qtbot.waitUntil(lambda: isinstance(d, SyncDialog) and d.current is not None, timeout=5000)
        qtbot.wait(100)
        assert not d.update_label.isVisible()
        d.accept()

    back_to(qtbot, window)
    in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F12), quiet)


def back_to(qtbot: Any, window: MainWindow) -> None:
    """After a dialog closes, the window is active again (as a desktop makes it)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


REFUSED = {
    "zh": [
        "3 条,请店长联系总部处理:",
        "第 7 笔:赠送金额与规则不符:充值 ¥1,000.00 应送 ¥100.00,事件为 ¥200.00",
        "第 8 笔:等待前一笔处理后再上传",
        "第 9 笔:总部新版本才有的拒收原因",
    ],
    "en": [
        "3; a manager should ask HQ to resolve them:",
        "No. 7: The bonus breaks the rules: a top-up of ¥1,000.00 earns ¥100.00, not ¥200.00",
        "No. 8: waits for an earlier one to be resolved",
        "No. 9: 总部新版本才有的拒收原因",  # a code this release does not know: HQ's words
    ],
}
PARKED = {"zh": "1 条总部数据暂未能在本机应用", "en": "1 changes from HQ cannot be applied"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_f12_names_what_hq_refused_and_what_waits_here(qtbot, qapp, counter_window, lang) -> None:
    """What HQ said about this counter's refused events (as the sync worker records it: HQ's
    code and its reason in Chinese) and the changes from HQ parked here are in F12 in plain
    words, in the UI's language: the reason rendered from its code, HQ's own words for a
    code this release does not know."""
    from app.services.syncstate import Refusal, note_refused
    from server.validate import Refused

    window, store = counter_window
    bonus = Refused("bonus_mismatch", amount=100_000, expected=10_000, bonus=20_000)
    waiting = Refused("waiting", event_id="e1")
    note_refused(store.ctx, [
        Refusal("e1", 7, "topup", bonus.code, bonus.reason),
        Refusal("e2", 8, "checkout", waiting.code, waiting.reason, waiting_on="e1"),
        Refusal("e3", 9, "topup", "hq_from_a_newer_hq", "总部新版本才有的拒收原因"),
    ])  # fmt: skip
    with store.ctx.uow() as uow:
        from app.persistence import syncstore

        syncstore.park(uow, 41, "member.changed", "{}", None, "member_not_found",
                       "没有找到会员", store.ctx.now())  # fmt: skip
        uow.commit()
    i18n.install(qapp, lang)
    try:
        sign_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
        idle(qtbot, window)

        def f12(d: QDialog) -> None:
            assert isinstance(d, SyncDialog)
            qtbot.waitUntil(lambda: d.current is not None, timeout=5000)
            assert d.fields["refused"].text().splitlines() == REFUSED[lang]
            assert d.fields["parked"].text().startswith(PARKED[lang])
            save_screenshot(d, "15-sync-refused" + ("" if lang == "zh" else "-en"))
            d.accept()

        in_dialog(qtbot, lambda: qtbot.keyClick(window.counter.scan_box, Qt.Key.Key_F12), f12)
    finally:
        i18n.install(qapp, "zh")
