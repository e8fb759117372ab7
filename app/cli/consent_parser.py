"""Arguments of ``consent grant|withdraw|show|export`` (the consent ledger, 同意记录)."""

from __future__ import annotations

import argparse

from app.domain.consent import CHANNELS, PURPOSES, SOURCES

SubParsers = argparse._SubParsersAction


def add_parsers(sub: SubParsers, parser_class: type) -> None:
    cp = sub.add_parser("consent", help="members' consent to be contacted (同意记录)")
    cs = cp.add_subparsers(dest="action", required=True, parser_class=parser_class)
    p = cs.add_parser("grant", help="record that the member agreed (the wording read to them)")
    p.add_argument("member", metavar="QUERY", help="phone, card number or member id")
    p.add_argument("--purpose", choices=PURPOSES, required=True)
    p.add_argument("--channel", choices=CHANNELS, required=True)
    p.add_argument("--wording", metavar="VERSION", help="the wording shown (default: current)")
    p.add_argument("--source", choices=[s for s in SOURCES if s != "registration"],
                   default="counter")  # fmt: skip
    p = cs.add_parser("withdraw", help="record that the member withdrew (in effect at once)")
    p.add_argument("member", metavar="QUERY", help="phone, card number or member id")
    p.add_argument("--purpose", choices=PURPOSES, required=True)
    p.add_argument("--channel", choices=CHANNELS, required=True)
    p.add_argument("--source", choices=[s for s in SOURCES if s != "registration"],
                   default="request")  # fmt: skip
    p = cs.add_parser("show", help="the member's consent now and its history")
    p.add_argument("member", metavar="QUERY", help="phone, card number or member id")
    p = cs.add_parser("export", help="every entry with its wording, phones masked (manager)")
    p.add_argument("--out", metavar="FILE", required=True, help=".xlsx or .csv")
