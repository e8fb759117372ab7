"""A counter's day, compressed: the real window driven through thousands of scans.

    python -m tests.ui.soak DATA_DIR [--scans 20000] [--checkouts 2000] [--sample-every 1000]

Builds (once) a store with members in DATA_DIR, opens the real window offscreen (the
composition of ``ui.main``: session, task manager, wedge filter), signs a cashier in and then,
with keys sent through Qt as a wedge scanner and a person send them:

- scans each member's card as a keyboard-wedge burst (4 ms a key, timed by a clock the driver
  moves, so a loaded machine cannot turn a scan into typing) and waits for the member's panel;
- every 10th scan checks the member out through the F3 dialog (until ``--checkouts`` are done);
- every 25th types a name search at a person's speed and opens the first match;
- every 50th opens the top-up (F2) and card (F6) dialogs and closes them with Esc, and shows
  the history tab (F5).

Every ``--sample-every`` scans it samples None's reference count, the number of Python
objects the garbage collector tracks, the memory blocks Python has allocated (untracked
objects too), the number of live widgets and the resident memory, and
prints one JSON line at the end: the samples and the counts of what it did. A binding that
takes references from None, a leak of widgets or a growing cache shows in the samples; a crash
shows as the process dying (the test runs this in a subprocess).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.services.context import CounterContext, open_counter
from app.services.hashing import Hasher
from app.services.members import Registration, register_member
from app.services.search_keys import search_keys
from app.services.security import sign_in
from app.services.staff import add_staff
from app.services.store import init_store, store_info
from app.services.stored_value import top_up
from tests.helpers import query
from ui import i18n, theme
from ui.dialogs.checkout import CheckoutDialog
from ui.main import make_wedge
from ui.ops import TaskManager
from ui.prefs import Prefs
from ui.session import Session
from ui.window import MainWindow

ADMIN_PIN, CASHIER = "9512", ("c01", "1470")
MEMBERS = 200
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜敏静丽强磊军洋"


class KeyClock:
    """The monotonic clock the wedge filter times keys with, moved by the driver."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def seed(data_dir: Path) -> list[tuple[str, str]]:
    """The store, a cashier and MEMBERS members with stored value; (card number, name) each."""
    ctx = open_counter(data_dir, hasher=Hasher.fast())
    try:
        if store_info(ctx) is None:
            init_store(ctx, code="S001", name="耐久测试店", admin_pin=ADMIN_PIN)
            admin = sign_in(ctx, "admin", ADMIN_PIN)
            add_staff(
                ctx, admin, staff_no=CASHIER[0], name="李收银", role="cashier", pin=CASHIER[1]
            )
            cashier = sign_in(ctx, *CASHIER)
            for i in range(MEMBERS):
                name = SURNAMES[i % 10] + GIVEN[i // 10 % 10] + GIVEN[i % 7]
                m = register_member(
                    ctx, cashier, Registration(name=name, phone=f"139{i:08d}", consent=True)
                )
                top_up(ctx, cashier, m.member_id, 5_000_000, "cash")
        rows = query(
            ctx,
            "SELECT c.card_no, m.name FROM member m JOIN card c ON c.id = m.card_id"
            " ORDER BY m.created_at",
        )
        return [(card_no, name) for card_no, name in rows]
    finally:
        ctx.close()


def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Run the event loop until ``condition`` holds. It sleeps until an event comes (a
    worker's answer is a posted event), so the workers get the interpreter to themselves."""
    deadline = time.monotonic() + timeout
    tick = QTimer()
    tick.start(5)  # wakes the loop to look at the clock even when nothing else happens
    loop = QEventLoop()
    try:
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the window did not get there in time")
            loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        tick.stop()


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Driver:
    def __init__(self, data_dir: Path) -> None:
        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        i18n.install(self.app, "zh")
        theme.apply(self.app)
        self.clock = KeyClock()
        self.ctx: CounterContext = open_counter(data_dir, hasher=Hasher.fast())
        self.tasks = TaskManager()
        prefs = Prefs(data_dir)
        prefs.idle_lock_minutes = 0
        session = Session(ctx=self.ctx, tasks=self.tasks, store=store_info(self.ctx))
        self.window = MainWindow(session, prefs)
        self.window.install_wedge(lambda w: make_wedge(w, clock=self.clock))
        self.window.resize(1024, 768)
        self.window.show()
        self.counts = {"scans": 0, "checkouts": 0, "searches": 0, "dialogs": 0}

    # -- keys --------------------------------------------------------------------------
    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def type_keys(self, text: str, gap: float) -> None:
        for ch in text:
            self.clock.now += gap
            QTest.keyClick(self.focus(), ch)

    def key(self, key: Qt.Key, gap: float = 0.3) -> None:
        self.clock.now += gap
        QTest.keyClick(self.focus(), key)

    def activate(self) -> None:
        self.window.activateWindow()
        until(lambda: QApplication.activeWindow() is self.window)

    # -- what a cashier does --------------------------------------------------------------
    def sign_in(self) -> None:
        signin = self.window.signin
        signin.staff_no.setFocus()
        self.type_keys(CASHIER[0], 0.2)
        self.key(Qt.Key.Key_Return)
        self.type_keys(CASHIER[1], 0.2)
        self.key(Qt.Key.Key_Return)
        until(lambda: self.window.session.actor is not None)
        until(lambda: not self.tasks.busy)

    def scan(self, card_no: str) -> None:
        counter = self.window.counter
        self.clock.now += 1.0
        self.type_keys(card_no, 0.004)
        self.key(Qt.Key.Key_Return, 0.004)
        # The next scan comes as soon as the member is on screen, as at a busy counter: the
        # history and the status bar catch up meanwhile (and answers for a member no longer
        # shown are dropped).
        until(lambda: counter.member is not None and counter.member.card_no == card_no)
        self.counts["scans"] += 1

    def search(self, name: str) -> None:
        """Pinyin initials typed by a person (王伟芳 → wwf): one member or a list."""
        initials = min(search_keys(name), key=len)
        counter = self.window.counter
        counter.scan_box.clear()
        counter.scan_box.setFocus()
        self.clock.now += 1.0
        self.type_keys(initials, 0.15)
        self.key(Qt.Key.Key_Return, 0.15)
        until(lambda: counter.last_query == initials and not self.tasks.busy)
        if counter.candidates:
            self.key(Qt.Key.Key_Return)
        until(lambda: not self.tasks.busy)
        counter.focus_scan()
        self.counts["searches"] += 1

    def in_dialog(self, open_key: Qt.Key, handle: Callable[[QDialog], None]) -> None:
        """Press ``open_key`` on the counter; ``handle`` runs inside the dialog's own loop."""
        done: dict[str, Any] = {}

        def step() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, QDialog):
                QTimer.singleShot(5, step)
                return
            try:
                dialog.activateWindow()
                until(lambda: QApplication.activeWindow() is dialog)
                handle(dialog)
            except BaseException as exc:
                done["error"] = exc
                dialog.done(0)

        QTimer.singleShot(5, step)
        self.key(open_key)
        if "error" in done:
            raise done["error"]
        self.activate()
        self.counts["dialogs"] += 1

    def checkout(self) -> None:
        def pay(dialog: QDialog) -> None:
            assert isinstance(dialog, CheckoutDialog)
            until(lambda: dialog.info is not None)
            dialog.amount.setFocus()
            self.type_keys("1", 0.2)
            until(lambda: dialog.confirm_button.isEnabled())
            dialog.confirm()
            until(lambda: not dialog.isVisible(), timeout=15)

        self.in_dialog(Qt.Key.Key_F3, pay)
        until(lambda: not self.tasks.busy)
        self.counts["checkouts"] += 1

    def open_and_close(self, key: Qt.Key) -> None:
        self.in_dialog(key, lambda dialog: self.key(Qt.Key.Key_Escape))

    def sample(self, samples: list[dict[str, Any]]) -> None:
        until(lambda: not self.tasks.busy)
        self.app.processEvents()
        gc.collect()
        samples.append(
            {
                "scans": self.counts["scans"],
                "none_refs": sys.getrefcount(None),
                "gc_objects": len(gc.get_objects()),
                "blocks": sys.getallocatedblocks(),
                "widgets": len(QApplication.allWidgets()),
                "rss_mb": round(rss_mb(), 1),
                "at": round(time.monotonic(), 2),
            }
        )

    def close(self) -> None:
        self.window.close()
        self.tasks.shutdown()
        self.ctx.close()


def run(data_dir: Path, scans: int, checkouts: int, sample_every: int) -> dict[str, Any]:
    members = seed(data_dir)
    driver = Driver(data_dir)
    samples: list[dict[str, Any]] = []
    started = time.monotonic()
    try:
        driver.activate()
        driver.sign_in()
        driver.activate()
        driver.sample(samples)
        for i in range(scans):
            card_no, name = members[i % len(members)]
            driver.scan(card_no)
            if i % 10 == 9 and driver.counts["checkouts"] < checkouts:
                driver.checkout()
            if i % 25 == 24:
                driver.search(name)
            if i % 50 == 49:
                driver.open_and_close(Qt.Key.Key_F2)
                driver.open_and_close(Qt.Key.Key_F6)
                driver.key(Qt.Key.Key_F5)
                driver.window.counter.focus_scan()
            if (i + 1) % sample_every == 0:
                driver.sample(samples)
    finally:
        driver.close()
    return {
        **driver.counts,
        "seconds": round(time.monotonic() - started, 1),
        "samples": samples,
        "alive": True,
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m tests.ui.soak", description=__doc__)
    p.add_argument("data_dir", type=Path)
    p.add_argument("--scans", type=int, default=20_000)
    p.add_argument("--checkouts", type=int, default=2_000)
    p.add_argument("--sample-every", type=int, default=1_000)
    args = p.parse_args(argv)
    report = run(args.data_dir, args.scans, args.checkouts, args.sample_every)
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
