"""Chain-scale load (figures, not a test): N counters, each the enrolled device of its own
store, syncing at the real interval against ``member-hq serve --workers W`` on PostgreSQL.

    .venv/bin/python -m tests.benchmarks.bench_chain [--counters 2000] [--seconds 120]
        [--interval 15] [--workers 2] [--pg URL] [--write]

Events are the counter's own: a template counter makes them once with the services
(``init_store``, ``add_staff``, ``register_member``, ``top_up``, ``checkout``, ``refund``).
Each simulated device replays them with its own ids: its ``store.initialised`` and
``staff.added`` (its device id, store code and staff ids), then member cycles (a
registration, a top-up, three checkouts, a refund), each cycle with new UUIDs, phone
number and card number. Every UUID is replaced by one of the same length and the payload
stays canonical JSON, so the payload hash is recomputed over the text; HQ checks every
event as always (a quarantined event is counted as an error).

Setup (not measured as load): stores ``S0001..`` and enrollment codes through
:mod:`server.admin`, enrollment and the first push (store and staff) through
:class:`server.service.HQService` in this process. Then, for ``--seconds``, each counter
runs rounds as ``sync.worker.SyncWorker`` does: ``--interval`` s after each round (the first
jittered over one interval; the worker's backoff after a failed one) it pushes the next
``--events`` events and pulls from its cursor page by page (``--pull-batch``, as
``sync.engine.pull_all``) until HQ says there is no more, at most ``--max-pages`` pages a
round. Counters start at the watermark of the end of setup (as if joined from a snapshot).
Clients: ``--clients`` threads (default one per counter), each with one
``requests.Session``, signing with :mod:`sync.signing`; a thread serves its share of the
counters from its own schedule.

Figures: latency, errors by kind, req/s, CPU of HQ's processes, of its PostgreSQL backends
and of this process (``/proc``), table growth, what each counter pulls. :func:`render`
puts one group of lines per figure; ``--write`` replaces this benchmark's section of
``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import heapq
import itertools
import json
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter as Tally
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import Engine, inspect, text

from app.domain.audit import payload_hash
from app.domain.ids import uuid7
from app.ports import FixedClock
from app.services.checkout import checkout
from app.services.context import open_counter
from app.services.hashing import Hasher
from app.services.members import Registration, register_member
from app.services.refunds import refund
from app.services.security import Approval, sign_in
from app.services.staff import add_staff
from app.services.store import init_store
from app.services.stored_value import top_up
from app.version import __version__
from server import admin
from server.db import open_database
from server.device_secrets import KEY_ENV, Keyring
from server.service import HQService
from sync import signing, wire
from sync.worker import backoff_delay
from tests.benchmarks.bench_core import machine
from tests.benchmarks.bench_sync import BENCH_KEY, free_port, pg_schema
from tests.benchmarks.docfile import write_section

BEGIN, END = "<!-- bench_chain:begin -->", "<!-- bench_chain:end -->"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEMPLATE_STORE = "T0001"
TEMPLATE_PHONE = "13700000001"
ADMIN_PIN, MANAGER_NO, MANAGER_PIN = "9512", "m01", "5826"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
USER_AGENT = wire.user_agent(__version__)
TIMEOUT = (5.0, 30.0)
STACK_BYTES = 512 * 1024
PUSH_BATCH = 200  # as sync.engine
DRAIN_SECONDS = 10  # rounds still running at the end may pull this long, then stop
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- the template: events made once by the counter's services ------------------------------
@dataclass(frozen=True)
class Template:
    device_id: str
    staff_ids: tuple[str, ...]  # the admin's and the manager's (per device)
    boot: list[tuple[str, str]]  # (type, canonical payload): store.initialised, staff.added
    cycle: list[tuple[str, str]]  # one member's events, self-contained
    card_no: str


def build_template(work: Path) -> Template:
    """One store, one manager, one member cycle, made by the services."""
    data_dir = work / "counter-template"
    ctx = open_counter(data_dir, clock=FixedClock(dt.datetime.now(dt.UTC)), hasher=Hasher.fast())
    init_store(ctx, code=TEMPLATE_STORE, name="压测门店", admin_pin=ADMIN_PIN)
    actor = sign_in(ctx, "admin", ADMIN_PIN)
    add_staff(ctx, actor, staff_no=MANAGER_NO, name="店长", role="manager", pin=MANAGER_PIN)
    register_member(ctx, actor, Registration(name="压测会员", phone=TEMPLATE_PHONE, consent=True))
    top_up(ctx, actor, TEMPLATE_PHONE, 20_000, "cash")
    sale = checkout(ctx, actor, TEMPLATE_PHONE, 1_500)  # stored value, points earned
    checkout(ctx, actor, TEMPLATE_PHONE, 3_000, pay="cash")
    checkout(ctx, actor, TEMPLATE_PHONE, 3_000, points=10)  # points redeemed
    refund(ctx, actor, sale.txn_id, Approval(MANAGER_NO, MANAGER_PIN))
    ctx.close()
    with sqlite3.connect(str(data_dir / "counter.sqlite3")) as con:
        rows = con.execute(
            "SELECT device_id, type, payload FROM outbox ORDER BY device_seq"
        ).fetchall()
    device_id = rows[0][0]
    events = [(kind, json.dumps(json.loads(p), ensure_ascii=False, sort_keys=True,
                                separators=(",", ":"))) for _, kind, p in rows]  # fmt: skip
    boot, cycle = events[:2], events[2:]
    assert [k for k, _ in boot] == ["store.initialised", "staff.added"], boot
    init, added = json.loads(boot[0][1]), json.loads(boot[1][1])
    registered = json.loads(cycle[0][1])
    return Template(
        device_id=device_id,
        staff_ids=(init["staff_id"], added["added_staff_id"]),
        boot=boot,
        cycle=cycle,
        card_no=registered["card"]["card_no"],
    )


_PHONES = itertools.count(1)  # itertools.count is atomic under the GIL
_CARDS = itertools.count(1)


class Forge:
    """One device's events from the template: its own device id, store and staff ids; each
    member cycle with new ids, phone number and card number."""

    def __init__(self, tpl: Template, device_id: str, store_code: str) -> None:
        self.tpl = tpl
        self.store_code = store_code
        self.device_map = {tpl.device_id: device_id} | {s: uuid7() for s in tpl.staff_ids}

    def _reid(self, payload: str, cycle_map: dict[str, str]) -> str:
        def swap(m: re.Match[str]) -> str:
            old = m.group(0)
            new = self.device_map.get(old)
            if new is None:
                new = cycle_map.get(old)
                if new is None:
                    new = cycle_map[old] = uuid7()
            return new

        return UUID_RE.sub(swap, payload)

    def boot(self) -> list[tuple[str, str]]:
        out = []
        for kind, payload in self.tpl.boot:
            payload = self._reid(payload, {})
            if kind == "store.initialised":
                payload = payload.replace(
                    f'"code":"{TEMPLATE_STORE}"', f'"code":"{self.store_code}"', 1
                )
            out.append((kind, payload))
        return out

    def cycle(self) -> list[tuple[str, str]]:
        cycle_map: dict[str, str] = {}
        phone = f"13{next(_PHONES) % 10**9:09d}"
        card_no = f"9{next(_CARDS) % 10**11:011d}"
        out = []
        for kind, payload in self.tpl.cycle:
            payload = self._reid(payload, cycle_map)
            payload = payload.replace(f'"phone":"{TEMPLATE_PHONE}"', f'"phone":"{phone}"')
            payload = payload.replace(f'"card_no":"{self.tpl.card_no}"', f'"card_no":"{card_no}"')
            out.append((kind, payload))
        return out


def wire_event(seq: int, kind: str, payload: str, created_at: str) -> str:
    """One event as the push body carries it; the payload text is canonical JSON already."""
    digest = hashlib.sha256(payload.encode()).hexdigest()
    return (
        f'{{"event_id":"{uuid7()}","device_seq":{seq},"type":"{kind}","payload":{payload},'
        f'"payload_hash":"{digest}","created_at":"{created_at}"}}'
    )


def self_check(tpl: Template) -> None:
    """The forged text is canonical JSON: its hash is the hash HQ computes."""
    forge = Forge(tpl, uuid7(), "S9999")
    for kind, payload in forge.boot() + forge.cycle():
        ev = json.loads(wire_event(1, kind, payload, "2026-01-01T00:00:00"))
        assert ev["payload_hash"] == payload_hash(ev["payload"]), kind


# -- HQ in its own processes, and what they cost --------------------------------------------
def hq_key() -> str:
    return os.environ.get(KEY_ENV) or BENCH_KEY


@contextlib.contextmanager
def hq_process(url: str, workers: int, log_path: Path) -> Iterator[tuple[str, int]]:
    """``member-hq serve --workers W`` on 127.0.0.1; yields its base URL and pid."""
    port = free_port()
    log = open(log_path, "wb")  # noqa: SIM115
    cmd = [sys.executable, "-m", "server", "--db", url, "serve", "--port", str(port),
           "--workers", str(workers)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, env={**os.environ, KEY_ENV: hq_key()})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(base + wire.HEALTH_PATH, timeout=1).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parents[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
    found, todo = {root}, [root]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parents.items() if pp == p and c not in found]
        found.update(kids)
        todo.extend(kids)
    return found


class Backends:
    """HQ's PostgreSQL backends, sampled every ``every`` s during the run (in a thread):
    their CPU (each backend's last reading, so one closed between samples loses at most
    ``every`` s of it) and what they wait on."""

    def __init__(self, engine: Engine, app_name: str, every: float = 2.0) -> None:
        self.engine, self.app_name, self.every = engine, app_name, every
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.waits: Tally[str] = Tally()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE application_name = :a"
                ),
                {"a": self.app_name},
            ).all()
        for pid, state, kind, event in rows:
            cpu = proc_cpu(pid)
            self.first.setdefault(pid, cpu if not self.samples else 0.0)
            self.last[pid] = max(cpu, self.last.get(pid, 0.0))
            if state == "active" or kind == "Lock":
                self.waits[f"{kind}:{event}" if kind else "on CPU"] += 1
            else:
                self.waits[state or "-"] += 1
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            with contextlib.suppress(Exception):  # a failed sample is only a missing sample
                self.sample()

    def start(self) -> None:
        self.sample()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def cpu(self) -> float:
        return sum(max(0.0, v - self.first.get(p, 0.0)) for p, v in self.last.items())


def cpu_of(pids: set[int]) -> dict[int, float]:
    return {p: proc_cpu(p) for p in pids}


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent since ``before``; a process gone by ``after`` is left out (a lower bound)."""
    return sum(max(0.0, v - before.get(p, 0.0)) for p, v in after.items())


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    parts = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = parts[3] + parts[4]
    return (sum(parts) - idle) / CLK_TCK, sum(parts) / CLK_TCK


# -- the database: sizes ------------------------------------------------------------------
def schema_of(url: str) -> str:
    return url.split("search_path%3D", 1)[1].split("&", 1)[0]


def table_sizes(engine: Engine, schema: str) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s AND c.relkind = 'r'"
            ),
            {"s": schema},
        )
        return {name: int(size) for name, size in rows}


def row_counts(engine: Engine, names: list[str]) -> dict[str, int]:
    with engine.connect() as conn:
        return {n: int(conn.scalar(text(f'SELECT count(*) FROM "{n}"')) or 0) for n in names}


# -- setup: stores, enrollment, each device's first push ----------------------------------
@dataclass
class Device:
    device_id: str
    secret: str
    store_code: str
    forge: Forge
    seq: int = 1  # the next device_seq
    pending: list[tuple[int, str]] = field(default_factory=list)  # (device_seq, event JSON)
    cursor: int = 0
    rounds: int = 0
    failures: int = 0  # rounds failed in a row (the worker's backoff)
    pulled_changes: int = 0
    pulled_bytes: int = 0
    cycle_left: list[tuple[str, str]] = field(default_factory=list)  # of the current member

    def take(self, n: int, created_at: str) -> None:
        """Queue events until ``n`` are pending (a new member cycle when one ends)."""
        while len(self.pending) < n:
            for kind, payload in self.forge.cycle():
                self.pending.append((self.seq, wire_event(self.seq, kind, payload, created_at)))
                self.seq += 1

    def make(self, n: int, created_at: str) -> None:
        """``n`` more operations made at the counter: the next ``n`` events of its member
        cycles queued (``--ops-per-day``)."""
        for _ in range(n):
            if not self.cycle_left:
                self.cycle_left = self.forge.cycle()
            kind, payload = self.cycle_left.pop(0)
            self.pending.append((self.seq, wire_event(self.seq, kind, payload, created_at)))
            self.seq += 1


def store_codes(counters: int, per_store: int) -> list[str]:
    return [f"S{i // per_store + 1:04d}" for i in range(counters)]


def setup_devices(
    engine: Engine, tpl: Template, counters: int, per_store: int, threads: int = 4
) -> list[Device]:
    codes = store_codes(counters, per_store)
    for code in dict.fromkeys(codes):
        admin.add_store(engine, code, f"门店{code}")
    enrol = [admin.new_enrollment_code(engine, c)["code"] for c in codes]
    keys = [k.strip().encode() for k in hq_key().split(",") if k.strip()]
    service = HQService(engine, keyring=Keyring(keys))
    now = dt.datetime.now(dt.UTC).isoformat()

    def one(i: int) -> Device:
        device_id = uuid7()
        resp = service.enroll(
            wire.EnrollRequest(code=enrol[i], device_id=device_id, store_code=codes[i])
        )
        dev = Device(device_id, resp.secret, codes[i], Forge(tpl, device_id, codes[i]))
        boot = [wire_event(k + 1, kind, p, now) for k, (kind, p) in enumerate(dev.forge.boot())]
        req = wire.PushRequest.model_validate_json('{"events":[' + ",".join(boot) + "]}")
        result = service.push(device_id, req)
        assert result.acked_seq == 2 and all(r.status == "applied" for r in result.results), result
        dev.seq = 3
        return dev

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(counters)))


# -- the load: client threads -------------------------------------------------------------
@dataclass
class Stats:
    push_ms: list[float] = field(default_factory=list)
    pull_ms: list[float] = field(default_factory=list)
    lag_ms: list[float] = field(default_factory=list)  # a round's start after its due time
    errors: Tally[str] = field(default_factory=Tally)
    statuses: Tally[str] = field(default_factory=Tally)
    rounds: int = 0
    backlog_rounds: int = 0  # rounds that stopped at --max-pages with more to pull
    requests: int = 0
    in_window: int = 0  # requests answered before the end of the run
    cut_at_end: int = 0  # rounds whose pull stopped at the end of the run

    def merge(self, other: Stats) -> None:
        self.push_ms += other.push_ms
        self.pull_ms += other.pull_ms
        self.lag_ms += other.lag_ms
        self.errors.update(other.errors)
        self.statuses.update(other.statuses)
        self.rounds += other.rounds
        self.backlog_rounds += other.backlog_rounds
        self.requests += other.requests
        self.in_window += other.in_window
        self.cut_at_end += other.cut_at_end


@dataclass(frozen=True)
class Load:
    base: str
    interval: float
    events: int
    pull_batch: int
    max_pages: int
    rate: float | None = None  # operations a round per counter (--ops-per-day), else --events
    stop: float = float("inf")  # monotonic time: the end of the run, no new round after it
    drain_until: float = float("inf")  # no new pull page after it


_TAIL = re.compile(rb'"cursor":(\d+),"watermark":\d+,"has_more":(true|false)\}$')


class Client:
    """One thread's HTTP client: signed requests over one session."""

    def __init__(self, load: Load, stats: Stats) -> None:
        self.load = load
        self.stats = stats
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=1)
        self.session.mount("http://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT
        self.rng = random.Random()

    def _send(self, dev: Device, method: str, path: str, body: bytes) -> requests.Response:
        headers = signing.sign_request(dev.device_id, dev.secret, method, path, body)
        if body:
            headers["Content-Type"] = "application/json"
        self.stats.requests += 1
        resp = self.session.request(
            method, self.load.base + path, data=body or None, headers=headers, timeout=TIMEOUT
        )
        if time.monotonic() <= self.load.stop:
            self.stats.in_window += 1
        return resp

    def _failed(self, op: str, resp: requests.Response) -> None:
        code = f"HTTP {resp.status_code}"
        with contextlib.suppress(ValueError, AttributeError):
            code += " " + str(resp.json().get("code"))
        self.stats.errors[f"{op}: {code}"] += 1

    def push(self, dev: Device) -> bool:
        batch = dev.pending[: self.load.events if self.load.rate is None else PUSH_BATCH]
        body = ('{"events":[' + ",".join(e for _, e in batch) + "]}").encode()
        t0 = time.perf_counter()
        try:
            resp = self._send(dev, "POST", wire.PUSH_PATH, body)
        except requests.RequestException as exc:
            self.stats.errors[f"push: {type(exc).__name__}"] += 1
            return False
        self.stats.push_ms.append((time.perf_counter() - t0) * 1000)
        if resp.status_code != 200:
            self._failed("push", resp)
            return False
        data = resp.json()
        for r in data["results"]:
            status = r["status"] + (f" {r['code']}" if r.get("code") else "")
            self.stats.statuses[status] += 1
            if r["status"] == "quarantined":
                self.stats.errors[f"quarantined: {r.get('code')}"] += 1
        acked = data["acked_seq"]
        dev.pending = [(s, e) for s, e in dev.pending if s > acked]
        return True

    def pull(self, dev: Device) -> bool:
        for _ in range(self.load.max_pages):
            if time.monotonic() > self.load.drain_until:
                self.stats.cut_at_end += 1
                return True
            path = f"{wire.PULL_PATH}?since={dev.cursor}&limit={self.load.pull_batch}"
            t0 = time.perf_counter()
            try:
                resp = self._send(dev, "GET", path, b"")
            except requests.RequestException as exc:
                self.stats.errors[f"pull: {type(exc).__name__}"] += 1
                return False
            content = resp.content
            self.stats.pull_ms.append((time.perf_counter() - t0) * 1000)
            m = _TAIL.search(content) if resp.status_code == 200 else None
            if m is None:
                self._failed("pull", resp)
                return False
            dev.cursor = int(m[1])
            dev.pulled_changes += content.count(b'{"server_seq":')
            dev.pulled_bytes += len(content)
            if m[2] == b"false":
                return True
        self.stats.backlog_rounds += 1
        return True

    def operations(self) -> int:
        """Operations made at a counter since its last round: Poisson at ``load.rate``."""
        assert self.load.rate is not None
        n, p, limit = 0, self.rng.random(), math.exp(-self.load.rate)
        while p > limit:
            n += 1
            p *= self.rng.random()
        return n

    def round(self, dev: Device) -> bool:
        """Push, then pull (as ``sync.engine.sync_once``: a failed push skips the pull; with
        nothing to send, as the worker, no push)."""
        now = dt.datetime.now(dt.UTC).isoformat()
        if self.load.rate is None:
            dev.take(self.load.events, now)
        else:
            dev.make(self.operations(), now)
        ok = (not dev.pending or self.push(dev)) and self.pull(dev)
        dev.rounds += 1
        self.stats.rounds += 1
        dev.failures = 0 if ok else dev.failures + 1
        return ok


def client_thread(load: Load, devices: list[Device], start: float, stop: float) -> Stats:
    """Serve ``devices`` from one schedule until ``stop``. As ``sync.worker.SyncWorker``:
    the next round ``interval`` after a round ends, or after the backoff when it failed."""
    stats = Stats()
    client = Client(load, stats)
    rng = random.Random(devices[0].device_id)  # each thread its own jitter
    due = [(start + rng.uniform(0, load.interval), i) for i in range(len(devices))]
    heapq.heapify(due)
    try:
        while due:
            at, i = heapq.heappop(due)
            if at >= stop:
                break
            wait = at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            stats.lag_ms.append(max(0.0, time.monotonic() - at) * 1000)
            dev = devices[i]
            ok = client.round(dev)
            delay = load.interval if ok else backoff_delay(dev.failures, 2.0, 300.0, rng)
            heapq.heappush(due, (time.monotonic() + delay, i))
    finally:
        client.session.close()
    return stats


def run_load(
    load: Load, devices: list[Device], seconds: float, clients: int
) -> tuple[Stats, float]:
    clients = min(clients or len(devices), len(devices))
    shares = [devices[k::clients] for k in range(clients)]
    start = time.monotonic() + 1.0
    stop = start + seconds
    load = replace(load, stop=stop, drain_until=stop + DRAIN_SECONDS)
    threading.stack_size(STACK_BYTES)  # thousands of client threads, small stacks
    with ThreadPoolExecutor(len(shares)) as pool:
        parts = list(pool.map(lambda d: client_thread(load, d, start, stop), shares))
    elapsed = max(time.monotonic(), stop) - start  # the window, and any drain after it
    total = Stats()
    for part in parts:
        total.merge(part)
    return total, elapsed


# -- one run ------------------------------------------------------------------------------
def rate_per_round(args: argparse.Namespace) -> float | None:
    """With ``--ops-per-day``: the operations a counter makes between two rounds in the
    busiest hour (``--busy-share`` of the store's day, shared by its counters)."""
    if args.ops_per_day is None:
        return None
    return args.ops_per_day * args.busy_share / args.per_store * args.interval / 3600


def pct(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1]


def measure(args: argparse.Namespace, work: Path, url: str) -> dict[str, Any]:
    tpl = build_template(work)
    self_check(tpl)
    app_name = "bench_chain_" + uuid7()[-12:]
    schema = schema_of(url)
    engine = open_database(f"{url}&application_name=bench_chain_setup")
    url = f"{url}&application_name={app_name}"  # HQ's connections, for their CPU
    results: dict[str, Any] = {"schema": schema}
    try:
        t0 = time.perf_counter()
        devices = setup_devices(engine, tpl, args.counters, args.per_store)
        results["setup_s"] = time.perf_counter() - t0
        print(f"enrolled {len(devices)} devices in {results['setup_s']:.0f} s", flush=True)
        results["scoped"] = start_cursors(engine, devices)
        change_table = "hq_stream_change" if results["scoped"] else "hq_change"
        with hq_process(url, args.workers, work / "hq.log") as (base, root):
            load = Load(base, args.interval, args.events, args.pull_batch, args.max_pages,
                        rate_per_round(args))  # fmt: skip
            sizes0 = table_sizes(engine, schema)
            hq_pids = descendants(root)
            backends = Backends(engine, app_name)
            backends.start()
            hq0 = cpu_of(hq_pids)
            busy0, self0 = machine_busy(), time.process_time()
            stats, elapsed = run_load(load, devices, args.seconds, args.clients)
            self1, busy1 = time.process_time(), machine_busy()
            hq1 = cpu_of(descendants(root) | hq_pids)
            backends.stop()
            sizes1 = table_sizes(engine, schema)
        results |= {
            "stats": stats,
            "elapsed": elapsed,
            "hq_cpu": cpu_spent(hq0, hq1),
            "pg_cpu": backends.cpu(),
            "pg_waits": backends.waits,
            "pg_backends": len(backends.last),
            "self_cpu": self1 - self0,
            "machine_busy": busy1[0] - busy0[0],
            "machine_total": busy1[1] - busy0[1],
            "sizes": (sizes0, sizes1),
            "rows": row_counts(engine, ["hq_event", change_table, "hq_quarantine"]),
            "devices": devices,
            "hq_log_errors": hq_log_errors(work / "hq.log"),
        }
    finally:
        engine.dispose()
    return results


def start_cursors(engine: Engine, devices: list[Device]) -> bool:
    """Each counter starts at its stream's watermark after setup (as if joined from a
    snapshot); True when HQ keeps a stream per store, False for one global stream (a release
    before scoped replication, measured with ``--baseline``)."""
    with engine.connect() as conn:
        if inspect(conn).has_table("hq_stream"):
            at = dict(conn.execute(text("SELECT store_code, value FROM hq_stream")).all())
            for dev in devices:
                dev.cursor = int(at.get(dev.store_code, 0))
            return True
        watermark = conn.scalar(text("SELECT value FROM hq_counter WHERE name = 'server_seq'"))
    for dev in devices:
        dev.cursor = int(watermark or 0)
    return False


# -- a counter joining a big chain ----------------------------------------------------------
JOIN_STORE, JOIN_STORES = "J0001", 200


def fill_chain(engine: Engine, members: int, own: int) -> None:
    """``members`` members at HQ across ``JOIN_STORES`` stores, ``own`` of them at
    ``JOIN_STORE``; each with a card, a registration, a top-up (¥100 + ¥10 bonus) and a lot
    of 100 points. Written with SQL (a year of pushes would take hours), as HQ keeps them."""
    for i in range(1, JOIN_STORES + 1):
        admin.add_store(engine, f"J{i:04d}", f"门店J{i:04d}")
    uid = "lpad(to_hex(i), 8, '0') || '-{0}-7000-8000-' || lpad(to_hex(i), 12, '0')"
    member, card, txn, entry, lot, pentry = (uid.format(f"{k:04d}") for k in range(1, 7))
    home = (
        f"CASE WHEN i <= {own} THEN '{JOIN_STORE}' "
        f"ELSE 'J' || lpad((2 + i % {JOIN_STORES - 1})::text, 4, '0') END"
    )
    series = f"FROM generate_series(1, {members}) AS i"
    statements = [
        "INSERT INTO hq_member (id, store_code, name, phone, status, card_id, tier_code, "
        "tier_overridden, cumulative_spend_fen, principal_fen, bonus_fen, points, field_clocks, "
        f"created_at, updated_at) SELECT {member}, {home}, '会员' || i, "
        f"'139' || lpad(i::text, 8, '0'), 'active', {card}, 'normal', false, 0, 10000, 1000, "
        f"100, '{{}}', now(), now() {series}",
        f"INSERT INTO hq_card (id, card_no, member_id, status) SELECT {card}, "
        f"'J' || lpad(i::text, 11, '0'), {member}, 'active' {series}",
        "INSERT INTO hq_txn (id, event_id, type, member_id, store_code, business_date, "
        f"created_at) SELECT {txn}, {txn}, 'stored_value.topped_up', {member}, {home}, "
        f"'2026-01-01', now() {series}",
        "INSERT INTO hq_sv_entry (entry_id, member_id, txn_id, event_id, kind, principal_fen, "
        f"bonus_fen) SELECT {entry}, {member}, {txn}, {txn}, 'topup', 10000, 1000 {series}",
        "INSERT INTO hq_points_lot (id, member_id, txn_id, points, earned_on, expires_on, "
        f"source) SELECT {lot}, {member}, {txn}, 100, '2026-01-01', '2027-12-31', 'earn' "
        f"{series}",
        "INSERT INTO hq_points_entry (entry_id, member_id, lot_id, txn_id, event_id, kind, "
        f"points) SELECT {pentry}, {member}, {lot}, {txn}, {txn}, 'earn', 100 {series}",
    ]
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def measure_join(args: argparse.Namespace, work: Path, url: str) -> dict[str, Any]:
    """A new counter of ``JOIN_STORE`` enrolls and makes its first sync (the snapshot join)
    against ``member-hq serve`` over a chain of ``--join-members`` members."""
    from sync import enrollment
    from sync.client import HQClient
    from sync.config import load_config
    from sync.engine import sync_once

    engine = open_database(f"{url}&application_name=bench_chain_join")
    try:
        t0 = time.perf_counter()
        fill_chain(engine, args.join_members, args.join_own)
        filled = time.perf_counter() - t0
        code = admin.new_enrollment_code(engine, JOIN_STORE)["code"]
        with hq_process(url, args.workers, work / "hq-join.log") as (base, _root):
            data_dir = work / "joining-counter"
            ctx = open_counter(data_dir, clock=FixedClock(dt.datetime.now(dt.UTC)),
                               hasher=Hasher.fast())  # fmt: skip
            init_store(ctx, code=JOIN_STORE, name="新开门店", admin_pin=ADMIN_PIN)
            enrollment.enroll(ctx, data_dir, base, code)
            config = load_config(data_dir)
            assert config is not None
            client = HQClient(config, data_dir=data_dir, timeout=(5.0, 300.0))
            t1 = time.perf_counter()
            report = sync_once(ctx, client)
            seconds = time.perf_counter() - t1
            client.close()
            with ctx.reader() as uow:
                held = len(uow.session.execute(text("SELECT id FROM member")).all())
                mismatches = uow.ledger_mismatches()
            ctx.close()
        size = sum(f.stat().st_size for f in data_dir.glob("*.sqlite3*"))
        return {"fill_s": filled, "join_s": seconds, "held": held, "pulled": report.pulled,
                "mismatches": len(mismatches), "db_bytes": size}  # fmt: skip
    finally:
        engine.dispose()


def join_lines(args: argparse.Namespace, j: dict[str, Any]) -> list[str]:
    return [
        "### A counter joining the chain",
        "",
        f"HQ holds {args.join_members:,} members in {JOIN_STORES} stores, {args.join_own:,} of "
        f"them the joining store's (each with a card, a transaction, a stored-value row, a "
        f"points lot and its entry; written with SQL in {j['fill_s']:.0f} s). A new counter "
        "of that store enrolls and makes its first sync: it takes the snapshot of its scope "
        "(`GET /v1/snapshot`) and applies it.",
        "",
        "| first sync (join) | members held | counter database | balances ≠ ledger |",
        "|---:|---:|---:|---:|",
        f"| {j['join_s']:.1f} s | {j['held']:,} | {mib(j['db_bytes'])} | {j['mismatches']} |",
        "",
        "Baseline: one global stream has no snapshot; a counter replays every change of the "
        "chain from the start (measured before this design at about 1,400 changes/s, i.e. "
        "hours for a chain of this size), so it is not run here.",
    ]


def hq_log_errors(path: Path) -> int:
    with contextlib.suppress(OSError):
        return sum(1 for line in path.read_text(errors="replace").splitlines() if "ERROR" in line)
    return 0


# -- report ------------------------------------------------------------------------------
def mib(n: float) -> str:
    return f"{n / 2**20:,.1f} MiB"


def summary(args: argparse.Namespace, r: dict[str, Any]) -> dict[str, Any]:
    s: Stats = r["stats"]
    devices: list[Device] = r["devices"]
    sizes0, sizes1 = r["sizes"]
    growth = sum(sizes1.values()) - sum(sizes0.values())
    # Nonces are kept 3 × the signing window, then pruned: that table stops growing.
    kept = growth - (sizes1.get("hq_nonce", 0) - sizes0.get("hq_nonce", 0))
    applied = s.statuses.get("applied", 0)
    rounds = max(1, s.rounds)
    changes = sum(d.pulled_changes for d in devices)
    pulled = sum(d.pulled_bytes for d in devices)
    # A day at the simulated rate: every counter pushing --events every --interval; or, with
    # --ops-per-day, each store's operations.
    if args.ops_per_day is None:
        nominal_day = args.counters * args.events * 86_400 / args.interval
    else:
        nominal_day = args.counters / args.per_store * args.ops_per_day
    bytes_per_change = pulled / max(1, changes)
    elapsed = r["elapsed"]
    if r.get("scoped"):
        nominal_pull = nominal_day / args.counters * (args.per_store - 1)
    else:
        nominal_pull = nominal_day * (args.counters - 1) / args.counters
    return {
        "scoped": bool(r.get("scoped")),
        "requests": s.requests,
        "rps": s.in_window / args.seconds,
        "cut_at_end": s.cut_at_end,
        "rounds": s.rounds,
        "rounds_due": args.counters * args.seconds / args.interval,
        "applied": applied,
        "events_per_s": applied / r["elapsed"],
        "errors": sum(s.errors.values()),
        "error_kinds": s.errors.most_common(8),
        "push": (pct(s.push_ms, 0.5), pct(s.push_ms, 0.99), len(s.push_ms)),
        "pull": (pct(s.pull_ms, 0.5), pct(s.pull_ms, 0.99), len(s.pull_ms)),
        "lag": (pct(s.lag_ms, 0.5), pct(s.lag_ms, 0.99)),
        "backlog_rounds": s.backlog_rounds,
        "cores": (r["hq_cpu"] / elapsed, r["pg_cpu"] / elapsed, r["self_cpu"] / elapsed),
        "hq_cpu_ms_per_req": 1000 * r["hq_cpu"] / max(1, s.requests),
        "pg_cpu_ms_per_req": 1000 * r["pg_cpu"] / max(1, s.requests),
        "self_cpu_ms_per_req": 1000 * r["self_cpu"] / max(1, s.requests),
        "growth": growth,
        "growth_day": kept * 86_400 / elapsed,
        "bytes_per_event": kept / max(1, applied),
        "growth_nominal_day": kept / max(1, applied) * nominal_day,
        "nominal_events_day": nominal_day,
        "top_tables": sorted(
            ((n, sizes1[n] - sizes0.get(n, 0)) for n in sizes1), key=lambda x: -x[1]
        )[:4],
        "changes_round": changes / rounds,
        "bytes_round": pulled / rounds,
        "bytes_per_change": bytes_per_change,
        "changes_day": changes / args.counters * 86_400 / elapsed,
        "bytes_day": pulled / args.counters * 86_400 / elapsed,
        # one stream: each counter pulls every member change of the chain but its own; a
        # stream per store: those of its store's other counters (and of members it holds)
        "nominal_changes_day": nominal_pull,
        "nominal_bytes_day": nominal_pull * bytes_per_change,
    }


def head_lines(argv: list[str], args: argparse.Namespace, r: dict[str, Any]) -> list[str]:
    m = machine()
    busy = 100 * r["machine_busy"] / max(1e-9, r["machine_total"])
    threads = min(args.clients or args.counters, args.counters)
    return [
        f"## Chain: {args.counters:,} counters syncing every {args.interval:g} s",
        "",
        f"- **Command:** `.venv/bin/python -m tests.benchmarks.bench_chain {' '.join(argv)}`",
        f"- **Date:** {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- **Machine:** {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}. Shared "
        f"with other work: the whole machine was {busy:.0f} % busy during the run. HQ: "
        f"`member-hq serve --workers {args.workers}` on 127.0.0.1 over PostgreSQL on the "
        f"same machine; the {args.counters:,} counters are {threads:,} client threads of the "
        "benchmark process.",
        f"- **Software:** Python {m['python']}, SQLAlchemy {m['sqlalchemy']}",
        "",
        f"Each counter is the enrolled device of its own store ({args.per_store} per store). "
        f"{args.interval:g} s after each round (the first jittered over one interval; after a "
        "failed round, the worker's backoff) it pushes "
        f"{pushes_text(args)} — the counter services' own events (registration, top-up, "
        "checkouts by stored value, cash and points, a refund), re-identified per device and "
        "member; HQ checks each as always — and then pulls from its cursor in pages of "
        f"{args.pull_batch} until HQ has no more (at most {args.max_pages} pages a round), "
        "starting at the watermark after enrollment. Stores, enrollment and each device's "
        f"first push (its store and staff) took {r['setup_s']:.0f} s before the run, not "
        "counted.",
    ]


def pushes_text(args: argparse.Namespace) -> str:
    rate = rate_per_round(args)
    if rate is None:
        return f"{args.events} events"
    return (
        f"the operations made since its last round, if any (none: no push, as the worker): "
        f"a store makes {args.ops_per_day:,} a day, {100 * args.busy_share:g} % of them in "
        f"the busiest hour, which the run simulates throughout: {rate:.3f} a counter a round, "
        "Poisson, one event each"
    )


def load_lines(args: argparse.Namespace, r: dict[str, Any], x: dict[str, Any]) -> list[str]:
    return [
        f"### Load for {args.seconds:g} s",
        "",
        "Latency per HTTP request in ms, from the client. *Rounds*: rounds made, and how "
        "many there would be if HQ answered at once. *Late*: how long after its time a round "
        "started, the client's own share of any delay (its thread busy with another counter, "
        "or the client process short of CPU). "
        f"Requests still running at the end finished (the run took {r['elapsed']:.0f} s); "
        "req/s counts those answered in the window.",
        "",
        "| req/s | requests | rounds (at 0 ms) | events applied/s | errors "
        "| push p50 | push p99 | pull p50 | pull p99 | late p50 / p99 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {x['rps']:.0f} | {x['requests']:,} | {x['rounds']:,} ({x['rounds_due']:,.0f}) "
        f"| {x['events_per_s']:.0f} | {x['errors']:,} | {x['push'][0]:,.0f} "
        f"| {x['push'][1]:,.0f} | {x['pull'][0]:,.0f} | {x['pull'][1]:,.0f} "
        f"| {x['lag'][0]:,.0f} / {x['lag'][1]:,.0f} |",
        "",
        "Errors by kind (a quarantined event is one): "
        + ("; ".join(f"{k} × {n:,}" for k, n in x["error_kinds"]) or "none")
        + f". Quarantined at HQ after the run: {r['rows']['hq_quarantine']:,}. Rounds cut "
        f"at {args.max_pages} pages with changes left: {x['backlog_rounds']:,}; pulls stopped "
        f"{DRAIN_SECONDS} s after the end: {x['cut_at_end']:,}.",
    ]


def waits_text(r: dict[str, Any]) -> str:
    waits: Tally[str] = r["pg_waits"]
    total = max(1, sum(waits.values()))
    shares = "; ".join(f"{k} {100 * n / total:.0f} %" for k, n in waits.most_common(6))
    return (
        f"HQ's PostgreSQL backends ({r['pg_backends']} seen), sampled every 2 s "
        f"(`pg_stat_activity`: state, or what an active one waits on): {shares}."
    )


def cost_lines(r: dict[str, Any], x: dict[str, Any]) -> list[str]:
    hq, pg, client = x["cores"]
    return [
        "### CPU",
        "",
        "CPU seconds from `/proc/<pid>/stat` before and after the run, per request and as "
        "cores busy: HQ = the serve process and its workers; PostgreSQL = the backends of "
        "HQ's connections (by `application_name`, read every 2 s: a backend opened and "
        "closed between two readings is missed, so a lower bound); client = this benchmark "
        "process.",
        "",
        "| | HQ | PostgreSQL | client |",
        "|---|---:|---:|---:|",
        f"| CPU ms a request | {x['hq_cpu_ms_per_req']:.2f} | {x['pg_cpu_ms_per_req']:.2f} "
        f"| {x['self_cpu_ms_per_req']:.2f} |",
        f"| cores busy | {hq:.2f} | {pg:.2f} | {client:.2f} |",
        "",
        waits_text(r),
    ]


def growth_lines(x: dict[str, Any]) -> list[str]:
    return [
        "### Database growth",
        "",
        f"HQ's tables (`pg_total_relation_size`) grew {mib(x['growth'])} for "
        f"{x['applied']:,} events applied. Without `hq_nonce` (pruned after "
        f"{3 * signing.WINDOW_SECONDS // 60} minutes): {x['bytes_per_event']:,.0f} B an "
        f"event; {mib(x['growth_day'])} in 24 hours at this run's rate, "
        f"{mib(x['growth_nominal_day'])} at the simulated one "
        f"({x['nominal_events_day']:,.0f} events a day). Largest: "
        + ", ".join(f"{n} {mib(b)}" for n, b in x["top_tables"])
        + ".",
    ]


def pull_lines(x: dict[str, Any]) -> list[str]:
    return [
        "### What each counter pulls",
        "",
        (
            "HQ sends a counter its store's stream: the changes its store's other counters "
            "made, those about members it holds, and chain-wide ones. "
            if x["scoped"]
            else "HQ sends every member change of the chain to every counter but its maker. "
        )
        + "A day: at this run's rate, and at the simulated one "
        f"({x['bytes_per_change']:,.0f} B a change as sent).",
        "",
        "| changes a round | bytes a round | changes a day (run) | bytes a day (run) "
        "| changes a day (simulated) | bytes a day (simulated) |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {x['changes_round']:,.0f} | {x['bytes_round']:,.0f} | {x['changes_day']:,.0f} "
        f"| {mib(x['bytes_day'])} | {x['nominal_changes_day']:,.0f} "
        f"| {mib(x['nominal_bytes_day'])} |",
    ]


def side_by_side(ref: str, base: dict[str, Any], x: dict[str, Any]) -> list[str]:
    def row(name: str, get: Any, fmt: str) -> str:
        return f"| {name} | {format(get(base), fmt)} | {format(get(x), fmt)} |"

    return [
        "### Side by side",
        "",
        f"The same load, first against HQ as of `{ref}` (one change stream for the chain, "
        "numbered under one lock), then against this tree (a stream per store), in this run.",
        "",
        f"| | one stream (`{ref}`) | a stream per store |",
        "|---|---:|---:|",
        row("req/s", lambda d: d["rps"], ",.0f"),
        row("errors", lambda d: d["errors"], ","),
        row("events applied/s", lambda d: d["events_per_s"], ",.0f"),
        row("push p50 / ms", lambda d: d["push"][0], ",.0f"),
        row("push p99 / ms", lambda d: d["push"][1], ",.0f"),
        row("pull p50 / ms", lambda d: d["pull"][0], ",.0f"),
        row("pull p99 / ms", lambda d: d["pull"][1], ",.0f"),
        row("HQ CPU ms a request", lambda d: d["hq_cpu_ms_per_req"], ".2f"),
        row("PostgreSQL CPU ms a request", lambda d: d["pg_cpu_ms_per_req"], ".2f"),
        row("changes pulled a round", lambda d: d["changes_round"], ",.0f"),
        row("bytes pulled a round", lambda d: d["bytes_round"], ",.0f"),
        row(
            "changes a counter pulls a day (simulated)", lambda d: d["nominal_changes_day"], ",.0f"
        ),
        row(
            "database growth a day, MiB (simulated)",
            lambda d: d["growth_nominal_day"] / 2**20,
            ",.0f",
        ),
    ]


def render(argv: list[str], args: argparse.Namespace, r: dict[str, Any]) -> str:
    x = summary(args, r)
    parts = [
        head_lines(argv, args, r),
        load_lines(args, r, x),
        cost_lines(r, x),
        growth_lines(x),
        pull_lines(x),
    ]
    if r.get("baseline"):
        parts.insert(1, side_by_side(args.baseline, r["baseline"], x))
    if r.get("join"):
        parts.append(join_lines(args, r["join"]))
    lines = [BEGIN]
    for part in parts:
        lines += [*part, ""]
    return "\n".join([*lines, END])


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--counters", type=int, default=2000)
    p.add_argument("--per-store", type=int, default=1, help="counters per store")
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--interval", type=float, default=15, help="each counter syncs this often")
    p.add_argument("--events", type=int, default=3, help="events pushed a round")
    p.add_argument(
        "--ops-per-day",
        type=int,
        help="instead of --events: a store's operations a day, made at the busiest hour's rate",
    )
    p.add_argument("--busy-share", type=float, default=0.15, help="of the day in its busiest hour")
    p.add_argument("--pull-batch", type=int, default=200, help="as sync.engine.PULL_BATCH")
    p.add_argument("--max-pages", type=int, default=50, help="pull pages a round at most")
    p.add_argument("--workers", type=int, default=2, help="member-hq serve --workers")
    p.add_argument(
        "--clients", type=int, default=0, help="client threads (default 0: one per counter)"
    )
    p.add_argument("--pg", default=os.environ.get("MEMBER_COUNTER_TEST_PG_URL") or DEFAULT_PG)
    p.add_argument(
        "--join-members", type=int, default=0,
        help="also time a counter joining a chain of this many members (0: not)",
    )  # fmt: skip
    p.add_argument("--join-own", type=int, default=5000, help="of them the joining store's")
    p.add_argument(
        "--baseline", metavar="REF",
        help="first run the same load against HQ as of this git revision (side by side)",
    )  # fmt: skip
    p.add_argument("--json-out", type=Path, help=argparse.SUPPRESS)  # the baseline's figures
    p.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    return p.parse_args(argv)


REPO = Path(__file__).resolve().parents[2]


def run_baseline(args: argparse.Namespace, argv: list[str], work: Path) -> dict[str, Any]:
    """The same load against HQ as of ``--baseline``: that revision checked out beside this
    tree, with this benchmark file, HQ and its setup run from there."""
    tree = work / "baseline-tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(tree), args.baseline],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    try:
        shutil.copy(Path(__file__), tree / "tests" / "benchmarks" / "bench_chain.py")
        out = work / "baseline.json"
        skip = {"--baseline", "--join-members", "--join-own"}
        child: list[str] = []
        it = iter(argv)
        for a in it:
            name = a.split("=", 1)[0]
            if name in skip:
                if "=" not in a:
                    next(it, None)
            elif a != "--write":
                child.append(a)
        env = {**os.environ, "PYTHONPATH": str(tree)}
        subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.bench_chain", *child, "--json-out",
             str(out)],
            cwd=tree, env=env, check=True,
        )  # fmt: skip
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(tree)], cwd=REPO, capture_output=True
        )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    os.environ.setdefault("MEMBER_COUNTER_TEST_FAST_HASH", "1")
    os.environ.setdefault(KEY_ENV, BENCH_KEY)
    work = Path(tempfile.mkdtemp(prefix="bench-chain-"))
    try:
        baseline = run_baseline(args, argv, work) if args.baseline else None
        with pg_schema(args.pg) as url:
            results = measure(args, work, url)
        results["baseline"] = baseline
        if args.json_out:
            x = summary(args, results)
            args.json_out.write_text(json.dumps(x, default=str), encoding="utf-8")
            return 0
        if args.join_members:
            with pg_schema(args.pg) as url:
                results["join"] = measure_join(args, work, url)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    section = render(argv, args, results)
    print(section)
    print(f"HQ log lines with ERROR: {results['hq_log_errors']}")
    if args.write:
        write_section(BEGIN, END, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
