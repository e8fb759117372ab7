"""The ops CLI as a user runs it: real processes, a real data directory, JSON out."""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import db_snapshot

REPO = Path(__file__).resolve().parents[2]


class Cli:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def run(self, *args: str, staff: tuple[str, str] | None = None) -> tuple[int, Any, str]:
        cmd = [sys.executable, "-m", "launcher", "--data-dir", str(self.data_dir), "--json"]
        if staff:
            cmd += ["--staff", staff[0], "--pin", staff[1]]
        proc = subprocess.run([*cmd, *args], cwd=REPO, capture_output=True, text=True, timeout=60)
        out = proc.stdout.strip()
        return proc.returncode, json.loads(out) if out else None, proc.stderr

    def ok(self, *args: str, staff: tuple[str, str] | None = None) -> Any:
        code, data, err = self.run(*args, staff=staff)
        assert code == 0, (code, data, err)
        return data


ADMIN = ("admin", "9512")
MANAGER = ("m01", "5826")
CASHIER = ("c01", "1470")


@functools.cache
def _store_made_by_the_cli() -> Path:
    """Store S900 with a manager and a cashier, made by the CLI itself (``init``, then ``staff
    add`` twice: three processes, about 2 s each on a busy machine) once per test process."""
    root = Path(tempfile.mkdtemp(prefix="cli-store-"))
    atexit.register(shutil.rmtree, root, True)
    c = Cli(root / "cli-data")
    c.ok("init", "--store-code", "S900", "--store-name", "命令行测试店", "--admin-pin", "9512")
    c.ok("staff", "add", "--no", "m01", "--name", "王店长", "--role", "manager", "--pin", "5826",
         staff=ADMIN)  # fmt: skip
    c.ok("staff", "add", "--no", "c01", "--name", "李收银", "--role", "cashier", "--pin", "1470",
         staff=MANAGER)  # fmt: skip
    return c.data_dir


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A copy of the store the CLI made (no process holds it: its files are all there)."""
    data_dir = tmp_path / "cli-data"
    shutil.copytree(_store_made_by_the_cli(), data_dir)
    return Cli(data_dir)


def _snapshot(cli: Cli) -> dict:
    class _Db:
        path = cli.data_dir / "counter.sqlite3"

    class _Ctx:
        db = _Db()

    return db_snapshot(_Ctx())  # type: ignore[arg-type]


def test_register_topup_checkout_refund_flow(cli: Cli) -> None:
    m = cli.ok("member", "register", "--name", "张三", "--phone", "+86 138-0013-8000",
               "--birthday", "1990-05-20", "--consent", staff=CASHIER)  # fmt: skip
    assert m["name"] == "张三"
    assert m["phone"] == "138****8000"  # a cashier sees the masked number
    assert m["tier"] == "normal" and m["points"] == 0
    card = m["card_no"]

    t = cli.ok("topup", card, "--amount", "1000", "--method", "wechat", staff=CASHIER)
    assert t["bonus"] == "150.00"
    assert t["stored_value"] == {"principal": "1000.00", "bonus": "150.00", "total": "1150.00"}

    cli.ok("member", "set-password", card, "--password", "246810", staff=CASHIER)
    code, err, _ = cli.run("checkout", card, "--amount", "300", "--payment-password", "000000",
                           staff=CASHIER)  # fmt: skip
    assert code == 3 and err["code"] == "payment_password_wrong"

    c = cli.ok("checkout", card, "--amount", "300", "--payment-password", "246810", staff=CASHIER)
    assert c["discount"] == "0.00" and c["due"] == "300.00" and c["points_earned"] == 300
    # bonus part = floor(30000 * 15000 / 115000) = 3913 fen
    assert c["stored_value"] == {"principal": "739.13", "bonus": "110.87", "total": "850.00"}

    split = cli.ok("checkout", "13800138000", "--amount", "100", "--points", "100",
                   "--tender", "cash=50", "--tender", "wechat=49", staff=CASHIER)  # fmt: skip
    assert split["due"] == "99.00" and split["change"] == "0.00" and split["points_used"] == 100

    shown = cli.ok("member", "show", card, staff=MANAGER)
    assert shown["phone"] == "13800138000"  # a manager sees the full number
    assert shown["points"] == 300 - 100 + 99
    assert shown["cumulative_spend"] == "399.00"

    code, err, _ = cli.run("refund", c["txn_id"], staff=CASHIER)
    assert code == 3 and err["code"] == "approval_required"
    r = cli.ok("refund", c["txn_id"], "--approve-by", "m01", "--approve-pin", "5826",
               staff=CASHIER)  # fmt: skip
    assert r["stored_value"]["total"] == "1150.00"
    code, err, _ = cli.run("refund", c["txn_id"], "--approve-by", "m01", "--approve-pin", "5826",
                           staff=CASHIER)  # fmt: skip
    assert code == 3 and err["code"] == "already_refunded"

    v = cli.ok("audit", "verify", staff=MANAGER)
    assert v["ok"] is True and v["ledger_mismatches"] == []


def test_refusals_exit_3_and_change_nothing(cli: Cli) -> None:
    cli.ok("member", "register", "--name", "李四", "--phone", "13912345678", "--consent",
           staff=CASHIER)  # fmt: skip
    before = _snapshot(cli)
    refusals = [
        (("member", "register", "--name", "李四", "--phone", "139 1234 5678", "--consent"),
         "phone_duplicate"),
        (("member", "register", "--name", "王五", "--phone", "12345678901", "--consent"),
         "phone_invalid"),
        (("member", "register", "--name", "王五", "--phone", "13700000000"), "consent_required"),
        (("checkout", "13912345678", "--amount", "10"), "balance_insufficient"),
        (("topup", "13912345678", "--amount", "-5", "--method", "cash"), "amount_not_positive"),
        (("topup", "13912345678", "--amount", "1.234", "--method", "cash"),
         "amount_too_precise"),
        (("points", "expire"), "permission_denied"),
        (("staff", "unlock", "m01"), "permission_denied"),
        (("member", "show", "00000000"), "member_not_found"),
    ]  # fmt: skip
    for args, code_name in refusals:
        code, err, _ = cli.run(*args, staff=CASHIER)
        assert code == 3, (args, err)
        assert err["code"] == code_name, (args, err)
        assert err["error"]  # a readable message
    assert _snapshot(cli) == before


def test_usage_errors_exit_2(cli: Cli) -> None:
    code, err, _ = cli.run("checkout", staff=CASHIER)
    assert code == 2 and "error" in err
    code, err, _ = cli.run("member", "show", "13912345678")  # no --staff
    assert code == 2 and "--staff" in err["error"]
    code, err, _ = cli.run("topup", "x", "--amount", "1", "--method", "bitcoin", staff=CASHIER)
    assert code == 2


def test_wrong_pin_locks_after_five(cli: Cli) -> None:
    for left in (4, 3, 2, 1):
        code, err, _ = cli.run("member", "find", "zs", staff=("c01", "0000"))
        assert code == 3 and err["code"] == "pin_wrong" and str(left) in err["error"]
    code, err, _ = cli.run("member", "find", "zs", staff=("c01", "0000"))
    assert err["code"] == "staff_locked"
    code, err, _ = cli.run("member", "find", "zs", staff=CASHIER)
    assert err["code"] == "staff_locked"
    cli.ok("staff", "unlock", "c01", staff=MANAGER)
    assert cli.ok("member", "find", "zs", staff=CASHIER)["count"] == 0


def test_cards_points_and_backup(cli: Cli, tmp_path: Path) -> None:
    m = cli.ok("member", "register", "--name", "曾伟", "--phone", "18611112222", "--card",
               "A12345678", "--consent", staff=CASHIER)  # fmt: skip
    assert m["card_no"] == "A12345678"
    assert [x["name"] for x in cli.ok("member", "find", "cw", staff=CASHIER)["members"]] == ["曾伟"]
    assert cli.ok("member", "find", "2222", staff=CASHIER)["count"] == 1
    qr = cli.ok("member", "qr", "A12345678", staff=CASHIER)["payload"]
    assert cli.ok("member", "show", qr, staff=CASHIER)["member_id"] == m["member_id"]

    cli.ok("topup", "A12345678", "--amount", "200", "--method", "cash", staff=CASHIER)
    cli.ok("checkout", "A12345678", "--amount", "100", staff=CASHIER)
    lost = cli.ok("card", "lost", "18611112222", staff=CASHIER)
    assert lost["status"] == "lost"
    code, err, _ = cli.run("member", "show", "A12345678", staff=CASHIER)
    assert code == 3 and err["code"] == "card_lost"
    new = cli.ok("card", "replace", "18611112222", staff=CASHIER)
    assert new["fee"] == "10.00" and new["card_no"] != "A12345678"
    shown = cli.ok("member", "show", new["card_no"], staff=CASHIER)
    assert shown["stored_value"]["total"] == "100.00" and shown["points"] == 100

    adj = cli.ok("points", "adjust", new["card_no"], "--delta", "50", "--reason", "生日礼",
                 "--approve-by", "m01", "--approve-pin", "5826", staff=CASHIER)  # fmt: skip
    assert adj["points"] == 150
    code, err, _ = cli.run("points", "expire", "--as-of", "2099-01-01", staff=MANAGER)
    assert code == 3 and err["code"] == "expiry_date_future"
    assert cli.ok("points", "expire", staff=MANAGER)["points_expired"] == 0  # all still valid
    cancelled = cli.ok("card", "cancel", "18611112222", "--approve-by", "m01", "--approve-pin",
                       "5826", staff=CASHIER)  # fmt: skip
    assert cancelled["refunded_principal"] == "100.00"  # 200 topped up (no bonus), 100 spent
    assert cancelled["voided_points"] == 150

    target = tmp_path / "backups" / "copy.sqlite3"
    assert cli.ok("backup", str(target), staff=MANAGER)["integrity"] == "ok"
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT count(*) FROM member").fetchone()[0] == 1
    conn.close()


def test_demo_creates_a_usable_store_once(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    cmd = [sys.executable, "-m", "launcher", "--data-dir", str(data), "--json", "demo"]
    first = json.loads(subprocess.run(cmd, cwd=REPO, capture_output=True, text=True,
                                      check=True, timeout=120).stdout)  # fmt: skip
    assert first["store_code"] == "DEMO" and len(first["created"]) == 5
    second = json.loads(subprocess.run(cmd, cwd=REPO, capture_output=True, text=True,
                                       check=True, timeout=120).stdout)  # fmt: skip
    assert second["created"] == [] and second["members"] == first["members"]
    cli = Cli(data)
    shown = cli.ok("member", "show", "13800138000", staff=("2001", "2468"))
    assert shown["stored_value"]["total"] == "850.00" and shown["points"] == 300


def test_text_output_reads_as_a_receipt_line(cli: Cli) -> None:
    def text(*args: str, lang: str = "zh") -> str:
        cmd = [sys.executable, "-m", "launcher", "--data-dir", str(cli.data_dir), "--lang", lang,
               "--staff", CASHIER[0], "--pin", CASHIER[1], *args]  # fmt: skip
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    cli.ok("member", "register", "--name", "赵敏", "--phone", "17788889999", "--consent",
           staff=CASHIER)  # fmt: skip
    topped = text("topup", "17788889999", "--amount", "1000", "--method", "wechat")
    assert "充值成功  ¥1,000.00 微信  赠送 ¥150.00" in topped
    assert "余额 ¥1,150.00 (本金 ¥1,000.00, 赠送 ¥150.00)" in topped
    paid = text("checkout", "17788889999", "--amount", "1100", "--tender", "stored_value=1000",
                "--tender", "cash=200", lang="en")  # fmt: skip
    assert "due ¥1,100.00" in paid
    assert "stored value ¥1,000.00, cash ¥200.00  change ¥100.00" in paid
    assert "points earned 1100" in paid and "now 银卡" in paid
