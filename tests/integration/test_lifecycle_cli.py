"""The lifecycle commands as a user runs them: real processes, a real data directory."""

from __future__ import annotations

import subprocess
import sys

from tests.integration.test_cli import CASHIER, MANAGER, REPO, Cli, cli  # noqa: F401

PHONE = "13800138000"


def test_recompute_show_and_stages(cli: Cli) -> None:  # noqa: F811
    cli.ok("member", "register", "--name", "张三", "--phone", PHONE, "--consent", staff=CASHIER)
    cli.ok("checkout", PHONE, "--amount", "88.00", "--pay", "cash", staff=CASHIER)
    code, err, _ = cli.run("lifecycle", "recompute", staff=CASHIER)
    assert code != 0 and err["code"] == "permission_denied"
    done = cli.ok("lifecycle", "recompute", staff=MANAGER)
    assert done["members"] == 1 and done["moved"] == 1 and done["stages"]["new"] == 1
    assert done["edges"]["members"] == 1 and done["edges"]["monetary"][0] == "88.00"
    shown = cli.ok("lifecycle", "show", PHONE, staff=CASHIER)
    assert shown["stage"] == "new" and shown["since"] == done["date"]
    assert shown["rfm"]["scores"] == "5-1-1" and shown["rfm"]["monetary"] == "88.00"
    assert cli.ok("lifecycle", "stages", staff=MANAGER)["stages"]["new"] == 1
    proc = subprocess.run(
        [sys.executable, "-m", "launcher", "--data-dir", str(cli.data_dir), "--staff",
         CASHIER[0], "--pin", CASHIER[1], "lifecycle", "show", PHONE],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("新客(自 ") and "RFM 5-1-1" in proc.stdout
