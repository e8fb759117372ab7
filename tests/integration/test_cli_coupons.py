"""The coupon commands as a user runs them: a template, a coupon issued to a member, used in
a checkout of goods, refused the second time; bad input changes nothing."""

from __future__ import annotations

from tests.integration import test_cli as base
from tests.integration.test_cli import CASHIER, MANAGER, Cli, _snapshot
from tests.integration.test_cli_manager import text

cli = base.cli


def test_coupons_from_the_command_line(cli: Cli) -> None:
    cli.ok("item", "add", "WASH", "--name", "洗车", "--price", "35", "--service", staff=MANAGER)
    added = cli.ok("coupon", "template", "add", "--name", "满30减5", "--kind", "threshold",
                   "--threshold", "30", "--amount", "5", "--days", "30", "--limit", "1",
                   staff=MANAGER)  # fmt: skip
    tid = added["templates"][0]["template_id"]
    listed = cli.ok("coupon", "template", "list", staff=CASHIER)
    assert [t["template_id"] for t in listed["templates"]] == [tid]
    before = _snapshot(cli)
    code, data, _ = cli.run("coupon", "template", "add", "--name", "x", "--kind", "threshold",
                            "--threshold", "3", "--amount", "5", "--days", "1",
                            staff=MANAGER)  # fmt: skip
    assert code == 3 and data["code"] == "coupon_amount_over_threshold"
    assert _snapshot(cli) == before

    cli.ok("member", "register", "--name", "孙八", "--phone", "17700001111", "--consent",
           staff=CASHIER)  # fmt: skip
    issued = cli.ok("coupon", "issue", "--member", "17700001111", "--template", tid[-8:],
                    staff=CASHIER)  # fmt: skip
    coupon = issued["coupons"][0]["code"]
    sold = cli.ok("checkout", "17700001111", "--item", "WASH=1", "--coupon", coupon,
                  "--pay", "cash", staff=CASHIER)  # fmt: skip
    assert sold["due"] == "30.00"
    shown = cli.ok("coupon", "list", "--member", "17700001111", staff=CASHIER)
    assert [c["state"] for c in shown["coupons"]] == ["redeemed"]
    before = _snapshot(cli)
    code, data, _ = cli.run("checkout", "17700001111", "--item", "WASH=1", "--coupon", coupon,
                            "--pay", "cash", staff=CASHIER)  # fmt: skip
    assert code == 3 and data["code"] == "coupon_used" and "已使用" in data["error"]
    assert _snapshot(cli) == before
    code, out, _ = text(cli, "coupon", "list", "--member", "17700001111", staff=CASHIER,
                        lang="en")  # fmt: skip
    assert code == 0 and coupon in out and "used" in out
