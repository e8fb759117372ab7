"""``checkout`` with goods or for a walk-in customer (散客): ``--item CODE=QTY`` (repeatable,
an item code or a barcode), ``--price CODE=YUAN`` (改价), ``--order-discount 10%|5.00``
(整单折扣), ``--round jiao|yuan`` (抹零), ``--walk-in`` with no member; a manager approves
beyond the cashier's limits with ``--approve-by``/``--approve-pin``. Without ``--item`` and
``--walk-in`` it is the amount-only checkout of a member (app.cli.commands.do_checkout)."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import Any

from app.cli import commands, render
from app.cli.held import _line as draft_line
from app.cli.parser import UsageError, approval_of
from app.domain.cart import OrderDiscount, PriceChange
from app.domain.held import DraftLine
from app.domain.messages import current_language
from app.domain.money import parse_yuan
from app.services import held, sale
from app.services.context import CounterContext
from app.services.security import Actor

Result = dict[str, Any]


def order_discount(text: str | None) -> OrderDiscount | None:
    if text is None:
        return None
    text = text.strip()
    if text.endswith("%"):
        try:
            percent = Decimal(text[:-1])
        except InvalidOperation:
            raise UsageError(f"--order-discount takes 10% or 5.00, not {text!r}") from None
        bp = percent * 100
        if bp != bp.to_integral_value() or not 0 < bp <= 10_000:
            raise UsageError(f"--order-discount takes a percentage from 0.01% to 100%: {text!r}")
        return OrderDiscount(percent_bp=int(bp))
    return OrderDiscount(amount_fen=parse_yuan(text))


def _prices(ctx: CounterContext, actor: Actor, specs: list[str] | None) -> dict[str, int]:
    out = {}
    for spec in specs or ():
        code, sep, unit = spec.partition("=")
        if not sep or not code.strip():
            raise UsageError(f"--price takes CODE=YUAN, not {spec!r}")
        item = draft_line(ctx, actor, f"{code.strip()}=1").item_code
        out[item] = parse_yuan(unit, allow_zero=True)
    return out


def _lines(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> list[DraftLine]:
    lines = [draft_line(ctx, actor, spec) for spec in args.item]
    prices = _prices(ctx, actor, args.price)
    unknown = set(prices) - {x.item_code for x in lines}
    if unknown:
        raise UsageError(f"--price names an item not in the cart: {', '.join(sorted(unknown))}")
    return [
        DraftLine(x.item_code, x.quantity, PriceChange(unit_fen=prices[x.item_code]))
        if x.item_code in prices
        else x
        for x in lines
    ]


def _sell_held(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    given = (args.query, args.item, args.walk_in, args.amount, args.price, args.order_discount,
             args.round)  # fmt: skip
    if any(given):
        raise UsageError("--held N sells the cart as it was held: it takes no member, --item, "
                         "--walk-in, --amount, --price, --order-discount or --round")  # fmt: skip
    draft = held.draft_of(ctx, actor, args.held)
    r = sale.sell(
        ctx,
        actor,
        list(draft.lines),
        member=draft.member_id,
        order_discount=draft.order_discount,
        rounding=draft.rounding,
        points=args.points,
        tenders=commands._tenders(args.tender),
        pay=args.pay,
        payment_password=args.payment_password,
        approval=approval_of(args),
        held_number=args.held,
    )
    return result(r)


def do_checkout(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    if args.coupon and not args.item:
        raise UsageError("--coupon goes with --item")
    if args.held is not None:
        return _sell_held(ctx, actor, args)
    goods = bool(args.item)
    if not goods and not args.walk_in:
        if args.price or args.order_discount or args.round:
            raise UsageError("--price, --order-discount and --round go with --item")
        if args.query is None or args.amount is None:
            raise UsageError("checkout takes a member and --amount, or --item, or --walk-in")
        args.pay = args.pay or "stored_value"
        return commands.do_checkout(ctx, actor, args)
    if args.walk_in and args.query is not None:
        raise UsageError("--walk-in takes no member")
    if not args.walk_in and args.query is None:
        raise UsageError("checkout --item takes a member, or --walk-in")
    tenders = commands._tenders(args.tender)
    if not goods:  # an amount-only walk-in sale
        if args.amount is None or args.price or args.order_discount or args.round:
            raise UsageError("checkout --walk-in takes --amount, or --item")
        r = sale.walk_in(ctx, actor, parse_yuan(args.amount), tenders=tenders,
                         pay=args.pay or "cash")  # fmt: skip
        return result(r)
    if args.amount is not None:
        raise UsageError("--amount and --item do not go together")
    r = sale.sell(
        ctx,
        actor,
        _lines(ctx, actor, args),
        member=args.query,
        order_discount=order_discount(args.order_discount),
        rounding=args.round or "none",
        points=args.points,
        tenders=tenders,
        pay=args.pay,
        payment_password=args.payment_password,
        approval=approval_of(args),
        coupons=tuple(args.coupon or ()),
    )
    return result(r)


def _why(line: Any) -> list[str]:
    return [step.kind for step in line.why[1:]]


def result(r: sale.SaleResult) -> Result:
    lines = []
    if r.cart is not None:
        for name, line in zip(r.names, r.cart.lines, strict=True):
            lines.append({
                "item": line.item_code, "name": name, "quantity": line.quantity,
                "list": render.yuan(line.list_fen), "price": render.yuan(line.after_round_fen),
                "due": render.yuan(line.due_fen), "why": _why(line),
            })  # fmt: skip
    return {
        "txn_id": r.txn_id,
        "walk_in": r.member_id is None,
        "member_id": r.member_id,
        "lines": lines,
        **commands.sale_money(r),
        "approved_by": r.approved_by,
        "tier": r.tier,
        "stored_value": render.stored_value(r.principal_fen, r.bonus_fen),
        "points": r.points,
    }


_L = {
    "zh": {"sale": "销售成功", "walk_in": "散客", "approved": "授权", "earned": "本次积分",
           "list": "原价", "due": "应付"},
    "en": {"sale": "Sold", "walk_in": "walk-in", "approved": "approved by", "earned": "points",
           "list": "list", "due": "due"},
}  # fmt: skip


def _t(key: str) -> str:
    return _L[current_language()][key]


def sale_lines(data: Result) -> list[str]:
    if "walk_in" not in data:  # the amount-only checkout of a member
        return render.checkout_lines(data)
    who = _t("walk_in") if data["walk_in"] else data["member_id"]
    out = [f"{_t('sale')}  {who}  {_t('due')} {render._cny(data['due'])}"]
    for x in data["lines"]:
        why = f"  ({', '.join(x['why'])})" if x["why"] else ""
        out.append(f"  {x['item']} {x['name']} × {x['quantity']}  {_t('list')} "
                   f"{render._cny(x['list'])} → {render._cny(x['price'])}{why}")  # fmt: skip
    paid = ", ".join(f"{render._method(t['method'])} {render._cny(t['amount'])}"
                     for t in data["tenders"])  # fmt: skip
    change = f"  {render._label('change')} {render._cny(data['change'])}"
    out.append(f"  {paid}" + (change if data["change"] != "0.00" else ""))
    if not data["walk_in"]:
        out.append(f"  {_t('earned')} +{data['points_earned']}  {render._balance(data)}")
    if data["approved_by"]:
        out.append(f"  {_t('approved')} {data['approved_by']}")
    out.append(f"  {render._label('txn')} {data['txn_id']}")
    return out


HANDLERS = {("checkout", None): do_checkout}
TEXT_RENDERERS = {("checkout", None): sale_lines}
