"""Arguments of the count-card commands: ``countcard product add|list`` and ``countcard
sell|use|refund|transfer|show|expire``. Prices are yuan (1000 or 88.50)."""

from __future__ import annotations

import argparse

from app.cli.parser import PAY_METHODS, _approval

SubParsers = argparse._SubParsersAction


def add_parsers(sub: SubParsers, parser_class: type) -> None:
    cc = sub.add_parser("countcard", help="count cards (次卡/套餐卡)").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    product = cc.add_parser("product", help="card products (manager)").add_subparsers(
        dest="product_action", required=True, parser_class=parser_class
    )
    p = product.add_parser("add", help="add or change a card product (manager)")
    p.add_argument("code", help="the product code, e.g. CAR12")
    p.add_argument("--name", required=True)
    p.add_argument("--item", action="append", required=True, metavar="CODE=TIMES[+GIFT]",
                   help="a service item and its times (plus gift times), repeatable: "
                   "WASH=10+2")  # fmt: skip
    p.add_argument("--price", required=True, metavar="YUAN")
    valid = p.add_mutually_exclusive_group(required=True)
    valid.add_argument("--days", type=int, help="valid this many days from the day of sale")
    valid.add_argument("--until", metavar="YYYY-MM-DD", help="valid until this date")
    p.add_argument("--store", action="append", metavar="CODE",
                   help="a store that honours it, repeatable (default: every store)")  # fmt: skip
    p.add_argument("--transferable", action="store_true", help="cards may pass to another member")
    p.add_argument("--inactive", action="store_true", help="no longer sold")
    p = product.add_parser("list", help="the card products")
    p.add_argument("--all", dest="include_inactive", action="store_true")

    p = cc.add_parser("sell", help="sell a card to a member (any tender)")
    p.add_argument("query", help="card number, phone or member id")
    p.add_argument("--product", required=True, metavar="CODE")
    p.add_argument("--pay", choices=PAY_METHODS, default="cash")
    p.add_argument("--tender", action="append", metavar="METHOD=YUAN",
                   help="split payment, repeatable")  # fmt: skip
    p.add_argument("--payment-password")
    p = cc.add_parser("use", help="a visit: one or more items, one or more times each")
    p.add_argument("query")
    p.add_argument("--item", action="append", required=True, metavar="CODE[=TIMES]",
                   help="repeatable: WASH=2 --item WAX")  # fmt: skip
    p.add_argument("--card", metavar="ID", help="the card (its id or a unique start of it)")
    p.add_argument("--payment-password")
    p = cc.add_parser("refund", help="refund the unused times (manager approval)")
    p.add_argument("query")
    p.add_argument("--card", metavar="ID")
    p.add_argument("--method", choices=PAY_METHODS, default="cash", help="how the money goes back")
    _approval(p)
    p = cc.add_parser("transfer", help="give a card to another member (manager approval)")
    p.add_argument("query")
    p.add_argument("--to", required=True, metavar="QUERY", help="the member receiving it")
    p.add_argument("--card", metavar="ID")
    _approval(p)
    p = cc.add_parser("show", help="a member's cards and the times left")
    p.add_argument("query")
    cc.add_parser("expire", help="end the cards past their last day (manager)")
