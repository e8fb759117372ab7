"""The store's business rules: tiers, points, top-up bonuses, card fees.

A fresh store starts with :func:`default_rules` (PRODUCT.md, "Default business
rules"); the rules are stored as JSON and every value is an integer (fen,
basis points, per-mille) so no float ever touches money or points.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from app.domain.errors import ValidationError


@dataclass(frozen=True)
class Tier:
    code: str
    name: str
    threshold_fen: int  # cumulative spend that reaches this tier
    discount_bp: int  # discount in basis points: 200 = 2 %
    multiplier_permille: int  # points multiplier: 1200 = ×1.2


@dataclass(frozen=True)
class TopUpBonus:
    min_fen: int
    bonus_fen: int


@dataclass(frozen=True)
class Rules:
    tiers: tuple[Tier, ...]
    topup_bonuses: tuple[TopUpBonus, ...]
    points_per_yuan: int = 1  # points per whole yuan paid, before the tier multiplier
    points_per_yuan_cash: int = 100  # 100 points = 1 yuan when redeemed as cash
    max_points_ratio_bp: int = 5000  # points may pay at most 50 % of the bill after discount
    card_replace_fee_fen: int = 1000
    max_topup_fen: int = 5_000_000  # one top-up at most 50,000 yuan
    payment_password_max_failures: int = 5
    pin_max_failures: int = 5
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.tiers or self.tiers[0].threshold_fen != 0:
            raise ValidationError("rules_invalid", detail="first tier must start at 0")
        thresholds = [t.threshold_fen for t in self.tiers]
        if thresholds != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
            raise ValidationError("rules_invalid", detail="tier thresholds must increase")
        if len({t.code for t in self.tiers}) != len(self.tiers):
            raise ValidationError("rules_invalid", detail="tier codes must be unique")
        for t in self.tiers:
            if not (0 <= t.discount_bp < 10000) or t.multiplier_permille < 0:
                raise ValidationError("rules_invalid", detail=f"tier {t.code}")
        for b in self.topup_bonuses:
            if b.min_fen <= 0 or b.bonus_fen < 0:
                raise ValidationError("rules_invalid", detail="top-up bonus")
        if self.points_per_yuan_cash <= 0 or not (0 <= self.max_points_ratio_bp <= 10000):
            raise ValidationError("rules_invalid", detail="points as cash")

    def tier(self, code: str) -> Tier:
        for t in self.tiers:
            if t.code == code:
                return t
        raise ValidationError("tier_unknown", tier=code)

    @property
    def base_tier(self) -> Tier:
        return self.tiers[0]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rules:
        data = dict(data)
        tiers = tuple(Tier(**t) for t in data.pop("tiers"))
        bonuses = tuple(TopUpBonus(**b) for b in data.pop("topup_bonuses"))
        return cls(tiers=tiers, topup_bonuses=bonuses, **data)


def default_rules() -> Rules:
    return Rules(
        tiers=(
            Tier("normal", "普通", 0, 0, 1000),
            Tier("silver", "银卡", 100_000, 200, 1200),
            Tier("gold", "金卡", 500_000, 500, 1500),
            Tier("diamond", "钻石", 2_000_000, 1000, 2000),
        ),
        topup_bonuses=(TopUpBonus(50_000, 5_000), TopUpBonus(100_000, 15_000)),
    )
