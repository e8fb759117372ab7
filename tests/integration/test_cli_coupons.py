"""The coupon commands as a user runs them: a template, a coupon issued to a member, used in
a checkout of goods, refused the second time; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

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


def test_exchange_show_and_void_from_the_command_line(cli: Cli) -> None:
    cli.ok("item", "add", "WASH", "--name", "洗车", "--price", "35", "--service", staff=MANAGER)
    added = cli.ok("coupon", "template", "add", "--name", "免费洗车", "--kind", "exchange",
                   "--item", "WASH", "--days", "30", "--hours", "00:00-00:00",
                   "--weekdays", "1,2,3,4,5,6,7", "--store", "s900", "--store", "S001",
                   "--group", "洗车",
                   staff=MANAGER)  # fmt: skip
    terms = added["templates"][0]["terms"]
    assert (terms["kind"], terms["items"], terms["hours"], terms["stores"]) == (
        "exchange", ["WASH"], [0, 1440], ["S001", "S900"])  # fmt: skip
    tid = added["templates"][0]["template_id"]
    before = _snapshot(cli)
    code, data, _ = cli.run("coupon", "template", "add", "--name", "x", "--kind", "exchange",
                            "--days", "1", staff=MANAGER)  # fmt: skip
    assert code == 3 and data["code"] == "coupon_exchange_item"
    code, data, _ = cli.run("coupon", "template", "add", "--name", "x", "--kind", "voucher",
                            "--amount", "1", "--days", "1", "--hours", "10:00-09:00",
                            staff=MANAGER)  # fmt: skip
    assert code == 3 and data["code"] == "coupon_hours_invalid"
    assert _snapshot(cli) == before

    cli.ok("member", "register", "--name", "孙八", "--phone", "17700001111", "--consent",
           staff=CASHIER)  # fmt: skip
    a = cli.ok("coupon", "issue", "--member", "17700001111", "--template", tid,
               staff=CASHIER)["coupons"][0]["code"]  # fmt: skip
    b = cli.ok("coupon", "issue", "--member", "17700001111", "--template", tid,
               staff=CASHIER)["coupons"][0]["code"]  # fmt: skip
    sold = cli.ok("checkout", "17700001111", "--item", "WASH=1", "--coupon", a,
                  "--pay", "cash", staff=CASHIER)  # fmt: skip
    assert sold["due"] == "0.00"
    shown = cli.ok("coupon", "show", a, staff=CASHIER)
    assert shown["owner"] == "孙八 177****1111"
    assert [e["kind"] for e in shown["ledger"]] == ["issued", "redeemed"]
    before = _snapshot(cli)
    code, data, _ = cli.run("coupon", "void", b, "--reason", "发错", staff=CASHIER)
    assert code != 0 and data["code"] == "permission_denied"
    assert _snapshot(cli) == before
    voided = cli.ok("coupon", "void", b, "--reason", "发错", staff=MANAGER)
    assert voided["coupons"][0]["state"] == "voided"
    code, out, _ = text(cli, "coupon", "show", b, staff=MANAGER, lang="en")
    assert code == 0 and "voided" in out and "177****1111" in out and "17700001111" not in out
    code, out, _ = text(cli, "coupon", "show", b, staff=MANAGER)
    assert code == 0 and "作废" in out and "流水" in out


def test_issue_rules_from_the_command_line(cli: Cli) -> None:
    new = cli.ok("coupon", "template", "add", "--name", "新人券", "--kind", "voucher",
                 "--amount", "5", "--days", "30", "--on", "registration",
                 staff=MANAGER)["templates"][0]  # fmt: skip
    assert new["issue_rule"] == {"on": "registration", "min_fen": 0, "tier": None,
                                 "days_before": 0}  # fmt: skip
    before = _snapshot(cli)
    code, data, _ = cli.run("coupon", "template", "add", "--name", "生日券", "--kind", "voucher",
                            "--amount", "20", "--days", "30", "--on", "birthday",
                            "--days-before", "400", staff=MANAGER)  # fmt: skip
    assert code == 3 and data["code"] == "coupon_rule_days"
    assert _snapshot(cli) == before
    bday = cli.ok("coupon", "template", "add", "--name", "生日券", "--kind", "voucher",
                  "--amount", "20", "--days", "30", "--on", "birthday", "--days-before", "7",
                  staff=MANAGER)["templates"][0]  # fmt: skip
    # the store's date in Shanghai; a birthday three days on is within the seven days
    soon = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date() + dt.timedelta(days=3)
    cli.ok("member", "register", "--name", "孙八", "--phone", "17700001111", "--consent",
           "--birthday", f"1990-{soon:%m-%d}" if soon.strftime("%m-%d") != "02-29"
           else "1992-02-29", staff=CASHIER)  # fmt: skip
    listed = cli.ok("coupon", "list", "--member", "17700001111", staff=CASHIER)
    assert [c["template_id"] for c in listed["coupons"]] == [new["template_id"]]
    ran = cli.ok("coupon", "birthday-run", staff=CASHIER)
    assert [c["template_id"] for c in ran["coupons"]] == [bday["template_id"]]
    again = cli.ok("coupon", "birthday-run", staff=CASHIER)
    assert again["coupons"] == [] and again["already"] == 1
