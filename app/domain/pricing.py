"""Checkout arithmetic: tier discount, points as cash, tenders, points earned, tiers.

All amounts are integer fen, all points integers; every rounding is a floor,
as the store's rules say, so the member is never charged a fraction twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.errors import RuleError, ValidationError
from app.domain.rules import Rules, Tier

STORED_VALUE = "stored_value"
CASH = "cash"
EXTERNAL_METHODS = ("cash", "wechat", "alipay", "bankcard")
TENDER_METHODS = (STORED_VALUE, *EXTERNAL_METHODS)


def check_method(method: str, allowed: Sequence[str] = TENDER_METHODS) -> str:
    if method not in allowed:
        raise ValidationError("method_invalid", method=method)
    return method


def topup_bonus(rules: Rules, amount_fen: int) -> int:
    """The highest bonus rule whose minimum the top-up reaches, applied once."""
    best = 0
    best_min = -1
    for b in rules.topup_bonuses:
        if amount_fen >= b.min_fen and b.min_fen > best_min:
            best, best_min = b.bonus_fen, b.min_fen
    return best


def tier_for_spend(rules: Rules, cumulative_spend_fen: int) -> Tier:
    reached = rules.base_tier
    for t in rules.tiers:
        if cumulative_spend_fen >= t.threshold_fen:
            reached = t
    return reached


def tier_rank(rules: Rules, code: str) -> int:
    for i, t in enumerate(rules.tiers):
        if t.code == code:
            return i
    return -1


def upgrade_after_checkout(
    rules: Rules, current_code: str, spend_before_fen: int, spend_after_fen: int
) -> Tier | None:
    """The tier to move up to when this checkout crossed a threshold above the current tier.

    Only a crossing upgrades: a member a manager moved down stays down until
    their spending crosses the next threshold.
    """
    before = tier_for_spend(rules, spend_before_fen)
    after = tier_for_spend(rules, spend_after_fen)
    if tier_rank(rules, after.code) > tier_rank(rules, before.code) and tier_rank(
        rules, after.code
    ) > tier_rank(rules, current_code):
        return after
    return None


def split_stored_value(amount_fen: int, principal_fen: int, bonus_fen: int) -> tuple[int, int]:
    """(principal part, bonus part) of a stored-value spend, bonus taken pro rata, floored."""
    total = principal_fen + bonus_fen
    if amount_fen > total:
        raise RuleError("balance_insufficient", balance=total, amount=amount_fen)
    if amount_fen <= 0 or total <= 0:
        return 0, 0
    bonus_part = amount_fen * bonus_fen // total
    principal_part = amount_fen - bonus_part
    if principal_part > principal_fen:  # rounding can only favour bonus by < 1 fen
        principal_part, bonus_part = principal_fen, amount_fen - principal_fen
    return principal_part, bonus_part


def points_value_fen(rules: Rules, points: int) -> int:
    if points < 0:
        raise ValidationError("points_negative", points=points)
    value, rest = divmod(points * 100, rules.points_per_yuan_cash)
    if rest:
        step = rules.points_per_yuan_cash // _gcd(rules.points_per_yuan_cash, 100)
        raise ValidationError("points_step", step=step)
    return value


def max_points_for_bill(rules: Rules, after_discount_fen: int) -> int:
    cap_fen = after_discount_fen * rules.max_points_ratio_bp // 10000
    return cap_fen * rules.points_per_yuan_cash // 100


def points_earned(rules: Rules, paid_fen: int, tier: Tier) -> int:
    """floor(yuan paid) × points per yuan × multiplier of the tier held before checkout, floored."""
    whole_yuan = max(paid_fen, 0) // 100
    return whole_yuan * rules.points_per_yuan * tier.multiplier_permille // 1000


@dataclass(frozen=True)
class Quote:
    amount_fen: int
    discount_fen: int
    after_discount_fen: int
    points_used: int
    points_value_fen: int
    due_fen: int
    max_points: int


def quote_checkout(
    rules: Rules, amount_fen: int, tier: Tier, points_requested: int, points_balance: int
) -> Quote:
    if amount_fen <= 0:
        raise ValidationError("amount_not_positive", value=amount_fen)
    discount = amount_fen * tier.discount_bp // 10000
    after = amount_fen - discount
    max_points = min(max_points_for_bill(rules, after), points_balance)
    if points_requested > points_balance:
        raise RuleError("points_insufficient", balance=points_balance, points=points_requested)
    if points_requested > max_points_for_bill(rules, after):
        raise RuleError("points_over_cap", max_points=max_points)
    value = points_value_fen(rules, points_requested)
    return Quote(amount_fen, discount, after, points_requested, value, after - value, max_points)


@dataclass(frozen=True)
class Tender:
    method: str
    amount_fen: int  # what was handed over (for cash, before change)
    change_fen: int = 0

    @property
    def net_fen(self) -> int:
        return self.amount_fen - self.change_fen


def settle_tenders(due_fen: int, tenders: Sequence[tuple[str, int]]) -> list[Tender]:
    """Check the tenders cover the bill exactly; only cash may exceed it, giving change."""
    if due_fen == 0 and not tenders:
        return []
    if not tenders:
        raise ValidationError("tender_missing")
    seen: set[str] = set()
    for method, amount in tenders:
        check_method(method)
        if method in seen:
            raise ValidationError("tender_duplicate", method=method)
        seen.add(method)
        if amount <= 0:
            raise ValidationError("amount_not_positive", value=amount)
    non_cash = sum(a for m, a in tenders if m != CASH)
    cash = sum(a for m, a in tenders if m == CASH)
    if non_cash > due_fen:
        raise RuleError("tender_overpaid", due=due_fen, paid=non_cash + cash)
    if non_cash + cash < due_fen:
        raise RuleError("tender_short", due=due_fen, paid=non_cash + cash)
    change = non_cash + cash - due_fen
    return [Tender(m, a, change if m == CASH else 0) for m, a in tenders]


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a
