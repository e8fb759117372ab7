"""The price of a cart sale, line by line, in the order of docs/pricing.md.

list price → member price or tier discount (the better for the customer, never both) →
line price change (改价) → item coupons → order coupons → order discount (整单折扣) → 抹零 →
points → tenders.

Coupons (:mod:`app.domain.coupons`) come after the member price and the price change, so a
coupon's threshold is judged on the member price; the cashier's 整单折扣 comes after the
coupons and applies to what they leave (a manual reduction of the bill, not a promotion).

Every order-level figure (order discount, 抹零, points and their value, points earned, each
tender) is allocated to the lines by :func:`app.domain.allocation.allocate`, so a line
carries its own share of everything and a later partial refund is exact
(:mod:`app.domain.partial_refund`).

Quantities are integers: pieces, or for weighed goods (``weighed=True``) thousandths of the
unit (grams for an item priced per kg). A line amount is quantity × unit price, floored to
the fen for weighed goods; a tier or percentage discount is floored, as in
:func:`app.domain.pricing.quote_checkout`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.domain.allocation import allocate, allocate_columns
from app.domain.coupons import CouponShare, CouponUse, apply_coupons
from app.domain.errors import RuleError, ValidationError
from app.domain.money import MAX_AMOUNT_FEN
from app.domain.pricing import max_points_for_bill, points_earned, points_value_fen
from app.domain.rules import Rules, Tier

WEIGHED_SCALE = 1000  # a weighed line's quantity is in thousandths (g of a kg price)
MAX_QUANTITY = 100_000_000
ROUNDING_UNITS = {"none": 1, "jiao": 10, "yuan": 100}
POINTS_COLUMN = "points"  # the key of the points' value among a line's payment parts

# The steps of a line's "why this price", in order.
STEP_LIST = "list"
STEP_MEMBER_PRICE = "member_price"
STEP_TIER_DISCOUNT = "tier_discount"
STEP_PRICE_CHANGE = "price_change"
STEP_COUPON = "coupon"
STEP_ORDER_DISCOUNT = "order_discount"
STEP_ROUND_OFF = "round_off"
STEP_POINTS = "points"


@dataclass(frozen=True)
class MemberPrice:
    """会员价: one price for every member, or one per tier (a tier's own price wins)."""

    unit_fen: int | None = None
    per_tier: Mapping[str, int] = field(default_factory=dict)

    def for_tier(self, tier_code: str) -> int | None:
        return self.per_tier.get(tier_code, self.unit_fen)


@dataclass(frozen=True)
class PriceChange:
    """改价: a new unit price or a new line amount (exactly one)."""

    unit_fen: int | None = None
    line_fen: int | None = None


@dataclass(frozen=True)
class CartLine:
    item_code: str
    quantity: int  # pieces, or thousandths when weighed
    unit_price_fen: int  # the list price of one unit (of a kg when weighed)
    weighed: bool = False
    member_price: MemberPrice | None = None
    points_eligible: bool = True
    points_multiplier_permille: int = 1000  # the item's category multiplier: 1500 = ×1.5
    price_change: PriceChange | None = None


@dataclass(frozen=True)
class OrderDiscount:
    """整单折扣: a percentage off (``percent_bp``: 1000 = 10 % off, 九折) or an amount."""

    percent_bp: int | None = None
    amount_fen: int | None = None


@dataclass(frozen=True)
class Step:
    """One step of "why this price": what it did to the line (``delta_fen``, − is cheaper),
    the line amount after it and its particulars (unit prices, basis points, tier)."""

    kind: str
    delta_fen: int
    after_fen: int
    detail: Mapping[str, int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class PricedLine:
    index: int
    item_code: str
    quantity: int
    weighed: bool
    list_fen: int
    member_basis: str  # STEP_LIST, STEP_MEMBER_PRICE or STEP_TIER_DISCOUNT
    member_fen: int  # after the member price or tier discount
    changed_fen: int  # after the line price change
    coupon_fen: int  # every coupon's share of the line
    order_discount_fen: int
    after_order_fen: int
    round_off_fen: int
    after_round_fen: int  # the line's price after every discount, before points
    points_used: int
    points_value_fen: int
    due_fen: int  # paid by tenders; the line's cumulative spend
    points_weight: int  # due × category multiplier when eligible, else 0
    points_earned: int
    why: tuple[Step, ...]

    @property
    def member_discount_fen(self) -> int:
        return self.list_fen - self.member_fen

    @property
    def change_fen(self) -> int:
        """The price change's effect: negative when it made the line cheaper."""
        return self.changed_fen - self.member_fen


@dataclass(frozen=True)
class PricedCart:
    lines: tuple[PricedLine, ...]
    tier_code: str | None  # None: a walk-in customer (散客)
    rounding: str
    list_fen: int
    member_discount_fen: int
    change_fen: int
    coupon_fen: int
    subtotal_fen: int  # after line price changes and coupons: what the order discount takes
    order_discount_fen: int
    round_off_fen: int
    after_round_fen: int
    points_used: int
    points_value_fen: int
    due_fen: int
    points_earned: int
    max_points: int
    coupons: tuple[CouponShare, ...] = ()

    @property
    def discount_fen(self) -> int:
        """Everything taken off the list price before points (negative if prices were raised)."""
        return self.list_fen - self.after_round_fen


def line_amount(quantity: int, unit_fen: int, weighed: bool) -> int:
    """quantity × unit price in fen; a weighed quantity is in thousandths, floored."""
    return quantity * unit_fen // WEIGHED_SCALE if weighed else quantity * unit_fen


def price_cart(
    rules: Rules,
    lines: Sequence[CartLine],
    tier: Tier | None,
    order_discount: OrderDiscount | None = None,
    rounding: str = "none",
    points: int = 0,
    points_balance: int = 0,
    coupons: Sequence[CouponUse] = (),
) -> PricedCart:
    """Price a cart for a member of ``tier`` (``None``: walk-in) in the documented order.

    ``coupons``: the coupons presented, applied after the price changes (item coupons, then
    order coupons) and refused (RuleError) when one does not apply."""
    if not lines:
        raise ValidationError("cart_empty")
    if rounding not in ROUNDING_UNITS:
        raise ValidationError("cart_rounding_invalid", value=rounding)
    if points < 0:
        raise ValidationError("points_negative", points=points)
    if tier is None and points:
        raise RuleError("cart_points_walk_in")

    lists, members, bases, changed = [], [], [], []
    for line in lines:
        _check_line(line)
        list_fen = line_amount(line.quantity, line.unit_price_fen, line.weighed)
        basis, member_fen = _member_step(line, list_fen, tier)
        lists.append(list_fen)
        bases.append(basis)
        members.append(member_fen)
        changed.append(_changed(line, member_fen))
    if sum(changed) > MAX_AMOUNT_FEN:
        raise ValidationError("amount_too_large", value=sum(changed))

    pieces = [0 if line.weighed else line.quantity for line in lines]
    coupon_shares, after_coupons = apply_coupons(coupons, changed, pieces)
    line_coupons = [sum(c.shares[i] for c in coupon_shares) for i in range(len(lines))]
    subtotal = sum(after_coupons)
    order_total = _order_discount(order_discount, subtotal)
    order_shares = allocate(order_total, after_coupons)
    after_order = [c - d for c, d in zip(after_coupons, order_shares, strict=True)]

    round_total = sum(after_order) % ROUNDING_UNITS[rounding]
    round_shares = allocate(round_total, after_order)
    after_round = [a - r for a, r in zip(after_order, round_shares, strict=True)]
    bill = sum(after_round)

    cap = max_points_for_bill(rules, bill) if tier is not None else 0
    if points > points_balance:
        raise RuleError("points_insufficient", balance=points_balance, points=points)
    if points > cap:
        raise RuleError("points_over_cap", max_points=min(cap, points_balance))
    value = points_value_fen(rules, points)
    points_shares = allocate(points, after_round)
    value_shares = allocate(value, after_round)
    dues = [a - v for a, v in zip(after_round, value_shares, strict=True)]

    weights = [
        d * line.points_multiplier_permille if line.points_eligible and tier is not None else 0
        for d, line in zip(dues, lines, strict=True)
    ]
    earned = points_earned(rules, sum(weights) // 1000, tier) if tier is not None else 0
    earned_shares = allocate(earned, weights)

    priced = []
    for i, line in enumerate(lines):
        why = _why(
            line,
            tier,
            lists[i],
            bases[i],
            members[i],
            changed[i],
            [(c.code, c.shares[i], c.item_level) for c in coupon_shares] if coupon_shares else (),
            (STEP_ORDER_DISCOUNT, order_shares[i], after_order[i]),
            (STEP_ROUND_OFF, round_shares[i], after_round[i]),
            (STEP_POINTS, value_shares[i], dues[i]),
            order_discount,
            rounding,
            points_shares[i],
        )
        priced.append(
            PricedLine(
                index=i,
                item_code=line.item_code,
                quantity=line.quantity,
                weighed=line.weighed,
                list_fen=lists[i],
                member_basis=bases[i],
                member_fen=members[i],
                changed_fen=changed[i],
                coupon_fen=line_coupons[i],
                order_discount_fen=order_shares[i],
                after_order_fen=after_order[i],
                round_off_fen=round_shares[i],
                after_round_fen=after_round[i],
                points_used=points_shares[i],
                points_value_fen=value_shares[i],
                due_fen=dues[i],
                points_weight=weights[i],
                points_earned=earned_shares[i],
                why=why,
            )
        )
    return PricedCart(
        lines=tuple(priced),
        tier_code=tier.code if tier is not None else None,
        rounding=rounding,
        list_fen=sum(lists),
        member_discount_fen=sum(lists) - sum(members),
        change_fen=sum(changed) - sum(members),
        coupon_fen=sum(line_coupons),
        subtotal_fen=subtotal,
        order_discount_fen=order_total,
        round_off_fen=round_total,
        after_round_fen=bill,
        points_used=points,
        points_value_fen=value,
        due_fen=bill - value,
        points_earned=earned,
        max_points=min(cap, points_balance),
        coupons=coupon_shares,
    )


def allocate_payment(
    cart: PricedCart, parts: Sequence[tuple[str, int]]
) -> tuple[dict[str, int], ...]:
    """How each line was paid: the cart's points value and the ``parts`` of its tenders
    (method → fen net of change; stored value as its principal and bonus parts, e.g.
    ``stored_value.principal``), allocated over the lines in the order given.

    A line's parts sum to its price after every discount (``after_round_fen``); a part's
    shares sum to the part. The points' value is the line's own (``POINTS_COLUMN``)."""
    keys = [k for k, _ in parts]
    if len(set(keys)) != len(keys) or POINTS_COLUMN in keys:
        raise ValueError(f"payment parts must be distinct and not {POINTS_COLUMN!r}: {keys}")
    paid = sum(a for _, a in parts)
    if paid != cart.due_fen or any(a < 0 for _, a in parts):
        raise RuleError("cart_tender_mismatch", due=cart.due_fen, paid=paid)
    table = allocate_columns([ln.due_fen for ln in cart.lines], [a for _, a in parts])
    out = []
    for line, row in zip(cart.lines, table, strict=True):
        shares = {POINTS_COLUMN: line.points_value_fen}
        shares.update({k: v for k, v in zip(keys, row, strict=True)})
        out.append(shares)
    return tuple(out)


def _check_line(line: CartLine) -> None:
    if not (0 < line.quantity <= MAX_QUANTITY):
        raise ValidationError("cart_quantity_invalid", item=line.item_code, value=line.quantity)
    prices = [line.unit_price_fen]
    if line.member_price is not None:
        prices += [p for p in (line.member_price.unit_fen,) if p is not None]
        prices += list(line.member_price.per_tier.values())
    if line.price_change is not None:
        prices += [p for p in (line.price_change.unit_fen, line.price_change.line_fen) if p]
    for p in prices:
        if not (0 <= p <= MAX_AMOUNT_FEN):
            raise ValidationError("cart_price_invalid", item=line.item_code, value=p)
    if line.points_multiplier_permille < 0:
        raise ValueError(f"the points multiplier of {line.item_code} cannot be negative")
    change = line.price_change
    if change is not None and (change.unit_fen is None) == (change.line_fen is None):
        raise ValidationError("cart_price_change_invalid", item=line.item_code)


def _member_step(line: CartLine, list_fen: int, tier: Tier | None) -> tuple[str, int]:
    """The better of the member price and the tier discount; on a tie, the member price."""
    if tier is None:
        return STEP_LIST, list_fen
    best_basis, best = STEP_LIST, list_fen
    tiered = list_fen - list_fen * tier.discount_bp // 10000
    if tiered < best:
        best_basis, best = STEP_TIER_DISCOUNT, tiered
    unit = line.member_price.for_tier(tier.code) if line.member_price is not None else None
    if unit is not None:
        member = line_amount(line.quantity, unit, line.weighed)
        if member < list_fen and member <= best:
            best_basis, best = STEP_MEMBER_PRICE, member
    return best_basis, best


def _changed(line: CartLine, member_fen: int) -> int:
    change = line.price_change
    if change is None:
        return member_fen
    if change.line_fen is not None:
        return change.line_fen
    assert change.unit_fen is not None
    return line_amount(line.quantity, change.unit_fen, line.weighed)


def _order_discount(discount: OrderDiscount | None, subtotal: int) -> int:
    if discount is None:
        return 0
    if (discount.percent_bp is None) == (discount.amount_fen is None):
        raise ValidationError("cart_order_discount_invalid", max=subtotal)
    if discount.percent_bp is not None:
        if not (0 < discount.percent_bp <= 10000):
            raise ValidationError("cart_order_discount_percent", value=discount.percent_bp)
        return subtotal * discount.percent_bp // 10000
    assert discount.amount_fen is not None
    if not (0 < discount.amount_fen <= subtotal):
        raise ValidationError("cart_order_discount_invalid", max=subtotal)
    return discount.amount_fen


def _why(
    line: CartLine,
    tier: Tier | None,
    list_fen: int,
    basis: str,
    member_fen: int,
    changed_fen: int,
    coupons: Sequence[tuple[str, int, bool]],
    order: tuple[str, int, int],
    round_off: tuple[str, int, int],
    points: tuple[str, int, int],
    discount: OrderDiscount | None,
    rounding: str,
    points_used: int,
) -> tuple[Step, ...]:
    """The steps that changed the line, each with what it did; the list price always."""
    steps = [
        Step(
            STEP_LIST,
            0,
            list_fen,
            {"unit_fen": line.unit_price_fen, "quantity": line.quantity},
        )
    ]
    if basis == STEP_MEMBER_PRICE:
        assert tier is not None and line.member_price is not None
        unit = line.member_price.for_tier(tier.code)
        assert unit is not None
        steps.append(
            Step(basis, member_fen - list_fen, member_fen, {"unit_fen": unit, "tier": tier.code})
        )
    elif basis == STEP_TIER_DISCOUNT:
        assert tier is not None
        steps.append(
            Step(
                basis,
                member_fen - list_fen,
                member_fen,
                {"discount_bp": tier.discount_bp, "tier": tier.code},
            )
        )
    change = line.price_change
    if change is not None:
        detail: dict[str, int | str] = (
            {"unit_fen": change.unit_fen} if change.unit_fen is not None else {}
        )
        if change.line_fen is not None:
            detail["line_fen"] = change.line_fen
        steps.append(Step(STEP_PRICE_CHANGE, changed_fen - member_fen, changed_fen, detail))
    after = changed_fen
    for code, share, item_level in coupons:
        if share:
            after -= share
            level = "item" if item_level else "order"
            steps.append(Step(STEP_COUPON, -share, after, {"code": code, "level": level}))
    for kind, share, after in (order, round_off, points):
        if share:  # most lines have none of these: their particulars are made only if so
            particulars: dict[str, int | str] = (
                _discount_detail(discount) if kind == STEP_ORDER_DISCOUNT
                else {"rounding": rounding} if kind == STEP_ROUND_OFF
                else {"points": points_used}
            )  # fmt: skip
            steps.append(Step(kind, -share, after, particulars))
    return tuple(steps)


def _discount_detail(discount: OrderDiscount | None) -> dict[str, int | str]:
    if discount is None:
        return {}
    if discount.percent_bp is not None:
        return {"percent_bp": discount.percent_bp}
    assert discount.amount_fen is not None
    return {"amount_fen": discount.amount_fen}
