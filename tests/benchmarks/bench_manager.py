"""Manager's-day benchmarks: daily close over 100,000 transactions, import of 100,000 rows.

    .venv/bin/python -m tests.benchmarks.bench_manager [--rows N] [--day-txns N] [--data-dir DIR]

1. **Import**: writes an old system's CSV of ``--rows`` members (GBK, with the mess
   real files have: +86 and spaced phones, full-width digits, ``1990/5/20`` dates, a
   few duplicate and bad rows) and runs ``import_members`` on it, first as a dry run,
   then for real (one transaction), recording when each progress callback came.
2. **Daily close**: on that database (the imported members), writes ``--history-days``
   earlier days of transactions and closes each with ``close_day``, then writes one day
   of ``--day-txns`` transactions (checkouts with split tenders and change, top-ups,
   refunds, card fees; points lots and ledger entries) done in four closed shifts, and
   measures the Z report's computation (``z_figures``, read-only, repeated) and the whole
   ``close_day`` (computing, storing the report, audit entry and outbox event, durable
   commit) on fresh copies of the database made with the backup API.

The store, staff, shifts' closes, import and daily closes go through the services; the
day's transactions are bulk-written with ``executemany`` as the services write them
(``txn``, ``txn_tender``, ``sv_entry``, ``points_lot``, ``points_entry``), since a
hundred thousand checkouts through the service layer would take the machine for
minutes and measure checkout, not the close. Figures go to ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.domain.ids import uuid7
from app.domain.points import expiry_for
from app.persistence.db import DB_FILENAME
from app.ports import FixedClock
from app.services.closing import close_day, z_figures
from app.services.context import CounterContext, open_counter
from app.services.hashing import Hasher
from app.services.importing import import_members
from app.services.security import sign_in
from app.services.shifts import close_shift, count_shift, open_shift
from app.services.staff import add_staff
from app.services.store import init_store
from tests.benchmarks.bench_core import DOC, _name, _phones, _ts, machine

ROOT = Path(__file__).resolve().parents[2]
BEGIN, END = "<!-- bench_manager:begin -->", "<!-- bench_manager:end -->"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
CASHIERS = [(f"c{i:02d}", f"{1000 + i}") for i in range(1, 5)]
FIRST_DAY = dt.date(2026, 3, 1)
SAVED = "bench-manager.json"  # an earlier run's figures, for --reuse


RAW_FLOOR = (
    "SELECT kind, COUNT(*), SUM(amount_fen), SUM(discount_fen), SUM(points_used), "
    "SUM(points_value_fen), SUM(due_fen), SUM(bonus_fen), SUM(points_earned) FROM txn "
    "WHERE business_date = ? GROUP BY kind",
    "SELECT t.kind, tt.method, COUNT(*), SUM(tt.amount_fen), SUM(tt.change_fen) FROM txn t "
    "JOIN txn_tender tt ON tt.txn_id = t.id WHERE t.business_date = ? GROUP BY 1, 2",
    "SELECT e.kind, SUM(e.principal_fen), SUM(e.bonus_fen) FROM sv_entry e "
    "JOIN txn t ON t.id = e.txn_id WHERE t.business_date = ? GROUP BY 1",
    "SELECT e.kind, SUM(e.points) FROM points_entry e JOIN txn t ON t.id = e.txn_id "
    "WHERE t.business_date = ? GROUP BY 1",
)


def at(day: dt.date, hh: int, mm: int = 0, ss: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=SHANGHAI).astimezone(dt.UTC)


def naive(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None)


# -- the old system's file -----------------------------------------------------------------


def write_old_csv(path: Path, rows: int, rng: random.Random) -> dict[str, int]:
    phones = _phones(rng, rows)
    lines = ["姓名,手机号码,会员卡号,卡内余额,积分余额,生日,性别"]
    made = {"rows": rows, "duplicates": 0, "bad": 0}
    for i in range(rows):
        phone = phones[i]
        r = rng.random()
        if r < 0.05:
            phone = f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"
        elif r < 0.08:
            phone = phone.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        bday = ""
        if rng.random() < 0.6:
            y, m, d = rng.randrange(1950, 2008), rng.randrange(1, 13), rng.randrange(1, 29)
            bday = rng.choice((f"{y}-{m:02d}-{d:02d}", f"{y}/{m}/{d}", f"{y}年{m}月{d}日"))
        balance = f"{rng.randrange(0, 300_000) / 100:.2f}" if rng.random() < 0.4 else "0"
        points = str(rng.randrange(0, 5000)) if rng.random() < 0.5 else ""
        card = f"V{i:08d}" if rng.random() < 0.7 else ""
        gender = rng.choice(("男", "女", ""))
        if rng.random() < 0.001:
            bday = "1990-13-45"
            made["bad"] += 1
        line = f"{_name(rng)},{phone},{card},{balance},{points},{bday},{gender}"
        lines.append(line)
        if rng.random() < 0.001:
            lines.append(line)
            made["duplicates"] += 1
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    made["lines"] = len(lines) - 1
    return made


# -- a day of transactions, written as the services write them ------------------------------


def write_day(
    con: sqlite3.Connection,
    day: dt.date,
    n: int,
    members: list[str],
    staff: list[str],
    rng: random.Random,
) -> None:
    """``n`` transactions dated ``day`` between 09:00 and 21:00 local, by ``staff`` in turn."""
    txns: list[tuple] = []
    tenders: list[tuple] = []
    sv: list[tuple] = []
    lots: list[tuple] = []
    pts: list[tuple] = []
    checkouts: list[tuple[str, str, int, list[tuple]]] = []
    start = at(day, 9)
    step = 12 * 3600 / n
    bd = day.isoformat()
    expires = expiry_for(day).isoformat()
    for i in range(n):
        when = _ts(naive(start + dt.timedelta(seconds=step * i)))
        who = staff[(i * len(staff)) // n]  # each cashier a block of the day (their shift)
        mid = rng.choice(members)
        tid = uuid7()
        r = rng.random()
        if r < 0.62:  # checkout: stored value, cash with change, or e-wallet; points
            amount = rng.randrange(500, 50_000)
            discount = amount * rng.choice((0, 0, 200, 500)) // 10000
            pts_used = rng.choice((0, 0, 0, 100, 500))
            due = amount - discount - pts_used
            ts: list[tuple] = []
            m = rng.random()
            if m < 0.35:
                ts.append(("stored_value", due, 0))
                p = due * 9 // 10
                sv.append((uuid7(), mid, tid, "spend", -p, -(due - p), None, when))
            elif m < 0.6:
                given = -(-due // 10000) * 10000
                ts.append(("cash", given, given - due))
            elif m < 0.8:
                ts.append((rng.choice(("wechat", "alipay")), due, 0))
            else:
                part = due // 2
                ts.append(("stored_value", part, 0))
                sv.append((uuid7(), mid, tid, "spend", -part, 0, None, when))
                ts.append(("cash", due - part + 500, 500))
            tenders.extend((tid, meth, a, c) for meth, a, c in ts)
            earned = due // 100
            txns.append((tid, "checkout", mid, who, None, when, bd, amount, discount, pts_used,
                         pts_used, due, 0, earned, 0, "normal", "normal", None, None))  # fmt: skip
            if earned:
                lot = uuid7()
                lots.append((lot, mid, tid, earned, bd, expires, "checkout"))
                pts.append((uuid7(), mid, lot, tid, "earn", earned, None, when))
            checkouts.append((tid, mid, due, ts))
        elif r < 0.87:  # top-up with bonus
            amount = rng.choice((10_000, 20_000, 50_000, 100_000))
            bonus = {50_000: 5_000, 100_000: 15_000}.get(amount, 0)
            meth = rng.choice(("cash", "wechat", "alipay", "bankcard"))
            txns.append((tid, "topup", mid, who, None, when, bd, amount, 0, 0, 0, amount, bonus,
                         0, 0, None, None, None, None))  # fmt: skip
            tenders.append((tid, meth, amount, 0))
            sv.append((uuid7(), mid, tid, "topup", amount, bonus, None, when))
        elif r < 0.92 and checkouts:  # refund of an earlier checkout of the day
            orig, omid, due, ts = checkouts.pop(rng.randrange(len(checkouts)))
            txns.append((tid, "refund", omid, who, staff[0], when, bd, -due, 0, 0, 0, -due, 0, 0,
                         0, "normal", "normal", orig, None))  # fmt: skip
            for meth, a, c in ts:
                if meth == "stored_value":
                    sv.append((uuid7(), omid, tid, "spend_reversal", a, 0, None, when))
                else:
                    tenders.append((tid, meth, -(a - c), 0))
        else:  # card replacement fee
            txns.append((tid, "card_replace", mid, who, None, when, bd, 1000, 0, 0, 0, 1000, 0, 0,
                         0, None, None, None, None))  # fmt: skip
            tenders.append((tid, "cash", 1000, 0))
    con.execute("BEGIN IMMEDIATE")
    con.executemany(f"INSERT INTO txn VALUES ({','.join('?' * 19)})", txns)
    con.executemany(
        "INSERT INTO txn_tender (txn_id, method, amount_fen, change_fen) VALUES (?,?,?,?)", tenders
    )
    con.executemany(
        "INSERT INTO sv_entry (entry_id, member_id, txn_id, kind, principal_fen, bonus_fen, "
        "reverses_entry_id, created_at) VALUES (?,?,?,?,?,?,?,?)",
        sv,
    )
    con.executemany("INSERT INTO points_lot VALUES (?,?,?,?,?,?,?)", lots)
    con.executemany(
        "INSERT INTO points_entry (entry_id, member_id, lot_id, txn_id, kind, points, "
        "reverses_entry_id, created_at) VALUES (?,?,?,?,?,?,?,?)",
        pts,
    )
    con.execute("COMMIT")


def shifts_for_day(ctx: CounterContext, clock: FixedClock, day: dt.date, count: bool) -> None:
    """Each cashier opens a shift before their block of the day; if ``count``, they close it."""
    for i, (no, pin) in enumerate(CASHIERS):
        actor = sign_in(ctx, no, pin)
        if not count:
            clock.set(at(day, 8, 50 + i))
            open_shift(ctx, actor, 50_000)
        else:
            clock.set(at(day, 21, 30, i))
            count_shift(ctx, actor, total_fen=1_000_000)
            close_shift(ctx, actor, reason="基准测试")


def members_of(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT id FROM member")]
    finally:
        con.close()


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    base = Path(args.data_dir or tempfile.mkdtemp(prefix="member-counter-bench-manager-"))
    data = base / "counter"
    if data.exists():
        raise SystemExit(f"{data} exists: give a fresh --data-dir")
    clock = FixedClock(at(FIRST_DAY, 10))
    ctx = open_counter(data, clock=clock, hasher=Hasher.fast())
    init_store(ctx, code="B002", name="基准测试门店", admin_pin="9512")
    admin = sign_in(ctx, "admin", "9512")
    add_staff(ctx, admin, staff_no="m01", name="王店长", role="manager", pin="5826")
    for no, pin in CASHIERS:
        add_staff(ctx, admin, staff_no=no, name=f"收银{no}", role="cashier", pin=pin)
    manager = sign_in(ctx, "m01", "5826")
    staff_ids = [sign_in(ctx, no, pin).staff_id for no, pin in CASHIERS]
    out: dict[str, Any] = {}

    # 1. import
    csv_path = base / "old-system.csv"
    made = write_old_csv(csv_path, args.rows, rng)
    out["file"] = {**made, "bytes": csv_path.stat().st_size}
    t0 = time.perf_counter()
    dry = import_members(ctx, manager, csv_path, dry_run=True)
    out["dry_run_s"] = time.perf_counter() - t0
    stamps: list[tuple[str, int, float]] = []
    t0 = time.perf_counter()
    report = import_members(
        ctx, manager, csv_path, skip_errors=True,
        progress=lambda stage, done, total: stamps.append((stage, done, time.perf_counter() - t0)),
    )  # fmt: skip
    out["import_s"] = time.perf_counter() - t0
    out["import_counts"] = report.counts()
    assert report.counts() == dry.counts()
    out["progress_calls"] = len(stamps)
    gaps = [b[2] - a[2] for a, b in itertools.pairwise(stamps)]
    out["progress_max_gap_s"] = max([stamps[0][2], *gaps]) if stamps else None
    out["first_progress_s"] = stamps[0][2] if stamps else None
    writes = [s for s in stamps if s[0] == "write"]
    out["write_started_s"] = writes[0][2] if writes else None

    # 2. history, each day closed
    members = members_of(data / DB_FILENAME)
    con = sqlite3.connect(data / DB_FILENAME, isolation_level=None)
    con.execute("PRAGMA foreign_keys=ON")
    history = []
    for k in range(1, args.history_days + 1):
        day = FIRST_DAY + dt.timedelta(days=k)
        shifts_for_day(ctx, clock, day, count=False)
        write_day(con, day, args.history_txns, members, staff_ids, rng)
        shifts_for_day(ctx, clock, day, count=True)
        clock.set(at(day, 22))
        t0 = time.perf_counter()
        close_day(ctx, manager)
        history.append(time.perf_counter() - t0)
    out["history_close_ms"] = [round(h * 1000, 1) for h in history]

    # 3. the measured day
    day = FIRST_DAY + dt.timedelta(days=args.history_days + 1)
    shifts_for_day(ctx, clock, day, count=False)
    write_day(con, day, args.day_txns, members, staff_ids, rng)
    shifts_for_day(ctx, clock, day, count=True)
    clock.set(at(day, 22))
    counts = dict(con.execute("SELECT kind, COUNT(*) FROM txn WHERE business_date = ? "
                              "GROUP BY kind", (day.isoformat(),)).fetchall())  # fmt: skip
    out["day_counts"] = counts
    out["db"] = {
        t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("member", "txn", "txn_tender", "sv_entry", "points_entry", "audit_log")
    }
    con.close()
    ctx.db.engine.dispose()

    measure(args, ctx, clock, manager, base, day, out)
    ctx.close()
    out["base"] = str(base)
    out["day"] = day.isoformat()
    (base / SAVED).write_text(json.dumps(out), encoding="utf-8")
    return out


def met(p50: float, target: str) -> str:
    if not target:
        return ""
    return "yes" if p50 <= 300 else "no"


def measure(
    args: argparse.Namespace,
    ctx: CounterContext,
    clock: FixedClock,
    manager: Any,
    base: Path,
    day: dt.date,
    out: dict[str, Any],
) -> None:
    """Time the Z computation, the SQL floor and ``close_day`` (on fresh copies) of ``day``."""
    data = base / "counter"
    compute = []
    for _ in range(args.repeat + 2):
        t0 = time.perf_counter()
        with ctx.reader() as uow:
            z = z_figures(ctx, uow, day)
        compute.append(time.perf_counter() - t0)
    out["compute_ms"] = [c * 1000 for c in compute[2:]]  # the first two warm the cache
    out["z_sample"] = {
        "net_sales_fen": z["net_sales_fen"],
        "topups_fen": z["topups"]["amount_fen"],
        "transactions": sum(z["transactions"].values()),
    }
    # The SQL floor: the day's four aggregates (by kind, tenders, stored value, points)
    # in raw sqlite3, no shifts, no liability, no Python around them.
    raw = sqlite3.connect(data / DB_FILENAME)
    floor = []
    for _ in range(args.repeat + 2):
        t0 = time.perf_counter()
        for sql in RAW_FLOOR:
            raw.execute(sql, (day.isoformat(),)).fetchall()
        floor.append(time.perf_counter() - t0)
    raw.close()
    out["floor_ms"] = [f * 1000 for f in floor[2:]]
    closes = []
    for i in range(args.copies):
        copy = base / f"copy{i}"
        shutil.rmtree(copy, ignore_errors=True)
        copy.mkdir()
        ctx.db.backup_to(copy / DB_FILENAME)
        os.sync()  # the copy's pages on disk, so its writeback does not land in the close
        other = open_counter(copy, clock=clock, hasher=Hasher.fast())
        with other.reader() as uow:  # warm: open and read as the app would have been
            uow.store()
        t0 = time.perf_counter()
        close_day(other, manager)
        closes.append(time.perf_counter() - t0)
        other.close()
    out["close_ms"] = [c * 1000 for c in closes]
    out["load"] = os.getloadavg() if hasattr(os, "getloadavg") else None


def remeasure(args: argparse.Namespace) -> dict[str, Any]:
    """Measure the close again on a database built by an earlier run (its import figures kept)."""
    base = Path(args.reuse)
    out = json.loads((base / SAVED).read_text(encoding="utf-8"))
    day = dt.date.fromisoformat(out["day"])
    clock = FixedClock(at(day, 22))
    ctx = open_counter(base / "counter", clock=clock, hasher=Hasher.fast())
    manager = sign_in(ctx, "m01", "5826")
    measure(args, ctx, clock, manager, base, day, out)
    ctx.close()
    (base / SAVED).write_text(json.dumps(out), encoding="utf-8")
    return out


def render(out: dict[str, Any], argv: Sequence[str]) -> str:
    m = machine()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    comp, close = out["compute_ms"], out["close_ms"]
    f = out["file"]
    c = out["import_counts"]
    n_day = sum(out["day_counts"].values())
    load = "/".join(f"{x:.1f}" for x in out["load"]) if out.get("load") else "?"
    cmd = out["command"]
    again = out.get("remeasured_with")
    floor = out["floor_ms"]
    rows = [
        ("SQL floor: the day's four aggregates in raw sqlite3", len(floor),
         statistics.median(floor), pct(floor, 99), ""),
        ("daily close: Z figures computed (read-only), per run", len(comp),
         statistics.median(comp), pct(comp, 99), "p50 ≤ 300 ms"),
        ("daily close: close_day end to end (compute, store, audit, commit)", len(close),
         statistics.median(close), max(close), "p50 ≤ 300 ms"),
    ]  # fmt: skip
    table = "\n".join(
        f"| {name} | {n} | {p50:.1f} | {worst:.1f} | {target} | {met(p50, target)} |"
        for name, n, p50, worst, target in rows
    )
    return "\n".join(
        [
            BEGIN,
            f"## Manager's day: daily close over {n_day:,} transactions, import of "
            f"{f['rows']:,} rows",
            "",
            f"- **Command:** `{cmd}` (from the repository root)"
            + (f"; the daily close measured again later with `{again}`" if again else ""),
            f"- **Date:** {now}",
            f"- **Machine:** {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}",
            f"- **Software:** Python {m['python']}, SQLite {m['sqlite']}, "
            f"SQLAlchemy {m['sqlalchemy']}",
            f"- **Database at the close:** {out['db']['member']:,} members, "
            f"{out['db']['txn']:,} transactions, {out['db']['txn_tender']:,} tenders, "
            f"{out['db']['sv_entry']:,} stored-value and {out['db']['points_entry']:,} points "
            f"entries; the closed day: {', '.join(f'{k} {v:,}' for k, v in sorted(out['day_counts'].items()))}",  # noqa: E501
            "",
            "### Daily close",
            "",
            "Milliseconds. The Z figures are computed in a read-only unit of work, repeated; "
            "`close_day` runs once on each of several fresh copies of the database (backup API), "
            "so every run closes the same open day. Earlier days were closed by `close_day` "
            f"too ({', '.join(str(h) for h in out['history_close_ms'])} ms for "
            f"{len(out['history_close_ms'])} days of "
            f"{out['history_txns']:,} transactions), so the liability at close is carried "
            "from the previous close plus the day's postings.",
            "",
            f"Load average at the end of the run: {load} on {m['cores']} cores (other work "
            "shares the machine; the SQL floor row shows what the same statements cost raw, "
            "at the same time).",
            "",
            "| measurement | n | p50 | p99 / worst | target | met |",
            "|---|---:|---:|---:|---|---|",
            table,
            "",
            "### Import",
            "",
            f"An old system's CSV in GBK: {f['lines']:,} lines ({f['bytes'] / 1e6:.1f} MB), "
            f"{f['duplicates']} repeated lines, {f['bad']} rows with a bad date, phones with "
            "+86 and spaces or full-width digits, dates as `1990-05-20`, `1990/5/20` or "
            "`1990年5月20日`, 70 % with a card number, 40 % with a balance, 50 % with points.",
            "",
            "| measurement | seconds | target | met |",
            "|---|---:|---|---|",
            f"| dry run (read, check every row, de-duplicate against the database) | "
            f"{out['dry_run_s']:.2f} |  |  |",
            f"| import, one transaction ({c['create']:,} members created, "
            f"{c['duplicate']} duplicates skipped, {c['error']} errors skipped) | "
            f"{out['import_s']:.2f} | ≤ 60 s | {'yes' if out['import_s'] <= 60 else 'no'} |",
            "",
            f"Progress: {out['progress_calls']} callbacks (every 1,000 rows checked and every "
            f"1,000 members written); the first after {out['first_progress_s']:.2f} s, never "
            f"more than {out['progress_max_gap_s']:.2f} s apart; writing began at "
            f"{out['write_started_s']:.1f} s.",
            END,
        ]
    )


def write_doc(section: str, doc: Path = DOC) -> None:
    """Replace this script's section of docs/benchmarks.md (or append it)."""
    text = doc.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.bench_manager", description=__doc__
    )
    p.add_argument("--rows", type=int, default=100_000, help="rows in the import file")
    p.add_argument("--day-txns", type=int, default=100_000, help="transactions of the closed day")
    p.add_argument("--history-days", type=int, default=5)
    p.add_argument("--history-txns", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=20, help="Z computations measured")
    p.add_argument("--copies", type=int, default=5, help="close_day runs (one per copy)")
    p.add_argument("--seed", type=int, default=20260315)
    p.add_argument("--data-dir", help="an empty directory for the databases (default: a tmp dir)")
    p.add_argument(
        "--reuse",
        metavar="DIR",
        help="measure the close again on the databases an earlier run left in DIR",
    )
    p.add_argument("--no-doc", dest="doc", action="store_false", help="print, do not write docs")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    out = remeasure(args) if args.reuse else run(args)
    out.setdefault("history_txns", args.history_txns)
    cmd = " ".join([".venv/bin/python", "-m", "tests.benchmarks.bench_manager", *argv])
    if args.reuse:
        out["remeasured_with"] = cmd
    else:
        out["command"] = cmd
        out.pop("remeasured_with", None)
    if out.get("base"):
        (Path(out["base"]) / SAVED).write_text(json.dumps(out), encoding="utf-8")
    section = render(out, argv)
    if args.doc:
        write_doc(section)
        print(section)
    else:
        print(section)
    print(f"databases left in {out['base']}", file=sys.stderr)


if __name__ == "__main__":
    main()
