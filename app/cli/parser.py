"""The ops CLI's arguments. Names are a stable interface: keep them."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from app.cli.catalogue_parser import add_parsers as add_catalogue_parsers
from app.cli.held_parser import add_parsers as add_held_parsers
from app.cli.manager_parser import add_parsers as add_manager_parsers
from app.cli.refund_parser import add_arguments as add_refund_arguments
from app.cli.refund_parser import add_parsers as add_refund_parsers
from app.cli.sale_parser import add_arguments as add_sale_arguments
from app.version import __version__

if TYPE_CHECKING:  # the parser is built at every start, the window's too: no services here
    from app.services.security import Approval

METHODS = ("cash", "wechat", "alipay", "bankcard")
PAY_METHODS = ("stored_value", *METHODS)


class UsageError(Exception):
    """Bad command-line usage (exit code 2)."""


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as JSON when --json is given, with exit code 2."""

    def error(self, message: str) -> NoReturn:
        if "--json" in sys.argv[1:]:
            print(json.dumps({"error": message}, ensure_ascii=False))
            raise SystemExit(2)
        super().error(message)


def _approval(p: argparse.ArgumentParser) -> None:
    p.add_argument("--approve-by", metavar="NO", help="approving manager's staff number")
    p.add_argument("--approve-pin", metavar="PIN", help="approving manager's PIN")


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="data directory (default: the user's data folder)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--staff", metavar="NO", help="staff number (or MEMBER_COUNTER_STAFF)")
    parser.add_argument("--pin", metavar="PIN", help="staff PIN (or MEMBER_COUNTER_PIN)")
    parser.add_argument("--lang", choices=("zh", "en"), help="message language (default zh)")
    parser.add_argument(
        "--smoke-test",
        metavar="REPORT",
        help="open the window, write what its first screen shows to REPORT (JSON) and quit",
    )


def names_a_command(argv: Sequence[str]) -> bool:
    """Whether ``argv`` goes beyond the global options (a command, --help, or a mistake the
    full parser will report); without one, ``member-counter`` opens the window and the
    commands' parsers need not be built."""
    probe = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    _global_options(probe)
    try:
        _, rest = probe.parse_known_args(list(argv))
    except (argparse.ArgumentError, SystemExit):
        return True
    return bool(rest)


def build_parser() -> Parser:
    parser = Parser(
        prog="member-counter",
        description="会员收银台 Member Counter — the counter app and its ops CLI. "
        "Without a command it starts the counter.",
    )
    parser.add_argument("--version", action="version", version=f"member-counter {__version__}")
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    p = sub.add_parser("init", help="create a new store database")
    p.add_argument("--store-code", required=True)
    p.add_argument("--store-name", required=True)
    p.add_argument("--admin-pin", required=True)

    sub.add_parser("demo", help="create a demo store with staff and members (if none) and show it")

    staff = sub.add_parser("staff", help="staff accounts").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = staff.add_parser("add")
    p.add_argument("--no", required=True)
    p.add_argument("--name", required=True)
    p.add_argument(
        "--role",
        required=True,
        choices=("cashier", "manager", "admin", "marketing", "service", "finance"),
    )
    p.add_argument("--pin", dest="new_pin", required=True)
    p = staff.add_parser("unlock")
    p.add_argument("no")
    p = staff.add_parser(
        "recover", help="the store's recovery code unlocks the admin and sets a new PIN"
    )
    p.add_argument("--code", required=True, help="the code init printed, or one HQ gave")
    p.add_argument("--new-pin", required=True, metavar="PIN")
    p.add_argument("--no", default="admin", help="the admin's staff number (default admin)")
    staff.add_parser("recovery-code", help="issue a new recovery code (admin); the old one ends")

    member = sub.add_parser("member", help="members").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = member.add_parser("register")
    p.add_argument("--name", required=True)
    p.add_argument("--phone", required=True)
    p.add_argument("--birthday", metavar="YYYY-MM-DD")
    p.add_argument("--gender", choices=("m", "f"))
    p.add_argument("--email")
    p.add_argument("--address")
    p.add_argument("--referrer", metavar="PHONE_OR_CARD")
    p.add_argument("--source")
    p.add_argument("--card", metavar="CARD_NO", help="a scanned physical card (default: generate)")
    p.add_argument("--consent", action="store_true", help="the member agreed to the privacy policy")
    p.add_argument("--marketing-consent", metavar="CHANNEL", nargs="?", const="sms",
                   choices=("sms", "wechat", "email"),
                   help="also agreed to marketing (its own opt-in; default sms)")  # fmt: skip
    p = member.add_parser("show")
    p.add_argument("query", help="card number, phone or QR payload")
    p = member.add_parser("find")
    p.add_argument("text", help="card, phone, last 4 digits, name or pinyin initials")
    p = member.add_parser("qr")
    p.add_argument("query")
    p.add_argument("--dynamic", action="store_true", help="a code that expires in 60 s")
    p = member.add_parser("set-password")
    p.add_argument("query")
    p.add_argument("--password", required=True)
    p.add_argument("--old-password")

    p = sub.add_parser("topup", help="top up stored value")
    p.add_argument("query")
    p.add_argument("--amount", required=True, metavar="YUAN")
    p.add_argument("--method", required=True, choices=METHODS)

    p = sub.add_parser("checkout", help="check a member or a walk-in customer out")
    p.add_argument("query", nargs="?", help="card, phone or member id (none with --walk-in)")
    p.add_argument("--amount", metavar="YUAN", help="amount-only, without --item")
    p.add_argument("--points", type=int, default=0, help="points to use as cash")
    p.add_argument("--pay", choices=PAY_METHODS, help="stored_value (a walk-in: cash)")
    p.add_argument(
        "--tender",
        action="append",
        metavar="METHOD=YUAN",
        help="split payment, repeatable (e.g. --tender stored_value=100 --tender cash=50)",
    )
    p.add_argument("--payment-password")
    add_sale_arguments(p)
    _approval(p)

    p = sub.add_parser(
        "refund", help="refund a checkout or a top-up, or a cart sale's lines (manager approval)"
    )
    p.add_argument("txn_id")
    add_refund_arguments(p)
    _approval(p)
    add_refund_parsers(sub, Parser)

    card = sub.add_parser("card", help="card lifecycle").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    for name in ("lost", "freeze", "unfreeze"):
        card.add_parser(name).add_argument("query")
    p = card.add_parser("replace")
    p.add_argument("query")
    p.add_argument("--new-card", metavar="CARD_NO", help="a scanned new card (default: generate)")
    p.add_argument("--fee-method", choices=METHODS, default="cash")
    p = card.add_parser("cancel")
    p.add_argument("query")
    p.add_argument("--refund-method", choices=METHODS, default="cash")
    _approval(p)

    points = sub.add_parser("points", help="points").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = points.add_parser("expire")
    p.add_argument("--as-of", metavar="YYYY-MM-DD")
    p = points.add_parser("adjust")
    p.add_argument("query")
    p.add_argument("--delta", type=int, required=True)
    p.add_argument("--reason", required=True)
    _approval(p)

    tier = sub.add_parser("tier", help="member tiers").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    p = tier.add_parser("set", help="manual override (manager approval)")
    p.add_argument("query")
    p.add_argument("--tier", required=True)
    p.add_argument("--reason", required=True)
    _approval(p)

    audit = sub.add_parser("audit", help="audit log").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    audit.add_parser("verify")
    add_manager_parsers(sub, audit, Parser)
    add_catalogue_parsers(sub, Parser)
    add_held_parsers(sub, Parser)
    from app.cli.countcard_parser import add_parsers as add_countcard_parsers  # (it uses ours)

    add_countcard_parsers(sub, Parser)
    from app.cli.coupon_parser import add_parsers as add_coupon_parsers

    add_coupon_parsers(sub, Parser)
    from app.cli.tag_parser import add_parsers as add_tag_parsers

    add_tag_parsers(sub, Parser)
    from app.cli.ticket_parser import add_parsers as add_ticket_parsers

    add_ticket_parsers(sub, Parser)
    from app.cli.consent_parser import add_parsers as add_consent_parsers
    from app.cli.lifecycle_parser import add_parsers as add_lifecycle_parsers

    add_consent_parsers(sub, Parser)
    add_lifecycle_parsers(sub, Parser)

    p = sub.add_parser("backup", help="consistent, checked copy of the database")
    p.add_argument("path", nargs="?", help="a new file (default: the backup folder)")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier backup file")
    p = sub.add_parser(
        "restore", help="bring a backup back (manager; the window closed); keeps the current"
    )
    p.add_argument("path", help="a backup file")
    auto = sub.add_parser("auto-backup", help="backups at each daily close").add_subparsers(
        dest="action", required=True, parser_class=Parser
    )
    auto.add_parser("show")
    p = auto.add_parser("set")
    p.add_argument("--on", dest="auto", action="store_true", default=None)
    p.add_argument("--off", dest="auto", action="store_false")
    p.add_argument("--keep", type=int, metavar="N", help="how many to keep")
    p.add_argument("--folder", metavar="DIR", help="where (default: backups in the data dir)")
    day = sub.add_parser(
        "business-day", help="when the business day starts (营业日切换时间) and today's date"
    ).add_subparsers(dest="action", required=True, parser_class=Parser)
    day.add_parser("show")
    p = day.add_parser("set", help="an operation before this time belongs to the day before")
    p.add_argument(
        "--start", required=True, metavar="HH:MM", help="an hour 0-23 or HH:MM (default 04:00)"
    )
    return parser


def approval_of(args: argparse.Namespace) -> Approval | None:
    """The manager's approval given with ``--approve-by`` and ``--approve-pin``, if any."""
    if args.approve_by is None and args.approve_pin is None:
        return None
    if not args.approve_by or not args.approve_pin:
        raise UsageError("--approve-by and --approve-pin go together")
    from app.services.security import Approval

    return Approval(args.approve_by, args.approve_pin)
