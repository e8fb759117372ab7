"""A real full disk for the tests: a small tmpfs mounted by the test, filled to the last byte.

Mounting needs root (CI runs as root). Elsewhere the tests that use it are skipped with the
reason; under CI=true they fail instead, so the check cannot silently go missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MB tmpfs mounted for this test, unmounted after it."""
    reason = None
    if not sys.platform.startswith("linux"):
        reason = "mounting a tmpfs needs Linux"
    elif os.geteuid() != 0:
        reason = "mounting a tmpfs needs root (CI runs as root)"
    elif shutil.which("mount") is None:
        reason = "no mount command"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the full-disk test cannot run in CI: {reason}")
        pytest.skip(reason)
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs",
                    str(mount_point)], check=True)  # fmt: skip
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of ``disk`` with one file; delete it to free them again."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 16, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    assert shutil.disk_usage(disk).free == 0
    return filler
