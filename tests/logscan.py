"""What the whole test run wrote, checked at its end: no personal data in any log, and the
databases, backups and logs it made readable by their owner only.

Every test process sends its log records (the counter's, HQ's served in-process, uvicorn's,
every library's, from INFO up as the window logs) to a file under pytest's base temporary
directory. When the run ends, the process that ran it (the xdist controller, or the only one)
reads every ``*.log`` file there, those of the window and CLI data directories the tests made
included, and fails the run if one holds a full mainland mobile number or an e-mail address;
it also fails it if a counter or HQ database, backup or log under it is readable by others.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SUITE_LOG_DIR = "suite-logs"
# A full mainland mobile number standing alone (138****8000, card numbers, uuids, times and
# longer digit runs do not match); an e-mail address with a real top-level domain.
PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
OWNER_ONLY = re.compile(
    r"(counter|hq)\.sqlite3(-wal|-shm|-journal)?|member-counter\.log(\.\d+)?|counter\.lock"
)
OWNER_ONLY_DIRS = ("backups", "restore-aside", "logs")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    what: str  # "phone", "e-mail" or "mode 644"
    sample: str  # the finding masked, so the report itself leaks nothing

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.what} {self.sample}"


def _mask(text: str) -> str:
    return text[:3] + "*" * max(0, len(text) - 7) + text[-4:] if len(text) > 7 else "***"


def scan_text(path: Path, text: str) -> Iterator[Finding]:
    for number, line in enumerate(text.splitlines(), 1):
        for match in PHONE.finditer(line):
            yield Finding(path, number, "phone", _mask(match.group()))
        for match in EMAIL.finditer(line):
            yield Finding(path, number, "e-mail", _mask(match.group()))


def log_files(root: Path) -> Iterator[Path]:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith(".log") or re.search(r"\.log\.\d+$", name):
                yield Path(dirpath) / name


def scan_logs(root: Path) -> tuple[int, list[Finding]]:
    """(log files read, what they hold that they must not)."""
    found: list[Finding] = []
    count = 0
    for path in log_files(root):
        count += 1
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found.extend(scan_text(path, text))
    return count, found


def wide_files(root: Path) -> Iterator[Finding]:
    """Counter and HQ databases, locks, logs, backups (and their folders) others can read."""
    if os.name != "posix":
        return
    for dirpath, dirs, files in os.walk(root):
        base = Path(dirpath)
        names: Iterable[str] = [
            *(f for f in files if OWNER_ONLY.fullmatch(f) or base.name in OWNER_ONLY_DIRS),
            *(d for d in dirs if d in OWNER_ONLY_DIRS),
        ]
        if "counter.sqlite3" in files:
            # A counter's data directory (HQ's is made 0700 by member-hq; a folder a URL
            # names is the operator's, and only the database file in it is checked).
            names = [*names, "."]
        for name in names:
            path = base / name
            try:
                mode = stat.S_IMODE(path.lstat().st_mode)
            except OSError:
                continue
            if stat.S_ISLNK(path.lstat().st_mode) or not (mode & 0o077):
                continue
            yield Finding(path.resolve(), 0, f"mode {mode:o}", "(readable by others)")


# -- the plugin ------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _suite_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every log record of this test process, as the window would log it, into a file."""
    folder = tmp_path_factory.getbasetemp() / SUITE_LOG_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"records-{os.getpid()}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(min(level or logging.WARNING, logging.INFO))
    yield path
    root.removeHandler(handler)
    root.setLevel(level)
    handler.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller scans everything once the workers are done
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None or exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.USAGE_ERROR):
        return
    root = factory.getbasetemp()
    count, found = scan_logs(root)
    found.extend(wide_files(root))
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    ran_tests = session.testscollected > 0 and exitstatus != pytest.ExitCode.NO_TESTS_COLLECTED
    if ran_tests and count == 0:
        found.append(Finding(root, 0, "no log files", "(the log scan saw nothing: broken?)"))
    if reporter is not None:
        verdict = f"FAILED: {len(found)} finding(s)" if found else "clean"
        reporter.write_sep(
            "=" if found else "-", f"log scan of {count} log files under {root}: {verdict}",
            red=bool(found),
        )  # fmt: skip
        for finding in found[:50]:
            reporter.write_line(f"  {finding}", red=True)
        if len(found) > 50:
            reporter.write_line(f"  ... and {len(found) - 50} more", red=True)
    if found and ran_tests:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
