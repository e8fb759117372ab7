"""The frozen bundle's figures: size, build time, and start-up to the sign-in screen, frozen
against the same from the virtual environment, in the same run (figures, not tests).

    .venv/bin/python -m tests.benchmarks.bench_bundle [--runs 7] [--dist DIR]

Builds the bundle with packaging/build.py (or uses ``--dist`` from an earlier build), makes a
demo store in a fresh data directory, then starts the window ``--runs`` times from each side,
alternating, with ``--smoke-test`` (which closes it as soon as the sign-in screen shows). A
start is timed from spawning the process to the sign-in screen being on screen (the report's
``shown_at``); ``member-counter --version`` is timed as well (the CLI's own start). The first
start of each side is reported apart: the bundle's files were just written and are in the page
cache, so it is not a cold-disk start (dropping the cache needs root and hurts the other users
of a shared machine); the others are warm starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

from tests.benchmarks.docfile import write_section  # noqa: E402

import build  # noqa: E402  (packaging/build.py)
import bundle_layout as layout  # noqa: E402

BEGIN, END = "<!-- bench_bundle:begin -->", "<!-- bench_bundle:end -->"
COMMAND = ".venv/bin/python -m tests.benchmarks.bench_bundle"


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    e["QT_QPA_PLATFORM"] = "offscreen"
    return e


def start_to_sign_in(program: list[str], data_dir: Path, report: Path) -> float:
    report.unlink(missing_ok=True)
    start = time.time()
    subprocess.run(
        [*program, "--data-dir", str(data_dir), "--smoke-test", str(report)],
        check=True, env=env(), capture_output=True, timeout=300,
    )  # fmt: skip
    seen = json.loads(report.read_text(encoding="utf-8"))
    assert seen["screen"] == "sign-in", seen["screen"]
    return float(seen["shown_at"]) - start


def version_time(program: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*program, "--version"], check=True, env=env(), capture_output=True)
    return time.perf_counter() - start


def measure(frozen: list[str], venv: list[str], runs: int, work: Path) -> dict:
    data = work / "data"
    subprocess.run([*frozen, "--data-dir", str(data), "demo"], check=True, env=env(),
                   capture_output=True)  # fmt: skip
    times: dict[str, list[float]] = {"frozen": [], "venv": []}
    versions: dict[str, list[float]] = {"frozen": [], "venv": []}
    for _ in range(runs):
        for side, program in (("frozen", frozen), ("venv", venv)):
            times[side].append(start_to_sign_in(program, data, work / f"{side}.json"))
            versions[side].append(version_time(program))
    return {"start": times, "version": versions}


def row(name: str, frozen: float, venv: float) -> str:
    return f"| {name} | {frozen:.2f} | {venv:.2f} | {frozen / venv:.2f}× |"


def section(report: dict, figures: dict, runs: int, reused: bool) -> str:
    start, version = figures["start"], figures["version"]
    first = row("start to the sign-in screen, first start", start["frozen"][0], start["venv"][0])
    warm = row(
        f"start to the sign-in screen, median of the next {runs - 1}",
        statistics.median(start["frozen"][1:]),
        statistics.median(start["venv"][1:]),
    )
    ver = row(
        f"`member-counter --version`, median of {runs}",
        statistics.median(version["frozen"]),
        statistics.median(version["venv"]),
    )
    load = os.getloadavg()
    lines = [
        BEGIN,
        "## The frozen bundle: size, build time, start-up",
        "",
        f"- **Command:** `{COMMAND} --runs {runs}` (from the repository root)",
        f"- **Date:** {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Machine:** {os.cpu_count()} cores (shared; load average {load[0]:.1f} at the "
        f"end); {platform.platform()}",
        f"- **Software:** Python {platform.python_version()}, "
        f"PyInstaller (pinned in the `bundle` extra), release {report['version']}",
        "",
        f"Bundle `dist/{layout.BUNDLE}/`: **{report['bytes'] / 2**20:.0f} MiB** in "
        f"{report['files']} files; built in **{report['build_seconds']:.0f} s** by "
        f"`packaging/build.py`{' (an earlier build, reused)' if reused else ''}; needs glibc "
        f"{report['glibc_needed']} or newer.",
        "",
        "Seconds from spawning the process to the sign-in screen on screen (offscreen Qt, a "
        "demo store), the frozen program against `.venv/bin/member-counter` in the same run, "
        "alternating; ratio frozen ÷ venv. The first start follows a fresh build, with the "
        "files in the page cache (no cold-disk start: that needs dropping the cache).",
        "",
        "| measurement | frozen (s) | venv (s) | ratio |",
        "|---|---:|---:|---:|",
        first,
        warm,
        ver,
        "",
        "All starts (s): frozen " + ", ".join(f"{t:.2f}" for t in start["frozen"])
        + "; venv " + ", ".join(f"{t:.2f}" for t in start["venv"]) + ".",
        END,
    ]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--dist", type=Path, help="a dist/ built before (default: build now)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        work = Path(tmp)
        dist = args.dist
        if dist is None:
            dist = work / "dist"
            report = build.build(dist, work / "build")
        else:
            report = json.loads((dist / "build-report.json").read_text(encoding="utf-8"))
        if report["problems"]:
            print("the bundle has problems:", *report["problems"], sep="\n  ")
            return 1
        frozen = [str(layout.program_path(dist))]
        venv = [str(Path(sys.executable).with_name("member-counter"))]
        figures = measure(frozen, venv, max(args.runs, 2), work)
        text = section(report, figures, max(args.runs, 2), reused=args.dist is not None)
    write_section(BEGIN, END, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
