"""The count-card commands as a user runs them: a product, a card sold, used three times,
refunded with a manager's approval, and a transfer; bad input changes nothing."""

from __future__ import annotations

from tests.integration import test_cli as base
from tests.integration.test_cli import CASHIER, MANAGER, Cli, _snapshot
from tests.integration.test_cli_manager import text

cli = base.cli


def test_count_cards_from_the_command_line(cli: Cli) -> None:
    cli.ok("item", "add", "WASH", "--name", "洗车", "--price", "35", "--service", staff=MANAGER)
    cli.ok("item", "add", "WAX", "--name", "打蜡", "--price", "120", "--service", staff=MANAGER)
    saved = cli.ok("countcard", "product", "add", "CAR", "--name", "洗车卡", "--item", "WASH=5+1",
                   "--item", "WAX=1", "--price", "300", "--days", "180", "--transferable",
                   staff=MANAGER)  # fmt: skip
    assert saved["products"][0]["price"] == "300.00"
    listed = cli.ok("countcard", "product", "list", staff=CASHIER)
    assert [p["code"] for p in listed["products"]] == ["CAR"]
    before = _snapshot(cli)
    code, data, _ = cli.run("countcard", "product", "add", "X", "--name", "x", "--item", "CUT=1",
                            "--price", "1", "--days", "1", staff=MANAGER)  # fmt: skip
    assert (
        code == 3 and data["code"] == "countcard_item_not_in_catalogue" and "CUT" in data["error"]
    )
    assert _snapshot(cli) == before

    cli.ok("member", "register", "--name", "孙八", "--phone", "17700001111", "--consent",
           staff=CASHIER)  # fmt: skip
    cli.ok("member", "register", "--name", "孙九", "--phone", "17700002222", "--consent",
           staff=CASHIER)  # fmt: skip
    sold = cli.ok("countcard", "sell", "17700001111", "--product", "CAR", "--tender", "cash=400",
                  staff=CASHIER)  # fmt: skip
    assert sold["tenders"] == [{"method": "cash", "amount": "400.00", "change": "100.00"}]
    assert sold["card"]["left"] == {"WASH": 6, "WAX": 1}
    # 300 yuan over 6 paid times: 50 a time.
    used = cli.ok("countcard", "use", "17700001111", "--item", "WASH=2", "--item", "WAX",
                  staff=CASHIER)  # fmt: skip
    assert used["value"] == "150.00" and used["card"]["left"] == {"WASH": 4, "WAX": 0}
    code, data, _ = cli.run("countcard", "use", "17700001111", "--item", "WAX", staff=CASHIER)
    assert code == 3 and data["code"] == "countcard_times_insufficient" and "WAX" in data["error"]
    code, data, _ = cli.run("countcard", "refund", "17700001111", staff=CASHIER)
    assert code == 3 and data["code"] == "approval_required"
    moved = cli.ok("countcard", "transfer", "17700001111", "--to", "17700002222",
                   "--approve-by", "m01", "--approve-pin", "5826", staff=CASHIER)  # fmt: skip
    assert moved["card"]["left"] == {"WASH": 4, "WAX": 0}
    shown = cli.ok("countcard", "show", "17700002222", staff=CASHIER)
    assert [c["card_id"] for c in shown["cards"]] == [sold["card"]["card_id"]]
    back = cli.ok("countcard", "refund", "17700002222", "--approve-by", "m01",
                  "--approve-pin", "5826", staff=CASHIER)  # fmt: skip
    assert back["value"] == "150.00" and back["card"]["status"] == "refunded"

    code, out, _ = text(cli, "countcard", "show", "17700002222", staff=CASHIER)
    assert code == 0 and "洗车卡" in out and "WASH 0 次" in out and "refunded" in out
    code, out, _ = text(cli, "countcard", "product", "list", staff=CASHIER, lang="en")
    assert code == 0 and "CAR  洗车卡  ¥300.00  WASH 5+1, WAX 1  180d" in out
