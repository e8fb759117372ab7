"""The window says so when the disk refuses: a banner over every screen, no traceback.

A read-only database (SQLite's own refusal, ``PRAGMA query_only``) everywhere; a full disk on a
real tmpfs where the suite runs as root (tests/diskkit.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from tests.diskkit import fill
from tests.ui.conftest import idle, in_dialog, save_screenshot, sign_in
from ui.counter import Page
from ui.dialogs.topup import TopUpDialog
from ui.window import MainWindow

PHONE = "13900000055"


def _read_only(w: MainWindow, on: bool) -> None:
    engine = w.session.ctx.db.engine

    def query_only(dbapi: Any, _record: Any) -> None:
        dbapi.execute("PRAGMA query_only=ON")

    if on:
        event.listen(engine, "connect", query_only)
        w._query_only = query_only  # type: ignore[attr-defined]
    else:
        event.remove(engine, "connect", w._query_only)  # type: ignore[attr-defined]
    w.session.tasks.drain()
    engine.dispose()  # every connection from now on is made with (or without) it


def _top_up(qtbot: Any, w: MainWindow) -> str:
    def run(d: TopUpDialog) -> str:
        qtbot.waitUntil(lambda: d.rules is not None, timeout=5000)
        d.amount.setText("100")
        d.methods.set_method("cash")
        d.confirm()
        qtbot.waitUntil(lambda: not d.busy, timeout=5000)
        if d.result_value is not None:
            return ""  # saved: the dialog closes
        text = d.error.text()
        d.reject()
        return text

    result: str = in_dialog(qtbot, lambda: w.counter.top_up(), run)
    idle(qtbot, w)
    return result


def _at_member(qtbot: Any, w: MainWindow, register: Any) -> None:
    register(name="钱七", phone=PHONE)
    sign_in(qtbot, w)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.counter, timeout=5000)
    w.counter.scan(PHONE)
    qtbot.waitUntil(lambda: w.counter.pages.currentIndex() == Page.MEMBER, timeout=5000)


def test_a_read_only_database_shows_the_banner_until_a_save_works(qtbot, window, register):
    w = window
    _at_member(qtbot, w, register)
    assert not w.storage_banner.isVisible()
    _read_only(w, True)
    message = _top_up(qtbot, w)
    assert message.startswith("数据库只能读不能写")  # the dialog says it, in plain words
    assert w.storage_banner.isVisible() and "数据库只能读不能写" in w.storage_banner.text()
    assert "Error" not in message
    save_screenshot(w, "60-storage-readonly-banner")
    _read_only(w, False)
    assert _top_up(qtbot, w) == ""  # saved: the dialog closed without a message
    assert not w.storage_banner.isVisible()


def test_a_full_disk_shows_the_banner(qtbot, small_disk, tmp_path, register, window) -> None:
    """The window's database on a real tmpfs filled to the last byte."""
    import shutil

    from app.services.context import CounterContext, open_counter

    w = window
    _at_member(qtbot, w, register)
    # Move the store onto the small disk: the same database, copied while nothing writes.
    old: CounterContext = w.session.ctx
    w.session.tasks.drain()
    old.db.backup_to(small_disk / "counter.sqlite3")
    moved = open_counter(small_disk, clock=old.clock, hasher=old.hasher)
    w.session.ctx = moved
    try:
        filler = fill(small_disk)
        message = _top_up(qtbot, w)
        assert message.startswith("磁盘已满"), message
        assert w.storage_banner.isVisible() and w.storage_banner.text().startswith("磁盘已满")
        assert "回收站" in w.storage_banner.toolTip()  # what to do
        w.refresh_status()
        qtbot.waitUntil(lambda: w.status_labels["disk"].text() == "磁盘只剩 0 MB,请尽快清理")
        save_screenshot(w, "61-disk-full-banner")
        filler.unlink()
        assert _top_up(qtbot, w) == ""
        assert not w.storage_banner.isVisible()
    finally:
        w.session.tasks.drain()
        moved.close()
        w.session.ctx = old
        shutil.rmtree(small_disk / "logs", ignore_errors=True)
