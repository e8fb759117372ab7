"""A real X desktop for the counter: Xvfb, openbox, a D-Bus session and ibus with libpinyin.

Everything runs in a private home directory (ibus keeps its bus address and settings there),
on a display number of its own. The app is started the way the README starts it
(``.venv/bin/member-counter``) with ``QT_QPA_PLATFORM=xcb`` and ``QT_IM_MODULE=ibus``.

Input goes in only as real X events through XTEST (python-xlib): key presses and releases
with a person's or a scanner's timing, and mouse clicks. Windows are found by their titles
(``WM_NAME``) and geometry through the X server, screens are read with ``GetImage``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from Xlib import XK, X, display, error
from Xlib.ext import xtest

TOOLS = ("Xvfb", "openbox", "dbus-daemon", "ibus-daemon", "ibus", "xdotool")
PERSON_S = 0.120  # a cashier typing: one key every 120 ms
SCANNER_S = 0.004  # a keyboard-wedge scanner: one key every 4 ms

# Characters whose keysym name differs from the character itself.
_KEYSYM_NAMES = {
    " ": "space", ".": "period", ",": "comma", "-": "minus", "+": "plus", "=": "equal",
    "/": "slash", ":": "colon", ";": "semicolon", "_": "underscore", "*": "asterisk",
    "#": "numbersign", "@": "at", "!": "exclam", "?": "question", "&": "ampersand",
    "%": "percent", "$": "dollar", "~": "asciitilde", "|": "bar", "\\": "backslash",
    "'": "apostrophe", '"': "quotedbl", "(": "parenleft", ")": "parenright",
    "[": "bracketleft", "]": "bracketright", "{": "braceleft", "}": "braceright",
    "<": "less", ">": "greater", "^": "asciicircum", "`": "grave",
    "\r": "Return", "\n": "Return", "\t": "Tab",
}  # fmt: skip


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def _wait(predicate: Callable[[], object], timeout: float, what: str, step: float = 0.05) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


@dataclass
class Window:
    wid: int
    title: str
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height


@dataclass
class XSession:
    """One display with its window manager and input method; ``close()`` ends them all."""

    number: int
    width: int
    height: int
    home: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    dpy: display.Display | None = None

    # -- starting --------------------------------------------------------------------
    def start(self) -> XSession:
        self.home.mkdir(parents=True, exist_ok=True)
        name = f":{self.number}"
        lock = Path(f"/tmp/.X{self.number}-lock")
        if lock.exists():  # left by an Xvfb that died; a live one would refuse to start
            with contextlib.suppress(OSError):
                pid = int(lock.read_text().strip())
                os.kill(pid, 0)
                raise RuntimeError(f"display {name} is in use (pid {pid})")
            lock.unlink(missing_ok=True)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("QT_", "DBUS_", "XDG_", "IBUS_", "GTK_", "XMODIFIERS"))
        }
        env.update(
            DISPLAY=name,
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            XDG_DATA_HOME=str(self.home / ".local" / "share"),
            XDG_RUNTIME_DIR=str(self.home / "run"),
            LANG="zh_CN.UTF-8",
            LC_ALL="C.UTF-8",
            GSETTINGS_BACKEND="memory",
        )
        (self.home / "run").mkdir(mode=0o700, exist_ok=True)
        self.env = env
        self._spawn(
            [
                *("Xvfb", name, "-screen", "0", f"{self.width}x{self.height}x24"),
                *("-nolisten", "tcp", "-noreset", "+extension", "XTEST"),
            ]
        )
        _wait(self._connect, 15, f"Xvfb on {name}")
        out = subprocess.run(
            ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        env["DBUS_SESSION_BUS_ADDRESS"], dbus_pid = out[0], int(out[1])
        self.procs.append(_Forked(dbus_pid))  # type: ignore[arg-type]
        self._spawn(["openbox", "--sm-disable"])
        _wait(self._wm_running, 15, "openbox")
        self._spawn(["ibus-daemon", "--replace", "--panel=disable", "--xim"])
        _wait(self._ibus_ready, 30, "ibus-daemon")
        _wait(self._pinyin_engine, 60, "the libpinyin engine", step=0.5)
        return self

    def _spawn(self, argv: Sequence[str]) -> subprocess.Popen[bytes]:
        log = open(self.home / f"{Path(argv[0]).name}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append(proc)
        return proc

    def _connect(self) -> bool:
        try:
            self.dpy = display.Display(self.env["DISPLAY"])
        except (error.DisplayError, ConnectionError, OSError):
            return False
        if not self.dpy.has_extension("XTEST"):
            raise RuntimeError("the X server has no XTEST extension")
        return True

    def _wm_running(self) -> bool:
        assert self.dpy is not None
        atom = self.dpy.intern_atom("_NET_SUPPORTING_WM_CHECK")
        prop = self.dpy.screen().root.get_full_property(atom, X.AnyPropertyType)
        return prop is not None

    def _ibus_ready(self) -> bool:
        try:
            return self.run_ibus("address", check=False).strip() not in ("", "(null)")
        except subprocess.TimeoutExpired:
            return False

    def _pinyin_engine(self) -> bool:
        # The first ``ibus engine NAME`` may answer an error while the engine process starts,
        # or not answer within the call's timeout on a loaded machine: both mean "not yet".
        try:
            self.run_ibus("engine", "libpinyin", check=False)
            return self.run_ibus("engine", check=False).strip() == "libpinyin"
        except subprocess.TimeoutExpired:
            return False

    def run_ibus(self, *args: str, check: bool = True) -> str:
        r = subprocess.run(
            ["ibus", *args], env=self.env, capture_output=True, text=True, timeout=10
        )
        if check and r.returncode:
            raise RuntimeError(f"ibus {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def close(self) -> None:
        if self.dpy is not None:
            with contextlib.suppress(Exception):
                self.dpy.close()
        for proc in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError, OSError):
                os.killpg(proc.pid, signal.SIGTERM) if isinstance(
                    proc, subprocess.Popen
                ) else os.kill(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            if isinstance(proc, subprocess.Popen):
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)
        self.procs.clear()

    # -- the app ---------------------------------------------------------------------
    def app_env(self, **extra: str) -> dict[str, str]:
        env = dict(self.env)
        env.update(QT_QPA_PLATFORM="xcb", QT_IM_MODULE="ibus", XMODIFIERS="@im=ibus")
        env.update(extra)
        return env

    # -- windows ---------------------------------------------------------------------
    def windows(self) -> list[Window]:
        """The managed top-level windows that are mapped, with their frame-less geometry."""
        assert self.dpy is not None
        root = self.dpy.screen().root
        atom = self.dpy.intern_atom("_NET_CLIENT_LIST")
        prop = root.get_full_property(atom, X.AnyPropertyType)
        found: list[Window] = []
        for wid in prop.value if prop else []:
            w = self.dpy.create_resource_object("window", wid)
            try:
                if w.get_attributes().map_state != X.IsViewable:
                    continue
                title = self._title(w)
                geo = w.get_geometry()
                pos = w.translate_coords(root, 0, 0)
                found.append(Window(wid, title, -pos.x, -pos.y, geo.width, geo.height))
            except error.XError:  # the window went away while it was being read
                continue
        return found

    def _title(self, w: object) -> str:
        assert self.dpy is not None
        name = w.get_full_property(  # type: ignore[attr-defined]
            self.dpy.intern_atom("_NET_WM_NAME"), self.dpy.intern_atom("UTF8_STRING")
        )
        if name is not None:
            value = name.value
            return value.decode("utf-8") if isinstance(value, bytes) else str(value)
        return str(w.get_wm_name() or "")  # type: ignore[attr-defined]

    def window(self, title: str, timeout: float = 20) -> Window:
        """The mapped window whose title contains ``title`` (waits for it)."""

        def find() -> Window | None:
            for w in self.windows():
                if title in w.title:
                    return w
            return None

        return _wait(find, timeout, f"a window titled {title!r}")  # type: ignore[return-value]

    def gone(self, title: str, timeout: float = 20) -> None:
        _wait(
            lambda: not any(title in w.title for w in self.windows()),
            timeout,
            f"the window {title!r} to close",
        )

    def active(self) -> Window | None:
        assert self.dpy is not None
        root = self.dpy.screen().root
        prop = root.get_full_property(self.dpy.intern_atom("_NET_ACTIVE_WINDOW"), X.AnyPropertyType)
        if not prop or not prop.value or not prop.value[0]:
            return None
        for w in self.windows():
            if w.wid == prop.value[0]:
                return w
        return None

    def wait_active(self, title: str, timeout: float = 20, *, exact: bool = False) -> Window:
        """Waits until the active window's title contains ``title`` (is it, with ``exact``:
        a dialog's title ends with the app's name, the main window's is the name)."""

        def check() -> Window | None:
            w = self.active()
            if w is None:
                return None
            return w if (w.title == title if exact else title in w.title) else None

        return _wait(check, timeout, f"{title!r} to be the active window")  # type: ignore[return-value]

    # -- input -----------------------------------------------------------------------
    def _keycode(self, keysym: int) -> tuple[int, bool]:
        """The keycode that types ``keysym`` and whether Shift is needed for it."""
        assert self.dpy is not None
        for code, index in self.dpy.keysym_to_keycodes(keysym):
            if index in (0, 1):
                return code, index == 1
        raise ValueError(f"no key for keysym {keysym:#x} in this keyboard map")

    def _keysym(self, key: str) -> int:
        name = _KEYSYM_NAMES.get(key, key)
        sym = XK.string_to_keysym(name)
        if not sym:
            raise ValueError(f"unknown key {key!r}")
        return sym

    def key(self, key: str, *, hold: float = 0.0) -> None:
        """One key by character or keysym name ("Return", "F2", "Escape", "ctrl+space")."""
        assert self.dpy is not None
        *mods, base = key.split("+") if len(key) > 1 else [key]
        mod_codes = [self._keycode(XK.string_to_keysym(_MODS[m.lower()]))[0] for m in mods]
        code, shift = self._keycode(self._keysym(base))
        if shift:
            mod_codes.append(self._keycode(XK.XK_Shift_L)[0])
        for m in mod_codes:
            xtest.fake_input(self.dpy, X.KeyPress, m)
        xtest.fake_input(self.dpy, X.KeyPress, code)
        self.dpy.sync()
        if hold:
            time.sleep(hold)
        xtest.fake_input(self.dpy, X.KeyRelease, code)
        for m in reversed(mod_codes):
            xtest.fake_input(self.dpy, X.KeyRelease, m)
        self.dpy.sync()

    def type(self, text: str, *, interval: float = PERSON_S, enter: bool = False) -> float:
        """Types ``text`` one key per ``interval`` seconds (Enter after it if asked);
        returns the monotonic time at which the last key went to the X server."""
        keys = list(text) + (["\r"] if enter else [])
        t = time.monotonic()
        last = t
        for i, ch in enumerate(keys):
            target = t + i * interval
            delay = target - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            last = time.monotonic()
            self.key(ch, hold=min(0.03, interval / 3) if interval >= 0.05 else 0.0)
        return last

    def scan(self, text: str, *, interval: float = SCANNER_S) -> float:
        """A keyboard-wedge scanner: the code at ``interval`` a key, then Enter.

        The whole burst goes to the X server at once, each press with XTEST's delay of
        ``interval``: the server itself paces the keys, as a scanner's own clock does, so a
        busy test machine cannot stretch the gaps. Returns the monotonic time at which the
        server had played the last key (Enter)."""
        assert self.dpy is not None
        delay = max(1, round(interval * 1000))
        shift = self._keycode(XK.XK_Shift_L)[0]
        for ch in [*text, "\r"]:
            code, shifted = self._keycode(self._keysym(ch))
            if shifted:
                xtest.fake_input(self.dpy, X.KeyPress, shift, time=delay)
            xtest.fake_input(self.dpy, X.KeyPress, code, time=0 if shifted else delay)
            xtest.fake_input(self.dpy, X.KeyRelease, code)
            if shifted:
                xtest.fake_input(self.dpy, X.KeyRelease, shift)
        self.dpy.sync()  # answered once the server has played every delayed event
        return time.monotonic()

    def click(self, x: int, y: int) -> None:
        assert self.dpy is not None
        xtest.fake_input(self.dpy, X.MotionNotify, x=x, y=y)
        self.dpy.sync()
        time.sleep(0.03)
        xtest.fake_input(self.dpy, X.ButtonPress, 1)
        self.dpy.sync()
        time.sleep(0.06)
        xtest.fake_input(self.dpy, X.ButtonRelease, 1)
        self.dpy.sync()

    def pause(self, seconds: float = PERSON_S) -> None:
        time.sleep(seconds)

    # -- the screen ------------------------------------------------------------------
    def grab(self, x: int = 0, y: int = 0, width: int = 0, height: int = 0) -> bytes:
        """The screen's pixels (BGRX, 4 bytes a pixel) in the rectangle; whole screen by
        default."""
        assert self.dpy is not None
        root = self.dpy.screen().root
        img = root.get_image(
            x, y, width or self.width, height or self.height, X.ZPixmap, 0xFFFFFFFF
        )
        data = img.data
        return data if isinstance(data, bytes) else bytes(data)

    def screenshot(self, path: Path) -> Path:
        """The whole screen as a PNG."""
        from PySide6.QtGui import QImage  # only for writing the PNG

        data = self.grab()
        image = QImage(data, self.width, self.height, self.width * 4, QImage.Format.Format_RGB32)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.copy().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        return path


_MODS = {"ctrl": "Control_L", "shift": "Shift_L", "alt": "Alt_L"}


@dataclass
class _Forked:
    """A daemon that forked itself away (dbus-daemon --fork): ended by its pid."""

    pid: int


@contextlib.contextmanager
def xsession(number: int, width: int, height: int, home: Path) -> Iterator[XSession]:
    session = XSession(number, width, height, home)
    try:
        yield session.start()
    finally:
        session.close()
