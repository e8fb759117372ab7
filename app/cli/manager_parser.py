"""Arguments of the manager's-day commands: shifts, daily close, reports, import, export."""

from __future__ import annotations

import argparse

from app.services.import_columns import FIELDS as IMPORT_FIELDS

SubParsers = argparse._SubParsersAction


def add_parsers(sub: SubParsers, audit: SubParsers, parser_class: type) -> None:
    p = sub.add_parser("close-day", help="daily close (日结): store the Z report, lock the date")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="business date (default: today)")

    shift = sub.add_parser("shift", help="cashier shifts (交班)").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    p = shift.add_parser("open", help="open your shift with a cash float")
    p.add_argument("--float", dest="float_yuan", required=True, metavar="YUAN")
    p = shift.add_parser("count", help="blind count of the drawer (a total or by denomination)")
    p.add_argument("--total", metavar="YUAN")
    p.add_argument(
        "--denom",
        action="append",
        metavar="FACE=PIECES",
        help="pieces of a note or coin, repeatable (e.g. --denom 100=12 --denom 0.5=3)",
    )
    p.add_argument("--shift", dest="shift_id", metavar="ID", help="another cashier's shift")
    p.add_argument("--approve-by", metavar="NO", help="a manager approving a recount")
    p.add_argument("--approve-pin", metavar="PIN")
    p = shift.add_parser("close", help="hand over: expected cash and over/short")
    p.add_argument("--reason", help="why the count differs (needed when it does)")
    p.add_argument("--shift", dest="shift_id", metavar="ID", help="another cashier's shift")
    shift.add_parser("status", help="your shift that is not closed yet")

    report = sub.add_parser("report", help="X, Z and range reports").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    p = report.add_parser("z", help="the Z report of a date (stored if closed, else a preview)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="business date (default: today)")
    p.add_argument("--out", metavar="FILE", help="also write it to a .xlsx or .csv file")
    p = report.add_parser("x", help="the X report of open shifts (changes nothing)")
    p.add_argument("--shift", dest="shift_id", metavar="ID")
    p.add_argument("--cashier", metavar="NO", help="only this cashier's shift")
    p.add_argument("--out", metavar="FILE", help="also write it to a .xlsx or .csv file")
    p = report.add_parser("range", help="store figures for a date range")
    p.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--churn-days", type=int, default=90, metavar="N")
    p.add_argument("--out", metavar="FILE", help="write it to a .xlsx or .csv file")

    imp = sub.add_parser("import", help="import from an old system").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    p = imp.add_parser(
        "members",
        help="members with balances and points from .csv or .xlsx",
        description="Import members from an old system's .csv (UTF-8 or GBK) or .xlsx file. "
        "The header row is found by itself (title and blank rows above it are skipped; a "
        "two-level merged header names its columns parent/child, e.g. 储值信息/赠送余额); "
        "columns are matched by their common names (docs/import.md). Fields one can map: "
        f"{', '.join(IMPORT_FIELDS)}.",
    )
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="only report what would happen")
    p.add_argument(
        "--mapping",
        metavar="JSON_OR_FILE",
        help='{field: column header}, e.g. {"phone": "联系电话"}; fields: '
        + ", ".join(IMPORT_FIELDS),
    )
    p.add_argument("--header-row", type=int, metavar="N",
                   help="the header is line N of the file (default: found by itself)")  # fmt: skip
    p.add_argument("--tier-map", metavar="OLD=TIER,...",
                   help="the old system's tier names to tiers here, e.g. 'VIP=金卡,普通=普卡' "
                   "(a tier named as one here needs none)")  # fmt: skip
    p.add_argument("--skip-errors", action="store_true", help="import the good rows anyway")

    exp = sub.add_parser("export", help="export for the manager").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    p = exp.add_parser("members", help="members with balances and points")
    p.add_argument("--out", required=True, metavar="FILE", help=".xlsx or .csv")
    p.add_argument("--mask-phones", action="store_true")

    p = audit.add_parser("list", help="browse the audit log, newest first")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--by", metavar="NO", help="done or approved by this staff number")
    p.add_argument("--action", dest="audit_action", metavar="ACTION", help="e.g. card or refund")
    p.add_argument("--entity")
    p.add_argument("--entity-id")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)

    rules = sub.add_parser("rules", help="the store's rules").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    rules.add_parser("show")
    p = rules.add_parser("set", help="change tiers, points or top-up bonus rules")
    p.add_argument("spec", metavar="JSON_OR_FILE", help='e.g. {"points_per_yuan": 2}')
