"""A coupon template's issue rule (发券规则): when the counter issues one of its coupons by
itself, in the transaction of the cause.

* ``registration`` 新人券: a member registers.
* ``topup`` 充值送券: a top-up of at least ``min_fen`` of principal.
* ``tier_upgrade``: a member moves up to ``tier`` (or to any higher tier when ``tier`` is
  None); a move down (a refund undoing an upgrade) issues nothing.
* ``birthday`` 生日券: ``days_before`` days before the member's birthday (0: on the day), by
  the ``coupon birthday-run`` command, once per member per year.

Each coupon a rule issues carries an issue key (:func:`issue_key`), unique per template and
member, so a cause issues at most once whatever is run again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.errors import ValidationError
from app.domain.money import MAX_AMOUNT_FEN

REGISTRATION = "registration"
TOPUP = "topup"
TIER_UPGRADE = "tier_upgrade"
BIRTHDAY = "birthday"
CAUSES = (REGISTRATION, TOPUP, TIER_UPGRADE, BIRTHDAY)
MAX_DAYS_BEFORE = 60


@dataclass(frozen=True)
class IssueRule:
    on: str
    min_fen: int = 0  # topup
    tier: str | None = None  # tier_upgrade; None: any higher tier
    days_before: int = 0  # birthday


def check_rule(r: IssueRule) -> IssueRule:
    if r.on not in CAUSES:
        raise ValidationError("coupon_rule_invalid", field="on")
    if r.on == TOPUP:
        if not (1 <= r.min_fen <= MAX_AMOUNT_FEN):
            raise ValidationError("coupon_rule_invalid", field="min_fen")
    elif r.min_fen:
        raise ValidationError("coupon_rule_invalid", field="min_fen")
    if r.tier is not None and (r.on != TIER_UPGRADE or not (1 <= len(r.tier) <= 16)):
        raise ValidationError("coupon_rule_invalid", field="tier")
    if r.on == BIRTHDAY:
        if not (0 <= r.days_before <= MAX_DAYS_BEFORE):
            raise ValidationError("coupon_rule_days", max=MAX_DAYS_BEFORE)
    elif r.days_before:
        raise ValidationError("coupon_rule_invalid", field="days_before")
    return r


def rule_wire(r: IssueRule) -> dict[str, Any]:
    return {"on": r.on, "min_fen": r.min_fen, "tier": r.tier, "days_before": r.days_before}


def rule_of_wire(w: Mapping[str, Any]) -> IssueRule:
    if not isinstance(w, Mapping) or set(w) != {"on", "min_fen", "tier", "days_before"}:
        raise ValidationError("coupon_rule_invalid", field="rule")
    for key in ("min_fen", "days_before"):
        if not isinstance(w[key], int) or isinstance(w[key], bool):
            raise ValidationError("coupon_rule_invalid", field=key)
    if not isinstance(w["on"], str) or not (w["tier"] is None or isinstance(w["tier"], str)):
        raise ValidationError("coupon_rule_invalid", field="on")
    return check_rule(IssueRule(w["on"], w["min_fen"], w["tier"], w["days_before"]))


def issue_key(rule: IssueRule, cause_id: str) -> str:
    """The key a rule's coupon carries: one per template and member for each cause (the
    registration; a top-up's transaction; the tier reached; the birthday's year)."""
    return f"{rule.on}:{cause_id}"[:48]


def birthday_in(born_md: tuple[int, int], year: int) -> dt.date:
    """The birthday (month, day) in ``year``: 29 February is kept on the 28th in other years."""
    month, day = born_md
    if (month, day) == (2, 29):
        try:
            return dt.date(year, 2, 29)
        except ValueError:
            return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def birthday_due(born_md: tuple[int, int], today: dt.date, days_before: int) -> dt.date | None:
    """The birthday a coupon is due for on ``today`` (issued from ``days_before`` days before
    it up to the day itself), or None."""
    for year in (today.year, today.year + 1):
        day = birthday_in(born_md, year)
        if day - dt.timedelta(days=days_before) <= today <= day:
            return day
    return None
