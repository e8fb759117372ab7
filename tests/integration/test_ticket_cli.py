"""The ticket commands as a user runs them: real processes on a real data directory; phones
masked in what they print."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.integration.test_cli import CASHIER, MANAGER, REPO, Cli, _snapshot, cli  # noqa: F401

PHONE = "13800138000"


def test_open_handle_list_show_and_report(cli: Cli) -> None:  # noqa: F811
    cli.ok("member", "register", "--name", "张三", "--phone", PHONE, "--consent", staff=CASHIER)
    out = cli.ok("ticket", "open", PHONE, "--kind", "complaint", "--priority", "urgent",
                 "--subject", "小票打错", "--body", "金额多了一元", staff=CASHIER)  # fmt: skip
    [t] = out["tickets"]
    assert re.fullmatch(r"T-S900-[0-9A-F]{4}-000001", t["number"]) and t["status"] == "new"
    assert t["phone"] == "138****8000" and t["priority"] == "urgent"
    before = _snapshot(cli)
    code, err, _ = cli.run("ticket", "update", t["number"], "--status", "resolved",
                           "--resolution", "退一元", staff=CASHIER)  # fmt: skip
    assert code != 0 and err["code"] == "permission_denied"
    code, err, _ = cli.run("ticket", "update", t["number"], "--status", "resolved",
                           staff=MANAGER)  # fmt: skip
    assert code != 0 and err["code"] == "ticket_resolution_required"
    assert _snapshot(cli) == before
    done = cli.ok("ticket", "update", t["number"], "--assign", "m01", "--status", "resolved",
                  "--resolution", "退一元", "--note", "已道歉", staff=MANAGER)  # fmt: skip
    assert done["tickets"][0]["status"] == "resolved"
    cli.ok("ticket", "update", t["number"], "--satisfaction", "5", staff=CASHIER)
    listed = cli.ok("ticket", "list", "--member", PHONE, staff=CASHIER)["tickets"]
    assert [(x["number"], x["satisfaction"]) for x in listed] == [(t["number"], 5)]
    assert cli.ok("ticket", "list", "--overdue", staff=CASHIER)["tickets"] == []
    shown = cli.ok("ticket", "show", t["number"], staff=CASHIER)["ticket"]
    assert [e["action"] for e in shown["history"]] == ["opened", "updated", "updated"]
    assert shown["history"][1]["note"] == "已道歉"
    report = cli.ok("ticket", "report", staff=MANAGER)["ticket_report"]
    assert report["by_kind"]["complaint"]["resolved"] == 1
    assert report["by_store"]["S900"]["total"] == 1
    # As text: the number, the kind in words, the phone masked.
    proc = subprocess.run(
        [sys.executable, "-m", "launcher", "--data-dir", str(cli.data_dir), "--staff", "c01",
         "--pin", "1470", "ticket", "show", t["number"]],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert t["number"] in proc.stdout and "投诉" in proc.stdout and "已道歉" in proc.stdout
    assert "138****8000" in proc.stdout and PHONE not in proc.stdout
