"""The real-desktop layer: the app as the README starts it, under Xvfb + openbox + ibus.

Each test module gets one X session per screen size (``screen`` is parametrised with
1024×768 and 1366×768); each test starts the app on a fresh copy of a demo store and
drives it through XTEST only. In CI (``CI=true``) a missing tool is a failure, never a
skip: ``.ci/run`` installs them.

Display numbers: :20–:29 (``MEMBER_COUNTER_DESKTOP_DISPLAY`` sets the first one), one per
xdist worker and screen size.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.services.demo import DEMO_STAFF
from tests.desktop.xsession import XSession, missing_tools, xsession

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"1024x768": (1024, 768), "1366x768": (1366, 768)}
ENTRY_POINT = Path(sys.executable).with_name("member-counter")  # the README's .venv/bin/…
SHOTS_ENV = "MEMBER_COUNTER_DESKTOP_SHOTS"  # where the run's screenshots go (optional)
# The demo store's staff (staff number, PIN), as app/services/demo.py creates them.
ADMIN, MANAGER, CASHIER = ((number, pin) for number, _name, _role, pin in DEMO_STAFF)
TITLE = "会员收银台"


def _require_tools() -> None:
    missing = missing_tools()
    if missing:
        message = f"real-desktop tests need {', '.join(missing)} (bash .ci/run installs them)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)


def _display_number(size: str) -> int:
    """This worker's display for ``size``, or the next free one in the range."""
    base = int(os.environ.get("MEMBER_COUNTER_DESKTOP_DISPLAY", "20"))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    first = (index * len(SIZES) + list(SIZES).index(size)) % 10
    for step in range(10):
        number = base + (first + step) % 10
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    return base + first


@pytest.fixture(scope="module", params=list(SIZES))
def screen(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[XSession]:
    _require_tools()
    width, height = SIZES[request.param]
    home = tmp_path_factory.mktemp(f"xhome-{request.param}")
    with xsession(_display_number(request.param), width, height, home) as xs:
        yield xs


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store made once by ``member-counter demo``; each test copies it."""
    data = tmp_path_factory.mktemp("demo-template") / "data"
    subprocess.run(
        [str(ENTRY_POINT), "--data-dir", str(data), "demo"],
        check=True,
        capture_output=True,
        env={**os.environ, "MEMBER_COUNTER_TEST_FAST_HASH": "1"},
        timeout=120,
    )
    return data


def cli(data_dir: Path, *args: str, staff: tuple[str, str] = ADMIN) -> str:
    """One ops-CLI command on the app's database (as a manager at the counter would)."""
    return subprocess.run(
        [
            str(ENTRY_POINT),
            "--data-dir",
            str(data_dir),
            "--staff",
            staff[0],
            "--pin",
            staff[1],
            *list(args),
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "MEMBER_COUNTER_TEST_FAST_HASH": "1"},
        timeout=60,
    ).stdout


def member_qr(data_dir: Path, phone: str, *, dynamic: bool = False) -> str:
    """The member's QR payload, as the ops CLI gives it (``--dynamic``: the 60-second one)."""
    out = cli(data_dir, "--json", "member", "qr", phone, *(["--dynamic"] if dynamic else []))
    return str(json.loads(out)["payload"])


GOODS = [  # name, price (yuan)
    ("可口可乐", "3.50"), ("雪碧", "3.00"), ("矿泉水", "2.00"), ("酸奶", "6.50"),
    ("面包", "8.00"), ("牛奶", "5.00"), ("薯片", "7.50"), ("口香糖", "2.50"),
    ("方便面", "4.50"), ("火腿肠", "1.50"), ("饼干", "9.90"), ("咖啡", "12.00"),
]  # fmt: skip


def ean13(stem: str) -> str:
    """The 12 digits and their check digit (EAN-13)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(stem))
    return stem + str((10 - total % 10) % 10)


def goods_barcodes() -> list[str]:
    return [ean13(f"690123456{i:03d}") for i in range(len(GOODS))]


def goods_catalogue(data_dir: Path, tmp: Path) -> None:
    """Twelve goods with EAN-13 barcodes (G00 … G11), imported by the ops CLI."""
    rows = ["编码,名称,零售价,条码"] + [
        f"G{i:02d},{name},{price},{code}"
        for i, ((name, price), code) in enumerate(zip(GOODS, goods_barcodes(), strict=True))
    ]
    sheet = tmp / "goods.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cli(data_dir, "item", "import", str(sheet), "--commit")


@dataclass
class App:
    """The running counter app on one X screen, and its database to read outcomes from."""

    screen: XSession
    data_dir: Path
    proc: subprocess.Popen[bytes]
    log: Path
    shots: Path
    title: str = TITLE  # the main window's title in the app's language

    @property
    def map_path(self) -> Path:
        return self.data_dir.parent / f"widgets-{self.screen.width}.json"

    def windows(self) -> list[dict[str, Any]]:
        """What the app says is on screen (``ui.widget_map``), read back from its file."""
        for _ in range(20):
            try:
                return list(json.loads(self.map_path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                time.sleep(0.1)
        raise AssertionError("the app wrote no widget map")

    def control(self, text: str, *, window: str | None = None, kind: str = "") -> dict[str, Any]:
        """The visible control whose text (or placeholder) contains ``text``; waits for it."""
        deadline = time.monotonic() + 10
        while True:
            for w in self.windows():
                if window is not None and window not in w["title"]:
                    continue
                for c in w["controls"]:
                    if (text in c["text"] or text in c["hint"]) and (not kind or c["kind"] == kind):
                        return dict(c)
            if time.monotonic() > deadline:
                raise AssertionError(f"no control {text!r} on screen")
            time.sleep(0.1)

    def focused(self) -> dict[str, Any] | None:
        time.sleep(0.6)  # the map is written every 250 ms: read one made after the last key
        for w in self.windows():
            for c in w["controls"]:
                if c["focus"]:
                    return dict(c)
        return None

    def tap(self, text: str, *, window: str | None = None, kind: str = "") -> None:
        """A finger on the control: a click in its middle through the X server."""
        x, y, w, h = self.control(text, window=window, kind=kind)["rect"]
        self.screen.click(x + w // 2, y + h // 2)
        time.sleep(0.25)

    @property
    def db(self) -> Path:
        return self.data_dir / "counter.sqlite3"

    def query(self, sql: str, *args: object) -> list[tuple]:
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def main_window(self) -> None:
        self.screen.wait_active(self.title, exact=True)

    def sign_in(self, staff: tuple[str, str] = CASHIER) -> None:
        """At the sign-in screen: staff number, Enter, PIN, Enter (as the README says)."""
        s = self.screen
        s.wait_active(self.title, exact=True)
        s.type(staff[0], enter=True)
        s.type(staff[1], enter=True)
        self.control("F1", kind="button")  # the counter screen (a busy machine takes a while)
        self.settle(0.6)

    def open(self, key: str, title: str, settle: float = 0.6) -> None:
        """A key that opens a dialog: waits until the dialog titled ``title`` is active."""
        self.screen.key(key)
        self.screen.wait_active(title)
        self.settle(settle)

    def back(self, settle: float = 0.8) -> None:
        """Waits until the main window is active again (a dialog closed)."""
        self.screen.wait_active(self.title, exact=True)
        self.settle(settle)

    def settle(self, seconds: float = 0.6) -> None:
        """Let the window answer (its operations run off the UI thread)."""
        time.sleep(seconds)
        self.alive()

    def alive(self) -> None:
        code = self.proc.poll()
        if code is not None:
            raise AssertionError(f"the app exited with {code}:\n{self.log.read_text()[-3000:]}")

    def shot(self, name: str) -> Path:
        return self.screen.screenshot(self.shots / f"{name}-{self.screen.width}.png")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_app(screen: XSession, data_dir: Path, shots: Path, *, lang: str | None = None) -> App:
    log = data_dir.parent / f"app-{screen.width}.log"
    argv = [str(ENTRY_POINT), "--data-dir", str(data_dir)]
    if lang:
        argv[1:1] = ["--lang", lang]
    env = screen.app_env(
        MEMBER_COUNTER_TEST_FAST_HASH="1",
        MEMBER_COUNTER_WIDGET_MAP=str(data_dir.parent / f"widgets-{screen.width}.json"),
    )
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    title = "Member Counter" if lang == "en" else TITLE
    app = App(screen, data_dir, proc, log, shots, title)
    try:
        deadline = time.monotonic() + 60
        while not any(title in w.title for w in screen.windows()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise TimeoutError
            time.sleep(0.1)
        screen.wait_active(title, timeout=30, exact=True)
    except TimeoutError:
        app.stop()
        raise AssertionError(f"no window; the app's output:\n{log.read_text()[-3000:]}") from None
    time.sleep(0.8)  # the first paint
    return app


@pytest.fixture
def shots_dir(tmp_path: Path) -> Path:
    where = os.environ.get(SHOTS_ENV)
    return Path(where) if where else tmp_path / "shots"


@pytest.fixture
def app(screen: XSession, demo_template: Path, tmp_path: Path, shots_dir: Path) -> Iterator[App]:
    """The app on a fresh copy of the demo store, at the sign-in screen."""
    data = tmp_path / "data"
    shutil.copytree(demo_template, data)
    running = start_app(screen, data, shots_dir)
    try:
        yield running
    finally:
        running.stop()
        screen.gone(TITLE, timeout=20)


@contextlib.contextmanager
def enrolled_app(
    screen: XSession,
    demo_template: Path,
    tmp_path: Path,
    shots_dir: Path,
    hq_url: str,
    *sql: str,
) -> Iterator[App]:
    """The app on a copy of the demo store enrolled with the HQ at ``hq_url`` (its
    ``sync.json``; any secret: HQ here is out of reach or a stand-in), after ``sql`` ran on
    its database."""
    from app.domain.ids import uuid7
    from sync.config import SyncConfig, save_config

    data = tmp_path / "data"
    shutil.copytree(demo_template, data)
    con = sqlite3.connect(str(data / "counter.sqlite3"))
    try:
        (store,) = con.execute("SELECT code FROM store").fetchone()
        for statement in sql:
            con.execute(statement)
        con.commit()
    finally:
        con.close()
    save_config(data, SyncConfig(hq_url, uuid7(), "s" * 43, store, verify_tls=False))
    running = start_app(screen, data, shots_dir)
    try:
        yield running
    finally:
        running.stop()
        screen.gone(TITLE, timeout=20)


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on once it is closed: an HQ out of reach."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def stand_in_hq(path: str, answer: Callable[[dict], dict]) -> Iterator[tuple[str, list[dict]]]:
    """An HQ on 127.0.0.1 that answers one POST route with ``answer(body)`` and nothing else
    (the route itself is tested against the real HQ in tests/sync); yields its URL and the
    bodies it was asked."""
    asked: list[dict] = []

    class StandIn(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path != path:
                self.send_error(404)
                return
            asked.append(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(answer(body)).encode())

        def do_GET(self) -> None:
            self.send_error(404)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
