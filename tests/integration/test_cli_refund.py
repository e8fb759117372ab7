"""``refund TXN --line N=QTY --reason R`` (退货, issue 16 point 5) and ``refund-reasons`` as a
user runs them: a member's cart sale refunded a line at a time with a manager's approval, the
rest later, a walk-in's in cash; refusals that change nothing; the store's own reasons."""

from __future__ import annotations

from tests.integration import test_cli as base
from tests.integration.test_cli import CASHIER, MANAGER, Cli, _snapshot
from tests.integration.test_cli_manager import text
from tests.integration.test_cli_sale import APPROVE, _items

cli = base.cli


def test_a_cart_sale_refunded_line_by_line(cli: Cli) -> None:
    _items(cli)
    phone = "13800138021"
    cli.ok("member", "register", "--name", "钱七", "--phone", phone, "--consent", staff=CASHIER)
    cli.ok("topup", phone, "--amount", "100", "--method", "cash", staff=CASHIER)
    sold = cli.ok("checkout", phone, "--item", "1001=3", "--item", "2001", staff=CASHIER)
    assert sold["due"] == "39.00"  # 3 × 3.00 (会员价) + 30.00, by stored value
    before = _snapshot(cli)
    txn = sold["txn_id"]
    refusals = [
        (("refund", txn, "--line", "1=1", "--reason", "质量问题"), 3, "approval_required"),
        (("refund", txn, "--line", "1=4", "--reason", "质量问题", *APPROVE), 3,
         "refund_quantity_over"),
        (("refund", txn, "--line", "3=1", "--reason", "质量问题", *APPROVE), 3,
         "refund_line_unknown"),
        (("refund", txn, "--line", "1=1", "--reason", "不想要", *APPROVE), 3,
         "refund_reason_unknown"),
        (("refund", txn, "--line", "1=1", *APPROVE), 3, "refund_reason_required"),
        (("refund", txn, *APPROVE), 3, "refund_by_lines"),
        (("refund", txn, "--line", "x", "--reason", "质量问题", *APPROVE), 2, None),
        (("refund", txn, "--line", "0=1", "--reason", "质量问题", *APPROVE), 2, None),
    ]  # fmt: skip
    for args, rc, code in refusals:
        got, data, _ = cli.run(*args, staff=CASHIER)
        assert got == rc, (args, got, data)
        if code is not None:
            assert data["code"] == code, (args, data)
        assert data["error"]
    assert _snapshot(cli) == before
    one = cli.ok("refund", txn, "--line", "1=1", "--reason", "质量问题", *APPROVE, staff=CASHIER)
    assert one["money_back"] == [{"method": "stored_value", "amount": "3.00"}]
    assert [(x["line"], x["quantity"], x["left"]) for x in one["lines"]] == [(1, 1, 2)]
    assert one["stored_value"]["total"] == "64.00" and not one["all_refunded"]
    shown = cli.ok("refund", txn, "--show", staff=CASHIER)["refundable"]
    assert [(x["line"], x["sold"], x["left"]) for x in shown] == [(1, 3, 2), (2, 1, 1)]
    rc, out, _ = text(cli, "refund", txn, "--show", staff=CASHIER)
    assert rc == 0 and "1. 1001 可口可乐 × 3" in out and "剩余可退 2" in out
    rc, out, _ = text(cli, "refund", txn, "--line", "1=2", "--line", "2=1", "--reason", "顾客原因",
                      *APPROVE, staff=CASHIER)  # fmt: skip
    assert rc == 0 and "退货成功" in out and "本单已全部退完" in out and "第2行" in out
    got, data, _ = cli.run("refund", txn, "--line", "1=1", "--reason", "其他", *APPROVE,
                           staff=CASHIER)  # fmt: skip
    assert got == 3 and data["code"] == "sale_fully_refunded" and "全部退完" in data["error"]
    member = cli.ok("member", "show", phone, staff=CASHIER)
    assert member["stored_value"]["total"] == "100.00"


def test_a_walk_in_sale_refunded_in_cash(cli: Cli) -> None:
    _items(cli)
    sold = cli.ok("checkout", "--walk-in", "--item", "2001", "--tender", "cash=50", staff=CASHIER)
    done = cli.ok("refund", sold["txn_id"], "--line", "1=1", "--reason", "收银错误", *APPROVE,
                  staff=CASHIER)  # fmt: skip
    assert done["walk_in"] and done["money_back"] == [{"method": "cash", "amount": "30.00"}]
    assert done["all_refunded"]
    # An amount-only walk-in sale: refunded whole, with a reason; once.
    amount = cli.ok("checkout", "--walk-in", "--amount", "12.34", "--pay", "wechat",
                    staff=CASHIER)["txn_id"]  # fmt: skip
    got, data, _ = cli.run("refund", amount, *APPROVE, staff=CASHIER)
    assert (got, data["code"]) == (3, "refund_amount_only_walk_in") and "原因" in data["error"]
    whole = cli.ok("refund", amount, "--reason", "顾客原因", *APPROVE, staff=CASHIER)
    assert whole["money_back"] == [{"method": "wechat", "amount": "12.34"}] and not whole["lines"]
    got, data, _ = cli.run("refund", amount, "--reason", "顾客原因", *APPROVE, staff=CASHIER)
    assert (got, data["code"]) == (3, "already_refunded")
    got, data, _ = cli.run("refund", sold["txn_id"], "--reason", "顾客原因", *APPROVE,
                           staff=CASHIER)  # fmt: skip
    assert (got, data["code"]) == (3, "txn_not_amount_walk_in")


def test_the_store_edits_its_refund_reasons(cli: Cli) -> None:
    assert cli.ok("refund-reasons", "list", staff=CASHIER)["reasons"] == [
        "质量问题", "顾客原因", "收银错误", "其他"]  # fmt: skip
    got, data, _ = cli.run("refund-reasons", "add", "破损", staff=CASHIER)
    assert got == 3 and data["code"] == "permission_denied"
    assert cli.ok("refund-reasons", "add", "破损", staff=MANAGER)["reasons"][-1] == "破损"
    left = cli.ok("refund-reasons", "remove", "其他", staff=MANAGER)["reasons"]
    assert left == ["质量问题", "顾客原因", "收银错误", "破损"]
    rc, out, _ = text(cli, "refund-reasons", "list", staff=CASHIER)
    assert rc == 0 and "4. 破损" in out
