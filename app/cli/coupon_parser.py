"""Arguments of ``coupon template add|list``, ``coupon issue|list|show|void``. Amounts
are yuan (100 or 8.50), a percentage off is ``12%`` (八八折)."""

from __future__ import annotations

import argparse

SubParsers = argparse._SubParsersAction


def add_parsers(sub: SubParsers, parser_class: type) -> None:
    cp = sub.add_parser("coupon", help="coupons (优惠券)").add_subparsers(
        dest="action", required=True, parser_class=parser_class
    )
    template = cp.add_parser("template", help="coupon templates (manager)").add_subparsers(
        dest="template_action", required=True, parser_class=parser_class
    )
    p = template.add_parser("add", help="add a coupon template (manager)")
    p.add_argument("--name", required=True)
    p.add_argument("--kind", required=True, choices=("threshold", "per_each", "percent",
                                                     "voucher", "exchange"),
                   help="满减, 每满减, 折扣, 代金, 兑换券 (one --item)")  # fmt: skip
    p.add_argument("--amount", metavar="YUAN", help="what it takes off (满减, 每满减, 代金)")
    p.add_argument("--threshold", metavar="YUAN", help="满 X (满减), 每满 X (每满减)")
    p.add_argument("--percent", metavar="PCT%", help="折扣: the percentage off, e.g. 12%%")
    p.add_argument("--cap", metavar="YUAN", help="at most this off (每满减, 折扣)")
    p.add_argument("--floor", metavar="YUAN", help="折扣: the goods never below this")
    p.add_argument("--min-spend", metavar="YUAN", help="the eligible goods at least this")
    p.add_argument("--item", action="append", metavar="CODE", help="an item it applies to")
    p.add_argument("--category", action="append", metavar="CODE",
                   help="a category it applies to (with --item: either)")  # fmt: skip
    valid = p.add_mutually_exclusive_group(required=True)
    valid.add_argument("--days", type=int, help="valid this many days from issue")
    valid.add_argument("--dates", metavar="FROM:UNTIL", help="valid YYYY-MM-DD:YYYY-MM-DD")
    p.add_argument("--limit", type=int, help="at most this many per member")
    p.add_argument("--stackable", action="store_true", help="may be used with other coupons")
    p.add_argument("--hours", metavar="HH:MM-HH:MM", help="usable only in these hours")
    p.add_argument("--weekdays", metavar="1,2,...", help="usable only on these (1 = Monday)")
    p.add_argument("--store", action="append", metavar="CODE", help="a store that honours it")
    p.add_argument("--group", help="exclusivity group: one coupon of a group a sale")
    p.add_argument("--on", choices=("registration", "topup", "tier_upgrade", "birthday"),
                   help="issued by itself: 新人券, 充值送券, tier upgrade, 生日券")  # fmt: skip
    p.add_argument("--min-topup", metavar="YUAN", help="--on topup: a top-up of at least this")
    p.add_argument("--tier", metavar="CODE", help="--on tier_upgrade: on reaching this tier")
    p.add_argument("--days-before", type=int, default=0,
                   help="--on birthday: this many days before the birthday")  # fmt: skip
    p.add_argument("--refund-restores", action="store_true",
                   help="a refund of the sale gives the coupon back")  # fmt: skip
    p = template.add_parser("list", help="the coupon templates")
    p.add_argument("--all", dest="include_inactive", action="store_true")

    p = cp.add_parser("issue", help="issue a coupon to a member")
    p.add_argument("--member", required=True, metavar="PHONE|CARD")
    p.add_argument("--template", required=True, metavar="ID",
                   help="the template's id or its last characters (6 or more)")  # fmt: skip
    p = cp.add_parser("list", help="a member's coupons")
    p.add_argument("--member", required=True, metavar="PHONE|CARD")
    cp.add_parser("birthday-run", help="issue the birthday coupons due today (生日券)")
    p = cp.add_parser("show", help="one coupon: its template, owner, state and ledger")
    p.add_argument("code", metavar="CODE")
    p = cp.add_parser("void", help="void a coupon not yet used (manager)")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--reason", required=True)
