"""Crash test: kill -9 a counter in the middle of its work, again and again; nothing is lost.

A child process (tests/integration/crash_worker.py) tops up and checks out
through the services and prints ``ACK ...`` after each commit. We SIGKILL it at
random moments (after a random number of ACKs plus a few milliseconds, so
often in the middle of a transaction or its fsync), restart it on the same
database and check after every kill that

- every acknowledged transaction is in the database, with the balances the
  cashier was shown (the audit entry's "after" state of that transaction);
- at most one operation committed without being acknowledged, and it is the
  newest one: the kill hit it after its WAL write (in the fsync, which the page
  cache makes moot for a process kill) or between commit and print;
- ``PRAGMA integrity_check`` is ok and no foreign key dangles;
- cached balances equal their ledgers (independently in SQL, and through
  ``ledger_mismatches``), and each member's audit trail chains before → after;
- the outbox's ``device_seq`` is gapless 1..n.

Some restarts are cold (``python -m tests.integration.crash_worker``); the rest
are forked from a pre-imported server (see the worker's docstring) to keep the
run near a minute.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

from app.persistence.db import DB_FILENAME
from app.services.context import open_counter
from app.services.hashing import Hasher
from app.services.maintenance import verify_audit
from app.services.security import sign_in
from tests.integration.crash_worker import ADMIN_PIN, MEMBERS

ROOT = Path(__file__).resolve().parents[2]
WORKER = [sys.executable, "-m", "tests.integration.crash_worker"]
KILLS = 210
COLD_EVERY = 5  # every 5th restart is a fresh interpreter (all of them without os.fork)
MAX_ACKS_BEFORE_KILL = 8
LINE_TIMEOUT_S = 60
OP_TYPES = {"stored_value.topped_up": "topup", "checkout.completed": "checkout"}
OP_ACTIONS = {"topup": "stored_value.topup", "checkout": "checkout"}
ZERO = (0, 0, 0)


@dataclass(frozen=True)
class Ack:
    kind: str
    txn_id: str
    member_id: str
    balances: tuple[int, int, int]  # principal_fen, bonus_fen, points after the operation


@dataclass(frozen=True)
class Op:
    """A committed top-up or checkout, as the outbox and the audit log record it."""

    txn_id: str
    kind: str
    member_id: str
    before: tuple[int, int, int]
    after: tuple[int, int, int]


@dataclass
class Tally:
    acks: dict[str, Ack] = field(default_factory=dict)
    unacked: set[str] = field(default_factory=set)  # committed, never acknowledged
    kills: int = 0
    cold: int = 0
    silent: int = 0  # kills before the run acknowledged anything


class Lines:
    """Lines of a child's stdout, read on a thread so a hung child fails the test, not hangs it."""

    def __init__(self, stream: IO[str]) -> None:
        self._q: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._q.put(line.rstrip("\n"))
        self._q.put(None)

    def next(self, timeout: float = LINE_TIMEOUT_S) -> str | None:
        try:
            return self._q.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no output from the crash worker for {timeout} s")


def _parse_ack(line: str) -> Ack:
    tag, kind, txn_id, member_id, p, b, n = line.split()
    assert tag == "ACK" and kind in ("topup", "checkout"), line
    return Ack(kind, txn_id, member_id, (int(p), int(b), int(n)))


def _state(audit_json: str | None) -> tuple[int, int, int]:
    s = json.loads(audit_json) if audit_json else {}
    return (s.get("principal_fen", 0), s.get("bonus_fen", 0), s.get("points", 0))


def _committed_ops(con: sqlite3.Connection) -> list[Op]:
    """Top-ups and checkouts in commit order: each one wrote one audit entry and one event."""
    events = con.execute("SELECT device_seq, type, payload FROM outbox ORDER BY device_seq")
    audits = con.execute(
        "SELECT seq, action, entity_id, before, after FROM audit_log ORDER BY seq"
    ).fetchall()
    events = events.fetchall()
    assert len(events) == len(audits), "every operation writes one audit entry and one event"
    ops = []
    for (_, type_, payload), (_, action, entity_id, before, after) in zip(
        events, audits, strict=True
    ):
        kind = OP_TYPES.get(type_)
        if kind is None:
            continue
        body = json.loads(payload)
        assert action == OP_ACTIONS[kind] and entity_id == body["member_id"]
        ops.append(Op(body["txn_id"], kind, entity_id, _state(before), _state(after)))
    return ops


def _check(data_dir: Path, tally: Tally) -> None:
    con = sqlite3.connect(data_dir / DB_FILENAME)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        seqs = [r[0] for r in con.execute("SELECT device_seq FROM outbox ORDER BY device_seq")]
        assert seqs == list(range(1, len(seqs) + 1)), "outbox device_seq has a gap"
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'member'").fetchone():
            assert not tally.acks  # killed before the first migration committed
            return
        txns = {
            tid: (kind, mid)
            for tid, kind, mid in con.execute(
                "SELECT id, kind, member_id FROM txn WHERE kind IN ('topup', 'checkout')"
            )
        }
        ops = _committed_ops(con)
        members = {
            mid: (p, b, n)
            for mid, p, b, n in con.execute(
                "SELECT id, principal_fen, bonus_fen, points FROM member"
            )
        }
        ledgers: dict[str, list[int]] = {mid: [0, 0, 0] for mid in members}
        for mid, p, b in con.execute(
            "SELECT member_id, SUM(principal_fen), SUM(bonus_fen) FROM sv_entry GROUP BY member_id"
        ):
            ledgers[mid][:2] = [p, b]
        for mid, n in con.execute(
            "SELECT member_id, SUM(points) FROM points_entry GROUP BY member_id"
        ):
            ledgers[mid][2] = n
    finally:
        con.close()

    # Every acknowledged operation is there, with the balances the counter reported.
    by_id = {op.txn_id: op for op in ops}
    assert set(by_id) == set(txns)
    for ack in tally.acks.values():
        op = by_id.get(ack.txn_id)
        assert op is not None, f"acknowledged {ack.kind} {ack.txn_id} is lost"
        assert (op.kind, op.member_id) == (ack.kind, ack.member_id)
        assert txns[ack.txn_id] == (ack.kind, ack.member_id)
        assert op.after == ack.balances, f"{ack.txn_id}: stored {op.after}, told {ack.balances}"

    # At most one commit per kill went unacknowledged, and only the newest one.
    unacked = [op.txn_id for op in ops if op.txn_id not in tally.acks]
    new = [t for t in unacked if t not in tally.unacked]
    assert len(new) <= 1, f"{len(new)} committed operations were never acknowledged"
    if new:
        assert new[0] == ops[-1].txn_id
        tally.unacked.add(new[0])
    assert len(tally.unacked) == len(unacked)

    # Each member's trail chains, ends at the cached balances, which equal the ledgers.
    last = dict.fromkeys(members, ZERO)
    for op in ops:
        assert op.before == last[op.member_id], f"{op.txn_id} does not follow its predecessor"
        last[op.member_id] = op.after
    assert last == members
    assert {mid: tuple(v) for mid, v in ledgers.items()} == members

    ctx = open_counter(data_dir, hasher=Hasher.fast())
    try:
        with ctx.reader() as uow:
            assert uow.ledger_mismatches() == []
    finally:
        ctx.close()


class ForkServer:
    def __init__(self, stderr: IO[str]) -> None:
        self.proc = subprocess.Popen(
            [*WORKER, "--fork-server"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.lines = Lines(self.proc.stdout)

    def start(self, data_dir: Path, seed: int) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"RUN {data_dir} {seed}\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def fork_server(tmp_path: Path) -> Iterator[tuple[ForkServer | None, Path]]:
    stderr_path = tmp_path / "worker-stderr.txt"
    with stderr_path.open("w", encoding="utf-8") as stderr:
        server = ForkServer(stderr) if hasattr(os, "fork") else None
        try:
            yield server, stderr_path
        finally:
            if server:
                server.close()


def _run_and_kill(
    rng: random.Random,
    tally: Tally,
    data_dir: Path,
    seed: int,
    server: ForkServer | None,
    stderr: IO[str],
) -> list[Ack]:
    """Start a worker, let it ACK a few operations, SIGKILL it; every ACK it printed."""
    cold = server is None or tally.kills % COLD_EVERY == 0
    proc = None
    if cold:
        proc = subprocess.Popen(
            [*WORKER, str(data_dir), str(seed)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
        )
        assert proc.stdout is not None
        lines = Lines(proc.stdout)
    else:
        assert server is not None
        server.start(data_dir, seed)
        lines = server.lines

    first = lines.next()
    assert first is not None and first.startswith("START "), f"worker said {first!r}"
    pid = int(first.split()[1])
    try:
        acks, status_ok = _kill_at_random(rng, lines, pid, proc)
    except BaseException:
        with contextlib.suppress(OSError):  # leave no orphan behind a failing test
            if proc is not None:
                proc.kill()
            else:
                os.kill(pid, signal.SIGKILL)
        raise
    assert status_ok, "the worker ended on its own before the kill (see its stderr above)"
    tally.kills += 1
    tally.cold += cold
    return acks


def _kill_at_random(
    rng: random.Random, lines: Lines, pid: int, proc: subprocess.Popen[str] | None
) -> tuple[list[Ack], bool]:
    acks: list[Ack] = []
    wanted = rng.randint(0, MAX_ACKS_BEFORE_KILL)
    while len(acks) < wanted:
        line = lines.next()
        assert line is not None and line.startswith("ACK "), f"worker died: {line!r}"
        acks.append(_parse_ack(line))
    time.sleep(rng.uniform(0.005, 0.060))

    if proc is not None:
        proc.kill()  # SIGKILL on POSIX
        proc.wait(timeout=LINE_TIMEOUT_S)
        status_ok = proc.returncode == (-signal.SIGKILL if os.name == "posix" else 1)
        while (line := lines.next()) is not None:
            acks.append(_parse_ack(line))
    else:
        os.kill(pid, signal.SIGKILL)
        while True:
            line = lines.next()
            assert line is not None, "fork server died"
            if line.startswith("EXIT "):
                _, exited, status = line.split()
                assert int(exited) == pid
                status_ok = os.WIFSIGNALED(int(status)) and os.WTERMSIG(int(status)) == 9
                break
            acks.append(_parse_ack(line))
    return acks, status_ok


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_operation(
    tmp_path: Path, fork_server: tuple[ForkServer | None, Path]
) -> None:
    server, stderr_path = fork_server
    data_dir = tmp_path / "data"
    rng = random.Random(20260315)
    tally = Tally()
    started = time.monotonic()
    with stderr_path.open("a", encoding="utf-8") as stderr:
        while tally.kills < KILLS:
            try:
                acks = _run_and_kill(rng, tally, data_dir, 1000 + tally.kills, server, stderr)
            except BaseException:
                stderr.flush()
                print(f"--- worker stderr ---\n{stderr_path.read_text(encoding='utf-8')}")
                raise
            for ack in acks:
                assert ack.txn_id not in tally.acks, "one transaction acknowledged twice"
                tally.acks[ack.txn_id] = ack
            if not acks:
                tally.silent += 1
            _check(data_dir, tally)
    elapsed = time.monotonic() - started

    assert tally.kills >= 200
    # The run did real work: hundreds of operations, all five members trading.
    assert len(tally.acks) >= 400
    assert len({a.member_id for a in tally.acks.values()}) == len(MEMBERS)
    assert {a.kind for a in tally.acks.values()} == {"topup", "checkout"}

    ctx = open_counter(data_dir, hasher=Hasher.fast())
    try:
        report = verify_audit(ctx, sign_in(ctx, "admin", ADMIN_PIN))
        assert report.ok and report.broken_at is None and report.ledger_mismatches == []
        assert ctx.db.integrity_check() == "ok"
    finally:
        ctx.close()
    print(
        f"\ncrash test: {tally.kills} kills ({tally.cold} cold starts), {len(tally.acks)} ACKs, "
        f"{tally.silent} kills before any ACK, {len(tally.unacked)} committed-but-unacknowledged, "
        f"{elapsed:.1f} s"
    )
