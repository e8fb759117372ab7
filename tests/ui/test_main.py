"""``member-counter`` with no command: the real composition root opens the window."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from app.services.context import open_counter
from app.services.store import store_info
from tests.helpers import query

ROOT = Path(__file__).resolve().parents[2]


def _launch(data: Path, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "tests.ui.launch_driver", "--data-dir", str(data)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_first_start_offers_the_demo_store_then_opens_the_window(tmp_path: Path) -> None:
    data = tmp_path / "counter"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.ui.launch_driver", "--data-dir", str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["first-run", "sign-in"], proc.stdout + proc.stderr
    ctx = open_counter(data)
    try:
        info = store_info(ctx)
        assert info is not None and info.code == "DEMO"
        assert query(ctx, "SELECT count(*) FROM member") == [(5,)]
    finally:
        ctx.close()
    assert "starting; data directory" in (data / "logs" / "member-counter.log").read_text(
        encoding="utf-8"
    )


def test_a_later_start_signs_in_while_the_counter_opens_behind_the_screen(tmp_path: Path) -> None:
    """The sign-in screen shows before the core (ui/main.py); a PIN submitted at once waits
    for the counter to open on the database worker, then the counter screen comes up."""
    data = tmp_path / "counter"
    assert _launch(data).returncode == 0  # the first start: the demo store
    proc = _launch(data, LAUNCH_SIGN_IN="2001:2468")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["sign-in", "counter"], proc.stdout + proc.stderr


def test_a_counter_that_cannot_open_behind_the_screen_says_why_and_stops(tmp_path: Path) -> None:
    """The peek reads the store, but the full open refuses (a newer release's database):
    the cashier reads why, and nothing runs on that database."""
    data = tmp_path / "counter"
    assert _launch(data).returncode == 0
    with sqlite3.connect(data / "counter.sqlite3") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = (data / "counter.sqlite3").read_bytes()
    proc = _launch(data, LAUNCH_SIGN_IN="2001:2468")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:2] == ["sign-in", "refused"], proc.stdout
    assert "更新的版本" in lines[2] or "新版本" in lines[2], lines[2]
    assert "counter" not in lines
    assert (data / "counter.sqlite3").read_bytes() == before
