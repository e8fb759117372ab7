"""Arguments of ``hold add|list|discard`` (挂单)."""

from __future__ import annotations

import argparse

SubParsers = argparse._SubParsersAction


def add_parsers(sub: SubParsers, parser_class: type) -> None:
    hold = sub.add_parser("hold", help="held carts (挂单)").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    p = hold.add_parser("add", help="hold a cart to be recalled later")
    p.add_argument("--item", action="append", required=True, metavar="CODE=QTY",
                   help="an item (code or barcode) and its quantity, repeatable")  # fmt: skip
    p.add_argument("--member", metavar="QUERY", help="card, phone or member id (none: 散客)")
    p.add_argument("--note", help="a word to find it again by (e.g. 穿红衣服的)")
    hold.add_parser("list", help="the held carts waiting to be recalled")
    p = hold.add_parser("discard", help="作废: the customer left")
    p.add_argument("number", type=int)
    p.add_argument("--reason", required=True)
