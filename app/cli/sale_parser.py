"""The ``checkout`` arguments of a sale with goods or to a walk-in customer (app.cli.sale)."""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The checkout parser's arguments for goods and walk-in customers."""
    p.add_argument("--item", action="append", metavar="CODE=QTY",
                   help="an item (code or barcode) and its quantity, repeatable")  # fmt: skip
    p.add_argument("--price", action="append", metavar="CODE=YUAN",
                   help="改价: a new unit price for an item of the cart, repeatable")  # fmt: skip
    p.add_argument("--order-discount", metavar="10%|5.00", help="整单折扣: a percentage or yuan")
    p.add_argument("--round", choices=("jiao", "yuan"), help="抹零: round down to the jiao/yuan")
    p.add_argument("--walk-in", action="store_true", help="散客: no member")
    p.add_argument("--coupon", action="append", metavar="CODE",
                   help="a coupon code (券码) to use, repeatable")  # fmt: skip
    p.add_argument("--held", type=int, metavar="N",
                   help="取单: pay held cart N as it was held (see hold list)")  # fmt: skip
