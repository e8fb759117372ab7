"""The manager's-day commands as a user runs them: shifts, close-day, reports, import, export."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from tests.integration import test_cli as base
from tests.integration.test_cli import CASHIER, MANAGER, REPO, Cli, _snapshot

cli = base.cli  # the same fixture: a store with a manager and a cashier


def text(c: Cli, *args: str, staff: tuple[str, str], lang: str = "zh") -> tuple[int, str, str]:
    cmd = [sys.executable, "-m", "launcher", "--data-dir", str(c.data_dir), "--lang", lang,
           "--staff", staff[0], "--pin", staff[1], *args]  # fmt: skip
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def test_a_day_at_the_counter_from_the_command_line(cli: Cli, tmp_path: Path) -> None:
    cli.ok("member", "register", "--name", "赵敏", "--phone", "17788889999", "--consent",
           staff=CASHIER)  # fmt: skip
    opened = cli.ok("shift", "open", "--float", "300", staff=CASHIER)
    assert opened["event"] == "opened" and opened["float"] == "300.00"
    cli.ok("topup", "17788889999", "--amount", "500", "--method", "cash", staff=CASHIER)
    cli.ok("checkout", "17788889999", "--amount", "45.5", "--tender", "cash=50", staff=CASHIER)
    x = cli.ok("report", "x", staff=MANAGER)
    assert x["shifts"][0]["figures"]["expected_cash"] == "845.50"
    code, data, _ = cli.run("report", "x", staff=CASHIER)
    assert code == 3 and data["code"] == "permission_denied"  # the count is blind
    counted = cli.ok("shift", "count", "--denom", "100=8", "--denom", "20=2", "--denom", "5=1",
                     staff=CASHIER)  # fmt: skip
    assert counted["counted"] == "845.00" and counted["expected"] is None
    code, data, _ = cli.run("shift", "close", staff=CASHIER)
    assert code == 3 and data["code"] == "over_short_reason_required"
    closed = cli.ok("shift", "close", "--reason", "少找 5 角", staff=CASHIER)
    assert (closed["expected"], closed["over_short"]) == ("845.50", "-0.50")
    z = cli.ok("close-day", staff=MANAGER)
    assert z["closed"] is True and z["net_sales"] == "45.50"
    assert z["topups"]["by_method"] == {"cash": "500.00"} and z["cash_change"] == "4.50"
    assert z["over_short_by_cashier"]["c01"]["over_short"] == "-0.50"
    made = z.pop("backup")  # the day's automatic backup, reported by close-day only
    assert Path(made["path"]).parent == cli.data_dir / "backups"
    assert cli.ok("report", "z", "--date", z["business_date"], staff=MANAGER) == z
    # The late customer is served: the top-up goes into the next business date at once.
    day = cli.ok("business-day", "show", staff=CASHIER)
    assert day["business_date"] > z["business_date"] and day["day_start"] == "04:00"
    cli.ok("topup", "17788889999", "--amount", "1", "--method", "cash", staff=CASHIER)
    nxt = cli.ok("report", "z", staff=MANAGER)  # the current date's preview
    assert nxt["business_date"] == day["business_date"] and nxt["closed"] is False
    assert nxt["topups"]["by_method"] == {"cash": "1.00"}
    assert cli.ok("report", "z", "--date", z["business_date"], staff=MANAGER) == z
    before = _snapshot(cli)
    code, data, _ = cli.run("close-day", staff=MANAGER)  # the next date has not started
    assert code == 3 and data["code"] == "close_not_started" and _snapshot(cli) == before
    code, out, _ = text(cli, "report", "z", "--date", z["business_date"], staff=MANAGER)
    assert code == 0 and "日结报表(Z)" in out and "净营业额 ¥45.50" in out
    assert "长短款 -¥0.50  原因: 少找 5 角" in out
    code, out, _ = text(cli, "report", "z", "--date", z["business_date"], "--out",
                        str(tmp_path / "z.csv"), staff=MANAGER, lang="en")  # fmt: skip
    assert "Top-ups (liability, not sales) 1 ¥500.00 (cash ¥500.00)  bonus ¥50.00" in out
    with (tmp_path / "z.csv").open(encoding="utf-8-sig") as f:
        items = dict(csv.reader(f))
    assert items["net_sales_fen"] == "45.50" and items["topups.by_method.cash"] == "500.00"
    rng = cli.ok("report", "range", "--from", z["business_date"], "--to", z["business_date"],
                 "--out", str(tmp_path / "r.xlsx"), staff=MANAGER)  # fmt: skip
    assert rng["days"][0]["stored_value"] == "550.00"
    assert load_workbook(tmp_path / "r.xlsx", read_only=True).sheetnames[0] == "汇总"


def test_import_export_audit_and_rules_commands(cli: Cli, tmp_path: Path) -> None:
    src = tmp_path / "old.csv"
    src.write_bytes("姓名,手机,余额,积分\n李雷,+86 138 0013 8000,88.5,100\n韩梅,123,0,0\n"
                    .encode("gbk"))  # fmt: skip
    dry = cli.ok("import", "members", str(src), "--dry-run", staff=MANAGER)
    assert dry["encoding"] == "gb18030" and dry["counts"]["create"] == 1
    assert [(r["line"], r["action"], r["code"]) for r in dry["rows"]] == [
        (2, "create", None), (3, "error", "phone_invalid")]  # fmt: skip
    code, data, err = cli.run("import", "members", str(src), staff=MANAGER)
    assert code == 3 and data["code"] == "import_has_errors"
    assert '"progress": "check"' in err
    done = cli.ok("import", "members", str(src), "--skip-errors", staff=MANAGER)
    assert done["imported"] is True and done["totals"]["principal"] == "88.50"
    shown = cli.ok("member", "show", "13800138000", staff=CASHIER)
    assert shown["stored_value"]["total"] == "88.50" and shown["points"] == 100
    out = cli.ok("export", "members", "--out", str(tmp_path / "m.csv"), "--mask-phones",
                 staff=MANAGER)  # fmt: skip
    assert out["members"] == 1 and out["phones_masked"] is True
    with (tmp_path / "m.csv").open(encoding="utf-8-sig") as f:
        assert list(csv.reader(f))[1][2] == "138****8000"
    page = cli.ok("audit", "list", "--action", "member", staff=MANAGER)
    assert page["chain_ok"] is True
    assert [r["action"] for r in page["rows"]] == ["member.export", "member.import_batch",
                                                   "member.import"]  # fmt: skip
    rules = cli.ok("rules", "set", json.dumps({"points_per_yuan": 3}), staff=MANAGER)
    assert rules["points_per_yuan"] == 3 and rules["read_only"] is False
    code, data, _ = cli.run("rules", "set", '{"points_per_yuan": 3}', staff=CASHIER)
    assert code == 3 and data["code"] == "permission_denied"


def test_business_day_start_from_the_command_line(cli: Cli) -> None:
    assert cli.ok("business-day", "show", staff=MANAGER)["day_start"] == "04:00"
    before = _snapshot(cli)
    for bad in ("25", "4:75", "noon"):
        code, data, _ = cli.run("business-day", "set", "--start", bad, staff=MANAGER)
        assert code != 0 and data["code"] == "day_start_invalid", data
        assert "营业日切换时间不正确" in data["error"]
    code, data, _ = cli.run("business-day", "set", "--start", "5", staff=CASHIER)
    assert code == 3 and data["code"] == "permission_denied"
    assert _snapshot(cli) == before
    # The start it has, as an hour (another start could move today's date at some hours).
    shown = cli.ok("business-day", "set", "--start", "4", staff=MANAGER)
    assert shown["day_start"] == "04:00" and set(shown) == {
        "day_start", "business_date", "calendar_date"
    }  # fmt: skip
    audit = cli.ok("audit", "list", "--action", "setting", staff=MANAGER)
    (entry,) = [e for e in audit["rows"] if e["entity_id"] == "business_day"]
    assert entry["before"] is None and entry["after"] == {"day_start": "04:00"}
