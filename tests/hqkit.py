"""A real HQ for the sync and server tests: uvicorn on 127.0.0.1 at a random port, over
SQLite or PostgreSQL (``MEMBER_COUNTER_TEST_PG_URL``; a fresh schema per test, dropped
after). In CI (``CI=true``) a missing PostgreSQL URL fails the PostgreSQL tests."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine, create_engine, text

from app.ports import FixedClock
from app.services.context import CounterContext, open_counter
from app.services.hashing import Hasher
from app.services.security import Actor, sign_in
from app.services.staff import add_staff
from app.services.store import init_store
from server import admin
from server.app import create_app
from server.db import open_database, sqlite_url
from server.device_secrets import KEY_ENV, Keyring
from server.service import HQService
from sync import enrollment, signing
from sync.client import HQClient
from sync.config import load_config
from sync.engine import SyncReport, sync_once
from tests.dbtemplate import fresh_counter_db, fresh_hq_db

PG_ENV = "MEMBER_COUNTER_TEST_PG_URL"
ADMIN_PIN = "9512"
CASHIER_NO, CASHIER_PIN = "c01", "1470"
MANAGER_NO, MANAGER_PIN = "m01", "5826"


def pg_base_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PG_ENV} is not set: CI must test HQ on PostgreSQL")
        pytest.skip(f"{PG_ENV} not set (PostgreSQL tests run where it is)")
    return url


@dataclass
class Database:
    url: str
    kind: str


def _pg_database(tmp_path: Path) -> Iterator[Database]:
    base = pg_base_url()
    schema = "hq_test_" + uuid.uuid4().hex[:12]
    admin_engine: Engine = create_engine(base)
    with admin_engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield Database(f"{base}{sep}options=-csearch_path%3D{schema}", "postgresql")
    finally:
        with admin_engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin_engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def hq_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        hq_dir = tmp_path / "hq"
        hq_dir.mkdir(mode=0o700)  # as member-hq makes its data directory
        yield Database(sqlite_url(hq_dir), "sqlite")
    else:
        yield from _pg_database(tmp_path)


_KEYRINGS: dict[str, Keyring] = {}


class HQServer:
    """HQ's app served by uvicorn in a thread; ``restart`` keeps the database and the port."""

    def __init__(self, url: str, tls: tuple[str, str] | None = None, **app_options: Any) -> None:
        self.url = url
        self.tls = tls  # (certificate, key) PEM files: serve HTTPS
        self.app_options = app_options  # create_app's (max_body, rates)
        # The counters' secrets are stored encrypted: every server on one database (a second
        # process, a restart) holds the same key.
        self.keyring = _KEYRINGS.setdefault(url, Keyring.generate())
        self.engine = open_database(url, self.keyring)
        self.service = HQService(self.engine, keyring=self.keyring)
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.service, **self.app_options),
            log_level="warning",
            # uvicorn's own loggers go to the root logger like every other log of the suite,
            # so the suite's log scan (tests/logscan.py) and caplog see them.
            log_config=None,
            lifespan="off",
            access_log=False,
            ssl_certfile=self.tls[0] if self.tls else None,
            ssl_keyfile=self.tls[1] if self.tls else None,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("HQ did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            assert self._thread is not None
            self._thread.join(10)
            self._server = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        self.engine.dispose()

    def new_store(self, code: str, name: str | None = None) -> str:
        admin.add_store(self.engine, code, name or f"门店{code}")
        return admin.new_enrollment_code(self.engine, code)["code"]


@pytest.fixture
def hq(hq_db: Database) -> Iterator[HQServer]:
    db_file = Path(hq_db.url.removeprefix("sqlite:///"))
    if hq_db.kind == "sqlite" and not db_file.exists():  # (a test's own HQ may have made it)
        fresh_hq_db(db_file.parent)  # the migrated schema copied (tests/dbtemplate.py)
    server = HQServer(hq_db.url)
    server.start()
    with pytest.MonkeyPatch.context() as mp:
        # `member-hq --db URL ...` in a test (and serve started from one) holds HQ's key.
        mp.setenv(KEY_ENV, server.keyring.keys[0].decode())
        yield server
    server.close()


def real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Counter:
    """One store's counter: its own data directory and database, enrolled with HQ."""

    def __init__(self, root: Path, store_code: str) -> None:
        self.data_dir = root / f"counter-{store_code}-{uuid.uuid4().hex[:6]}"
        self.clock = FixedClock(real_now())
        fresh_counter_db(self.data_dir)  # the migrated schema copied (tests/dbtemplate.py)
        self.ctx: CounterContext = open_counter(
            self.data_dir, clock=self.clock, hasher=Hasher.fast()
        )
        init_store(self.ctx, code=store_code, name=f"门店{store_code}", admin_pin=ADMIN_PIN)
        self.admin = sign_in(self.ctx, "admin", ADMIN_PIN)
        add_staff(
            self.ctx, self.admin, staff_no=CASHIER_NO, name="收银", role="cashier", pin=CASHIER_PIN
        )
        add_staff(
            self.ctx, self.admin, staff_no=MANAGER_NO, name="店长", role="manager", pin=MANAGER_PIN
        )
        self.cashier: Actor = sign_in(self.ctx, CASHIER_NO, CASHIER_PIN)
        self.store_code = store_code
        self._client: HQClient | None = None

    def enroll(self, server_url: str, code: str) -> None:
        enrollment.enroll(self.ctx, self.data_dir, server_url, code)

    def client(self, **kw: Any) -> HQClient:
        config = load_config(self.data_dir)
        assert config is not None
        return HQClient(config, **{"data_dir": self.data_dir, **kw})

    def sync(self, **kw: Any) -> SyncReport:
        client = self.client(**kw)
        try:
            return sync_once(self.ctx, client)
        finally:
            client.close()

    def lookup(self, query: str) -> list[Any]:
        """Online lookup, as the cashier's window makes it for a member not found here: the
        members HQ finds are fetched and held here from now on."""
        from sync.engine import lookup_and_fetch

        client = self.client()
        try:
            return lookup_and_fetch(self.ctx, client, query)
        finally:
            client.close()

    def close(self) -> None:
        self.ctx.close()


@pytest.fixture
def make_counter(tmp_path: Path, hq: HQServer) -> Iterator[Any]:
    made: list[Counter] = []

    def _make(store_code: str, *, enroll: bool = True, url: str | None = None) -> Counter:
        counter = Counter(tmp_path, store_code)
        made.append(counter)
        if enroll:
            counter.enroll(url or hq.base_url, hq.new_store(store_code))
        return counter

    yield _make
    for counter in made:
        counter.close()


def signed_post(
    base_url: str,
    device_id: str,
    secret: str,
    path: str,
    body: bytes,
    *,
    now: float | None = None,
    nonce: str | None = None,
    send_body: bytes | None = None,
) -> Any:
    """A hand-made signed request (``send_body`` replaces the body after signing)."""
    import requests

    headers = signing.sign_request(device_id, secret, "POST", path, body, now=now, nonce=nonce)
    headers["Content-Type"] = "application/json"
    return requests.post(
        base_url + path,
        data=send_body if send_body is not None else body,
        headers=headers,
        timeout=10,
    )


def push_body(counter: Counter, limit: int = 1000) -> bytes:
    from app.services import syncstate
    from sync.client import wire_events

    events = wire_events(syncstate.outbox_batch(counter.ctx, limit))
    return json.dumps({"events": events}, ensure_ascii=False).encode()


def hq_counts(hq: HQServer) -> dict[str, int]:
    from sqlalchemy import func, select

    from server import tables as t

    with hq.engine.connect() as conn:
        return {
            name: conn.scalar(select(func.count()).select_from(table)) or 0
            for name, table in (
                ("events", t.event),
                ("members", t.member),
                ("sv", t.sv_entry),
                ("points", t.points_entry),
                ("changes", t.change),
            )
        }
