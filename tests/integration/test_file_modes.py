"""Files only their owner can read: data directories 0700, databases, exports and logs 0600,
whatever the umask; wider ones found at start are tightened, with a log line (POSIX)."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.ports import FixedClock
from app.services.context import open_counter
from app.services.exporting import export_members
from app.services.hashing import Hasher
from server.db import open_database, sqlite_url
from tests.conftest import START

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes (Windows: ACLs)")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The usual umask of a desktop session: new files would be 0644 and folders 0755."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_counter_is_owner_only(ctx, register, manager, data_dir: Path, tmp_path) -> None:
    register(name="张三", phone="13900000001")  # writes: the -wal and -shm files exist now
    assert mode(data_dir) == 0o700
    for name in ("counter.sqlite3", "counter.sqlite3-wal", "counter.sqlite3-shm"):
        assert mode(data_dir / name) == 0o600, name
    for name in ("m.xlsx", "m.csv"):
        export_members(ctx, manager, tmp_path / "out" / name)
        assert mode(tmp_path / "out" / name) == 0o600, name


def test_wider_files_are_tightened_at_start_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    ctx = open_counter(data_dir, clock=FixedClock(START), hasher=Hasher.fast())
    ctx.close()
    (data_dir / "logs").mkdir()
    (data_dir / "logs" / "member-counter.log").write_text("old\n")
    for path, wide in ((data_dir, 0o755), (data_dir / "logs", 0o775),
                       (data_dir / "counter.sqlite3", 0o644),
                       (data_dir / "logs" / "member-counter.log", 0o666)):  # fmt: skip
        os.chmod(path, wide)
    with caplog.at_level(logging.INFO, logger="member_counter.files"):
        ctx = open_counter(data_dir, clock=FixedClock(START), hasher=Hasher.fast())
    ctx.close()
    assert mode(data_dir) == 0o700 and mode(data_dir / "logs") == 0o700
    assert mode(data_dir / "counter.sqlite3") == 0o600
    assert mode(data_dir / "logs" / "member-counter.log") == 0o600
    lines = [r.getMessage() for r in caplog.records]
    assert any(f"{data_dir / 'counter.sqlite3'} from 644 to 600" in line for line in lines)
    assert len([line for line in lines if "tightened permissions" in line]) == 4


def test_the_cli_log_and_hq_database_are_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "cli"
    env = {**os.environ, "MEMBER_COUNTER_DATA_DIR": str(data_dir)}
    proc = subprocess.run(
        [sys.executable, "-m", "launcher", "--json", "--staff", "nobody", "--pin", "1",
         "member", "show", "x"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert proc.returncode == 3  # refused (no such staff), and logged to the data directory
    assert mode(data_dir) == 0o700 and mode(data_dir / "logs") == 0o700
    assert mode(data_dir / "logs" / "member-counter.log") == 0o600

    hq_dir = tmp_path / "hq"
    hq_dir.mkdir()
    open_database(sqlite_url(hq_dir)).dispose()
    assert mode(hq_dir / "hq.sqlite3") == 0o600
    served = tmp_path / "hq-cli"
    proc = subprocess.run(
        [sys.executable, "-m", "server", "--data-dir", str(served), "store", "list"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert mode(served) == 0o700 and mode(served / "hq.sqlite3") == 0o600


def test_shared_folders_named_as_a_data_directory_are_left_alone(tmp_path: Path) -> None:
    from app.private_files import tighten

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # like /tmp
    assert tighten(shared) is False and mode(shared) == 0o1777
    assert tighten(Path.home()) is False
