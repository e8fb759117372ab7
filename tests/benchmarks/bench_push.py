"""Push benchmark (figures, not a test): HQ's checks of pushed events against the same push
with the checks off, measured in the same run.

    .venv/bin/python -m tests.benchmarks.bench_push [--events 10000] [--pg URL] [--rounds 1]

A counter queues ``--events`` real events through the services — registrations, top-ups,
checkouts (stored value, cash, with points), refunds of sales and of top-ups — across
``events / 20`` members, once. A copy of it is pushed (batches of 500, the worker's size)
to an HQ serving on 127.0.0.1 in its own process, over SQLite and, with ``--pg`` (default
``MEMBER_COUNTER_TEST_PG_URL``), PostgreSQL: once with HQ's checks (:mod:`server.validate`,
as HQ always runs) and once with them off (``HQService(checks=False)``, which only this
benchmark's HQ process sets). Writes its section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from app.ports import FixedClock
from app.services import syncstate
from app.services.checkout import checkout
from app.services.context import open_counter
from app.services.hashing import Hasher
from app.services.members import Registration, register_member
from app.services.refunds import refund
from app.services.security import Approval, sign_in
from app.services.staff import add_staff
from app.services.store import init_store
from app.services.stored_value import top_up
from server import admin
from server.db import open_database, sqlite_url
from server.device_secrets import KEY_ENV, Keyring
from sync import client as sync_client
from sync import engine, enrollment, wire
from sync.config import load_config
from tests.benchmarks.bench_core import machine
from tests.benchmarks.bench_sync import free_port, pg_schema
from tests.benchmarks.docfile import write_section

BEGIN, END = "<!-- bench_push:begin -->", "<!-- bench_push:end -->"
BATCH = 500
ADMIN_PIN, MANAGER_NO, MANAGER_PIN = "9512", "m01", "5826"


# -- the counter's outbox, made once ------------------------------------------------------
def build_counter(work: Path, events: int) -> tuple[Path, dict[str, int]]:
    """A counter with ``events`` pending events made by the services; its data dir and the
    events by type."""
    data_dir = work / "counter-template"
    ctx = open_counter(data_dir, clock=FixedClock(dt.datetime.now(dt.UTC)), hasher=Hasher.fast())
    init_store(ctx, code="P001", name="压测门店", admin_pin=ADMIN_PIN)
    actor = sign_in(ctx, "admin", ADMIN_PIN)
    add_staff(ctx, actor, staff_no=MANAGER_NO, name="店长", role="manager", pin=MANAGER_PIN)
    ok = Approval(MANAGER_NO, MANAGER_PIN)
    phones: list[str] = []
    i = 0
    while syncstate.pending_count(ctx) < events:
        step = i % 20
        if step == 0:
            phone = f"137{len(phones):08d}"
            register_member(ctx, actor, Registration(name="压测会员", phone=phone, consent=True))
            phones.append(phone)
        # the current member and, from time to time, one served before
        phone = phones[-1] if step % 3 else phones[(i * 7) % len(phones)]
        if step in (1, 2, 6, 11, 16):
            top_up(ctx, actor, phone, 20_000 + step * 1_000, "cash")
        elif step in (3, 7, 12, 17):
            checkout(ctx, actor, phone, 1_500 + step * 10)  # stored value
        elif step in (4, 13):
            checkout(ctx, actor, phone, 2_000, pay="cash")
        elif step == 8:
            checkout(ctx, actor, phone, 3_000, points=10)  # points redeemed
        elif step in (5, 14):
            sale = checkout(ctx, actor, phone, 2_500)
            refund(ctx, actor, sale.txn_id, ok)
        elif step == 9:
            refund(ctx, actor, top_up(ctx, actor, phone, 5_000, "cash").txn_id, ok)
        elif step in (10, 15, 18, 19):
            top_up(ctx, actor, phone, 10_000, "wechat")
        i += 1
    with sqlite3.connect(str(data_dir / "counter.sqlite3")) as con:
        types = dict(con.execute("SELECT type, COUNT(*) FROM outbox GROUP BY type").fetchall())
    ctx.close()
    return data_dir, types


# -- HQ in its own process ----------------------------------------------------------------
def serve(url: str, port: int, checks: bool) -> None:
    """HQ's app as ``member-hq serve`` runs it, optionally without the checks."""
    import uvicorn

    from server.app import create_app
    from server.service import HQService

    keyring = Keyring([os.environ[KEY_ENV].encode()])  # hq_process's, for every run
    app = create_app(HQService(open_database(url, keyring), keyring=keyring, checks=checks))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


BENCH_KEY = Keyring.generate()  # every HQ process of one run opens the same secrets


@contextlib.contextmanager
def hq_process(url: str, checks: bool) -> Iterator[str]:
    port = free_port()
    cmd = [sys.executable, "-m", "tests.benchmarks.bench_push", "--serve", url, str(port)]
    log = open(os.devnull, "wb")  # noqa: SIM115
    env = {**os.environ, KEY_ENV: os.environ.get(KEY_ENV) or BENCH_KEY.keys[0].decode()}
    proc = subprocess.Popen(
        cmd + ([] if checks else ["--unchecked"]), stdout=log, stderr=log, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(base + wire.HEALTH_PATH, timeout=1)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()


def push_run(template: Path, work: Path, db_url: str, name: str, checks: bool) -> dict[str, Any]:
    data_dir = work / f"counter-{name}"
    shutil.copytree(template, data_dir)  # the template is closed: a plain copy is consistent
    hq = open_database(db_url)
    admin.add_store(hq, "P001", "压测门店")
    code = admin.new_enrollment_code(hq, "P001")["code"]
    try:
        with hq_process(db_url, checks) as base:
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
            refused = len(syncstate.status(ctx).refused)
            client.close()
            ctx.close()
        balances = admin.member_balances(hq)
    finally:
        hq.dispose()
        shutil.rmtree(data_dir, ignore_errors=True)
    # Every event reached HQ and was applied, checked or not.
    assert left == 0 and refused == 0, (left, refused)
    return {"events": pending, "seconds": seconds, "members": len(balances)}


# -- report ------------------------------------------------------------------------------
def render(argv: list[str], results: dict[str, Any]) -> str:
    m = machine()
    mix = ", ".join(f"{n:,} {kind}" for kind, n in sorted(results["types"].items()))
    lines = [
        BEGIN,
        "## Push: HQ's checks of every event, against the same push unchecked",
        "",
        f"- **Command:** `.venv/bin/python -m tests.benchmarks.bench_push {' '.join(argv)}`",
        f"- **Date:** {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- **Machine:** {m['cpu']}, {m['cores']} cores (shared with other work); "
        f"{m['os']}. HQ serves on 127.0.0.1 in its own process (uvicorn, one "
        "worker); the counter pushes from the benchmark process.",
        f"- **Software:** Python {m['python']}, SQLite {m['sqlite']}",
        f"- **Events** (made once by the counter's services, the same for every run): {mix}.",
        "",
        f"Pushed in batches of {BATCH}, each batch one transaction at HQ. *Checked* = HQ as "
        "it always runs: each event checked by `server.validate` (schema, staff and role, "
        "member, ids new, money by the rules version held, refunds against their sale) before "
        "it is applied; *unchecked* = the same HQ with `HQService(checks=False)`, which only "
        "this benchmark sets. Target: checked within 1.5× of unchecked.",
        "",
        "| database | events | round | unchecked (s) | checked (s) | checked events/s "
        "| checked ÷ unchecked |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, rounds in results["push"].items():
        for k, (off, on) in enumerate(rounds, 1):
            lines.append(
                f"| {name} | {on['events']:,} | {k} | {off['seconds']:.2f} | "
                f"{on['seconds']:.2f} | {on['events'] / on['seconds']:,.0f} | "
                f"{on['seconds'] / off['seconds']:.2f}× |"
            )
    lines += ["", END]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--serve"]:
        serve(argv[1], int(argv[2]), checks="--unchecked" not in argv)
        return 0
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=10_000)
    p.add_argument("--rounds", type=int, default=1, help="unchecked/checked pairs per database")
    p.add_argument("--pg", default=os.environ.get("MEMBER_COUNTER_TEST_PG_URL"))
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args(argv)
    os.environ.setdefault("MEMBER_COUNTER_TEST_FAST_HASH", "1")
    results: dict[str, Any] = {"push": {}}
    work = Path(tempfile.mkdtemp(prefix="bench-push-"))
    try:
        t0 = time.perf_counter()
        template, results["types"] = build_counter(work, args.events)
        print(f"built {args.events} events in {time.perf_counter() - t0:.0f} s", flush=True)
        databases: list[tuple[str, Any]] = [("SQLite", None)]
        if args.pg:
            databases.append(("PostgreSQL", args.pg))
        for name, pg in databases:
            rounds = []
            for k in range(args.rounds):
                pair = []
                for checks in (False, True):
                    tag = f"{name}-{k}-{'on' if checks else 'off'}"
                    if pg is None:
                        (work / tag).mkdir()
                        r = push_run(template, work, sqlite_url(work / tag), tag, checks)
                    else:
                        with pg_schema(pg) as url:
                            r = push_run(template, work, url, tag, checks)
                    print(tag, r, flush=True)
                    pair.append(r)
                rounds.append(tuple(pair))
            results["push"][name] = rounds
    finally:
        shutil.rmtree(work, ignore_errors=True)
    section = render(argv, results)
    print(section)
    if not args.no_write:
        write_section(BEGIN, END, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
