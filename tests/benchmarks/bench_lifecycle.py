"""Lifecycle stages and RFM recomputed over 1,000,000 members on the counter (target ≤ 30 s).

    .venv/bin/python -m tests.benchmarks.bench_lifecycle --members 1000000

Builds on the core benchmark's database (``bench_core.prepare``: members registered over three
years) a copy with visits: each member gets 0–8 checkouts and top-ups spread over the last
two years (about 4 per member), inserted raw. Then it times, on the copy:

- ``member_value.recompute`` the first time in a month (the month's edges computed, every
  member written, every member's first stage entry);
- again the same month (the edges kept, figures rewritten, a few stages moved);
- the baseline, in the same run: the two aggregate reads any implementation needs (visits
  per member, spend per member over 12 months) on a plain ``sqlite3`` connection.

Writes its section of docs/benchmarks.md (``--no-doc``: prints it).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from app.domain.ids import uuid7
from app.persistence.db import DB_FILENAME
from app.ports import FixedClock
from app.services import member_value
from app.services.context import open_counter
from app.services.hashing import Hasher
from tests.benchmarks import bench_core
from tests.benchmarks.docfile import write_section

BEGIN, END = "<!-- bench_lifecycle:begin -->", "<!-- bench_lifecycle:end -->"
VISITS_INFO = "lifecycle-visits.json"
TARGET_S = 30.0


def _with_visits(core_dir: Path, work_dir: Path, members: int, seed: int) -> dict:
    """A copy of the core database with visits added (reused when complete)."""
    info_path = work_dir / VISITS_INFO
    if info_path.exists():
        info = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("members") == members and info.get("complete"):
            return info
    core_info, _ = bench_core.prepare(core_dir, members, seed)
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    started = time.perf_counter()
    src = sqlite3.connect(core_dir / DB_FILENAME)
    dst = sqlite3.connect(work_dir / DB_FILENAME)
    src.backup(dst)
    src.close()
    dst.execute("PRAGMA synchronous=OFF")
    staff = dst.execute("SELECT id FROM staff ORDER BY staff_no LIMIT 1").fetchone()[0]
    last = dst.execute("SELECT MAX(business_date) FROM txn").fetchone()[0]
    end = dt.date.fromisoformat(last)
    rng = random.Random(seed + 7)
    ids = [r[0] for r in dst.execute("SELECT id FROM member")]
    rows: list[tuple] = []
    total = 0
    for member_id in ids:
        for _ in range(rng.choice((0, 1, 2, 3, 4, 5, 6, 8))):
            day = end - dt.timedelta(days=rng.randrange(0, 730))
            kind = "topup" if rng.random() < 0.2 else "checkout"
            fen = rng.randrange(1_000, 80_000)
            at = f"{day.isoformat()} 03:00:00.000000"
            rows.append((uuid7(), kind, member_id, staff, at, day.isoformat(), fen, fen))
        if len(rows) >= 50_000:
            total += _insert(dst, rows)
            rows = []
    total += _insert(dst, rows)
    dst.commit()
    dst.close()
    info = {"members": members, "visits": total, "complete": True, "last_day": last,
            "seconds": round(time.perf_counter() - started, 1),
            "core_build_seconds": core_info.get("build_seconds")}  # fmt: skip
    info_path.write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info


def _insert(con: sqlite3.Connection, rows: list[tuple]) -> int:
    con.executemany(
        "INSERT INTO txn (id, kind, member_id, staff_id, created_at, business_date,"
        " amount_fen, discount_fen, points_used, points_value_fen, due_fen, bonus_fen,"
        " points_earned, points_shortfall) VALUES (?,?,?,?,?,?,?,0,0,0,?,0,0,0)",
        rows,
    )
    return len(rows)


def _baseline(path: Path, since: str) -> float:
    con = sqlite3.connect(path)
    started = time.perf_counter()
    con.execute(
        "SELECT member_id, MAX(business_date), COUNT(DISTINCT business_date) FROM txn "
        "WHERE member_id IS NOT NULL AND kind IN ('checkout','topup','countcard_sale',"
        "'countcard_visit') GROUP BY member_id"
    ).fetchall()
    con.execute(
        "SELECT member_id, SUM(due_fen) FROM txn WHERE member_id IS NOT NULL AND kind IN "
        "('checkout','refund') AND business_date >= ? GROUP BY member_id",
        (since,),
    ).fetchall()
    con.close()
    return time.perf_counter() - started


def run(args: argparse.Namespace) -> dict:
    core_dir = Path(args.data_dir)
    work_dir = core_dir.with_name(core_dir.name + "-lifecycle")
    info = _with_visits(core_dir, work_dir, args.members, args.seed)
    last = dt.datetime.now(dt.UTC).date()
    clock = FixedClock(dt.datetime.now(dt.UTC))  # the core database is built up to now
    con = sqlite3.connect(work_dir / DB_FILENAME)
    con.execute("DELETE FROM member_value")
    con.execute("DELETE FROM member_stage_entry")
    con.execute("DELETE FROM rfm_edges")
    con.commit()
    con.close()
    load_before = os.getloadavg()[0]
    since = (last - dt.timedelta(days=364)).isoformat()
    base = _baseline(work_dir / DB_FILENAME, since)
    ctx = open_counter(work_dir, clock=clock, hasher=Hasher.fast())
    try:
        started = time.perf_counter()
        first = member_value.recompute(ctx)
        first_s = time.perf_counter() - started
        clock.advance(minutes=5)  # the same month
        started = time.perf_counter()
        again = member_value.recompute(ctx)
        again_s = time.perf_counter() - started
    finally:
        ctx.close()
    return {**info, "first_s": first_s, "again_s": again_s, "baseline_s": base,
            "stages": first.stages, "moved_again": again.moved, "edges": first.edges,
            "load": (load_before, os.getloadavg()[0])}  # fmt: skip


def command_line(argv: Sequence[str]) -> str:
    exe = Path(sys.executable)
    with contextlib.suppress(ValueError):
        exe = exe.relative_to(bench_core.ROOT)
    return " ".join([str(exe), "-m", "tests.benchmarks.bench_lifecycle", *argv])


def render(r: dict, argv: Sequence[str]) -> str:
    m = bench_core.machine()
    e = r["edges"]

    def met(s: float) -> str:
        return "yes" if s <= TARGET_S else "**no**"

    stages = ", ".join(f"{k} {v:,}" for k, v in r["stages"].items())
    return "\n".join([
        BEGIN,
        f"## Lifecycle stages and RFM recomputed over {r['members']:,} members (counter)",
        "",
        f"- **Command:** `{command_line(argv)}` (from the repository root)",
        f"- **Date:** {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- **Machine:** {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}",
        f"- **Software:** Python {m['python']}, SQLite {m['sqlite']}, SQLAlchemy {m['sqlalchemy']}",
        f"- **Database:** the core benchmark's {r['members']:,} members with {r['visits']:,} "
        f"checkouts and top-ups added over two years; load average {r['load'][0]:.1f} → "
        f"{r['load'][1]:.1f} on {m['cores']} cores",
        "",
        "| measurement | seconds | baseline (raw `sqlite3`, same run) | target | met |",
        "|---|---:|---:|---|---|",
        f"| recompute, the month's first (edges computed, every member written) | "
        f"{r['first_s']:.1f} | {r['baseline_s']:.1f} | ≤ {TARGET_S:.0f} s | {met(r['first_s'])} |",
        f"| recompute again the same month ({r['moved_again']:,} stages moved) | "
        f"{r['again_s']:.1f} | {r['baseline_s']:.1f} | ≤ {TARGET_S:.0f} s | {met(r['again_s'])} |",
        "",
        f"Stages: {stages}. The month's edges over {e.members:,} members who visited in 12 "
        f"months: R {list(e.recency)} days, F {list(e.frequency)} visits, M "
        f"{[v // 100 for v in e.monetary]} yuan. The baseline is the two aggregate reads any "
        "implementation needs (visit days per member; 12 months' spend per member); the rest "
        "is judging each member in Python and writing their row (SQLite upserts, 5,000 a "
        "statement) and their stage entry, in one transaction.",
        END,
    ])  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    p = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_lifecycle",
                                description=__doc__)  # fmt: skip
    p.add_argument("--members", type=int, default=1_000_000)
    p.add_argument("--data-dir", help="the core benchmark's database (built if missing)")
    p.add_argument("--seed", type=int, default=20260315)
    p.add_argument("--no-doc", dest="doc", action="store_false")
    args = p.parse_args(argv)
    if args.data_dir is None:
        args.data_dir = str(Path("/tmp") / f"member-counter-bench-{args.members}")
    section = render(run(args), argv)
    if args.doc:
        write_section(BEGIN, END, section)
        print("wrote docs/benchmarks.md")
    else:
        print(section)


if __name__ == "__main__":
    main()
