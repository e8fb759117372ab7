"""The window around the counter: locking, switching cashier, settings, language, first run."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.services.context import open_counter
from app.services.hashing import Hasher
from app.services.store import store_info
from tests.conftest import CASHIER_NO, CASHIER_PIN, MANAGER_NO, MANAGER_PIN
from tests.helpers import query
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in
from ui import i18n
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.settings import SettingsDialog
from ui.main import setup_logging
from ui.ops import TaskManager
from ui.session import Session


def signed_in(qtbot, window, no=CASHIER_NO, pin=CASHIER_PIN):
    sign_in(qtbot, window, no, pin)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.counter, timeout=5000)
    idle(qtbot, window)
    return window.counter


def test_idle_lock_then_unlock_keeps_the_member_on_screen(qtbot, window, register) -> None:
    register(name="张三", phone="13800138000")
    counter = signed_in(qtbot, window)
    counter.open_member("13800138000")
    idle(qtbot, window)
    window.prefs.idle_lock_minutes = 1
    window.restart_idle()
    window.idle_timer.setInterval(50)  # a minute is too long to wait in a test
    window.idle_timer.start()
    qtbot.waitUntil(lambda: window.locked, timeout=2000)
    assert window.signin.lock_label.isVisible()
    assert window.signin.staff_no.text() == CASHIER_NO
    qtbot.keyClicks(window.signin.pin, CASHIER_PIN)
    qtbot.keyClick(window.signin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=5000)
    assert counter.member is not None and counter.member.name == "张三"


def test_switching_cashier_clears_the_counter(qtbot, window, register) -> None:
    register(name="张三", phone="13800138000")
    counter = signed_in(qtbot, window)
    counter.open_member("13800138000")
    idle(qtbot, window)
    qtbot.keyClick(counter.scan_box, "l", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.locked, timeout=2000)
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
    assert window.session.actor.staff_no == MANAGER_NO
    assert counter.member is None
    assert "王店长" in window.status_labels["cashier"].text()
    # The manager sees full phone numbers.
    counter.open_member("13800138000")
    idle(qtbot, window)
    assert counter.panel.phone.text().endswith("13800138000")


def test_a_cashier_cannot_open_settings(qtbot, window) -> None:
    counter = signed_in(qtbot, window)
    window.open_settings()
    assert "店长" in counter.message.text()


def test_switching_to_english_is_remembered_and_applied(qtbot, window, qapp) -> None:
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def choose_english(d: QDialog) -> None:
        assert isinstance(d, SettingsDialog)
        d.language.setCurrentIndex(d.language.findData("en"))
        save_screenshot(d, "08-settings")
        qtbot.keyClick(d.language, Qt.Key.Key_Return)  # on to the idle lock, not saved yet
        assert d.isVisible() and d.focusWidget() is d.idle
        assert window.prefs.language == "zh"
        qtbot.keyClick(d.idle, Qt.Key.Key_Return)  # the tab's last field saves

    try:
        in_dialog(qtbot, window.open_settings, choose_english)
        idle(qtbot, window)
        assert window.prefs.language == "en"
        assert window.windowTitle() == "Member Counter"
        assert window.counter.action_buttons["checkout"].text() == "F3  Check out"
        assert window.stack.currentWidget() is window.counter  # still signed in
        save_screenshot(window, "09-counter-en")
    finally:
        i18n.install(qapp, "zh")


def test_the_business_day_start_is_set_on_the_store_tab(qtbot, window, ctx) -> None:
    from app.services.settings import business_day_settings

    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def store_tab(d: QDialog) -> None:
        assert isinstance(d, SettingsDialog)
        qtbot.waitUntil(lambda: d.loaded is not None, timeout=5000)
        assert d.day_start.text() == "04:00"
        d.tabs.setCurrentIndex(d.tabs.count() - 1)  # 门店
        d.day_start.setFocus()
        d.day_start.selectAll()
        qtbot.keyClicks(d.day_start, "25")
        assert "营业日切换时间不正确" in d.error.text() and not d.confirm_button.isEnabled()
        qtbot.keyClick(d.day_start, Qt.Key.Key_Return)  # refused: nothing saved
        assert d.isVisible() and business_day_settings(ctx).day_start == "04:00"
        d.day_start.selectAll()
        qtbot.keyClicks(d.day_start, "5:30")
        assert d.error.text() == "" and d.confirm_button.isEnabled()
        save_screenshot(d, "08-settings-business-day")
        qtbot.keyClick(d.day_start, Qt.Key.Key_Return)  # the tab's last field saves

    in_dialog(qtbot, window.open_settings, store_tab)
    idle(qtbot, window)
    assert business_day_settings(ctx).day_start == "05:30"
    assert query(ctx, "SELECT entity_id, after FROM audit_log WHERE action = 'setting.change'") == [
        ("business_day", '{"day_start":"05:30"}')
    ]


def test_every_visible_string_has_an_english_translation(tmp_path: Path) -> None:
    """The committed .ts holds every string of the code, all translated; the .qm is built
    from it (``python -m ui.i18n`` after changing a string)."""
    import shutil
    import xml.etree.ElementTree as ET

    def messages(ts: Path) -> dict[tuple[str, str], str | None]:
        found = {}
        for context in ET.parse(ts).getroot().iter("context"):
            name = context.findtext("name") or ""
            for m in context.iter("message"):
                tr = m.find("translation")
                text = None if tr is None or tr.get("type") == "unfinished" else tr.text
                found[(name, m.findtext("source") or "")] = text
        return found

    committed = messages(i18n.TS_FILE)
    assert len(committed) > 200
    untranslated = sorted(src for key, text in committed.items() if not text for src in key[1:])
    assert not untranslated, f"untranslated: {untranslated}"
    fresh = tmp_path / "fresh.ts"
    shutil.copy(i18n.TS_FILE, fresh)
    i18n.update_ts(fresh)
    assert messages(fresh).keys() == committed.keys(), "run python -m ui.i18n"
    built = tmp_path / "fresh.qm"
    i18n.build_qm(built, i18n.TS_FILE)
    assert built.read_bytes() == i18n.QM_FILE.read_bytes(), "run python -m ui.i18n"


def test_first_run_creates_the_demo_store(qtbot, tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    ctx = open_counter(data, hasher=Hasher.fast())
    tasks = TaskManager()
    try:
        session = Session(ctx=ctx, tasks=tasks, store=None)

        def demo(d: QDialog) -> None:
            assert isinstance(d, FirstRunDialog)
            save_screenshot(d, "00-first-run")
            qtbot.keyClick(d, Qt.Key.Key_Return)  # Enter: the demo store
            qtbot.waitUntil(lambda: not d.isVisible(), timeout=20_000)

        created = in_dialog(
            qtbot, lambda: setattr(session, "ok", FirstRunDialog.ask(None, session, data)), demo
        )
        assert created is None and session.ok  # type: ignore[attr-defined]
        info = store_info(ctx)
        assert info is not None and info.code == "DEMO"
        assert query(ctx, "SELECT count(*) FROM member") == [(5,)]
    finally:
        tasks.shutdown()
        ctx.close()


def test_the_log_rotates_in_the_data_directory(tmp_path: Path) -> None:
    path = setup_logging(tmp_path)
    try:
        logging.getLogger("member_counter.test").error("a fault the cashier will not see")
        for h in logging.getLogger().handlers:
            h.flush()
        assert path.parent == tmp_path / "logs"
        assert "a fault the cashier will not see" in path.read_text(encoding="utf-8")
    finally:
        root = logging.getLogger()
        for h in list(root.handlers):
            if getattr(h, "baseFilename", None) == str(path):
                root.removeHandler(h)
                h.close()


def test_a_chinese_font_is_installed(qapp) -> None:
    """Screenshots and the window need a font that draws hanzi; CI installs one (.ci/run)."""
    import os

    import pytest

    from ui.theme import chinese_font_family

    if chinese_font_family() is None and not os.environ.get("CI"):
        pytest.skip("no font for Simplified Chinese on this machine (CI installs one)")
    assert chinese_font_family(), "no font for Simplified Chinese: .ci/run must install one"


def test_nothing_starts_after_the_tasks_shut_down(qtbot) -> None:
    """A print job or a device reporting while the window closes asks for a status refresh
    after the workers are gone: it is dropped, nothing raises in the event loop."""
    tasks = TaskManager()
    ran: list[str] = []
    tasks.run(lambda: ran.append("before"), lambda f: None).result(timeout=5)
    tasks.shutdown()
    late = tasks.run(lambda: ran.append("after"), lambda f: ran.append("callback"))
    assert late.cancelled()
    qtbot.wait(50)
    assert ran == ["before"]


def test_a_read_still_queued_at_shutdown_is_dropped_quietly(qtbot) -> None:
    """Shutdown cancels the reads that have not started; their Op callbacks do not run and
    nothing raises in the event loop (it raised CancelledError from ``future.exception()``)."""
    from threading import Event, Timer

    from ui.ops import Op

    tasks = TaskManager()
    release, seen = Event(), []
    # Both read workers busy, so the third read waits in the queue.
    for _ in range(2):
        Op(tasks, lambda: release.wait(5), read=True).run()
    queued = Op(tasks, lambda: "never", read=True).success(seen.append).failure(seen.append)
    future = queued.finally_(lambda: seen.append("finally")).run()
    Timer(0.2, release.set).start()  # the workers finish only after shutdown has cancelled it
    tasks.shutdown()
    assert future.cancelled()
    qtbot.wait(100)
    assert seen == []
