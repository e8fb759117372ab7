"""The count-card commands' handlers and their text (Chinese, or English with --lang en)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from app.cli import render
from app.cli.commands import _tenders
from app.cli.parser import UsageError, approval_of
from app.domain.messages import current_language
from app.domain.money import parse_yuan
from app.services import countcard_products, countcards
from app.services.context import CounterContext
from app.services.security import Actor

Result = dict[str, Any]


def _item_spec(spec: str, *, gifts: bool) -> tuple[str, int, int]:
    code, sep, times = spec.partition("=")
    if not code.strip() or (gifts and not sep):
        raise UsageError(f"--item takes CODE=TIMES{'[+GIFT]' if gifts else ''}, not {spec!r}")
    paid, _plus, gift = (times or "1").partition("+")
    try:
        return code.strip(), int(paid), int(gift or 0)
    except ValueError:
        raise UsageError(f"--item takes whole numbers of times, not {spec!r}") from None


def _product(v: countcard_products.ProductView) -> Result:
    d = v.as_dict()
    d["price"] = render.yuan(d.pop("price_fen"))
    return d


def _card(v: countcards.CardView) -> Result:
    d = v.as_dict()
    for k in ("price_paid", "recognised", "refunded", "breakage", "liability"):
        d[k] = render.yuan(d.pop(f"{k}_fen"))
    return d


def _result(r: countcards.CardResult, event: str) -> Result:
    return {
        "event": event,
        "txn_id": r.txn_id,
        "value": render.yuan(r.value_fen),
        "taken": [{"item": i, "paid": p, "gift": g} for i, p, g in r.taken],
        "tenders": [
            {"method": m, "amount": render.yuan(a), "change": render.yuan(c)}
            for m, a, c in r.tenders
        ],
        "card": _card(r.card),
    }


def product(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    if args.product_action == "list":
        views = countcard_products.list_products(ctx, actor, include_inactive=args.include_inactive)
        return {"products": [_product(v) for v in views]}
    until = None
    if args.until:
        try:
            until = dt.date.fromisoformat(args.until)
        except ValueError:
            raise UsageError(f"--until takes YYYY-MM-DD, not {args.until!r}") from None
    view = countcard_products.save_product(
        ctx, actor, code=args.code, name=args.name,
        items=[_item_spec(s, gifts=True) for s in args.item],
        price_fen=parse_yuan(args.price, allow_zero=True), validity_days=args.days,
        end_date=until, stores=args.store, transferable=args.transferable,
        active=not args.inactive,
    )  # fmt: skip
    return {"event": "saved", "products": [_product(view)]}


def sell(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    r = countcards.sell(ctx, actor, args.query, args.product, tenders=_tenders(args.tender),
                        pay=args.pay, payment_password=args.payment_password)  # fmt: skip
    return _result(r, "sold")


def use(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    uses: dict[str, int] = {}
    for spec in args.item:
        code, n, _gift = _item_spec(spec, gifts=False)
        uses[code] = uses.get(code, 0) + n
    r = countcards.use(ctx, actor, args.query, uses, card_id=args.card,
                       payment_password=args.payment_password)  # fmt: skip
    return _result(r, "used")


def refund(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    r = countcards.refund(ctx, actor, args.query, card_id=args.card, method=args.method,
                          approval=approval_of(args))  # fmt: skip
    return _result(r, "refunded")


def transfer(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    r = countcards.transfer(ctx, actor, args.query, args.to, card_id=args.card,
                            approval=approval_of(args))  # fmt: skip
    return _result(r, "transferred")


def show(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {"cards": [_card(v) for v in countcards.show(ctx, actor, args.query)]}


def expire(ctx: CounterContext, actor: Actor, _args: argparse.Namespace) -> Result:
    return {"expired": [_result(r, "expired") for r in countcards.expire_due(ctx, actor)]}


HANDLERS = {
    ("countcard", "product"): product,
    ("countcard", "sell"): sell,
    ("countcard", "use"): use,
    ("countcard", "refund"): refund,
    ("countcard", "transfer"): transfer,
    ("countcard", "show"): show,
    ("countcard", "expire"): expire,
}

_L = {
    "zh": {
        "saved": "已保存次卡产品", "products": "次卡产品", "sold": "已售出次卡",
        "used": "已使用次卡", "refunded": "已退卡", "transferred": "已转让次卡",
        "expired": "已过期", "left": "剩余", "until": "有效期至", "value": "核销",
        "refund": "退卡金额", "times": "次", "none": "(无)", "transferable": "可转让",
        "all_stores": "全部门店", "cards": "次卡", "liability": "未消费",
    },
    "en": {
        "saved": "Card product saved", "products": "Card products", "sold": "Card sold",
        "used": "Card used", "refunded": "Card refunded", "transferred": "Card transferred",
        "expired": "Expired", "left": "left", "until": "valid until", "value": "recognised",
        "refund": "refund", "times": "times", "none": "(none)", "transferable": "transferable",
        "all_stores": "every store", "cards": "Count cards", "liability": "unused value",
    },
}  # fmt: skip


def _t(key: str) -> str:
    return _L[current_language()][key]


def _left(card: Result) -> str:
    return ", ".join(f"{item} {n} {_t('times')}" for item, n in card["left"].items())


def card_lines(card: Result) -> list[str]:
    return [
        f"  {card['card_id']}  {card['name']} ({card['product_code']})  {card['status']}",
        f"    {_t('left')}: {_left(card)}  {_t('until')} {card['valid_until']}  "
        f"{_t('liability')} {render._cny(card['liability'])}",
    ]


def result_lines(d: Result) -> list[str]:
    head = f"{_t(d['event'])}  {d['txn_id']}"
    if d["event"] == "used":
        head += f"  {_t('value')} {render._cny(d['value'])}"
    elif d["event"] == "refunded":
        head += f"  {_t('refund')} {render._cny(d['value'])}"
    return [head, *card_lines(d["card"])]


def product_lines(d: Result) -> list[str]:
    lines = [_t(d.get("event", "products"))]
    for p in d["products"]:
        items = ", ".join(f"{i['item_code']} {i['times']}" + (f"+{i['gift_times']}"
                          if i["gift_times"] else "") for i in p["items"])  # fmt: skip
        valid = f"{p['validity_days']}d" if p["validity_days"] else p["end_date"]
        stores = ",".join(p["stores"]) if p["stores"] is not None else _t("all_stores")
        extra = f"  {_t('transferable')}" if p["transferable"] else ""
        lines.append(f"  {p['code']}  {p['name']}  {render._cny(p['price'])}  {items}  {valid}"
                     f"  {stores}{extra}")  # fmt: skip
    return lines


def show_lines(d: Result) -> list[str]:
    lines = [_t("cards")]
    for c in d["cards"]:
        lines += card_lines(c)
    return lines if d["cards"] else [*lines, f"  {_t('none')}"]


def expire_lines(d: Result) -> list[str]:
    return [line for r in d["expired"] for line in result_lines(r)] or [_t("none")]


TEXT_RENDERERS = {
    ("countcard", "product"): product_lines,
    ("countcard", "sell"): result_lines,
    ("countcard", "use"): result_lines,
    ("countcard", "refund"): result_lines,
    ("countcard", "transfer"): result_lines,
    ("countcard", "show"): show_lines,
    ("countcard", "expire"): expire_lines,
}
