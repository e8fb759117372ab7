"""``refund TXN --line N=QTY [--line ...] --reason R`` (退货: a cart sale's lines, numbered
from 1 as the receipt numbers them) and ``refund-reasons list|add|remove``. Without
``--line`` it is the whole refund of an amount checkout or a top-up
(app.cli.commands.do_refund), or with ``--reason`` of an amount-only walk-in sale
(app.services.walk_in_refunds). A manager approves with ``--approve-by``/``--approve-pin``.
``TXN`` may be a sale of another store or counter (its whole 单号): it is read from HQ
(app.services.chain_sales); ``refund-policy`` says how its money goes back."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli import commands, render
from app.cli.parser import UsageError, approval_of
from app.domain.messages import current_language
from app.domain.messages import render as render_message
from app.services import chain_sales, partial_refunds, walk_in_refunds
from app.services.context import CounterContext
from app.services.security import Actor

Result = dict[str, Any]


def request_of(specs: list[str]) -> dict[int, int]:
    """``N=QTY`` (N from 1) → {line index from 0: quantity}; a line named twice adds up."""
    out: dict[int, int] = {}
    for spec in specs:
        n, sep, qty = spec.partition("=")
        try:
            line, quantity = int(n), int(qty)
        except ValueError:
            raise UsageError(f"--line takes N=QTY (e.g. --line 2=1), not {spec!r}") from None
        if not sep or line < 1 or quantity < 1:
            raise UsageError(f"--line takes N=QTY with N and QTY from 1, not {spec!r}")
        out[line - 1] = out.get(line - 1, 0) + quantity
    return out


def do_refund(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    if args.show:
        if args.line or args.reason is not None:
            raise UsageError("--show refunds nothing: it takes no --line or --reason")
        left = partial_refunds.refundable(ctx, args.txn_id)
        return {"txn_id": args.txn_id, "refundable": [
            {"line": x.line_no + 1, "item": x.item_code, "name": x.name, "sold": x.sold,
             "left": x.left, "paid": render.yuan(x.due_fen)} for x in left]}  # fmt: skip
    if not args.line:
        if args.reason is not None:  # an amount-only walk-in sale: all of it, with a reason
            r = walk_in_refunds.refund(ctx, actor, args.txn_id, args.reason, approval_of(args))
            return result(r)
        return commands.do_refund(ctx, actor, args)
    r = partial_refunds.refund(ctx, actor, args.txn_id, request_of(args.line), args.reason,
                               approval_of(args))  # fmt: skip
    return result(r)


def _line(x: partial_refunds.RefundedLine) -> Result:
    return {
        "line": x.line_no + 1,
        "item": x.item_code,
        "name": x.name,
        "quantity": x.quantity,
        "left": x.left,
        "value": render.yuan(x.value_fen),
        "money": render.yuan(x.money_fen),
        "points_restored": x.points_used,
        "points_clawed_back": x.points_earned,
    }


def result(r: partial_refunds.PartialRefundResult) -> Result:
    return {
        "txn_id": r.txn_id,
        "original_txn_id": r.original_txn_id,
        "kind": "refund",
        "walk_in": r.member_id is None,
        "member_id": r.member_id,
        "reason": r.reason,
        "lines": [_line(x) for x in r.lines],
        "money_back": [{"method": m, "amount": render.yuan(f)} for m, f in r.money_back],
        "money": render.yuan(r.money_fen),
        "points_restored": r.points_restored,
        "points_clawed_back": r.points_clawed_back,
        "points_shortfall": r.points_shortfall,
        "all_refunded": r.all_refunded,
        "approved_by": r.approved_by,
        "stored_value": render.stored_value(r.principal_fen, r.bonus_fen),
        "points": r.points,
        "tier": r.tier,
    }


def _policy(value: str) -> Result:
    return {"policy": value, "means": render_message(f"foreign_refund_policy_{value}")}


def policy_show(ctx: CounterContext, _actor: Actor, _args: argparse.Namespace) -> Result:
    return _policy(chain_sales.policy(ctx))


def policy_set(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return _policy(chain_sales.set_policy(ctx, actor, args.policy))


def policy_lines(data: Result) -> list[str]:
    return [f"{data['policy']}  {data['means']}"]


def reasons_list(ctx: CounterContext, _actor: Actor, _args: argparse.Namespace) -> Result:
    return {"reasons": list(partial_refunds.reasons(ctx))}


def reasons_add(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {"reasons": list(partial_refunds.add_reason(ctx, actor, args.reason))}


def reasons_remove(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {"reasons": list(partial_refunds.remove_reason(ctx, actor, args.reason))}


_L = {
    "zh": {"refund": "退货成功", "walk_in": "散客", "reason": "原因", "line": "第{n}行",
           "left": "剩余可退", "all": "本单已全部退完", "approved": "授权"},
    "en": {"refund": "Refunded", "walk_in": "walk-in", "reason": "reason", "line": "line {n}",
           "left": "left", "all": "every line refunded", "approved": "approved by"},
}  # fmt: skip


def _t(key: str) -> str:
    return _L[current_language()][key]


def refund_lines(data: Result) -> list[str]:
    if "refundable" in data:
        return [f"{x['line']}. {x['item']} {x['name']} × {x['sold']}  "
                f"{render._cny(x['paid'])}  {_t('left')} {x['left']}"
                for x in data["refundable"]]  # fmt: skip
    if "lines" not in data:  # the whole refund of an amount checkout or a top-up
        return render.refund_lines(data)
    back = ", ".join(f"{render._method(m['method'])} {render._cny(m['amount'])}"
                     for m in data["money_back"])  # fmt: skip
    who = _t("walk_in") if data["walk_in"] else data["member_id"]
    out = [f"{_t('refund')}  {who}  {render._label('back')} {back or '-'}  "
           f"{_t('reason')} {data['reason']}"]  # fmt: skip
    for x in data["lines"]:
        out.append(f"  {_t('line').format(n=x['line'])} {x['item']} {x['name']} × {x['quantity']}"
                   f"  {render._cny(x['value'])}  {_t('left')} {x['left']}")  # fmt: skip
    if not data["walk_in"]:
        points = f"{render._label('points')} {data['points']}"
        out.append(f"  {render._label('restored')} {data['points_restored']}"
                   f"  {render._label('clawed')} {data['points_clawed_back']}"
                   f"  {render._balance(data)}  {points}")  # fmt: skip
    if data["all_refunded"]:
        out.append(f"  {_t('all')}")
    out.append(f"  {_t('approved')} {data['approved_by']}  {render._label('txn')} {data['txn_id']}")
    return out


def reasons_lines(data: Result) -> list[str]:
    return [f"{i}. {r}" for i, r in enumerate(data["reasons"], 1)]


HANDLERS = {
    ("refund", None): do_refund,
    ("refund-reasons", "list"): reasons_list,
    ("refund-reasons", "add"): reasons_add,
    ("refund-reasons", "remove"): reasons_remove,
    ("refund-policy", "show"): policy_show,
    ("refund-policy", "set"): policy_set,
}
TEXT_RENDERERS = {
    ("refund", None): refund_lines,
    **dict.fromkeys(
        [("refund-reasons", "list"), ("refund-reasons", "add"), ("refund-reasons", "remove")],
        reasons_lines,
    ),
    ("refund-policy", "show"): policy_lines,
    ("refund-policy", "set"): policy_lines,
}
