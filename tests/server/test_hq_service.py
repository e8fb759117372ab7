"""HQ as a service: started from the systemd unit's own command line with the shipped config
file, one log line per request without personal data, backed up while it serves, restored
into a fresh database, and two counters syncing on with nothing lost or doubled."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from app.services.checkout import checkout
from app.services.lookup import show_member
from app.services.members import Registration, register_member
from app.services.stored_value import top_up
from app.version import __version__
from server import admin
from server import tables as t
from server.db import open_database, sqlite_url
from tests.hqkit import Counter

ROOT = Path(__file__).resolve().parents[2]
HQ_FILES = ROOT / "packaging" / "hq"
UNIT = HQ_FILES / "member-hq.service"
INSTALL_BIN = "/opt/member-hq/bin/"
PHONE_A, PHONE_B = "13900000001", "13900000002"


def unit_service_section(path: Path = UNIT) -> dict[str, list[str]]:
    """The [Service] settings of a unit file (a key may repeat)."""
    found: dict[str, list[str]] = {}
    section = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    """``member-hq`` as systemd would run it, with the test's paths in place of the real."""

    def __init__(self, root: Path, config: Path, data_dir: Path) -> None:
        settings = unit_service_section()
        (exec_start,) = settings["ExecStart"]
        bin_dir = str(Path(sys.executable).parent) + "/"
        self.argv = exec_start.replace(INSTALL_BIN, bin_dir).replace(
            "/etc/member-hq/member-hq.toml", str(config)
        ).split()  # fmt: skip
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MEMBER_HQ_")}
        for assignment in settings.get("Environment", []):
            key, _, value = assignment.partition("=")
            self.env[key] = value.replace("/var/lib/member-hq", str(data_dir))
        self.config = config
        self.log = root / f"serve-{config.stem}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> dict:
        done = subprocess.run(
            [self.argv[0], "--config", str(self.config), "--json", *args],
            capture_output=True, text=True, env=self.env, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def start(self, base_url: str) -> None:
        self.proc = subprocess.Popen(
            self.argv, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if requests.get(base_url + "/v1/health", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise AssertionError("HQ did not start:\n" + self.log.read_text())

    def stop(self) -> int:
        """SIGTERM, as ``systemctl stop`` sends; returns the exit code."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(30)
        self.proc = None
        return code


def write_config(path: Path, port: int) -> Path:
    """The shipped config file with this test's port (everything else as shipped)."""
    text = (HQ_FILES / "member-hq.toml").read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^port = \d+$", f"port = {port}", text)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def services(tmp_path: Path) -> Iterator[list[Service]]:
    made: list[Service] = []
    yield made
    for s in made:
        if s.proc is not None:
            s.proc.kill()
            s.proc.wait(10)


def hq_rows(url: str) -> tuple[set[tuple], dict[str, tuple[int, int, int]], int]:
    engine = open_database(url)
    try:
        with engine.connect() as conn:
            rows = {
                tuple(r)
                for r in conn.execute(
                    select(
                        t.sv_entry.c.entry_id, t.sv_entry.c.principal_fen, t.sv_entry.c.bonus_fen
                    )
                )
            }
            events = conn.scalar(select(func.count()).select_from(t.event))
        return rows, admin.member_balances(engine), int(events or 0)
    finally:
        engine.dispose()


def counter_rows(counter: Counter) -> set[tuple]:
    with sqlite3.connect(str(counter.ctx.db.path)) as conn:
        return set(conn.execute("SELECT entry_id, principal_fen, bonus_fen FROM sv_entry"))


def balances(counter: Counter, phone: str) -> tuple[int, int, int]:
    v = show_member(counter.ctx, counter.cashier, phone)
    return (v.principal_fen, v.bonus_fen, v.points)


def test_the_unit_file_is_valid_and_runs_hq_as_its_own_user() -> None:
    settings = unit_service_section()
    assert settings["User"] == ["member-hq"] and settings["Restart"] == ["on-failure"]
    assert settings["StateDirectoryMode"] == ["0700"] and settings["UMask"] == ["0077"]
    (exec_start,) = settings["ExecStart"]
    assert exec_start.startswith(INSTALL_BIN + "member-hq --config ")
    assert exec_start.endswith(" serve")
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI") == "true":
            pytest.fail("systemd-analyze is missing (.ci/run installs systemd)")
        pytest.skip("systemd-analyze not installed")
    # verify wants the program to exist: point it at this environment's member-hq.
    unit = Path(os.environ.get("TMPDIR", "/tmp")) / f"member-hq-{os.getpid()}.service"
    unit.write_text(UNIT.read_text().replace(INSTALL_BIN, str(Path(sys.executable).parent) + "/"))
    try:
        done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
    finally:
        unit.unlink()
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_hq_from_the_unit_backed_up_restored_and_counters_sync_on(
    tmp_path: Path, services: list[Service]
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data_a = tmp_path / "hq-a"
    first = Service(tmp_path, write_config(tmp_path / "hq-a.toml", port), data_a)
    services.append(first)
    codes = {code: first.cli("store", "add", "--code", code, "--name", code)["code"]
             for code in ("S001", "S002")}  # fmt: skip
    assert (data_a.stat().st_mode & 0o777) == 0o700, "HQ's data directory is owner-only"
    first.start(base)

    a, b = Counter(tmp_path, "S001"), Counter(tmp_path, "S002")
    try:
        a.enroll(base, codes["S001"])
        b.enroll(base, codes["S002"])
        register_member(a.ctx, a.cashier, Registration(name="张三", phone=PHONE_A, consent=True))
        top_up(a.ctx, a.cashier, PHONE_A, 100_000, "cash")
        a.sync()
        b.sync()
        register_member(b.ctx, b.cashier, Registration(name="李四", phone=PHONE_B, consent=True))
        top_up(b.ctx, b.cashier, PHONE_B, 50_000, "wechat")
        b.lookup(PHONE_A)  # each store serves the other's member after an online lookup
        checkout(b.ctx, b.cashier, PHONE_A, 12_300)
        b.sync()
        a.sync()

        # A backup while HQ serves, then more business that only the lost HQ ever held.
        backup_file = tmp_path / "backups" / "hq.sqlite3"
        made = first.cli("backup", str(backup_file))
        assert made["revision"].startswith("h") and (backup_file.stat().st_mode & 0o777) == 0o600
        a.lookup(PHONE_B)
        checkout(a.ctx, a.cashier, PHONE_B, 4_500)
        top_up(a.ctx, a.cashier, PHONE_A, 20_000, "alipay")
        a.sync()
        b.sync()  # B pulls A's two operations from the HQ about to be lost
        top_up(b.ctx, b.cashier, PHONE_B, 10_000, "cash")
        b.sync()
        a.sync()
        before_loss, _, events_before = hq_rows(sqlite_url(data_a))
        assert before_loss == counter_rows(a) == counter_rows(b)
        assert first.stop() == 0, "serve did not stop cleanly on SIGTERM"

        log = first.log.read_text(encoding="utf-8")
        requests_logged = re.findall(
            r"member_hq\.request: (GET|POST) (/v1/\S+) (\d{3}) [\d.]+ms device=(\S+)", log
        )
        assert len(requests_logged) >= 10, log
        assert {"/v1/events", "/v1/changes", "/v1/enroll"} <= {p for _, p, _, _ in requests_logged}
        for phone in (PHONE_A, PHONE_B, PHONE_A[-4:] + " "):
            assert phone not in log
        assert "张三" not in log and "李四" not in log

        # HQ's disk is gone: restore last night's backup into a fresh database.
        data_b = tmp_path / "hq-b"
        second = Service(tmp_path, write_config(tmp_path / "hq-b.toml", port), data_b)
        services.append(second)
        # Without the key its counters' secrets were encrypted with, nothing is restored.
        refused = subprocess.run(
            [second.argv[0], "--config", str(second.config), "restore", str(backup_file)],
            capture_output=True, text=True, env=second.env,
        )  # fmt: skip
        assert refused.returncode == 2 and "encrypted" in refused.stderr
        assert not (data_b / "hq.sqlite3").exists() and not (data_b / "hq-secret.key").exists()
        shutil.copy(data_a / "hq-secret.key", data_b / "hq-secret.key")  # kept apart from it
        restored = second.cli("restore", str(backup_file))
        assert restored["devices"] == 2 and restored["epoch"] > 0
        refused = subprocess.run(
            [second.argv[0], "--config", str(second.config), "restore", str(backup_file)],
            capture_output=True, text=True, env=second.env,
        )  # fmt: skip
        assert refused.returncode == 3 and "restore into a fresh database" in refused.stderr
        after_restore, _, events_restored = hq_rows(sqlite_url(data_b))
        assert after_restore < before_loss and events_restored < events_before
        second.start(base)

        # Both counters sync on: what the backup missed comes back, nothing twice.
        for _ in range(2):
            a.sync()
            b.sync()
        rows, hq_balances, events_after = hq_rows(sqlite_url(data_b))
        assert rows == before_loss == counter_rows(a) == counter_rows(b)
        assert events_after == events_before
        for phone in (PHONE_A, PHONE_B):
            member_id = show_member(a.ctx, a.cashier, phone).member_id
            assert balances(a, phone) == balances(b, phone) == hq_balances[member_id]
        # 1,000 yuan (+150) and 200 yuan, less 123 yuan; 500 yuan (+50) and 100, less 45.
        assert sum(balances(a, PHONE_A)[:2]) == 100_000 + 15_000 + 20_000 - 12_300
        assert sum(balances(b, PHONE_B)[:2]) == 50_000 + 5_000 + 10_000 - 4_500

        # Business goes on after the restore as before.
        top_up(b.ctx, b.cashier, PHONE_A, 30_000, "cash")
        b.sync()
        a.sync()
        rows, hq_balances, _ = hq_rows(sqlite_url(data_b))
        assert rows == counter_rows(a) == counter_rows(b)
        devices = second.cli("device", "list")["devices"]
        assert {d["app_version"] for d in devices} == {__version__}
        assert second.stop() == 0
    finally:
        a.close()
        b.close()
