"""The catalogue commands as a user runs them: item add/list/show, import, categories."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from tests.integration import test_cli as base
from tests.integration.test_cli import CASHIER, MANAGER, Cli, _snapshot
from tests.integration.test_cli_manager import text

cli = base.cli


def test_items_from_the_command_line(cli: Cli) -> None:
    cat = cli.ok("category", "add", "drink", "--name", "饮料", "--points-multiplier", "2",
                 staff=MANAGER)  # fmt: skip
    assert cat["categories"][0] == {"code": "DRINK", "name": "饮料",
                                    "points_multiplier_permille": 2000, "active": True}  # fmt: skip
    added = cli.ok("item", "add", "1001", "--name", "可口可乐", "--price", "3.5", "--unit", "瓶",
                   "--barcode", "6901234567892", "--category", "DRINK", "--member-price", "3",
                   "--tier-price", "gold=2.80", staff=MANAGER)  # fmt: skip
    assert added["price"] == "3.50" and added["member_prices"] == {"*": "3.00", "gold": "2.80"}
    assert added["initials"] == "kkkl"
    shown = cli.ok("item", "show", "6901234567892", staff=CASHIER)  # a barcode finds it too
    assert shown["code"] == "1001" and shown["category_name"] == "饮料"
    listed = cli.ok("item", "list", "kkkl", staff=CASHIER)
    assert [i["code"] for i in listed["items"]] == ["1001"]
    # A cashier may look items up but not change them.
    code, data, _ = cli.run("item", "add", "1002", "--name", "雪碧", "--price", "3",
                            staff=CASHIER)  # fmt: skip
    assert code == 3 and data["code"] == "permission_denied"
    before = _snapshot(cli)
    code, data, _ = cli.run("item", "add", "1002", "--name", "雪碧", "--price", "3",
                            "--barcode", "6901234567891", staff=MANAGER)  # fmt: skip
    assert code == 3 and data["code"] == "barcode_check_digit"
    assert "校验位" in data["error"]
    assert _snapshot(cli) == before
    updated = cli.ok("item", "update", "1001", "--price", "3.80", staff=MANAGER)
    assert updated["price"] == "3.80" and updated["barcodes"] == ["6901234567892"]
    rc, out, _ = text(cli, "item", "show", "1001", staff=CASHIER)
    assert rc == 0 and "零售价 ¥3.80/瓶" in out and "条码 6901234567892" in out
    rc, out, _ = text(cli, "item", "show", "1001", staff=CASHIER, lang="en")
    assert rc == 0 and "price ¥3.80/瓶" in out
    gone = cli.ok("item", "deactivate", "1001", staff=MANAGER)
    assert gone["active"] is False
    assert cli.ok("item", "list", staff=CASHIER)["total"] == 0


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["商品资料导出 2026-12-01"])  # a title above the header
    ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_import_is_a_dry_run_until_commit_and_a_bad_row_imports_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    header = ["货号", "品名", "条形码", "零售价", "会员价", "单位", "积分"]
    good = [
        ["A01", "康师傅红烧牛肉面", "6920152400012", "4.5", "4", "袋", "是"],
        ["A02", "农夫山泉", "6921168509256", "2", "", "瓶", "否"],
    ]
    bad = [*good, ["A03", "坏条码", "6901234567891", "3", "", "", ""],
           ["A01", "重复", "", "1", "", "", ""]]  # fmt: skip
    before = _snapshot(cli)
    report = cli.ok("item", "import", str(_xlsx(tmp_path / "bad.xlsx", [header, *bad])),
                    staff=MANAGER)  # fmt: skip
    assert report["dry_run"] is True and report["counts"] == {"create": 2, "update": 0,
                                                              "error": 2}  # fmt: skip
    errors = {r["line"]: r["error"] for r in report["rows"] if r["action"] == "error"}
    assert errors == {6: "barcode_check_digit", 7: "item_import_duplicate"}
    code, data, err = cli.run("item", "import", str(tmp_path / "bad.xlsx"), "--commit",
                              staff=MANAGER)  # fmt: skip
    assert code == 3 and data["code"] == "item_import_has_errors" and "第 6 行" in err
    assert _snapshot(cli) == before
    path = _xlsx(tmp_path / "good.xlsx", [header, *good])
    assert cli.ok("item", "import", str(path), staff=MANAGER)["imported"] is False
    assert _snapshot(cli) == before
    done = cli.ok("item", "import", str(path), "--commit", staff=MANAGER)
    assert done["imported"] is True and done["counts"]["create"] == 2
    noodle = cli.ok("item", "show", "A01", staff=CASHIER)
    assert (noodle["price"], noodle["member_prices"], noodle["unit"]) == ("4.50", {"*": "4.00"},
                                                                          "袋")  # fmt: skip
    assert cli.ok("item", "show", "A02", staff=CASHIER)["points_eligible"] is False
    assert [i["code"] for i in cli.ok("item", "list", "nfsq", staff=CASHIER)["items"]] == ["A02"]
    # The same file again updates the items (nothing new).
    again = cli.ok("item", "import", str(path), "--commit", staff=MANAGER)
    assert again["counts"] == {"create": 0, "update": 2, "error": 0}


def test_csv_import_in_gbk(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_bytes("编码,名称,售价,条码\nB1,洗车,30,\nB2,可乐,3.5,036000291452\n".encode("gbk"))
    done = cli.ok("item", "import", str(path), "--commit", staff=MANAGER)
    assert done["counts"]["create"] == 2
    assert cli.ok("item", "show", "0036000291452", staff=CASHIER)["code"] == "B2"


def test_held_carts_from_the_command_line(cli: Cli) -> None:
    cli.ok("item", "add", "1001", "--name", "可口可乐", "--price", "3.5",
           "--barcode", "6901234567892", staff=MANAGER)  # fmt: skip
    held = cli.ok("hold", "add", "--item", "6901234567892=2", "--item", "1001",
                  "--note", "穿红衣服的", staff=CASHIER)  # fmt: skip
    assert (held["number"], held["lines"], held["total"], held["member_name"]) == (
        1, 2, "10.50", None)  # fmt: skip
    rc, out, _ = text(cli, "hold", "list", staff=CASHIER)
    assert rc == 0 and "挂单 1 张" in out and "#1" in out and "散客" in out and "¥10.50" in out
    before = _snapshot(cli)
    code, data, _ = cli.run("hold", "add", "--item", "1001=abc", staff=CASHIER)
    assert code == 2 and "CODE=QTY" in data["error"]
    code, data, _ = cli.run("hold", "add", "--item", "9999=1", staff=CASHIER)
    assert code == 3 and data["code"] == "item_unknown" and "9999" in data["error"]
    code, data, _ = cli.run("hold", "discard", "1", "--reason", " ", staff=CASHIER)
    assert code == 3 and data["code"] == "held_discard_reason"
    assert _snapshot(cli) == before
    assert cli.ok("hold", "discard", "1", "--reason", "顾客走了", staff=CASHIER)["state"] == (
        "discarded")  # fmt: skip
    assert cli.ok("hold", "list", staff=CASHIER)["held"] == []


def test_a_held_cart_is_paid_from_the_command_line(cli: Cli) -> None:
    cli.ok("item", "add", "1001", "--name", "可口可乐", "--price", "3.5", staff=MANAGER)
    cli.ok("hold", "add", "--item", "1001=2", staff=CASHIER)
    code, data, _ = cli.run("checkout", "--held", "1", "--item", "1001", staff=CASHIER)
    assert code == 2 and "--held N" in data["error"]
    paid = cli.ok("checkout", "--held", "1", "--tender", "cash=10", staff=CASHIER)
    assert paid["due"] == "7.00" and paid["change"] == "3.00"
    assert cli.ok("hold", "list", staff=CASHIER)["held"] == []
    code, data, _ = cli.run("checkout", "--held", "1", "--pay", "cash", staff=CASHIER)
    assert code == 3 and data["code"] == "held_cart_closed"
