"""Arguments of ``ticket open|update|list|show|report`` (service tickets, 服务工单)."""

from __future__ import annotations

import argparse

from app.domain.tickets import KINDS, PRIORITIES, STATUSES

SubParsers = argparse._SubParsersAction


def _satisfaction(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 5:
        raise argparse.ArgumentTypeError("1 to 5")
    return int(text)


def add_parsers(sub: SubParsers, parser_class: type) -> None:
    tp = sub.add_parser("ticket", help="service tickets (服务工单)").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    p = tp.add_parser("open", help="open a ticket for a member at this store")
    p.add_argument("member", metavar="PHONE|CARD")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("--priority", choices=PRIORITIES, default="normal",
                   help="its SLA: urgent 4 h, high 24 h, normal 72 h, low 7 days")  # fmt: skip
    p.add_argument("--subject", required=True)
    p.add_argument("--body")
    p = tp.add_parser("update", help="move, assign, resolve, note, satisfaction")
    p.add_argument("number", metavar="NUMBER", help="e.g. T-S001-7F3A-000001")
    p.add_argument("--status", choices=STATUSES,
                   help="resolved needs --resolution; in_progress reopens")  # fmt: skip
    p.add_argument("--assign", metavar="STAFF_NO")
    p.add_argument("--note", help="a follow-up note")
    p.add_argument("--resolution")
    p.add_argument("--satisfaction", type=_satisfaction, metavar="1-5",
                   help="the member's, once resolved or closed")  # fmt: skip
    p = tp.add_parser("list", help="tickets, the newest first")
    p.add_argument("--member", metavar="PHONE|CARD")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--overdue", action="store_true", help="still open past their due time")
    p.add_argument("--store", metavar="CODE", help="opened at this store")
    p = tp.add_parser("show", help="a ticket with its history")
    p.add_argument("number", metavar="NUMBER")
    tp.add_parser("report", help="counts and time to resolve by kind and store (manager)")
