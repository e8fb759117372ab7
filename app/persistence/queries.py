"""The lookup queries, written once and built once.

Each statement is built at import with bound parameters, so a lookup pays
only for running it. The unit of work runs them through its ORM session (rows
become ``Member``/``Card`` objects it can change); :class:`app.persistence.reader.Reader`
runs the same statements on a plain Core connection (rows with the same
attribute names), which is what the scan box's read-only hot path needs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, exists, func, literal_column, select, tuple_
from sqlalchemy.orm import aliased

from app.domain.business_day import SETTING_KEY as BUSINESS_DAY_SETTING
from app.persistence.refund_tables import TxnRefundLine
from app.persistence.sale_tables import TxnLine
from app.persistence.tables import (
    AuditEntry,
    Card,
    DayClose,
    Member,
    MemberSearchKey,
    OutboxEvent,
    PointsEntry,
    PointsLot,
    Setting,
    StoreRow,
    TierChange,
    Txn,
    TxnTender,
)

SEARCH_LIMIT = 20

# A literal, not a bound parameter: SQLite can then use the partial index on active
# members' phones without re-preparing the statement on every lookup.
ACTIVE = literal_column("'active'")

STORE = select(StoreRow).where(StoreRow.id == 1)

MEMBER = select(Member).where(Member.id == bindparam("member_id"))

# :phone (a full number: another store's member, whose masked number is held, has a hash)
MEMBER_BY_PHONE = select(Member).where(
    Member.phone == bindparam("phone"), Member.status == ACTIVE, Member.phone_hash.is_(None)
)

# :phone_hash (another store's member, by the chain's keyed hash of the number)
MEMBER_BY_PHONE_HASH = select(Member).where(
    Member.phone_hash == bindparam("phone_hash"), Member.status == ACTIVE
)

# :last4
MEMBERS_BY_LAST4 = (
    select(Member)
    .where(Member.phone_last4 == bindparam("last4"), Member.status == ACTIVE)
    .order_by(Member.name)
    .limit(SEARCH_LIMIT)
)

# :lo, :hi — a name prefix and the prefix followed by the highest code point
MEMBERS_BY_NAME_RANGE = (
    select(Member)
    .where(Member.name >= bindparam("lo"), Member.name < bindparam("hi"), Member.status == ACTIVE)
    .order_by(Member.name)
    .limit(SEARCH_LIMIT)
)

# :lo, :hi — a pinyin key prefix and the prefix followed by DEL
MEMBERS_BY_KEY_RANGE = (
    select(Member)
    .where(
        Member.id.in_(
            select(MemberSearchKey.member_id)
            .where(MemberSearchKey.key >= bindparam("lo"), MemberSearchKey.key < bindparam("hi"))
            .distinct()
            .limit(SEARCH_LIMIT * 4)
            .scalar_subquery()
        ),
        Member.status == ACTIVE,
    )
    .order_by(Member.name)
    .limit(SEARCH_LIMIT)
)

# :card_no
CARD_BY_NO = select(Card).where(Card.card_no == bindparam("card_no"))

# :ids (a list)
CARDS = select(Card).where(Card.id.in_(bindparam("ids", expanding=True)))

# :ids (a list of member ids), :before — (member_id, points) still held in lots whose
# last valid day is on or before :before
POINTS_EXPIRING = (
    select(PointsLot.member_id, func.sum(PointsEntry.points))
    .join(PointsEntry, PointsEntry.lot_id == PointsLot.id)
    .where(
        PointsLot.member_id.in_(bindparam("ids", expanding=True)),
        PointsLot.expires_on <= bindparam("before"),
    )
    .group_by(PointsLot.member_id)
)


def name_range(prefix: str) -> dict[str, str]:
    return {"lo": prefix, "hi": prefix + "\U0010ffff"}


def key_range(prefix: str) -> dict[str, str]:
    return {"lo": prefix, "hi": prefix + "\x7f"}


# :member_id — (lot id, last valid day, points left) of each of the member's lots
LOT_BALANCES = (
    select(PointsLot.id, PointsLot.expires_on, func.coalesce(func.sum(PointsEntry.points), 0))
    .join(PointsEntry, PointsEntry.lot_id == PointsLot.id)
    .where(PointsLot.member_id == bindparam("member_id"))
    .group_by(PointsLot.id)
)

# :member_id, :today — the points of the member's lots still valid today, summed in SQL (a
# regular holds thousands of lots: no row each for Python to add up)
_VALID_LOT_BALANCES = (
    select(func.sum(PointsEntry.points).label("remaining"))
    .join(PointsLot, PointsLot.id == PointsEntry.lot_id)
    .where(
        PointsLot.member_id == bindparam("member_id"),
        PointsLot.expires_on >= bindparam("today"),
    )
    .group_by(PointsLot.id)
    .subquery()
)
USABLE_POINTS = select(func.coalesce(func.sum(_VALID_LOT_BALANCES.c.remaining), 0)).where(
    _VALID_LOT_BALANCES.c.remaining > 0
)

# (hash of the last audit entry, number of the last outbox event): where the next of each goes
CHAIN_HEADS = select(
    select(AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1).scalar_subquery(),
    select(func.max(OutboxEvent.device_seq)).scalar_subquery(),
)

_LAST_CLOSED = select(func.max(DayClose.business_date)).scalar_subquery()
_DAY_START = select(Setting.value).where(Setting.key == BUSINESS_DAY_SETTING).scalar_subquery()

# (the last closed business date, the business-day setting's JSON): what an operation's
# business date is made of (app.domain.business_day).
BUSINESS_DAY = select(_LAST_CLOSED.label("last_closed"), _DAY_START.label("day_start"))

# (time of the last audit entry, the last closed business date, the business-day setting):
# where the clock must not go back to, and the business date. The audit log's times never
# decrease (app.services.recording).
CLOCK_MARKS = select(
    select(AuditEntry.at).order_by(AuditEntry.seq.desc()).limit(1).scalar_subquery(),
    _LAST_CLOSED,
    _DAY_START,
)

# :day — a row if that business date has been closed
DAY_CLOSED = select(DayClose.business_date).where(DayClose.business_date == bindparam("day"))


# -- a member's history, a page at a time (read at every scan: plain rows, built once) ------
# :member_id, :kinds (expanding), :limit; newest first (ix_txn_member_created)
_MEMBER_TXNS = select(*Txn.__table__.c).where(
    Txn.member_id == bindparam("member_id"), Txn.kind.in_(bindparam("kinds", expanding=True))
)
_NEWEST_TXN_FIRST = (Txn.created_at.desc(), Txn.id.desc())
MEMBER_TXN_PAGE = _MEMBER_TXNS.order_by(*_NEWEST_TXN_FIRST).limit(bindparam("limit"))
# ... older than :before_at, :before_id
MEMBER_TXN_PAGE_BEFORE = (
    _MEMBER_TXNS.where(
        tuple_(Txn.created_at, Txn.id) < tuple_(bindparam("before_at"), bindparam("before_id"))
    )
    .order_by(*_NEWEST_TXN_FIRST)
    .limit(bindparam("limit"))
)

# The transactions HQ voided and this counter reversed (app.services.voids, kind "hq_void"):
# a refund among them refunds nothing any more.
_VOID_TXN = aliased(Txn)


def _not_voided(txn_id: Any) -> Any:
    """``txn_id`` names no transaction HQ voided (one probe of ix_txn_original)."""
    return ~exists().where(_VOID_TXN.original_txn_id == txn_id, _VOID_TXN.kind == "hq_void")


# :txn_ids (expanding) — those of these checkouts and top-ups a refund reverses
REFUNDED_AMONG = select(Txn.original_txn_id).where(
    Txn.original_txn_id.in_(bindparam("txn_ids", expanding=True)),
    Txn.kind.in_(("refund", "topup_refund")),
    _not_voided(Txn.id),
)

# :txn_ids (expanding) — (sale, quantity sold) and (sale, quantity refunded so far)
QUANTITY_SOLD = (
    select(TxnLine.txn_id, func.sum(TxnLine.quantity))
    .where(TxnLine.txn_id.in_(bindparam("txn_ids", expanding=True)))
    .group_by(TxnLine.txn_id)
)
QUANTITY_REFUNDED = (
    select(TxnRefundLine.original_txn_id, func.sum(TxnRefundLine.quantity))
    .where(
        TxnRefundLine.original_txn_id.in_(bindparam("txn_ids", expanding=True)),
        _not_voided(TxnRefundLine.txn_id),
    )
    .group_by(TxnRefundLine.original_txn_id)
)

# :txn_ids (expanding) — their tenders in the order paid
TENDERS_OF = (
    select(*TxnTender.__table__.c)
    .where(TxnTender.txn_id.in_(bindparam("txn_ids", expanding=True)))
    .order_by(TxnTender.id)
)


def _member_page(table: type) -> tuple[object, object]:
    """(newest rows of :member_id, rows older than :before_id), :limit of them."""
    c = table.__table__.c  # type: ignore[attr-defined]
    base = select(*c).where(c.member_id == bindparam("member_id"))
    page = base.order_by(c.id.desc()).limit(bindparam("limit"))
    older = base.where(c.id < bindparam("before_id"))
    return page, older.order_by(c.id.desc()).limit(bindparam("limit"))


MEMBER_POINTS_PAGE, MEMBER_POINTS_PAGE_BEFORE = _member_page(PointsEntry)
MEMBER_TIER_PAGE, MEMBER_TIER_PAGE_BEFORE = _member_page(TierChange)
