"""The catalogue commands' handlers and their text (Chinese, or English with --lang en)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli import render
from app.cli.parser import UsageError
from app.domain.catalogue import ALL_MEMBERS
from app.domain.messages import current_language
from app.domain.money import parse_yuan
from app.services import catalogue, catalogue_import
from app.services.context import CounterContext
from app.services.security import Actor

Result = dict[str, Any]


def _item(view: catalogue.ItemView) -> Result:
    d = view.as_dict()
    d["price"] = render.yuan(d.pop("price_fen"))
    d["member_prices"] = {k: render.yuan(v) for k, v in d["member_prices"].items()}
    return d


def _permille(x: float | None) -> int | None:
    if x is None:
        return None
    if not (0 <= x <= 10):
        raise UsageError("--points-multiplier takes 0 to 10")
    return round(x * 1000)


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if args.name is not None:
        out["name"] = args.name
    if args.price is not None:
        out["price_fen"] = parse_yuan(args.price, allow_zero=True)
    if args.unit is not None:
        out["unit"] = args.unit
    if args.category is not None:
        out["category"] = args.category or None
    prices: dict[str, int] = {}
    if args.member_price is not None:
        prices[ALL_MEMBERS] = parse_yuan(args.member_price, allow_zero=True)
    for spec in args.tier_price or ():
        tier, sep, yuan = spec.partition("=")
        if not sep or not tier.strip():
            raise UsageError(f"--tier-price takes TIER=YUAN, not {spec!r}")
        prices[tier.strip()] = parse_yuan(yuan, allow_zero=True)
    if prices:
        out["member_prices"] = prices
    if args.points is not None:
        out["points_eligible"] = args.points
    if args.service is not None:
        out["service"] = args.service
    return out


def item_add(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    fields = _fields(args)
    view = catalogue.add_item(ctx, actor, code=args.code, barcodes=args.barcode or (), **fields)
    return {"event": "added", **_item(view)}


def item_update(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    fields = _fields(args)
    if args.clear_barcodes or args.barcode:
        current = (
            []
            if args.clear_barcodes
            else list(catalogue.show_item(ctx, actor, args.code).item.barcodes)
        )
        fields["barcodes"] = current + list(args.barcode or ())
    if not fields:
        raise UsageError("item update: give something to change (e.g. --price 3.50)")
    return {"event": "updated", **_item(catalogue.update_item(ctx, actor, args.code, **fields))}


def item_deactivate(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {"event": "deactivated", **_item(catalogue.deactivate_item(ctx, actor, args.code))}


def item_show(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {"event": "item", **_item(catalogue.show_item(ctx, actor, args.code))}


def item_list(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    page = catalogue.search_items(ctx, actor, args.query, include_inactive=args.include_inactive,
                                  limit=args.limit, offset=args.offset)  # fmt: skip
    return {"total": page.total, "items": [_item(v) for v in page.items]}


def item_import(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    try:
        report = catalogue_import.import_items(
            ctx, actor, Path(args.file), commit=args.commit, header_row=args.header_row
        )
    except catalogue_import.ItemImportRefusedError as exc:
        for line in import_lines(_report(exc.report), errors_only=True):
            print(line, file=sys.stderr)
        raise
    return _report(report)


def _report(report: catalogue_import.ItemImportReport) -> Result:
    d = report.as_dict()
    for r in d["rows"]:
        r["price"] = render.yuan(r.pop("price_fen"))
    return d


def _category(c: Any) -> Result:
    return c.to_dict()


def category_add(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    multiplier = _permille(args.points_multiplier)
    c = catalogue.save_category(
        ctx, actor, args.code, name=args.name, new=True, points_multiplier_permille=multiplier
    )
    return {"event": "added", "categories": [_category(c)]}


def category_update(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    c = catalogue.save_category(ctx, actor, args.code, name=args.name, active=args.active,
                                points_multiplier_permille=_permille(args.points_multiplier),
                                new=False)  # fmt: skip
    return {"event": "updated", "categories": [_category(c)]}


def category_list(ctx: CounterContext, actor: Actor, _args: argparse.Namespace) -> Result:
    return {"categories": [_category(c) for c in catalogue.list_categories(ctx, actor)]}


HANDLERS = {
    ("item", "add"): item_add,
    ("item", "update"): item_update,
    ("item", "deactivate"): item_deactivate,
    ("item", "import"): item_import,
    ("item", "list"): item_list,
    ("item", "show"): item_show,
    ("category", "add"): category_add,
    ("category", "update"): category_update,
    ("category", "list"): category_list,
}

# -- text ------------------------------------------------------------------------------------
_L = {
    "zh": {
        "added": "已添加商品", "updated": "已修改商品", "deactivated": "已停售商品", "item": "商品",
        "code": "编码", "price": "零售价", "member_price": "会员价", "barcodes": "条码",
        "unit": "单位", "category": "分类", "points": "积分", "yes": "是", "no": "否",
        "service": "服务项目", "inactive": "(已停售)", "total": "共 {n} 个商品",
        "import": "导入商品", "dry_run": "试运行(未写入;加 --commit 写入)", "done": "已导入",
        "line": "第 {n} 行", "create": "新增", "error": "错误", "multiplier": "积分倍数",
        "categories": "分类", "cat_added": "已添加分类", "cat_updated": "已修改分类",
        "initials": "拼音首字母", "all": "全体会员",
    },
    "en": {
        "added": "Item added", "updated": "Item changed", "deactivated": "Item deactivated",
        "item": "Item", "code": "code", "price": "price", "member_price": "member price",
        "barcodes": "barcodes", "unit": "unit", "category": "category", "points": "points",
        "yes": "yes", "no": "no", "service": "service item", "inactive": "(inactive)",
        "total": "{n} item(s)", "import": "Item import",
        "dry_run": "dry run (nothing written; --commit writes)", "done": "Imported",
        "line": "line {n}", "create": "new", "error": "error", "multiplier": "points x",
        "categories": "Categories", "cat_added": "Category added",
        "cat_updated": "Category changed", "initials": "initials", "all": "every member",
    },
}  # fmt: skip
_L["zh"]["update"] = "更新"
_L["en"]["update"] = "update"


def _t(key: str) -> str:
    return _L[current_language()][key]


def _c(text: str) -> str:
    return render._cny(text)


def _prices(d: Result) -> str:
    return ", ".join(
        f"{_t('all') if k == ALL_MEMBERS else k} {_c(v)}" for k, v in d["member_prices"].items()
    )


def item_lines(d: Result) -> list[str]:
    head = _t(d.get("event", "item"))
    lines = [f"{head}: {d['code']} {d['name']}" + ("" if d["active"] else f" {_t('inactive')}")]
    member = f"  {_t('member_price')} {_prices(d)}" if d["member_prices"] else ""
    lines.append(f"  {_t('price')} {_c(d['price'])}/{d['unit']}{member}")
    lines.append(f"  {_t('barcodes')} {', '.join(d['barcodes']) or '-'}")
    cat = d["category"] and f"{d['category']} {d['category_name'] or ''}".strip()
    lines.append(f"  {_t('category')} {cat or '-'}  {_t('points')} "
                 f"{_t('yes') if d['points_eligible'] else _t('no')}"
                 f" (x{d['points_multiplier_permille'] / 1000:g})"
                 + (f"  {_t('service')}" if d["service"] else ""))  # fmt: skip
    lines.append(f"  {_t('initials')} {d['initials'] or '-'}")
    return lines


def list_lines(d: Result) -> list[str]:
    lines = [_t("total").format(n=d["total"])]
    for i in d["items"]:
        lines.append(f"  {i['code']}  {i['name']}  {_c(i['price'])}/{i['unit']}  "
                     f"{', '.join(i['barcodes']) or '-'}"
                     + ("" if i["active"] else f"  {_t('inactive')}"))  # fmt: skip
    return lines


def import_lines(d: Result, errors_only: bool = False) -> list[str]:
    title = _t("dry_run") if d["dry_run"] else (_t("done") if d["imported"] else "")
    lines = [] if errors_only else [f"{_t('import')} {d['file']} ({d['encoding']})  {title}"]
    for r in d["rows"]:
        if errors_only and r["action"] != "error":
            continue
        if r["action"] != "error" and len(d["rows"]) > 200:
            continue
        lines.append(f"  {_t('line').format(n=r['line'])}  {_t(r['action'])}  {r['code']} "
                     f"{r['name']}" + (f"  {r['message']}" if r["message"] else
                                        f"  {_c(r['price'])}"))  # fmt: skip
    if not errors_only:
        lines.append("  " + "  ".join(f"{_t(k)} {v}" for k, v in d["counts"].items()))
    return lines


def category_lines(d: Result) -> list[str]:
    head = {"added": _t("cat_added"), "updated": _t("cat_updated")}.get(
        d.get("event", ""), _t("categories")
    )
    lines = [head]
    for c in d["categories"]:
        lines.append(f"  {c['code']}  {c['name']}  {_t('multiplier')} "
                     f"{c['points_multiplier_permille'] / 1000:g}"
                     + ("" if c["active"] else f"  {_t('inactive')}"))  # fmt: skip
    return lines


TEXT_RENDERERS = {
    ("item", "add"): item_lines,
    ("item", "update"): item_lines,
    ("item", "deactivate"): item_lines,
    ("item", "show"): item_lines,
    ("item", "list"): list_lines,
    ("item", "import"): import_lines,
    ("category", "add"): category_lines,
    ("category", "update"): category_lines,
    ("category", "list"): category_lines,
}
