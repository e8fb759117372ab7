"""Arguments of ``lifecycle recompute|show|stages`` (members' stages and RFM, 生命周期)."""

from __future__ import annotations

import argparse

SubParsers = argparse._SubParsersAction


def add_parsers(sub: SubParsers, parser_class: type) -> None:
    lp = sub.add_parser("lifecycle", help="members' lifecycle stages and RFM scores (生命周期)")
    ls = lp.add_subparsers(dest="action", required=True, parser_class=parser_class)
    ls.add_parser("recompute", help="judge every member now (the day close does it too)")
    p = ls.add_parser("show", help="one member's stage, RFM scores and stage history")
    p.add_argument("member", metavar="QUERY", help="phone, card number or member id")
    ls.add_parser("stages", help="members in each stage (last recompute) and the RFM edges")
