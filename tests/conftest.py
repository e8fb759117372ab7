"""Shared fixtures: a real counter database in a temporary directory, staff, members."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.domain.messages import set_language
from app.ports import FixedClock
from app.services.context import CounterContext, open_counter
from app.services.hashing import FAST_HASH_ENV, Hasher
from app.services.lookup import MemberView
from app.services.members import Registration, register_member
from app.services.security import Actor, Approval, sign_in
from app.services.staff import add_staff
from app.services.store import init_store
from tests.dbtemplate import fresh_counter_db
from tests.diskkit import small_disk  # noqa: F401  (a fixture: a real full disk)
from tests.logscan import _suite_log, pytest_sessionfinish  # noqa: F401  (the run's log scan)

# CLI subprocesses started by the tests hash PINs cheaply too.
os.environ.setdefault(FAST_HASH_ENV, "1")
# Qt (pytest-qt, the UI tests) never needs a display in the suite.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# PINs a store may choose (0000, 1234 and the like are refused).
ADMIN_PIN = "9512"
MANAGER_NO, MANAGER_PIN = "m01", "5826"
CASHIER_NO, CASHIER_PIN = "c01", "1470"
# 10:00 in Shanghai on a Sunday in March 2026.
START = dt.datetime(2026, 3, 15, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _chinese_messages() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def ctx(data_dir: Path, clock: FixedClock) -> Iterator[CounterContext]:
    fresh_counter_db(data_dir)  # the migrated schema copied (tests/dbtemplate.py)
    counter = open_counter(data_dir, clock=clock, hasher=Hasher.fast())
    init_store(counter, code="S001", name="测试门店", admin_pin=ADMIN_PIN)
    admin = sign_in(counter, "admin", ADMIN_PIN)
    add_staff(counter, admin, staff_no=MANAGER_NO, name="王店长", role="manager", pin=MANAGER_PIN)
    add_staff(counter, admin, staff_no=CASHIER_NO, name="李收银", role="cashier", pin=CASHIER_PIN)
    yield counter
    counter.close()


@pytest.fixture
def admin(ctx: CounterContext) -> Actor:
    return sign_in(ctx, "admin", ADMIN_PIN)


@pytest.fixture
def manager(ctx: CounterContext) -> Actor:
    return sign_in(ctx, MANAGER_NO, MANAGER_PIN)


@pytest.fixture
def cashier(ctx: CounterContext) -> Actor:
    return sign_in(ctx, CASHIER_NO, CASHIER_PIN)


@pytest.fixture
def approval() -> Approval:
    return Approval(MANAGER_NO, MANAGER_PIN)


@pytest.fixture
def register(ctx: CounterContext, cashier: Actor) -> Callable[..., MemberView]:
    """register(name="张三", phone="13800138000", **more) -> MemberView."""
    counter = iter(range(10_000))

    def _register(name: str = "张三", phone: str | None = None, **more: object) -> MemberView:
        phone = phone or f"139{next(counter):08d}"
        return register_member(
            ctx,
            cashier,
            Registration(name=name, phone=phone, consent=True, **more),  # type: ignore[arg-type]
        )

    return _register


def db_snapshot(ctx: CounterContext) -> dict[str, list[tuple]]:
    """Every row of every table, to assert that a refused operation changed nothing."""
    conn = sqlite3.connect(str(ctx.db.path))
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


@pytest.fixture
def snapshot(ctx: CounterContext) -> Callable[[], dict[str, list[tuple]]]:
    return lambda: db_snapshot(ctx)


def _is_long(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(name) is not None for name in ("soak", "long"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The soak and the other long tests first, each at the head of a different worker's share:
    they take minutes, so with several workers they run beside the rest instead of after it
    (or after each other).

    pytest-xdist (``--dist worksteal``, and ``load`` at its start) gives each worker a
    contiguous share of this list, the first ``n // workers`` to the first worker and so on;
    with every long test at the very front, the first worker got them all, one after another.
    """
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    long = [item for item in items if _is_long(item)]
    rest = iter([item for item in items if not _is_long(item)])
    heads: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for k, item in enumerate(long):
        heads[k % workers].append(item)
    ordered: list[pytest.Item] = []
    remaining = len(items)
    for k, head in enumerate(heads):
        share = remaining // (workers - k)  # as xdist's scheduler splits the list
        remaining -= share
        ordered += head
        ordered += itertools.islice(rest, max(0, share - len(head)))
    ordered += rest
    items[:] = ordered
