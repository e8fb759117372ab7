"""The consent commands as a user runs them: real processes, a real data directory, JSON out
(and the text a person reads)."""

from __future__ import annotations

import csv
import subprocess
import sys

from tests.integration.test_cli import CASHIER, MANAGER, REPO, Cli, cli  # noqa: F401

PHONE = "13800138000"


def test_grant_withdraw_show_and_export(cli: Cli, tmp_path) -> None:  # noqa: F811
    cli.ok("member", "register", "--name", "张三", "--phone", PHONE, "--consent",
           "--marketing-consent", "wechat", staff=CASHIER)  # fmt: skip
    g = cli.ok("consent", "grant", PHONE, "--purpose", "marketing", "--channel", "sms",
               "--wording", "mkt-sms-v1", staff=CASHIER)  # fmt: skip
    assert g["consent"][0]["state"] == "granted"
    assert g["consent"][0]["entry"]["wording_version"] == "mkt-sms-v1"
    code, err, _ = cli.run("consent", "grant", PHONE, "--purpose", "marketing", "--channel",
                           "email", "--wording", "mkt-sms-v1", staff=CASHIER)  # fmt: skip
    assert code != 0 and err["code"] == "consent_wording_invalid"
    w = cli.ok("consent", "withdraw", PHONE, "--purpose", "marketing", "--channel", "sms",
               staff=CASHIER)  # fmt: skip
    now = w["consent"][0]
    assert (now["state"], now["entry"]["source"]) == ("withdrawn", "request")
    shown = cli.ok("consent", "show", PHONE, staff=CASHIER)
    states = {(s["purpose"], s["channel"]): s["state"] for s in shown["consent"]}
    assert states[("marketing", "sms")] == "withdrawn"
    assert states[("marketing", "wechat")] == "granted"  # ticked at registration
    assert states[("transactional", "sms")] == "none"
    assert [(e["source"], e["granted"]) for e in shown["history"]] == [
        ("registration", True), ("counter", True), ("request", False)]  # fmt: skip
    out = tmp_path / "proof.csv"
    code, err, _ = cli.run("consent", "export", "--out", str(out), staff=CASHIER)
    assert code != 0 and err["code"] == "permission_denied" and not out.exists()
    e = cli.ok("consent", "export", "--out", str(out), staff=MANAGER)
    assert e["entries"] == 3
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 4 and PHONE not in out.read_text(encoding="utf-8-sig")
    # The text form a person reads.
    proc = subprocess.run(
        [sys.executable, "-m", "launcher", "--data-dir", str(cli.data_dir), "--staff",
         CASHIER[0], "--pin", CASHIER[1], "consent", "show", PHONE],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "营销/短信: 已撤回" in proc.stdout and "营销/微信: 已同意" in proc.stdout
