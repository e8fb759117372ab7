"""Arguments of the catalogue commands: ``item add|update|deactivate|import|list|show`` and
``category add|list``. Prices are yuan (12.50)."""

from __future__ import annotations

import argparse

SubParsers = argparse._SubParsersAction


def _item_fields(p: argparse.ArgumentParser, *, new: bool) -> None:
    p.add_argument("--name", required=new, help="the item's name (商品名称)")
    p.add_argument("--price", required=new, metavar="YUAN", help="the list price (零售价)")
    p.add_argument("--barcode", action="append", metavar="CODE",
                   help="EAN-13/EAN-8/UPC-A (check digit checked) or the store's own code; "
                   "repeatable")  # fmt: skip
    p.add_argument("--unit", help="e.g. 瓶, 件, 次 (default 件)")
    p.add_argument("--category", metavar="CODE", help="an existing category's code")
    p.add_argument("--member-price", metavar="YUAN", help="one member price for every member")
    p.add_argument("--tier-price", action="append", metavar="TIER=YUAN",
                   help="a member price for one tier, repeatable (e.g. gold=2.80)")  # fmt: skip
    p.add_argument("--no-points", dest="points", action="store_false", default=None,
                   help="the item earns no points")  # fmt: skip
    p.add_argument("--points", dest="points", action="store_true", help="the item earns points")
    p.add_argument("--service", dest="service", action="store_true", default=None,
                   help="a service item (for count cards)")  # fmt: skip


def add_parsers(sub: SubParsers, parser_class: type) -> None:
    item = sub.add_parser("item", help="the store's goods (商品)").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    p = item.add_parser("add", help="a new item (manager)")
    p.add_argument("code", help="the item code (货号): 1-32 letters, digits, - . _")
    _item_fields(p, new=True)
    p = item.add_parser("update", help="change an item; what is not given stays (manager)")
    p.add_argument("code")
    _item_fields(p, new=False)
    p.add_argument("--clear-barcodes", action="store_true", help="remove every barcode first")
    p = item.add_parser("deactivate", help="stop selling an item (its barcodes become free)")
    p.add_argument("code")
    p = item.add_parser(
        "import",
        help="items from .csv or .xlsx; a dry run unless --commit",
        description="Import items from a .csv (UTF-8 or GBK) or .xlsx file. Columns: 编码, "
        "名称, 售价 (required), 条码, 会员价, 单位, 分类, 积分, 服务. Without --commit it only "
        "reports each row; with --commit a file with a bad row imports nothing.",
    )
    p.add_argument("file")
    p.add_argument("--commit", action="store_true", help="write the items (default: dry run)")
    p.add_argument("--header-row", type=int, metavar="N",
                   help="the header is line N of the file (default: found by itself)")  # fmt: skip
    p = item.add_parser("list", help="items by code, name or pinyin initials")
    p.add_argument("query", nargs="?", default="", help="e.g. 1001, 可乐 or kkkl")
    p.add_argument("--all", dest="include_inactive", action="store_true",
                   help="inactive items too")  # fmt: skip
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    p = item.add_parser("show", help="one item by code or barcode")
    p.add_argument("code")

    cat = sub.add_parser("category", help="item categories (分类)").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    p = cat.add_parser("add", help="a new category (manager)")
    p.add_argument("code")
    p.add_argument("--name", required=True)
    p.add_argument("--points-multiplier", type=float, default=1.0, metavar="X",
                   help="its items' points multiplier (1: the store's rate, 0: none)")  # fmt: skip
    p = cat.add_parser("update", help="rename, change the multiplier, or deactivate")
    p.add_argument("code")
    p.add_argument("--name")
    p.add_argument("--points-multiplier", type=float, metavar="X")
    p.add_argument("--inactive", dest="active", action="store_false", default=None)
    p.add_argument("--active", dest="active", action="store_true")
    cat.add_parser("list")
