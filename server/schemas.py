"""The strict shape of every event a counter sends (pydantic, ``extra="forbid"``, strict types).

One model per event type the counter emits (``app/services``: the ``event_type=`` of each
:func:`app.services.recording.record` call, and the import's ``member.imported``). Amounts
are integer fen within sane ranges; the signs each type may carry are fixed here, the sums
and the state they depend on are checked by :mod:`server.validate`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.domain.events import PROFILE_FIELDS
from app.domain.pricing import EXTERNAL_METHODS, TENDER_METHODS

MAX_FEN = 10_000_000_000  # ¥100,000,000: far above any real amount, far below overflow
MAX_POINTS = 1_000_000_000
MAX_ROWS = 5_000  # ledger rows one event may carry (a cancel voids every lot)

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
]
Date = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
# A member's birthday: a date, or ISO 8601's --MM-DD when only the month and day are known.
Birthday = Annotated[str, StringConstraints(pattern=r"^(\d{4}|-)-\d{2}-\d{2}$")]
Stamp = Annotated[str, StringConstraints(min_length=10, max_length=40)]
StaffNo = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Fen = Annotated[int, Field(ge=-MAX_FEN, le=MAX_FEN)]
PlusFen = Annotated[int, Field(ge=0, le=MAX_FEN)]
MinusFen = Annotated[int, Field(ge=-MAX_FEN, le=0)]
Points = Annotated[int, Field(ge=-MAX_POINTS, le=MAX_POINTS)]
PlusPoints = Annotated[int, Field(ge=0, le=MAX_POINTS)]
CardNo = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{4,32}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^1[3-9]\d{9}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Envelope(_Strict):
    """What :func:`app.services.recording.envelope` adds to every event."""

    staff_id: Id | None = None
    staff_no: StaffNo | None = None
    approved_by: Id | None = None
    approver_no: StaffNo | None = None
    rules_version: Annotated[int, Field(ge=1, le=2**31)] | None = None
    at: Stamp


class SvEntry(_Strict):
    entry_id: Id
    kind: Literal[
        "topup",
        "spend",
        "spend_reversal",
        "topup_refund",
        "adjust",
        "cancel",
        "migration",
        "countcard_refund",
    ]
    principal_fen: Fen
    bonus_fen: Fen
    reverses: Id | None = None


class PointsEntry(_Strict):
    entry_id: Id
    lot_id: Id
    kind: Literal[
        "earn", "redeem", "redeem_reversal", "clawback", "adjust", "expire", "void", "migration"
    ]
    points: Points
    reverses: Id | None = None


class Lot(_Strict):
    lot_id: Id
    points: Annotated[int, Field(ge=1, le=MAX_POINTS)]
    earned_on: Date
    expires_on: Date
    source: Literal["checkout", "adjust", "migration"]


class Tender(_Strict):
    method: Literal[TENDER_METHODS]  # type: ignore[valid-type]
    amount_fen: Fen
    change_fen: PlusFen


class TierChange(_Strict):
    from_: Code = Field(alias="from")
    to: Code
    reason: Literal["auto_upgrade", "refund", "override"]


class Profile(_Strict):
    member_id: Id
    name: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    phone: Phone
    gender: Literal["m", "f"] | None = None
    birthday: Birthday | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    address: Annotated[str, StringConstraints(max_length=200)] | None = None
    referrer_id: Id | None = None
    source: Annotated[str, StringConstraints(max_length=32)] | None = None
    consent_at: Stamp | None = None
    tier: Code


class CardRef(_Strict):
    card_id: Id
    card_no: CardNo


class FieldChange(_Strict):
    value: Annotated[str, StringConstraints(max_length=254)] | None
    hlc: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Registered(Envelope):
    txn_id: Id
    member: Profile
    card: CardRef


class Imported(Envelope):
    txn_id: Id
    batch_id: Id
    business_date: Date
    member: Profile
    card: CardRef
    cumulative_spend_fen: PlusFen
    sv_entries: list[SvEntry] = Field(max_length=1)
    points_lots: list[Lot] = Field(max_length=1)
    points_entries: list[PointsEntry] = Field(max_length=1)
    # What the old system said beyond the profile, sent only when the file has it.
    card_status: Literal["frozen", "lost", "cancelled"] | None = None  # cancelled: history
    notes: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    home_store: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    registered_at: Stamp | None = None


class ImportBatch(Envelope):
    file: Annotated[str, StringConstraints(max_length=255)]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    encoding: Annotated[str, StringConstraints(max_length=32)]
    mapping: dict[Annotated[str, StringConstraints(max_length=64)], str | None]
    batch_id: Id
    business_date: Date
    counts: dict[Annotated[str, StringConstraints(max_length=32)], PlusFen]
    totals: dict[Annotated[str, StringConstraints(max_length=32)], PlusFen]
    tier_map: dict[Code, Code] | None = None  # the old system's tier names -> tiers here


class PasswordSet(Envelope):
    member_id: Id
    password_hash: Annotated[str, StringConstraints(pattern=r"^\$argon2id?\$[!-~]{10,240}$")]


class ProfileUpdated(Envelope):
    member_id: Id
    fields: dict[Literal[PROFILE_FIELDS], FieldChange] = Field(min_length=1)  # type: ignore[valid-type]


class ToppedUp(Envelope):
    txn_id: Id
    member_id: Id
    business_date: Date
    amount_fen: Annotated[int, Field(ge=1, le=MAX_FEN)]
    bonus_fen: PlusFen
    tenders: list[Tender] = Field(min_length=1, max_length=1)
    sv_entries: list[SvEntry] = Field(min_length=1, max_length=1)


class Adjusted(Envelope):
    txn_id: Id
    member_id: Id
    business_date: Date
    reason: Text
    sv_entries: list[SvEntry] = Field(min_length=1, max_length=1)


class TopupRefunded(Envelope):
    txn_id: Id
    original_txn_id: Id
    member_id: Id
    business_date: Date
    tenders: list[Tender] = Field(max_length=1)
    sv_entries: list[SvEntry] = Field(min_length=1, max_length=1)


class Checkout(Envelope):
    txn_id: Id
    member_id: Id
    business_date: Date
    amount_fen: Annotated[int, Field(ge=1, le=MAX_FEN)]
    discount_fen: PlusFen
    points_used: PlusPoints
    points_value_fen: PlusFen
    due_fen: PlusFen
    tenders: list[Tender] = Field(max_length=len(TENDER_METHODS))
    points_earned: PlusPoints
    cumulative_spend_delta_fen: PlusFen
    tier_before: Code
    tier_after: Code
    tier_changes: list[TierChange] = Field(max_length=1)
    sv_entries: list[SvEntry] = Field(max_length=1)
    points_lots: list[Lot] = Field(max_length=1)
    points_entries: list[PointsEntry] = Field(max_length=MAX_ROWS)


class Refunded(Envelope):
    txn_id: Id
    original_txn_id: Id
    member_id: Id
    business_date: Date
    tenders: list[Tender] = Field(max_length=len(TENDER_METHODS))
    cumulative_spend_delta_fen: MinusFen
    points_shortfall: PlusPoints
    tier_changes: list[TierChange] = Field(max_length=1)
    sv_entries: list[SvEntry] = Field(max_length=1)
    points_entries: list[PointsEntry] = Field(max_length=MAX_ROWS)


class CardStatus(Envelope):
    txn_id: Id
    member_id: Id
    card_id: Id
    card_no: CardNo
    status: Literal["lost", "frozen", "active"]


class CardReplaced(Envelope):
    txn_id: Id
    member_id: Id
    old_card_id: Id
    card: CardRef
    fee_fen: PlusFen
    tenders: list[Tender] = Field(max_length=1)
    business_date: Date


class CardCancelled(Envelope):
    txn_id: Id
    member_id: Id
    card_id: Id
    business_date: Date
    tenders: list[Tender] = Field(max_length=1)
    sv_entries: list[SvEntry] = Field(max_length=1)
    points_entries: list[PointsEntry] = Field(max_length=MAX_ROWS)


class PointsExpired(Envelope):
    txn_id: Id
    member_id: Id
    as_of: Date
    points_entries: list[PointsEntry] = Field(min_length=1, max_length=MAX_ROWS)


class PointsAdjusted(Envelope):
    txn_id: Id
    member_id: Id
    reason: Text
    points_lots: list[Lot] = Field(max_length=1)
    points_entries: list[PointsEntry] = Field(min_length=1, max_length=MAX_ROWS)


class TierOverridden(Envelope):
    txn_id: Id
    member_id: Id
    reason: Text
    tier_changes: list[TierChange] = Field(min_length=1, max_length=1)


class StoreInitialised(Envelope):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    device_id: Id
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    rules: dict[str, Any]


class StaffAdded(Envelope):
    added_staff_id: Id
    added_staff_no: StaffNo
    name: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    role: Literal["cashier", "manager", "admin", "marketing", "service", "finance"]


class StaffUnlocked(Envelope):
    unlocked_staff_id: Id


class StaffLocked(Envelope):
    locked_staff_id: Id


class RulesChanged(Envelope):
    rules: dict[str, Any]
    changed: list[Annotated[str, StringConstraints(max_length=64)]] = Field(max_length=64)


# -- the catalogue (app.services.catalogue); checked again by app.domain.catalogue ---------
CatCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z][0-9A-Z._-]{0,31}$")]
ItemFen = Annotated[int, Field(ge=0, le=100_000_000)]  # ¥1,000,000 a unit at most
MemberKey = Annotated[str, StringConstraints(pattern=r"^(\*|[a-z0-9_]{1,16})$")]


class CatalogueItem(_Strict):
    code: CatCode
    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    price_fen: ItemFen
    unit: Annotated[str, StringConstraints(min_length=1, max_length=8)]
    barcodes: list[CatCode] = Field(max_length=16)
    category: CatCode | None
    member_prices: dict[MemberKey, ItemFen] = Field(max_length=64)
    points_eligible: bool
    service: bool
    active: bool


class CatalogueCategory(_Strict):
    code: CatCode
    name: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    points_multiplier_permille: Annotated[int, Field(ge=0, le=10_000)]
    active: bool


class ItemSaved(Envelope):
    item: CatalogueItem
    action: Literal["add", "update", "deactivate", "import"]
    enrolled: bool  # the counter was enrolled with HQ when it made the change


class CategorySaved(Envelope):
    category: CatalogueCategory
    action: Literal["add", "update", "deactivate"]
    enrolled: bool


class DayClosed(Envelope):
    business_date: Date
    net_sales_fen: Fen
    topups_fen: Fen
    over_short_fen: Fen
    report_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    report: dict[str, Any]


class ShiftOpened(Envelope):
    """A cashier's shift begun (app.services.shifts): a fact of the counter's own cash."""

    shift_id: Id
    business_date: Date
    float_fen: PlusFen
    opened_at: Stamp


class ShiftClosed(Envelope):
    """A counted shift closed: the cash expected, counted and the difference, as it is.
    ``cashier_id``: whose shift it was (``staff_id`` closed it; events of older releases
    name no owner)."""

    shift_id: Id
    cashier_id: Id | None = None
    business_date: Date
    float_fen: PlusFen
    expected_fen: Fen
    counted_fen: PlusFen
    over_short_fen: Fen
    reason: Text | None = None
    opened_at: Stamp
    ended_at: Stamp | None = None
    net_sales_fen: Fen
    sales_by_tender: dict[Literal[TENDER_METHODS], Fen] = Field(  # type: ignore[valid-type]
        max_length=len(TENDER_METHODS)
    )
    topups_fen: Fen


# -- cart sales and walk-in sales (app.services.sale); priced again by server.validate ------
PartKey = Literal[
    "points", "cash", "wechat", "alipay", "bankcard", "stored_value.principal",
    "stored_value.bonus",
]  # fmt: skip


class SalePriceChange(_Strict):
    unit_fen: ItemFen | None
    line_fen: PlusFen | None


class SaleOrderDiscount(_Strict):
    percent_bp: Annotated[int, Field(ge=1, le=10_000)] | None
    amount_fen: Annotated[int, Field(ge=1, le=MAX_FEN)] | None


class SaleLine(_Strict):
    item_code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    quantity: Annotated[int, Field(ge=1, le=100_000_000)]
    weighed: bool
    unit_price_fen: ItemFen
    member_unit_fen: ItemFen | None
    points_eligible: bool
    points_multiplier_permille: Annotated[int, Field(ge=0, le=10_000)]
    price_change: SalePriceChange | None
    list_fen: PlusFen
    member_basis: Literal["list", "member_price", "tier_discount"]
    member_fen: PlusFen
    changed_fen: PlusFen
    coupon_fen: PlusFen = 0
    order_discount_fen: PlusFen
    round_off_fen: PlusFen
    after_round_fen: PlusFen
    points_used: PlusPoints
    points_value_fen: PlusFen
    due_fen: PlusFen
    points_earned: PlusPoints
    parts: dict[PartKey, PlusFen] = Field(max_length=7)


# A coupon's terms as app.domain.coupons.terms_wire writes them: checked by the domain's own
# parser (server.coupons.terms_of), not listed again here, so fields the domain gains flow.
CouponTermsWire = dict[str, Any]
CouponCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-HJKMNP-TV-Z]{12}$")]


class SaleCoupon(_Strict):
    coupon_id: Id
    code: CouponCode
    template_id: Id
    terms: CouponTermsWire
    lines: list[Annotated[int, Field(ge=0, le=499)]] = Field(min_length=1, max_length=500)
    discount_fen: PlusFen
    shares: list[PlusFen] = Field(min_length=1, max_length=500)
    entry_id: Id | None = None  # the coupon's ``redeemed`` entry at the counter


class SaleCart(_Strict):
    rounding: Literal["none", "jiao", "yuan"]
    order_discount: SaleOrderDiscount | None
    lines: list[SaleLine] = Field(min_length=1, max_length=500)
    coupons: list[SaleCoupon] = Field(default_factory=list, max_length=10)


class SaleCompleted(Envelope):
    """A cart sale (``cart``) or an amount-only walk-in sale (no ``cart``); a walk-in
    customer (散客) has no ``member_id``, no points and no stored value."""

    txn_id: Id
    member_id: Id | None
    business_date: Date
    amount_fen: Annotated[int, Field(ge=0, le=MAX_FEN)]
    discount_fen: Fen  # negative when a price change raised the price
    points_used: PlusPoints
    points_value_fen: PlusFen
    due_fen: PlusFen
    tenders: list[Tender] = Field(max_length=len(TENDER_METHODS))
    points_earned: PlusPoints
    cumulative_spend_delta_fen: PlusFen
    tier_before: Code | None
    tier_after: Code | None
    tier_changes: list[TierChange] = Field(max_length=1)
    sv_entries: list[SvEntry] = Field(max_length=1)
    points_lots: list[Lot] = Field(max_length=1)
    points_entries: list[PointsEntry] = Field(max_length=MAX_ROWS)
    cart: SaleCart | None


class SaleRefundLine(_Strict):
    line_no: Annotated[int, Field(ge=0, le=499)]
    quantity: Annotated[int, Field(ge=1, le=100_000_000)]
    list_fen: PlusFen
    parts: dict[PartKey, PlusFen] = Field(max_length=7)
    points_used: PlusPoints
    points_earned: PlusPoints


class CouponRestored(_Strict):
    coupon_id: Id
    entry_id: Id
    kind: Literal["restored"]
    txn_id: Id
    discount_fen: PlusFen
    business_date: Date


class SaleRefunded(Envelope):
    """A partial refund of a cart sale (app.services.partial_refunds): the lines and
    quantities refunded with what each gave back; a walk-in's has no member figures."""

    txn_id: Id
    original_txn_id: Id
    member_id: Id | None
    business_date: Date
    reason: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    lines: list[SaleRefundLine] = Field(min_length=1, max_length=500)
    tenders: list[Tender] = Field(max_length=len(TENDER_METHODS))
    cumulative_spend_delta_fen: MinusFen
    points_shortfall: PlusPoints
    tier_changes: list[TierChange] = Field(max_length=1)
    sv_entries: list[SvEntry] = Field(max_length=1)
    points_entries: list[PointsEntry] = Field(max_length=MAX_ROWS)
    # Another store's sale refunded by the store's policy ``cash``: every part paid by a
    # tender other than stored value comes back as one cash tender.
    cash_back: bool = False
    coupon_entries: list[CouponRestored] = Field(default_factory=list, max_length=10)


# -- count cards (app.services.countcards); sums and state checked by server.countcards ---
Times = Annotated[int, Field(ge=0, le=10_000)]
CardTimes = dict[CatCode, Annotated[list[Times], Field(min_length=2, max_length=2)]]


class CountCardItem(_Strict):
    item_code: CatCode
    times: Times
    gift_times: Times


class CountCardProduct(_Strict):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    items: list[CountCardItem] = Field(min_length=1, max_length=64)
    price_fen: PlusFen
    validity_days: Annotated[int, Field(ge=1, le=36600)] | None
    end_date: Date | None
    stores: list[Code] | None = Field(max_length=1000)
    transferable: bool
    active: bool


class CountCardHeader(_Strict):
    card_id: Id
    product_code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    price_paid_fen: PlusFen
    sold_on: Date
    valid_until: Date
    stores: list[Code] | None = Field(max_length=1000)
    transferable: bool


class CountCardEntry(_Strict):
    entry_id: Id
    kind: Literal["sold", "visit", "refund", "transfer", "expire"]
    times: CardTimes = Field(max_length=64)
    value_fen: PlusFen
    business_date: Date


class CountCardProductSaved(Envelope):
    product: CountCardProduct


class CountCardSold(Envelope):
    txn_id: Id
    member_id: Id
    business_date: Date
    count_card: CountCardHeader
    entry: CountCardEntry
    tenders: list[Tender] = Field(max_length=len(TENDER_METHODS))
    sv_entries: list[SvEntry] = Field(max_length=1)


class CountCardUsed(Envelope):
    txn_id: Id
    member_id: Id
    business_date: Date
    count_card_id: Id
    entry: CountCardEntry
    paid_used_before: Times
    offline: bool


class CountCardRefunded(Envelope):
    txn_id: Id
    member_id: Id
    business_date: Date
    count_card_id: Id
    entry: CountCardEntry
    amount_fen: PlusFen
    tenders: list[Tender] = Field(max_length=1)
    sv_entries: list[SvEntry] = Field(max_length=1)


class CountCardTransferred(Envelope):
    txn_id: Id
    member_id: Id
    to_member_id: Id
    business_date: Date
    count_card_id: Id
    count_card: CountCardHeader
    history: list[CountCardEntry] = Field(min_length=1, max_length=MAX_ROWS)
    entry: CountCardEntry


class CountCardExpired(Envelope):
    txn_id: Id
    member_id: Id
    business_date: Date
    count_card_id: Id
    entry: CountCardEntry


COUNTCARD_SCHEMAS: dict[str, type[Envelope]] = {
    "countcard.product_saved": CountCardProductSaved,
    "countcard.sold": CountCardSold,
    "countcard.used": CountCardUsed,
    "countcard.refunded": CountCardRefunded,
    "countcard.transferred": CountCardTransferred,
    "countcard.expired": CountCardExpired,
}


# -- member tags (app.services.tags); the definition checked again by app.domain.tags -------
TagCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9_]{1,24}$")]


class TagSaved(Envelope):
    tag: dict[str, Any] = Field(max_length=8)


class MemberTagSet(Envelope):
    member_id: Id
    tag_code: TagCode
    present: bool
    hlc: Annotated[str, StringConstraints(min_length=1, max_length=64)]


TAG_SCHEMAS: dict[str, type[Envelope]] = {
    "tag.saved": TagSaved,
    "member.tag_set": MemberTagSet,
}


# -- coupons (app.services.coupons); state and terms checked by server.coupons ----------
class CouponTemplate(_Strict):
    template_id: Id
    name: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    terms: CouponTermsWire
    valid_from: Date | None
    valid_until: Date | None
    validity_days: Annotated[int, Field(ge=1, le=36600)] | None
    per_member_limit: Annotated[int, Field(ge=1, le=1_000_000)] | None
    refund_restores: bool
    active: bool
    # An issue rule (app.domain.coupon_rules), only when the template has one; checked there.
    issue_rule: dict[str, Any] | None = Field(default=None, max_length=8)


class CouponTemplateSaved(Envelope):
    template: CouponTemplate


class CouponHeader(_Strict):
    coupon_id: Id
    code: CouponCode
    template_id: Id
    member_id: Id
    issued_at: Stamp
    valid_from: Date
    valid_until: Date


class CouponEntry(_Strict):
    entry_id: Id
    kind: Literal["issued"]
    txn_id: Id | None
    discount_fen: PlusFen
    business_date: Date


class CouponIssued(Envelope):
    member_id: Id
    coupon: CouponHeader
    entry: CouponEntry


class CouponVoidEntry(_Strict):
    entry_id: Id
    kind: Literal["voided"]
    txn_id: None
    discount_fen: Literal[0]
    business_date: Date


class CouponVoided(Envelope):
    """A manager voided a coupon not yet used (作废), with the reason."""

    member_id: Id
    coupon: CouponHeader
    entry: CouponVoidEntry
    reason: Annotated[str, StringConstraints(min_length=1, max_length=200)]


COUPON_SCHEMAS: dict[str, type[Envelope]] = {
    "coupon.template_saved": CouponTemplateSaved,
    "coupon.issued": CouponIssued,
    "coupon.voided": CouponVoided,
}


# -- service tickets (app.services.tickets); checked against HQ's own tickets by server.tickets
TicketNumber = Annotated[str, StringConstraints(pattern=r"^T-[A-Za-z0-9_-]{1,40}-\d{6,}$")]
Hlc = Annotated[str, StringConstraints(min_length=1, max_length=64)]
TicketText = Annotated[str, StringConstraints(max_length=1000)]


class TicketWire(_Strict):
    ticket_id: Id
    number: TicketNumber
    member_id: Id
    store_code: Code
    kind: Literal["consultation", "complaint", "feedback", "suggestion"]
    priority: Literal["low", "normal", "high", "urgent"]
    subject: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    body: TicketText | None
    status: Literal["new"]
    assignee: None
    due_at: Stamp
    opened_by: StaffNo | None
    opened_at: Stamp
    hlc: Hlc


class TicketEntryWire(_Strict):
    entry_id: Id
    at: Stamp
    staff_no: StaffNo | None
    store_code: Code | None
    action: Literal["opened", "updated", "reopened"]
    changes: dict[str, list[Any]] = Field(max_length=4)
    note: Annotated[str, StringConstraints(max_length=500)] | None
    hlc: Hlc


class TicketOpened(Envelope):
    member_id: Id
    ticket: TicketWire
    entry: TicketEntryWire


class TicketUpdated(Envelope):
    member_id: Id
    ticket_id: Id
    number: TicketNumber
    ticket_store: Code
    changes: dict[Literal["status", "assignee", "resolution", "satisfaction"], list[Any]] = Field(
        max_length=4
    )
    entry: TicketEntryWire


TICKET_SCHEMAS: dict[str, type[Envelope]] = {
    "ticket.opened": TicketOpened,
    "ticket.updated": TicketUpdated,
}


# -- the consent ledger (app.services.consent); the entry checked again by server.consent ---
class ConsentEntryWire(_Strict):
    entry_id: Id
    member_id: Id
    purpose: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    channel: Annotated[str, StringConstraints(min_length=1, max_length=8)]
    granted: bool
    wording_version: Annotated[str, StringConstraints(min_length=1, max_length=24)]
    at: Stamp
    store_code: Code
    staff_no: StaffNo | None
    source: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    hlc: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class ConsentChanged(Envelope):
    member_id: Id
    entry: ConsentEntryWire


class ConsentGranted(ConsentChanged):
    pass


class ConsentWithdrawn(ConsentChanged):
    pass


CONSENT_SCHEMAS: dict[str, type[Envelope]] = {
    "consent.granted": ConsentGranted,
    "consent.withdrawn": ConsentWithdrawn,
}


SCHEMAS: dict[str, type[Envelope]] = {
    "member.registered": Registered,
    "member.imported": Imported,
    "member.import_batch": ImportBatch,
    "member.payment_password_set": PasswordSet,
    "member.profile_updated": ProfileUpdated,
    "stored_value.topped_up": ToppedUp,
    "stored_value.adjusted": Adjusted,
    "stored_value.topup_refunded": TopupRefunded,
    "checkout.completed": Checkout,
    "checkout.refunded": Refunded,
    "card.reported_lost": CardStatus,
    "card.frozen": CardStatus,
    "card.unfrozen": CardStatus,
    "card.replaced": CardReplaced,
    "card.cancelled": CardCancelled,
    "points.expired": PointsExpired,
    "points.adjusted": PointsAdjusted,
    "tier.overridden": TierOverridden,
    "store.initialised": StoreInitialised,
    "staff.added": StaffAdded,
    "staff.unlocked": StaffUnlocked,
    "staff.locked": StaffLocked,
    "rules.changed": RulesChanged,
    "day.closed": DayClosed,
    "shift.opened": ShiftOpened,
    "shift.closed": ShiftClosed,
    "catalogue.item_saved": ItemSaved,
    "catalogue.category_saved": CategorySaved,
    "sale.completed": SaleCompleted,
    "sale.refunded": SaleRefunded,
    **COUNTCARD_SCHEMAS,
    **TAG_SCHEMAS,
    **TICKET_SCHEMAS,
    **CONSENT_SCHEMAS,
    **COUPON_SCHEMAS,
}

# Types only HQ itself makes: a counter that sends one is refused.
HQ_ONLY = frozenset({"member.merged", "member.released", "quarantine.resolved"})

EXTERNAL = frozenset(EXTERNAL_METHODS)
