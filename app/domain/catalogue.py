"""The store's goods (light catalogue): categories, items and their barcodes.

**Barcodes.** A code of exactly 8, 12 or 13 digits is read as a GS1 number — EAN-8, UPC-A
or EAN-13 (including the in-store EAN-13s with prefix 20–29 that label printers and scales
make) — and must carry a correct check digit: a mistyped or misread one is refused, never
stored. A UPC-A is kept as its EAN-13 form (a leading 0), which is what most scanners send
for it, so either form finds the item. Every other code is the store's own code: 1–32
letters, digits and ``-``/``.``/``_`` (e.g. ``A-001`` or ``00123``), upper-cased, with no
check digit. So an own code of all digits must not be 8, 12 or 13 digits long.

**Member price (会员价).** None, or a price for every member (key ``*``) and/or a price per
tier (keys: tier codes); each at most the list price. Which price a sale uses is the
pricing module's business, not this one's.

**Points.** An item earns points unless ``points_eligible`` is false; its category carries a
points multiplier in permille (1000 = the store's rate, 0 = no points).

Everything here is pure: cleaning returns a new value or raises :class:`ValidationError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.errors import ValidationError
from app.domain.text import check_text

MAX_PRICE_FEN = 100_000_000  # ¥1,000,000 for one unit
MAX_MULTIPLIER_PERMILLE = 10_000
MAX_BARCODES = 16
ALL_MEMBERS = "*"  # the member-price key that applies to every tier

_CODE = re.compile(r"[0-9A-Z][0-9A-Z._-]{0,31}")
_TIER = re.compile(r"[a-z0-9_]{1,16}")
GTIN_LENGTHS = {8: "EAN-8", 12: "UPC-A", 13: "EAN-13"}


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit of ``body`` (the digits before it): weights 3,1,3,... from the
    right."""
    if not body.isascii() or not body.isdigit():
        raise ValueError(body)
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_gtin(code: str) -> bool:
    """A code of 8, 12 or 13 ASCII digits: it must carry a GS1 check digit."""
    return code.isascii() and code.isdigit() and len(code) in GTIN_LENGTHS


def gtin_valid(code: str) -> bool:
    return is_gtin(code) and gtin_check_digit(code[:-1]) == int(code[-1])


def _nfkc(text: Any) -> str:
    return unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()


def normalise_barcode(raw: Any) -> str:
    """The stored form of a barcode (see the module doc), or a ValidationError."""
    code = _nfkc(raw).upper()
    if not code:
        raise ValidationError("barcode_empty")
    if is_gtin(code):
        if not gtin_valid(code):
            raise ValidationError(
                "barcode_check_digit",
                barcode=code,
                kind=GTIN_LENGTHS[len(code)],
                digit=gtin_check_digit(code[:-1]),
            )
        return "0" + code if len(code) == 12 else code
    if not _CODE.fullmatch(code):
        raise ValidationError("barcode_invalid", barcode=code)
    return code


def barcode_kind(code: str) -> str:
    """EAN-13, EAN-8 or own (of a stored barcode)."""
    return GTIN_LENGTHS[len(code)] if is_gtin(code) else "own"


def lookup_forms(raw: Any) -> list[str]:
    """What a scanned or typed code may be stored as: its barcode form (when it is one) and
    the item code form, without refusing (a lookup of nonsense finds nothing)."""
    text = _nfkc(raw).upper()
    forms: list[str] = []
    if is_gtin(text) and len(text) == 12:
        forms.append("0" + text)
    if text:
        forms.append(text)
    return forms


def clean_code(raw: Any, what: str = "item_code") -> str:
    code = _nfkc(raw).upper()
    if not _CODE.fullmatch(code):
        raise ValidationError(f"{what}_invalid", value=code or "-")
    return code


def clean_name(raw: Any, what: str = "item_name", limit: int = 64) -> str:
    name = re.sub(r"\s+", " ", _nfkc(raw))
    if not (1 <= len(name) <= limit):
        raise ValidationError(f"{what}_length", limit=limit)
    check_text(name, "name")
    return name


def clean_price(value: Any, what: str = "price") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("item_price_invalid", what=what)
    if not (0 <= value <= MAX_PRICE_FEN):
        raise ValidationError("item_price_invalid", what=what)
    return value


def clean_member_prices(
    prices: Mapping[str, Any] | None, price_fen: int, tiers: Iterable[str] | None = None
) -> dict[str, int]:
    """Member prices by tier code (``*``: every member); each ≤ the list price; ``tiers``:
    the tier codes the store has (None: not checked here)."""
    out: dict[str, int] = {}
    known = set(tiers) if tiers is not None else None
    for key, value in (prices or {}).items():
        tier = _nfkc(key).lower() if key != ALL_MEMBERS else ALL_MEMBERS
        if tier != ALL_MEMBERS and not _TIER.fullmatch(tier):
            raise ValidationError("item_tier_unknown", tier=key)
        if known is not None and tier != ALL_MEMBERS and tier not in known:
            raise ValidationError("item_tier_unknown", tier=key)
        fen = clean_price(value, "member_price")
        if fen > price_fen:
            raise ValidationError("member_price_above_price", tier=tier)
        out[tier] = fen
    return dict(sorted(out.items()))


def clean_multiplier(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("category_multiplier_invalid")
    if not (0 <= value <= MAX_MULTIPLIER_PERMILLE):
        raise ValidationError("category_multiplier_invalid")
    return value


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    points_multiplier_permille: int = 1000
    active: bool = True

    @staticmethod
    def cleaned(
        code: Any, name: Any, points_multiplier_permille: Any = 1000, active: bool = True
    ) -> Category:
        return Category(
            clean_code(code, "category_code"),
            clean_name(name, "category_name", 32),
            clean_multiplier(points_multiplier_permille),
            bool(active),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "points_multiplier_permille": self.points_multiplier_permille,
            "active": self.active,
        }

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Category:
        return Category.cleaned(
            data["code"],
            data["name"],
            data.get("points_multiplier_permille", 1000),
            data.get("active", True),
        )


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    price_fen: int
    unit: str = "件"
    barcodes: tuple[str, ...] = ()
    category: str | None = None
    member_prices: dict[str, int] = field(default_factory=dict)
    points_eligible: bool = True
    service: bool = False  # a service (洗车, 理发) a count card can hold
    active: bool = True

    @staticmethod
    def cleaned(
        *,
        code: Any,
        name: Any,
        price_fen: Any,
        unit: Any = "件",
        barcodes: Iterable[Any] = (),
        category: Any = None,
        member_prices: Mapping[str, Any] | None = None,
        points_eligible: bool = True,
        service: bool = False,
        active: bool = True,
        tiers: Iterable[str] | None = None,
    ) -> Item:
        """A checked item (codes normalised; ``tiers``: the store's tier codes)."""
        price = clean_price(price_fen)
        codes: list[str] = []
        for raw in barcodes:
            code_ = normalise_barcode(raw)
            if code_ not in codes:
                codes.append(code_)
        if len(codes) > MAX_BARCODES:
            raise ValidationError("item_barcodes_too_many", limit=MAX_BARCODES)
        unit_text = _nfkc(unit) or "件"
        if len(unit_text) > 8:
            raise ValidationError("item_unit_invalid", unit=unit_text)
        check_text(unit_text, "name")
        return Item(
            code=clean_code(code),
            name=clean_name(name),
            price_fen=price,
            unit=unit_text,
            barcodes=tuple(codes),
            category=clean_code(category, "category_code") if _nfkc(category) else None,
            member_prices=clean_member_prices(member_prices, price, tiers),
            points_eligible=bool(points_eligible),
            service=bool(service),
            active=bool(active),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "price_fen": self.price_fen,
            "unit": self.unit,
            "barcodes": list(self.barcodes),
            "category": self.category,
            "member_prices": dict(self.member_prices),
            "points_eligible": self.points_eligible,
            "service": self.service,
            "active": self.active,
        }

    @staticmethod
    def from_dict(data: Mapping[str, Any], tiers: Iterable[str] | None = None) -> Item:
        return Item.cleaned(
            code=data["code"],
            name=data["name"],
            price_fen=data["price_fen"],
            unit=data.get("unit", "件"),
            barcodes=data.get("barcodes") or (),
            category=data.get("category"),
            member_prices=data.get("member_prices") or {},
            points_eligible=data.get("points_eligible", True),
            service=data.get("service", False),
            active=data.get("active", True),
            tiers=tiers,
        )

    def member_price_for(self, tier: str | None) -> int | None:
        """The member price for a member of ``tier`` (their tier's, else every member's)."""
        if tier is None:
            return None
        return self.member_prices.get(tier, self.member_prices.get(ALL_MEMBERS))
