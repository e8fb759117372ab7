"""Opening HQ's database: embedded SQLite by default, PostgreSQL in production."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, insert, select

from app.packaged import packaged_path
from app.persistence.migrate import MIGRATION_LOCK
from app.private_files import private_file
from server import redact
from server import tables as t
from server.backup import EPOCH, new_epoch
from server.device_secrets import Keyring

DB_FILENAME = "hq.sqlite3"


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / DB_FILENAME}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(url.removeprefix("sqlite:///"))
        if path.parent.is_dir():
            private_file(path)  # 0600 before SQLite creates it (its -wal and -shm follow)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            hide_parameters=True,  # an error never carries a member's phone into a log
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            # Writers queue up front instead of failing half-way on a lock upgrade;
            # readers (pull, lookup) take a snapshot and never wait for the write lock.
            readonly = conn.get_execution_options().get("hq_readonly")
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        return engine
    return create_engine(
        url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True
    )


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(packaged_path("server", "migrations")))
    return cfg


def upgrade(engine: Engine, keyring: Keyring | None = None) -> None:
    """Bring HQ's schema to the newest revision and seed the rows HQ always has. ``keyring``
    encrypts the clear device secrets of a database from before h0005."""
    cfg = _config()
    with MIGRATION_LOCK, engine.connect() as conn:
        cfg.attributes["connection"] = conn
        cfg.attributes["keyring"] = keyring
        command.upgrade(cfg, "head")
        conn.commit()
    with engine.begin() as conn:
        for name, first in ((EPOCH, new_epoch()), (redact.PHONE_KEY, redact.new_key())):
            if conn.scalar(select(t.counter.c.value).where(t.counter.c.name == name)) is None:
                conn.execute(insert(t.counter).values(name=name, value=first))


def open_database(url: str, keyring: Keyring | None = None) -> Engine:
    engine = make_engine(url)
    upgrade(engine, keyring)
    return engine
