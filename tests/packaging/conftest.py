"""The counter as stores get it: the frozen one-folder bundle, and the wheel installed into a
fresh virtual environment. Each is made once per test session (whichever xdist worker gets
there first builds it; the other waits for it) and then run as a program, never imported.

A build that fails fails every test that needs it: nothing here skips. Locally, a bundle
built before may be reused with ``MEMBER_COUNTER_TEST_BUNDLE=DIST_DIR`` (never in CI).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import venv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import bundle_layout as layout  # noqa: E402

REUSE_ENV = "MEMBER_COUNTER_TEST_BUNDLE"
BUILD_TIMEOUT = 2400  # seconds: a build on two busy shared cores took over 6 minutes
FIGURES = "packaging-figures.json"


@dataclass(frozen=True)
class Installed:
    """One way the counter is installed: ``command`` runs ``member-counter``."""

    kind: str  # "frozen" or "wheel"
    command: tuple[str, ...]
    home: Path  # what the installation's files are under

    def run(
        self, *args: str, timeout: float = 180, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONDONTWRITEBYTECODE": "1",
            **(env or {}),
        }
        for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
            full_env.pop(name, None)
        return subprocess.run(
            [*self.command, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            env=full_env,
            cwd=self.home,  # not the source tree: nothing may be found from there
        )

    def ok(self, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
        done = self.run(*args, **kw)  # type: ignore[arg-type]
        assert done.returncode == 0, f"{self.kind} {args}: {done.returncode}\n{done.stderr}"
        return done

    def json(self, *args: str) -> dict:
        return json.loads(self.ok("--json", *args).stdout)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One xdist worker at a time (the other waits, then finds the result made)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker has basetemp/popen-gwN: share the session's folder above it.
    return base.parent if base.name.startswith("popen-gw") else base


def _note(shared: Path, key: str, value: object) -> None:
    path = shared / FIGURES
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    path.write_text(json.dumps(data, indent=2))


def _build_bundle(shared: Path) -> Path:
    dist = shared / "bundle" / "dist"
    report_file = dist / "build-report.json"
    with _locked(shared / "bundle.lock"):
        if not report_file.exists():
            log = shared / "bundle" / "build.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("w") as out:
                done = subprocess.run(
                    [sys.executable, str(ROOT / "packaging" / "build.py"),
                     "--dist", str(dist), "--work", str(shared / "bundle" / "work"),
                     "--archive"],
                    cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT - 300,
                )  # fmt: skip
            if done.returncode != 0 and not report_file.exists():
                pytest.fail(f"the bundle did not build; see {log}:\n{log.read_text()[-4000:]}")
            report = json.loads(report_file.read_text())
            _note(shared, "bundle", report)
    return dist


_wheel_thread: threading.Thread | None = None


def _start_wheel_env(shared: Path) -> None:
    """Make the wheel's environment while the bundle builds (each mostly waits on files)."""
    global _wheel_thread
    if _wheel_thread is None:
        _wheel_thread = threading.Thread(target=_wheel_env_quietly, args=(shared,), daemon=True)
        _wheel_thread.start()


def _wheel_env_quietly(shared: Path) -> None:
    # A failure here is not lost: the wheel fixture tries again and reports it.
    with contextlib.suppress(Exception):
        _wheel_env(shared)


@pytest.fixture(scope="session")
def bundle_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``dist/`` holding ``member-counter/`` and ``build-report.json``."""
    reuse = os.environ.get(REUSE_ENV)
    if reuse and os.environ.get("CI") != "true":
        return Path(reuse)
    shared = _shared_dir(tmp_path_factory)
    _start_wheel_env(shared)
    return _build_bundle(shared)


@pytest.fixture(scope="session")
def build_report(bundle_dist: Path) -> dict:
    return json.loads((bundle_dist / "build-report.json").read_text())


@pytest.fixture(scope="session")
def frozen(bundle_dist: Path) -> Installed:
    program = layout.program_path(bundle_dist)
    assert program.is_file(), f"no program at {program}"
    return Installed("frozen", (str(program),), bundle_dist / layout.BUNDLE)


def _wheel_env(shared: Path) -> Path:
    env_dir = shared / "wheel" / "venv"
    marker = shared / "wheel" / "installed.json"
    with _locked(shared / "wheel.lock"):
        if not marker.exists():
            start = time.monotonic()
            wheels = shared / "wheel" / "dist"
            subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                 str(ROOT)],
                check=True, cwd=shared, timeout=900,
            )  # fmt: skip
            built = time.monotonic() - start
            (wheel,) = wheels.glob("member_counter-*.whl")
            venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
            python = env_dir / "bin" / "python"
            subprocess.run(
                [str(python), "-m", "pip", "install", "-q", str(wheel)],
                check=True, cwd=shared, timeout=1800,
            )  # fmt: skip
            figures = {
                "wheel": wheel.name,
                "wheel_bytes": wheel.stat().st_size,
                "wheel_build_seconds": round(built, 1),
                "venv_install_seconds": round(time.monotonic() - start - built, 1),
            }
            marker.write_text(json.dumps(figures))
            _note(shared, "wheel", figures)
    return env_dir


@pytest.fixture(scope="session")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the built wheel (and its dependencies) installed."""
    if _wheel_thread is not None:
        _wheel_thread.join()
    return _wheel_env(_shared_dir(tmp_path_factory))


@pytest.fixture(scope="session")
def wheel(wheel_env: Path) -> Installed:
    return Installed("wheel", (str(wheel_env / "bin" / "member-counter"),), wheel_env)


@pytest.fixture(params=["frozen", "wheel"])
def installed(request: pytest.FixtureRequest) -> Installed:
    return request.getfixturevalue(request.param)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The bundle's and the wheel's figures at the end of the run (how long they took)."""
    factory = getattr(terminalreporter.config, "_tmp_path_factory", None)
    if factory is None:
        return
    path = factory.getbasetemp() / FIGURES
    if not path.exists():
        return
    data = json.loads(path.read_text())
    lines = []
    if "bundle" in data:
        b = data["bundle"]
        lines.append(
            f"bundle: built in {b['build_seconds']} s, {b['bytes'] / 2**20:.0f} MiB in "
            f"{b['files']} files, needs glibc {b['glibc_needed']}"
        )
    if "wheel" in data:
        w = data["wheel"]
        lines.append(
            f"wheel: {w['wheel']} built in {w['wheel_build_seconds']} s, installed into a "
            f"fresh venv in {w['venv_install_seconds']} s"
        )
    if lines:
        terminalreporter.write_sep("-", "packaging")
        for line in lines:
            terminalreporter.write_line(line)
