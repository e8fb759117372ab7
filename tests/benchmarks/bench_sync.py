"""Sync benchmarks (figures, not tests): pushing a queued outbox, and many devices at once.

    .venv/bin/python -m tests.benchmarks.bench_sync [--events 10000] [--devices 50]
        [--seconds 60] [--pg URL]

1. A counter queues ``--events`` real events through the services (registrations,
   top-ups, checkouts), then pushes them to HQ (a separate ``member-hq serve``
   process on 127.0.0.1) on SQLite and, with ``--pg`` (default
   ``MEMBER_COUNTER_TEST_PG_URL``), on PostgreSQL. The same rows are then
   inserted raw — ``sqlite3``/psycopg ``executemany`` in the same batches — for
   the ratio.
2. ``--devices`` enrolled devices push small batches and pull, each in its own
   thread, for ``--seconds``; errors and latency percentiles per request.

Writes its section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import requests
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.domain.audit import payload_hash
from app.domain.ids import uuid7
from app.ports import FixedClock
from app.services import syncstate
from app.services.checkout import checkout
from app.services.context import open_counter
from app.services.hashing import Hasher
from app.services.members import Registration, register_member
from app.services.security import sign_in
from app.services.store import init_store
from app.services.stored_value import top_up
from server import admin
from server.db import open_database, sqlite_url
from server.device_secrets import KEY_ENV
from sync import client as sync_client
from sync import engine, enrollment, wire
from sync.config import SyncConfig, load_config

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench_sync:begin -->", "<!-- bench_sync:end -->"
BATCH = 500


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BENCH_KEY = Fernet.generate_key().decode()


@contextlib.contextmanager
def hq_process(url: str, workers: int = 1) -> Iterator[str]:
    port = free_port()
    log = open(os.devnull, "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server",
            "--db",
            url,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=log,
        stderr=log,
        # HQ's key of the counters' secrets: one for the run, no key file left behind.
        env={**os.environ, KEY_ENV: os.environ.get(KEY_ENV) or BENCH_KEY},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(base + wire.HEALTH_PATH, timeout=1)
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()


@contextlib.contextmanager
def pg_schema(base: str) -> Iterator[str]:
    schema = "bench_" + uuid.uuid4().hex[:10]
    eng = create_engine(base)
    with eng.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with eng.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        eng.dispose()


# -- 1. a queued outbox ------------------------------------------------------------------
def build_counter(work: Path, events: int) -> Path:
    """A counter with ``events`` pending events made by the services; returns its data dir."""
    data_dir = work / "counter-template"
    ctx = open_counter(data_dir, clock=FixedClock(dt.datetime.now(dt.UTC)), hasher=Hasher.fast())
    init_store(ctx, code="B001", name="压测门店", admin_pin="9512")
    actor = sign_in(ctx, "admin", "9512")
    made = syncstate.pending_count(ctx)
    phones: list[str] = []
    i = 0
    while made < events:
        if i % 20 == 0:
            phone = f"136{len(phones):08d}"
            register_member(ctx, actor, Registration(name="压测会员", phone=phone, consent=True))
            phones.append(phone)
        elif i % 5 == 0:
            checkout(ctx, actor, phones[-1], 1_000)
        else:
            top_up(ctx, actor, phones[-1], 10_000, "cash")
        made += 1
        i += 1
    ctx.close()
    return data_dir


def push_run(template: Path, work: Path, db_url: str, name: str) -> dict[str, Any]:
    data_dir = work / f"counter-{name}"
    shutil.copytree(template, data_dir)  # the template is closed: a plain copy is consistent
    engine_ = open_database(db_url)
    admin.add_store(engine_, "B001", "压测门店")
    code = admin.new_enrollment_code(engine_, "B001")["code"]
    engine_.dispose()
    with hq_process(db_url) as base:
        ctx = open_counter(data_dir, hasher=Hasher.fast())
        enrollment.enroll(ctx, data_dir, base, code)
        pending = syncstate.pending_count(ctx)
        config = load_config(data_dir)
        assert config is not None
        client = sync_client.HQClient(config, timeout=(5, 300))
        t0 = time.perf_counter()
        engine.push_all(ctx, client, batch=BATCH)
        seconds = time.perf_counter() - t0
        left = syncstate.pending_count(ctx)
        client.close()
        ctx.close()
    assert left == 0
    return {"events": pending, "seconds": seconds, "rate": pending / seconds}


def event_rows(template: Path) -> list[tuple]:
    con = sqlite3.connect(str(template / "counter.sqlite3"))
    try:
        return con.execute(
            "SELECT event_id, device_id, device_seq, type, payload, payload_hash, created_at "
            "FROM outbox ORDER BY device_seq"
        ).fetchall()
    finally:
        con.close()


RAW_DDL = (
    "CREATE TABLE raw_event (event_id VARCHAR(36) PRIMARY KEY, device_id VARCHAR(36), "
    "device_seq BIGINT, type VARCHAR(48), payload TEXT, payload_hash VARCHAR(64), "
    "created_at VARCHAR(32))"
)


def raw_sqlite(work: Path, rows: list[tuple]) -> float:
    con = sqlite3.connect(str(work / "raw.sqlite3"), isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute(RAW_DDL)
    t0 = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        con.execute("BEGIN IMMEDIATE")
        con.executemany("INSERT INTO raw_event VALUES (?,?,?,?,?,?,?)", rows[i : i + BATCH])
        con.execute("COMMIT")
    seconds = time.perf_counter() - t0
    con.close()
    return seconds


def raw_pg(url: str, rows: list[tuple]) -> float:
    u = make_url(url)
    conninfo = f"host={u.host} port={u.port or 5432} dbname={u.database} user={u.username}" + (
        f" password={u.password}" if u.password else ""
    )
    opts = u.query.get("options")
    with psycopg.connect(conninfo, options=opts or "") as conn:
        conn.execute(RAW_DDL)
        conn.commit()
        t0 = time.perf_counter()
        with conn.cursor() as cur:
            for i in range(0, len(rows), BATCH):
                cur.executemany(
                    "INSERT INTO raw_event VALUES (%s,%s,%s,%s,%s,%s,%s)", rows[i : i + BATCH]
                )
                conn.commit()
        return time.perf_counter() - t0


# -- 2. many devices at once --------------------------------------------------------------
def synthetic_events(device_seq: int, member: dict[str, Any], n: int) -> list[dict[str, Any]]:
    out = []
    for k in range(n):
        seq = device_seq + k
        if not member.get("id"):
            member["id"] = uuid7()
            payload: dict[str, Any] = {
                "txn_id": uuid7(),
                "member": {
                    "member_id": member["id"],
                    "name": "并发会员",
                    "phone": f"135{uuid.uuid4().int % 10**8:08d}",
                    "gender": None,
                    "birthday": None,
                    "email": None,
                    "address": None,
                    "referrer_id": None,
                    "source": "counter",
                    "consent_at": dt.datetime.now().isoformat(),
                    "tier": "normal",
                },
                "card": {"card_id": uuid7(), "card_no": f"{uuid.uuid4().int % 10**12:012d}"},
                "staff_id": None,
                "approved_by": None,
                "at": dt.datetime.now().isoformat(),
            }
            kind = "member.registered"
        else:
            payload = {
                "txn_id": uuid7(),
                "member_id": member["id"],
                "business_date": "2026-11-25",
                "amount_fen": 10_000,
                "bonus_fen": 0,
                "tenders": [{"method": "cash", "amount_fen": 10_000, "change_fen": 0}],
                "sv_entries": [
                    {
                        "entry_id": uuid7(),
                        "kind": "topup",
                        "principal_fen": 10_000,
                        "bonus_fen": 0,
                        "reverses": None,
                    }
                ],
                "staff_id": None,
                "approved_by": None,
                "at": dt.datetime.now().isoformat(),
            }
            kind = "stored_value.topped_up"
        out.append(
            {
                "event_id": uuid7(),
                "device_seq": seq,
                "type": kind,
                "payload": payload,
                "payload_hash": payload_hash(payload),
                "created_at": dt.datetime.now().isoformat(),
            }
        )
    return out


def load_run(
    db_url: str, devices: int, seconds: float, interval: float, workers: int = 1
) -> dict[str, Any]:
    engine_ = open_database(db_url)
    admin.add_store(engine_, "L001", "并发门店")
    codes = [admin.new_enrollment_code(engine_, "L001")["code"] for _ in range(devices)]
    engine_.dispose()
    latencies: dict[str, list[float]] = {"push": [], "pull": []}
    errors: list[str] = []
    lock = threading.Lock()
    with hq_process(db_url, workers) as base:
        configs = []
        for code in codes:
            device_id = uuid7()
            resp = sync_client.enroll(
                base, wire.EnrollRequest(code=code, device_id=device_id, store_code="L001")
            )
            configs.append(SyncConfig(base, device_id, resp.secret, "L001"))
        stop = time.monotonic() + seconds
        start = threading.Barrier(devices)

        def device(config: SyncConfig) -> None:
            client = sync_client.HQClient(config, timeout=(5, 30))
            seq, cursor, member = 1, 0, {}
            start.wait()
            time.sleep(interval * (hash(config.device_id) % 1000) / 1000)  # spread the starts
            while time.monotonic() < stop:
                round_start = time.monotonic()
                if seq % 40 == 1:
                    member = {}
                events = synthetic_events(seq, member, 4)
                for op in ("push", "pull"):
                    t0 = time.perf_counter()
                    try:
                        if op == "push":
                            r = client._signed("POST", wire.PUSH_PATH, {"events": events})
                            seq = r["acked_seq"] + 1
                        else:
                            r = client.pull(cursor, 500)
                            cursor = r.cursor
                    except Exception as exc:
                        with lock:
                            errors.append(f"{op}: {exc}")
                        continue
                    with lock:
                        latencies[op].append(time.perf_counter() - t0)
                time.sleep(max(0.0, interval - (time.monotonic() - round_start)))
            client.close()

        threads = [threading.Thread(target=device, args=(c,)) for c in configs]
        load0 = os.getloadavg()[0]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        load1 = os.getloadavg()[0]
    all_lat = latencies["push"] + latencies["pull"]

    def pct(values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] * 1000

    return {
        "requests": len(all_lat),
        "errors": len(errors),
        "error_kinds": sorted(
            {e.split(":")[0] + ": " + e.split(":", 2)[-1].strip()[:60] for e in errors}
        )[:5],
        "push_p50": pct(latencies["push"], 0.5),
        "push_p99": pct(latencies["push"], 0.99),
        "pull_p50": pct(latencies["pull"], 0.5),
        "pull_p99": pct(latencies["pull"], 0.99),
        "all_p99": pct(all_lat, 0.99),
        "rps": len(all_lat) / seconds,
        "load": (load0, load1),
    }


# -- report ------------------------------------------------------------------------------
def render(argv: list[str], results: dict[str, Any]) -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    lines = [
        BEGIN,
        "## Sync: pushing a queued outbox, and many devices at once",
        "",
        f"- **Command:** `.venv/bin/python -m tests.benchmarks.bench_sync {' '.join(argv)}`",
        f"- **Date:** {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- **Machine:** {cpu}, {os.cpu_count()} cores; {platform.platform()}. HQ runs as "
        "`member-hq serve` on 127.0.0.1 (one process for the push; "
        f"`--workers {results.get('hq_workers', 1)}` for the devices run); the clients run "
        "in the benchmark process (threads).",
        f"- **Software:** Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"psycopg {psycopg.__version__}",
        "",
        "### Push of a queued outbox",
        "",
        f"Events made by the services (registrations, top-ups, checkouts), pushed in batches "
        f"of {BATCH}; each event is stored, applied to HQ's ledgers and numbered as a change "
        "in the batch's transaction. Raw = the same rows inserted into a one-table schema "
        "with `executemany` in the same batches, a commit per batch.",
        "",
        "| database | events | push (s) | events/s | raw insert (s) | push ÷ raw |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results["push"].items():
        lines.append(
            f"| {name} | {r['events']:,} | {r['seconds']:.2f} | {r['rate']:,.0f} | "
            f"{r['raw']:.2f} | {r['seconds'] / r['raw']:.1f}× |"
        )
    lines += [
        "",
        f"### {results['devices']} devices pushing and pulling for {results['seconds']:.0f} s",
        "",
        "Each device, once every "
        f"{results['interval']:g} s (a counter's worker syncs every 15 s), pushes 4 events "
        "(a registration, then top-ups) and then pulls the changes since its cursor "
        "(0 s = back to back, as fast as it can). Latency is per HTTP request, in ms, "
        "measured by the client. Targets: errors 0, p99 ≤ 250 ms.",
        "",
        "| database | requests | req/s | errors | push p50 | push p99 | pull p50 | pull p99 "
        "| p99 all | target met | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, r in results["load"].items():
        met = "yes" if r["errors"] == 0 and r["all_p99"] <= 250 else "no"
        lines.append(
            f"| {name} | {r['requests']:,} | {r['rps']:.0f} | {r['errors']} | "
            f"{r['push_p50']:.0f} | {r['push_p99']:.0f} | {r['pull_p50']:.0f} | "
            f"{r['pull_p99']:.0f} | {r['all_p99']:.0f} | {met} | "
            f"{r['load'][0]:.1f} → {r['load'][1]:.1f} |"
        )
        if r["error_kinds"]:
            lines.append(f"|  | errors: {'; '.join(r['error_kinds'])} |||||||||| ")
    lines += ["", END]
    return "\n".join(lines)


def write_section(section: str) -> None:
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        doc = head + section + tail
    else:
        doc = doc.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=10_000)
    p.add_argument("--devices", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--interval", type=float, default=1.0, help="each device syncs this often")
    p.add_argument("--hq-workers", type=int, default=1, help="member-hq serve --workers")
    p.add_argument("--pg", default=os.environ.get("MEMBER_COUNTER_TEST_PG_URL"))
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args(argv)
    os.environ.setdefault("MEMBER_COUNTER_TEST_FAST_HASH", "1")
    results: dict[str, Any] = {
        "push": {},
        "load": {},
        "devices": args.devices,
        "seconds": args.seconds,
        "interval": args.interval,
        "hq_workers": args.hq_workers,
    }
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        t0 = time.perf_counter()
        template = build_counter(work, args.events)
        print(f"built {args.events} events in {time.perf_counter() - t0:.0f} s", flush=True)
        rows = event_rows(template)
        (work / "hq-sqlite").mkdir()
        r = push_run(template, work, sqlite_url(work / "hq-sqlite"), "sqlite")
        r["raw"] = raw_sqlite(work, rows)
        results["push"]["SQLite"] = r
        print("push sqlite", r, flush=True)
        if args.pg:
            with pg_schema(args.pg) as url:
                r = push_run(template, work, url, "pg")
            with pg_schema(args.pg) as url:
                r["raw"] = raw_pg(url, rows)
            results["push"]["PostgreSQL"] = r
            print("push pg", r, flush=True)
        if args.devices:
            (work / "hq-load").mkdir()
            r = load_run(
                sqlite_url(work / "hq-load"),
                args.devices,
                args.seconds,
                args.interval,
                args.hq_workers,
            )
            results["load"]["SQLite"] = r
            print("load sqlite", r, flush=True)
            if args.pg:
                with pg_schema(args.pg) as url:
                    r = load_run(url, args.devices, args.seconds, args.interval, args.hq_workers)
                results["load"]["PostgreSQL"] = r
                print("load pg", r, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    section = render(argv, results)
    print(section)
    if not args.no_write:
        write_section(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
