"""``member-counter`` with no command: the real composition root opens the window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.services.context import open_counter
from app.services.store import store_info
from tests.helpers import query

ROOT = Path(__file__).resolve().parents[2]


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
