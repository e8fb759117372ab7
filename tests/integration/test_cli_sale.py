"""``checkout`` with goods and for walk-in customers (散客) as a user runs it: items by code
or barcode, 改价 with a manager's approval, 整单折扣, 抹零, split tenders, and refusals that
change nothing."""

from __future__ import annotations

from tests.integration import test_cli as base
from tests.integration.test_cli import CASHIER, MANAGER, Cli, _snapshot
from tests.integration.test_cli_manager import text

cli = base.cli
APPROVE = ("--approve-by", MANAGER[0], "--approve-pin", MANAGER[1])


def _items(cli: Cli) -> None:
    cli.ok("item", "add", "1001", "--name", "可口可乐", "--price", "3.5",
           "--barcode", "6901234567892", "--member-price", "3", staff=MANAGER)  # fmt: skip
    cli.ok("item", "add", "2001", "--name", "洗车", "--price", "30", staff=MANAGER)


def test_a_walk_in_cart_sale_from_the_command_line(cli: Cli) -> None:
    _items(cli)
    done = cli.ok("checkout", "--walk-in", "--item", "6901234567892=3", "--item", "2001",
                  "--order-discount", "10%", "--round", "jiao", "--tender", "cash=50",
                  staff=CASHIER)  # fmt: skip
    # 10.50 + 30.00 = 40.50; 10 % off → 36.45; 抹零 → 36.40; change 13.60
    assert (done["walk_in"], done["due"], done["change"]) == (True, "36.40", "13.60")
    assert [(x["item"], x["quantity"], x["price"]) for x in done["lines"]] == [
        ("1001", 3, "9.44"), ("2001", 1, "26.96")]  # fmt: skip
    assert done["lines"][0]["why"] == ["order_discount", "round_off"]
    rc, out, _ = text(cli, "checkout", "--walk-in", "--amount", "12.34", "--pay", "wechat",
                      staff=CASHIER)  # fmt: skip
    assert rc == 0 and "散客" in out and "¥12.34" in out


def test_a_price_change_needs_a_manager_and_bad_input_changes_nothing(cli: Cli) -> None:
    _items(cli)
    phone = "13800138011"
    cli.ok("member", "register", "--name", "赵六", "--phone", phone, "--consent", staff=CASHIER)
    cli.ok("topup", phone, "--amount", "100", "--method", "cash", staff=CASHIER)
    before = _snapshot(cli)
    refusals = [
        (("checkout", phone, "--item", "2001", "--price", "2001=20"), 3,
         "sale_over_limit_line_change"),
        (("checkout", "--walk-in", "--item", "1001", "--pay", "stored_value"), 3,
         "sale_walk_in_stored_value"),
        (("checkout", "--walk-in", "--item", "9999"), 3, "item_unknown"),
        (("checkout", phone, "--item", "1001", "--price", "2001=20"), 2, None),
        (("checkout", "--walk-in", phone, "--item", "1001"), 2, None),
        (("checkout", "--walk-in", "--item", "1001", "--order-discount", "abc%"), 2, None),
        (("checkout", "--walk-in", "--item", "1001", "--amount", "3"), 2, None),
    ]  # fmt: skip
    for args, rc, code in refusals:
        got, data, _ = cli.run(*args, staff=CASHIER)
        assert got == rc, (args, got, data)
        if code is not None:
            assert data["code"] == code, (args, data)
        assert data["error"]
    assert _snapshot(cli) == before
    done = cli.ok("checkout", phone, "--item", "1001=3", "--item", "2001", "--price", "2001=20",
                  *APPROVE, staff=CASHIER)  # fmt: skip
    # 3 × 3.00 (会员价) + 20.00 (改价) = 29.00 by stored value
    assert (done["due"], done["walk_in"], done["approved_by"]) == ("29.00", False, "m01")
    assert done["lines"][0]["why"] == ["member_price"]
    assert done["lines"][1]["why"] == ["price_change"]
