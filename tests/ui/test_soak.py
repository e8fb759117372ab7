"""A counter's day, compressed, in CI: the real window through 20,000 scans stays alive and flat.

``tests.ui.soak`` drives the real window (offscreen) through 20,000 keyboard-wedge scans,
2,000 checkouts through F3, typed searches and dialogs opened and closed, in a process of its
own so a crash in the Qt binding (PySide6 6.12.0 aborted with ``none_dealloc`` after about
1,500 scans) fails the test instead of taking pytest down.

Flat means, from the sample after the first 2,000 scans (caches warm) to the end:

- None's reference count never falls (a binding that takes references from None is found long
  before it crashes; PySide6 6.10-6.11 add a couple per widget made, which is harmless);
- the memory blocks Python has allocated grow by less than one per scan (a leaked tuple or
  list per scan would be 18,000), the objects the garbage collector tracks by < 2,000, the
  live widgets by at most 2;
- resident memory grows by less than 40 MB and stays under 400 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANS, CHECKOUTS = 20_000, 2_000


@pytest.mark.soak
@pytest.mark.timeout(2400)
def test_twenty_thousand_scans_leave_the_window_alive_and_flat(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MEMBER_COUNTER_TEST_FAST_HASH": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.ui.soak", str(tmp_path / "counter"),
         "--scans", str(SCANS), "--checkouts", str(CHECKOUTS), "--sample-every", "1000"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=2300,
    )  # fmt: skip
    assert proc.returncode == 0, f"the window died (exit {proc.returncode}): {proc.stderr[-3000:]}"
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["alive"]
    assert (report["scans"], report["checkouts"]) == (SCANS, CHECKOUTS)
    assert report["searches"] == SCANS // 25 and report["dialogs"] == CHECKOUTS + SCANS // 25
    samples = report["samples"]
    warm = next(s for s in samples if s["scans"] == 2_000)
    later = [s for s in samples if s["scans"] >= 2_000]
    last = samples[-1]
    assert min(s["none_refs"] for s in later) >= warm["none_refs"] - 500, samples
    assert last["blocks"] - warm["blocks"] < SCANS - 2_000, samples
    assert last["gc_objects"] - warm["gc_objects"] < 2_000, samples
    assert last["widgets"] - warm["widgets"] <= 2, samples
    assert last["rss_mb"] - warm["rss_mb"] < 40 and last["rss_mb"] < 400, samples
