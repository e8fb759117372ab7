"""Arguments of a cart sale's partial refund (``refund TXN --line N=QTY --reason R``) and of
the store's refund reasons (``refund-reasons list|add|remove``) and how another store's sale
refunded here pays money back (``refund-policy show|set original|cash``)."""

from __future__ import annotations

import argparse

SubParsers = argparse._SubParsersAction


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The refund parser's arguments for a cart sale's lines (app.cli.refund)."""
    p.add_argument(
        "--line",
        action="append",
        metavar="N=QTY",
        help="退货: line N of the sale (from 1) and the quantity, repeatable",
    )
    p.add_argument(
        "--reason",
        help="the refund reason (one of refund-reasons list); alone, without --line, refunds "
        "an amount-only walk-in sale whole",
    )
    p.add_argument(
        "--show", action="store_true", help="list the sale's lines and what is left; refund none"
    )


def add_parsers(sub: SubParsers, parser_class: type) -> None:
    reasons = sub.add_parser("refund-reasons", help="the store's refund reasons").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    reasons.add_parser("list")
    for name in ("add", "remove"):
        reasons.add_parser(name, help=f"{name} a reason (manager)").add_argument("reason")
    policy = sub.add_parser(
        "refund-policy", help="how a sale of another store refunded here pays money back"
    ).add_subparsers(dest="action", required=True, parser_class=parser_class)
    policy.add_parser("show")
    policy_set = policy.add_parser(
        "set", help="original: by its tenders; cash: all but stored value as cash (manager)"
    )
    policy_set.add_argument("policy", choices=("original", "cash"))
