"""Coupons (优惠券): their templates' terms, their codes and the discount they give.

Kinds (:data:`KINDS`):

* 满减 ``threshold``: the eligible amount reaches ``threshold_fen`` → ``amount_fen`` off.
* 每满减 ``per_each``: ``amount_fen`` off for each whole ``threshold_fen`` of the eligible
  amount, at most ``cap_fen`` when a cap is set.
* 折扣 ``percent``: ``percent_bp`` off the eligible amount (1200 = 12 % off, 八八折),
  floored to the fen; at most ``cap_fen`` off when a cap is set; never below the floor
  ``floor_fen``: the eligible lines are not taken below that amount (保底价).
* 代金 ``voucher``: ``amount_fen`` off, at most the eligible amount.
* 兑换券 ``exchange``: one unit of one catalogue item or service (the template's only
  ``items`` entry) comes off: the first line of that item sold by the piece gives up its
  amount at the coupon's step for one unit (the amount divided by the pieces, rounded up,
  so the unit is wholly free), all of it on that line.

When and where a coupon is taken (checked at redemption, :func:`check_when_where`): optional
``hours`` (a window of the day, minutes from midnight, start included, end excluded, in the
store's local time), ``weekdays`` (ISO 1 = Monday … 7; none listed: every day) and
``stores`` (the codes of the stores that honour it; none: every store). ``group`` is an
exclusivity group: a sale never takes two coupons of the same group, stackable or not.

A template applies to the whole order (``scope="order"``) or to some items and categories
(``scope="items"``: a line is eligible when its item or its category is listed). The
eligible amount is what the eligible lines come to at the coupon's step of the price order
(docs/pricing.md): after the member price or tier discount and the line price change, and
after the item coupons before it for an order coupon. ``min_spend_fen`` is judged on that
amount too. A coupon's discount is never more than the eligible amount and never negative,
and is allocated to the eligible lines by the largest remainder
(:func:`app.domain.allocation.allocate`), in whole fen, like every other discount.

Codes (:func:`new_code`, :func:`parse_code`): eleven random characters of Crockford's
base 32 (no I, L, O, U) and a check character (Luhn mod 32), written ``XXXX-XXXX-XXXX``.
Typed codes are read leniently (lower case, spaces, hyphens; O as 0, I and L as 1) and
refused when the check character does not match, so one mistyped character, or two
swapped neighbours (but for 0 and Z, Luhn's one blind pair), is caught before anything is
looked up.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.allocation import allocate
from app.domain.errors import RuleError, ValidationError
from app.domain.money import MAX_AMOUNT_FEN

THRESHOLD = "threshold"  # 满减
PER_EACH = "per_each"  # 每满减
PERCENT = "percent"  # 折扣
VOUCHER = "voucher"  # 代金
EXCHANGE = "exchange"  # 兑换券
KINDS = (THRESHOLD, PER_EACH, PERCENT, VOUCHER, EXCHANGE)
SCOPE_ORDER = "order"
SCOPE_ITEMS = "items"
SCOPES = (SCOPE_ORDER, SCOPE_ITEMS)
MAX_VALIDITY_DAYS = 3660
MINUTES_A_DAY = 24 * 60
MAX_STORES = 200
MAX_GROUP = 32

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
_VALUE = {c: i for i, c in enumerate(ALPHABET)} | {"O": 0, "I": 1, "L": 1}
CODE_BODY = 11
CODE_LENGTH = CODE_BODY + 1


# -- codes --------------------------------------------------------------------------------
def check_char(body: str) -> str:
    """The Luhn mod 32 check character of ``body`` (characters of :data:`ALPHABET`)."""
    total = 0
    factor = 2
    for c in reversed(body):
        addend = factor * _VALUE[c]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_code() -> str:
    """A fresh random code, canonical (no hyphens)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(CODE_BODY))
    return body + check_char(body)


def parse_code(text: str) -> str:
    """The canonical code of what was typed or scanned; ValidationError if it is none."""
    raw = "".join(ch for ch in text.strip().upper() if ch not in " -")
    if len(raw) != CODE_LENGTH or any(ch not in _VALUE for ch in raw):
        raise ValidationError("coupon_code_invalid")
    canon = "".join(ALPHABET[_VALUE[ch]] for ch in raw)
    if check_char(canon[:-1]) != canon[-1]:
        raise ValidationError("coupon_code_check")
    return canon


def display_code(code: str) -> str:
    """``XXXX-XXXX-XXXX`` for receipts and screens."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# -- terms --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Terms:
    """What a coupon of a template takes off and from which lines."""

    kind: str
    amount_fen: int = 0
    threshold_fen: int = 0
    percent_bp: int = 0
    cap_fen: int | None = None
    floor_fen: int = 0
    min_spend_fen: int = 0
    scope: str = SCOPE_ORDER
    items: frozenset[str] = field(default_factory=frozenset)
    categories: frozenset[str] = field(default_factory=frozenset)
    stackable: bool = False
    hours: tuple[int, int] | None = None  # (start, end) minutes from local midnight
    weekdays: frozenset[int] = field(default_factory=frozenset)  # ISO 1..7; none: every day
    stores: frozenset[str] = field(default_factory=frozenset)  # none: every store
    group: str | None = None  # exclusivity group

    @property
    def item_level(self) -> bool:
        """An item coupon (applies before the order coupons)."""
        return self.scope == SCOPE_ITEMS


def _fen(name: str, value: int | None, *, positive: bool = False) -> None:
    if value is None:
        return
    low = 1 if positive else 0
    if not (low <= value <= MAX_AMOUNT_FEN):
        raise ValidationError("coupon_terms_invalid", field=name)


def check_terms(terms: Terms) -> Terms:
    """The terms if they make a coupon; ValidationError naming the first wrong field."""
    if terms.kind not in KINDS:
        raise ValidationError("coupon_kind_invalid", kind=terms.kind)
    if terms.scope not in SCOPES:
        raise ValidationError("coupon_terms_invalid", field="scope")
    if terms.scope == SCOPE_ITEMS and not (terms.items or terms.categories):
        raise ValidationError("coupon_scope_empty")
    if terms.scope == SCOPE_ORDER and (terms.items or terms.categories):
        raise ValidationError("coupon_terms_invalid", field="scope")
    for name in ("amount_fen", "threshold_fen", "floor_fen", "min_spend_fen"):
        _fen(name, getattr(terms, name))
    _fen("cap_fen", terms.cap_fen, positive=True)
    if terms.kind in (THRESHOLD, PER_EACH, VOUCHER):
        _fen("amount_fen", terms.amount_fen, positive=True)
        if terms.percent_bp or terms.floor_fen:
            raise ValidationError("coupon_terms_invalid", field="percent_bp")
    if terms.kind in (THRESHOLD, PER_EACH):
        _fen("threshold_fen", terms.threshold_fen, positive=True)
        if terms.kind == THRESHOLD and terms.amount_fen > terms.threshold_fen:
            raise ValidationError("coupon_amount_over_threshold")
    if terms.kind in (THRESHOLD, VOUCHER) and terms.cap_fen is not None:
        raise ValidationError("coupon_terms_invalid", field="cap_fen")
    if terms.kind == VOUCHER and terms.threshold_fen:
        raise ValidationError("coupon_terms_invalid", field="threshold_fen")
    if terms.kind == EXCHANGE:
        if terms.scope != SCOPE_ITEMS or len(terms.items) != 1 or terms.categories:
            raise ValidationError("coupon_exchange_item")
        for name in ("amount_fen", "threshold_fen", "percent_bp", "floor_fen"):
            if getattr(terms, name):
                raise ValidationError("coupon_terms_invalid", field=name)
        if terms.cap_fen is not None:
            raise ValidationError("coupon_terms_invalid", field="cap_fen")
    _check_when_where(terms)
    if terms.kind == PERCENT:
        if not (1 <= terms.percent_bp <= 9999):
            raise ValidationError("coupon_percent_invalid", value=terms.percent_bp)
        if terms.amount_fen or terms.threshold_fen:
            raise ValidationError("coupon_terms_invalid", field="amount_fen")
    return terms


def _check_when_where(terms: Terms) -> None:
    if terms.hours is not None:
        start, end = terms.hours
        if not (0 <= start < end <= MINUTES_A_DAY):
            raise ValidationError("coupon_hours_invalid")
    if any(not (1 <= d <= 7) for d in terms.weekdays):
        raise ValidationError("coupon_weekdays_invalid")
    if len(terms.stores) > MAX_STORES or any(
        not (1 <= len(c) <= 32) or c != c.strip() for c in terms.stores
    ):
        raise ValidationError("coupon_terms_invalid", field="stores")
    if terms.group is not None and not (1 <= len(terms.group) <= MAX_GROUP):
        raise ValidationError("coupon_terms_invalid", field="group")


def hours_text(hours: tuple[int, int]) -> str:
    """``HH:MM-HH:MM`` of a window of the day."""
    return "-".join(f"{m // 60:02d}:{m % 60:02d}" for m in hours)


def check_when_where(terms: Terms, at: dt.datetime, store: str | None, code: str) -> None:
    """Refuse (RuleError) a coupon its terms do not let be taken at the local time ``at`` in
    the store ``store`` (None: a counter without a store code, which no store list names)."""
    shown = display_code(code)
    if terms.stores and store not in terms.stores:
        raise RuleError("coupon_wrong_store", coupon=shown, stores=",".join(sorted(terms.stores)))
    if terms.weekdays and at.isoweekday() not in terms.weekdays:
        days = ",".join(str(d) for d in sorted(terms.weekdays))
        raise RuleError("coupon_wrong_day", coupon=shown, days=days)
    if terms.hours is not None:
        minute = at.hour * 60 + at.minute
        if not (terms.hours[0] <= minute < terms.hours[1]):
            raise RuleError("coupon_wrong_hours", coupon=shown, hours=hours_text(terms.hours))


def eligible_lines(terms: Terms, lines: Sequence[tuple[str, str | None]]) -> tuple[int, ...]:
    """The indexes of the (item code, category) lines the coupon applies to."""
    if terms.scope == SCOPE_ORDER:
        return tuple(range(len(lines)))
    return tuple(
        i
        for i, (item, category) in enumerate(lines)
        if item in terms.items or (category is not None and category in terms.categories)
    )


def exchange_off(amount_fen: int, pieces: int) -> int:
    """What a 兑换券 takes off a line of ``pieces`` pieces coming to ``amount_fen``: one
    piece's share, rounded up (never more than the line)."""
    if amount_fen <= 0 or pieces <= 0:
        return 0
    return min(amount_fen, -(-amount_fen // pieces))


def discount_of(terms: Terms, eligible_fen: int) -> int:
    """What the coupon takes off ``eligible_fen`` (0 when its threshold is not reached)."""
    if eligible_fen <= 0 or eligible_fen < terms.min_spend_fen:
        return 0
    if terms.kind == THRESHOLD:
        off = terms.amount_fen if eligible_fen >= terms.threshold_fen else 0
    elif terms.kind == PER_EACH:
        off = eligible_fen // terms.threshold_fen * terms.amount_fen
    elif terms.kind == EXCHANGE:
        raise ValueError("an exchange coupon's discount is one unit of a line: exchange_off")
    elif terms.kind == PERCENT:
        off = eligible_fen * terms.percent_bp // 10000
        off = min(off, max(eligible_fen - terms.floor_fen, 0))
    else:
        off = terms.amount_fen
    if terms.cap_fen is not None:
        off = min(off, terms.cap_fen)
    return max(0, min(off, eligible_fen))


# -- a sale's coupons ---------------------------------------------------------------------
@dataclass(frozen=True)
class CouponUse:
    """A coupon presented at checkout: its terms and the cart lines they cover."""

    coupon_id: str
    code: str
    terms: Terms
    lines: tuple[int, ...]  # indexes of the eligible cart lines (:func:`eligible_lines`)


@dataclass(frozen=True)
class CouponShare:
    """What one coupon took off the sale, and each cart line's share of it."""

    coupon_id: str
    code: str
    item_level: bool
    discount_fen: int
    shares: tuple[int, ...]  # one per cart line; 0 for a line it does not cover


def order_of(uses: Sequence[CouponUse]) -> list[CouponUse]:
    """Item coupons first, then order coupons, each group in the order presented."""
    return [u for u in uses if u.terms.item_level] + [u for u in uses if not u.terms.item_level]


def check_combination(uses: Sequence[CouponUse]) -> None:
    """One coupon once; never two of one exclusivity group; a coupon not marked stackable is
    the sale's only coupon."""
    ids = [u.coupon_id for u in uses]
    if len(set(ids)) != len(ids):
        raise RuleError("coupon_twice")
    groups: dict[str, CouponUse] = {}
    for u in uses:
        if u.terms.group is None:
            continue
        if u.terms.group in groups:
            first = groups[u.terms.group]
            raise RuleError("coupon_same_group", coupon=display_code(u.code),
                            other=display_code(first.code), group=u.terms.group)  # fmt: skip
        groups[u.terms.group] = u
    if len(uses) > 1:
        for u in uses:
            if not u.terms.stackable:
                raise RuleError("coupon_not_stackable", coupon=display_code(u.code))


def apply_coupons(
    uses: Sequence[CouponUse], amounts: Sequence[int], pieces: Sequence[int] | None = None
) -> tuple[tuple[CouponShare, ...], list[int]]:
    """The coupons applied in the price order to the lines' ``amounts`` (after member price
    and price changes): each coupon's discount and shares, and the amounts after them.
    ``pieces``: each line's pieces (0 for a weighed line), which a 兑换券 needs; without
    them no line is sold by the piece.

    A coupon whose threshold or minimum spend is not reached at its step is refused
    (RuleError), so no coupon is spent for nothing."""
    check_combination(uses)
    left = list(amounts)
    counts = list(pieces) if pieces is not None else [0] * len(left)
    if len(counts) != len(left):
        raise ValueError("one count of pieces a line")
    out = []
    for use in order_of(uses):
        if any(not (0 <= i < len(left)) for i in use.lines):
            raise ValueError(f"coupon {use.code} names a line the cart does not have")
        if use.terms.kind == EXCHANGE:
            out.append(_exchange(use, left, counts))
            left = [a - s for a, s in zip(left, out[-1].shares, strict=True)]
            continue
        covered = set(use.lines)
        weights = [a if i in covered else 0 for i, a in enumerate(left)]
        eligible = sum(weights)
        if eligible == 0:
            raise RuleError("coupon_no_lines", coupon=display_code(use.code))
        if eligible < use.terms.min_spend_fen:
            raise RuleError(
                "coupon_min_spend",
                coupon=display_code(use.code),
                min=use.terms.min_spend_fen,
                amount=eligible,
            )
        off = discount_of(use.terms, eligible)
        if off == 0:
            raise RuleError(
                "coupon_threshold",
                coupon=display_code(use.code),
                threshold=use.terms.threshold_fen,
                amount=eligible,
            )
        shares = allocate(off, weights)
        left = [a - s for a, s in zip(left, shares, strict=True)]
        out.append(CouponShare(use.coupon_id, use.code, use.terms.item_level, off, tuple(shares)))
    return tuple(out), left


def _exchange(use: CouponUse, left: Sequence[int], pieces: Sequence[int]) -> CouponShare:
    line = next((i for i in sorted(use.lines) if pieces[i] > 0 and left[i] > 0), None)
    if line is None:
        raise RuleError("coupon_no_lines", coupon=display_code(use.code))
    eligible = left[line]
    if eligible < use.terms.min_spend_fen:
        raise RuleError("coupon_min_spend", coupon=display_code(use.code),
                        min=use.terms.min_spend_fen, amount=eligible)  # fmt: skip
    off = exchange_off(eligible, pieces[line])
    shares = tuple(off if i == line else 0 for i in range(len(left)))
    return CouponShare(use.coupon_id, use.code, use.terms.item_level, off, shares)


# -- validity -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Validity:
    """Fixed dates (``valid_from``..``valid_until``, inclusive) or ``days`` from issue."""

    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    days: int | None = None


def check_validity(v: Validity) -> Validity:
    if v.days is not None:
        if v.valid_from is not None or v.valid_until is not None:
            raise ValidationError("coupon_validity_invalid")
        if not (1 <= v.days <= MAX_VALIDITY_DAYS):
            raise ValidationError("coupon_validity_days", max=MAX_VALIDITY_DAYS)
        return v
    if v.valid_from is None or v.valid_until is None or v.valid_until < v.valid_from:
        raise ValidationError("coupon_validity_invalid")
    return v


def validity_on_issue(v: Validity, issued_on: dt.date) -> tuple[dt.date, dt.date]:
    """(valid from, valid until) of a coupon issued on ``issued_on``."""
    if v.days is not None:
        return issued_on, issued_on + dt.timedelta(days=v.days - 1)
    assert v.valid_from is not None and v.valid_until is not None
    return v.valid_from, v.valid_until


# -- the ledger ---------------------------------------------------------------------------
ISSUED = "issued"
REDEEMED = "redeemed"
RESTORED = "restored"
VOIDED = "voided"
EXPIRED = "expired"
ENTRY_KINDS = (ISSUED, REDEEMED, RESTORED, VOIDED, EXPIRED)
# A coupon's state as its entries leave it (the last entry that moves it decides):
# issued and restored leave it usable; redeemed, voided and expired do not.
USABLE = "usable"
STATE_AFTER = {ISSUED: USABLE, RESTORED: USABLE, REDEEMED: REDEEMED, VOIDED: VOIDED,
               EXPIRED: EXPIRED}  # fmt: skip


def state_of(kinds: Iterable[str]) -> str:
    """The state of a coupon whose entries, in the order written, are ``kinds``.

    Two stores offline may each redeem a coupon (HQ keeps both and lists the second as a
    conflict): a restoration gives back one redemption, so the coupon stays redeemed while
    more redemptions than restorations stand, whatever order the stores learnt them in."""
    state = None
    standing = 0  # redemptions not given back
    for kind in kinds:
        if kind not in STATE_AFTER:
            raise ValueError(f"unknown coupon entry {kind!r}")
        if kind == ISSUED and state is not None:
            raise ValueError("a coupon is issued once, first")
        if kind != ISSUED and state is None:
            raise ValueError("a coupon's first entry is its issue")
        if kind == RESTORED and standing < 1:
            raise ValueError("only a redeemed coupon is restored")
        standing += {REDEEMED: 1, RESTORED: -1}.get(kind, 0)
        state = STATE_AFTER[kind]
        if kind == RESTORED and standing:
            state = REDEEMED
    if state is None:
        raise ValueError("a coupon's first entry is its issue")
    return state


def usable_state(
    state: str, valid_from: dt.date, valid_until: dt.date, today: dt.date, code: str
) -> None:
    """Refuse (RuleError) a coupon that cannot be redeemed on ``today``."""
    shown = display_code(code)
    if state == REDEEMED:
        raise RuleError("coupon_used", coupon=shown)
    if state == VOIDED:
        raise RuleError("coupon_voided", coupon=shown)
    if state == EXPIRED or today > valid_until:
        raise RuleError("coupon_expired", coupon=shown, until=valid_until.isoformat())
    if today < valid_from:
        raise RuleError("coupon_not_yet", coupon=shown, since=valid_from.isoformat())


# -- the wire -----------------------------------------------------------------------------
def terms_wire(t: Terms) -> dict[str, object]:
    """The terms as events and the template table carry them."""
    return {
        "kind": t.kind,
        "amount_fen": t.amount_fen,
        "threshold_fen": t.threshold_fen,
        "percent_bp": t.percent_bp,
        "cap_fen": t.cap_fen,
        "floor_fen": t.floor_fen,
        "min_spend_fen": t.min_spend_fen,
        "scope": t.scope,
        "items": sorted(t.items),
        "categories": sorted(t.categories),
        "stackable": t.stackable,
    } | _when_where_wire(t)


def _when_where_wire(t: Terms) -> dict[str, object]:
    """The later keys, only when set: the terms of a coupon without them travel as before."""
    out: dict[str, object] = {}
    if t.hours is not None:
        out["hours"] = list(t.hours)
    if t.weekdays:
        out["weekdays"] = sorted(t.weekdays)
    if t.stores:
        out["stores"] = sorted(t.stores)
    if t.group is not None:
        out["group"] = t.group
    return out


_WIRE_KEYS = frozenset({"kind", "amount_fen", "threshold_fen", "percent_bp", "cap_fen",
                        "floor_fen", "min_spend_fen", "scope", "items", "categories",
                        "stackable"})  # fmt: skip
_LATER_KEYS = frozenset({"hours", "weekdays", "stores", "group"})


def _int(w: Mapping[str, Any], key: str, *, optional: bool = False) -> Any:
    v = w[key]
    if (v is None and optional) or (isinstance(v, int) and not isinstance(v, bool)):
        return v
    raise ValidationError("coupon_terms_invalid", field=key)


def _strings(w: Mapping[str, Any], key: str) -> frozenset[str]:
    v = w.get(key, [])
    if not isinstance(v, list) or any(not isinstance(x, str) for x in v) or len(set(v)) != len(v):
        raise ValidationError("coupon_terms_invalid", field=key)
    return frozenset(v)


def terms_of_wire(w: Mapping[str, Any]) -> Terms:
    """The terms ``w`` carries, checked (:func:`check_terms`); ValidationError for any key
    missing, unknown or of the wrong type. The later keys (``hours``, ``weekdays``,
    ``stores``, ``group``) may be absent: terms written before them still parse. The one
    place terms are read from the wire, at the counter and at HQ."""
    if not isinstance(w, Mapping):
        raise ValidationError("coupon_terms_invalid", field="terms")
    for key in sorted(_WIRE_KEYS - set(w)):
        raise ValidationError("coupon_terms_invalid", field=key)
    for key in sorted(set(w) - _WIRE_KEYS - _LATER_KEYS):
        raise ValidationError("coupon_terms_invalid", field=str(key))
    for key in ("kind", "scope"):
        if not isinstance(w[key], str):
            raise ValidationError("coupon_terms_invalid", field=key)
    if not isinstance(w["stackable"], bool):
        raise ValidationError("coupon_terms_invalid", field="stackable")
    hours = w.get("hours")
    if hours is not None:
        if (not isinstance(hours, list) or len(hours) != 2
                or any(not isinstance(m, int) or isinstance(m, bool) for m in hours)):  # fmt: skip
            raise ValidationError("coupon_hours_invalid")
        hours = (hours[0], hours[1])
    weekdays = w.get("weekdays", [])
    if (not isinstance(weekdays, list) or len(set(weekdays)) != len(weekdays)
            or any(not isinstance(d, int) or isinstance(d, bool) for d in weekdays)):  # fmt: skip
        raise ValidationError("coupon_weekdays_invalid")
    group = w.get("group")
    if group is not None and not isinstance(group, str):
        raise ValidationError("coupon_terms_invalid", field="group")
    return check_terms(
        Terms(
            kind=w["kind"],
            amount_fen=_int(w, "amount_fen"),
            threshold_fen=_int(w, "threshold_fen"),
            percent_bp=_int(w, "percent_bp"),
            cap_fen=_int(w, "cap_fen", optional=True),
            floor_fen=_int(w, "floor_fen"),
            min_spend_fen=_int(w, "min_spend_fen"),
            scope=w["scope"],
            items=_strings(w, "items"),
            categories=_strings(w, "categories"),
            stackable=w["stackable"],
            hours=hours,
            weekdays=frozenset(weekdays),
            stores=_strings(w, "stores"),
            group=group,
        )
    )
