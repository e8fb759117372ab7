"""The crash test's child: a counter that tops up and checks out until it is killed.

Run as ``python -m tests.integration.crash_worker DATA_DIR SEED`` (cwd = repo root).
It opens the counter in ``DATA_DIR`` (creating the store, a cashier and a few
members if a previous run did not get that far), then loops forever doing
random top-ups and checkouts through the services. After each operation has
committed it prints, and flushes, one line::

    ACK <kind> <txn_id> <member_id> <principal_fen> <bonus_fen> <points>

(``kind`` is ``topup`` or ``checkout``; the figures are the member's balances
after the operation). The first line is ``START <pid>``. Refused operations
(say, a checkout over the balance) commit nothing and print nothing.

Starting a Python process that imports SQLAlchemy and Alembic costs about 0.4 s
to the first ACK (measured; more on a busy CI machine), and with the checks 200+
cold restarts would take a couple of minutes. So the module also
runs as a fork server (``--fork-server``): it imports everything once, then
for each ``RUN DATA_DIR SEED`` line on stdin it forks a child that runs the very
same :func:`run` as a cold start does, waits for the child to die and prints
``EXIT <pid> <wait status>``. The child opens the database afresh (the server
never opens one, so there is no connection to inherit): every kill is a real
SIGKILL of a process in the middle of its SQLite work. The crash test mixes
cold starts and forked ones.
"""

from __future__ import annotations

import os
import random
import sys
import traceback
from pathlib import Path

import app.persistence.migrate  # noqa: F401  (imported up front so forked children skip it)
from app.domain.errors import AuthenticationError, CounterError, NotFoundError
from app.domain.pricing import EXTERNAL_METHODS, STORED_VALUE
from app.services.checkout import checkout, quote
from app.services.context import CounterContext, open_counter
from app.services.hashing import Hasher
from app.services.lookup import MemberView, show_member
from app.services.members import Registration, register_member
from app.services.security import Actor, sign_in
from app.services.staff import add_staff
from app.services.store import init_store, store_info
from app.services.stored_value import top_up

ADMIN_PIN = "9512"
CASHIER_NO, CASHIER_PIN = "c01", "1470"
MEMBERS = (
    ("张伟", "13800000001"),
    ("王芳", "13900000002"),
    ("李娜", "15000000003"),
    ("刘洋", "18600000004"),
    ("陈静", "19900000005"),
)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _setup(ctx: CounterContext) -> tuple[Actor, list[MemberView]]:
    """Store, cashier and members, each created only if an earlier run did not get that far."""
    if store_info(ctx) is None:
        init_store(ctx, code="S001", name="崩溃测试门店", admin_pin=ADMIN_PIN)
    try:
        cashier = sign_in(ctx, CASHIER_NO, CASHIER_PIN)
    except AuthenticationError:
        admin = sign_in(ctx, "admin", ADMIN_PIN)
        add_staff(ctx, admin, staff_no=CASHIER_NO, name="李收银", role="cashier", pin=CASHIER_PIN)
        cashier = sign_in(ctx, CASHIER_NO, CASHIER_PIN)
    members = []
    for name, phone in MEMBERS:
        try:
            view = show_member(ctx, cashier, phone)
        except NotFoundError:
            view = register_member(ctx, cashier, Registration(name, phone, consent=True))
        members.append(view)
    return cashier, members


def _amount(rng: random.Random, high: int) -> int:
    """A bill or top-up in fen: mostly ordinary sums, sometimes round ones."""
    if rng.random() < 0.3:
        return rng.choice([1_000, 5_000, 10_000, 50_000, 100_000])
    return rng.randint(100, max(100, high))


def run(data_dir: str, seed: int) -> None:
    """Open the counter and trade until killed (never returns)."""
    _say(f"START {os.getpid()}")
    rng = random.Random(seed)
    ctx = open_counter(Path(data_dir), hasher=Hasher.fast())
    cashier, views = _setup(ctx)
    # What this process knows of each member: (principal, bonus, points).
    state = {v.member_id: (v.principal_fen, v.bonus_fen, v.points) for v in views}
    queries = {v.member_id: (v.member_id, v.card_no or v.member_id) for v in views}
    phones = {v.member_id: phone for v, (_, phone) in zip(views, MEMBERS, strict=True)}
    while True:
        member_id = rng.choice(list(state))
        principal, bonus, points = state[member_id]
        query = rng.choice((*queries[member_id], phones[member_id]))
        balance = principal + bonus
        try:
            if balance < 2_000 or rng.random() < 0.35:
                amount = _amount(rng, 120_000)
                method = rng.choice(EXTERNAL_METHODS)
                res = top_up(ctx, cashier, query, amount, method)
                state[member_id] = (res.principal_fen, res.bonus_balance_fen, points)
                kind, txn_id = "topup", res.txn_id
            else:
                amount = _amount(rng, min(balance, 80_000))
                use_points = 0
                if points and rng.random() < 0.4:
                    use_points = rng.randint(1, min(points, amount // 4))
                how = rng.random()
                if how < 0.5:
                    result = checkout(ctx, cashier, query, amount, points=use_points)
                elif how < 0.75:
                    pay = rng.choice(EXTERNAL_METHODS)
                    result = checkout(ctx, cashier, query, amount, points=use_points, pay=pay)
                else:
                    q, _ = quote(ctx, cashier, query, amount, use_points)
                    from_card = min(balance, q.due_fen // 2)
                    tenders = [(STORED_VALUE, from_card), (rng.choice(EXTERNAL_METHODS), 0)]
                    tenders[1] = (tenders[1][0], q.due_fen - from_card)
                    tenders = [t for t in tenders if t[1] > 0]
                    result = checkout(
                        ctx, cashier, query, amount, points=use_points, tenders=tenders
                    )
                state[member_id] = (result.principal_fen, result.bonus_fen, result.points)
                kind, txn_id = "checkout", result.txn_id
        except CounterError:
            # Refused (over the balance, points over the cap, ...): nothing committed.
            # Re-read the member so the next choice starts from what the database holds.
            v = show_member(ctx, cashier, member_id)
            state[member_id] = (v.principal_fen, v.bonus_fen, v.points)
            continue
        p, b, n = state[member_id]
        _say(f"ACK {kind} {txn_id} {member_id} {p} {b} {n}")


def serve() -> None:
    """Fork server: one child per ``RUN DATA_DIR SEED`` line, reported by ``EXIT pid status``."""
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        command, data_dir, seed = line.split()
        if command != "RUN":
            raise SystemExit(f"unknown command {command!r}")
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                os.close(0)
                run(data_dir, int(seed))
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        _say(f"EXIT {pid} {status}")


def main(argv: list[str]) -> None:
    if argv == ["--fork-server"]:
        serve()
    elif len(argv) == 2:
        run(argv[0], int(argv[1]))
    else:
        raise SystemExit(
            "usage: python -m tests.integration.crash_worker DATA_DIR SEED | --fork-server"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
