"""Arguments of ``tag define|list|add|remove`` (member tags, 会员标签)."""

from __future__ import annotations

import argparse

from app.domain.tags import COLOURS, RULES

SubParsers = argparse._SubParsersAction


def add_parsers(sub: SubParsers, parser_class: type) -> None:
    tp = sub.add_parser("tag", help="member tags (会员标签)").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    p = tp.add_parser("define", help="make or change a tag (manager)")
    p.add_argument("code", help="letters, digits and _ (e.g. VIP)")
    p.add_argument("--name", required=True, help="what the window shows (e.g. 重要客户)")
    p.add_argument("--colour", choices=COLOURS, default="grey")
    p.add_argument("--rule", choices=RULES,
                   help="a rule tag: held while the rule does (never set by hand)")  # fmt: skip
    p.add_argument("--amount", metavar="YUAN", help="spend_12m, low_balance: the amount")
    p.add_argument("--days", type=int, help="dormant: days without a visit")
    p.add_argument("--managers-only", action="store_true",
                   help="a manual tag only a manager may set or take off")  # fmt: skip
    p.add_argument("--inactive", action="store_true", help="no longer set on members")
    p = tp.add_parser("list", help="the tags; a member's tags; the members with a tag")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--member", metavar="PHONE|CARD", help="this member's tags now")
    who.add_argument("--tag", metavar="CODE", help="the members who have this tag now")
    p.add_argument("--out", metavar="FILE", help="with --tag: write them to .xlsx or .csv")
    p.add_argument("--all", dest="include_inactive", action="store_true")
    for verb, text in (("add", "put a manual tag on a member"),
                       ("remove", "take a manual tag off a member")):  # fmt: skip
        p = tp.add_parser(verb, help=text)
        p.add_argument("member", metavar="PHONE|CARD")
        p.add_argument("code", metavar="TAG")
