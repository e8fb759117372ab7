"""A member's history as the member panel shows it: a tab per kind, a page at a time.

Each tab (purchases, top-ups, refunds, count cards, points, tier changes) is read newest
first in pages of ``PAGE`` rows from an index range, with a cursor where the next, older
page starts, so a member with thousands of transactions opens as fast as one with three.
The refund status of every line on a page comes from one indexed statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from app.domain.errors import NotFoundError, ValidationError
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext, load_rules
from app.services.security import Actor, Permission, require

PAGE = 50
MAX_PAGE = 500

# "carried": what the stored-value history before the window added up to (app.domain.window)
# "hq_void", "hq_correction": HQ voided or corrected an event of this counter (app.services.voids)
TOPUP_KINDS = frozenset(
    {"topup", "topup_refund", "sv_adjust", "carried", "hq_void", "hq_correction"}
)
CHECKOUT_KINDS = frozenset({"checkout"})
REFUND_KINDS = frozenset({"refund", "topup_refund"})
REFUNDABLE_KINDS = frozenset({"checkout", "topup"})
# A count card's sale, visits, refund, transfer (the giver's) and expiry (app.services.countcards)
COUNTCARD_KINDS = frozenset(
    {"countcard_sale", "countcard_visit", "countcard_refund", "countcard_transfer",
     "countcard_expire"}
)  # fmt: skip

R = TypeVar("R")
# Where the next, older page starts: (created_at, txn id) for transactions, the entry's
# number for points and tier changes.
Cursor = tuple[dt.datetime, str] | int


class Tab(StrEnum):
    CHECKOUTS = "checkouts"
    TOPUPS = "topups"
    REFUNDS = "refunds"
    COUNTCARDS = "countcards"
    POINTS = "points"
    TIERS = "tiers"


TXN_TABS = {
    Tab.CHECKOUTS: CHECKOUT_KINDS,
    Tab.TOPUPS: TOPUP_KINDS,
    Tab.REFUNDS: REFUND_KINDS,
    Tab.COUNTCARDS: COUNTCARD_KINDS,
}


@dataclass(frozen=True)
class TenderLine:
    method: str
    amount_fen: int  # negative for money paid back
    change_fen: int


@dataclass(frozen=True)
class TxnLine:
    txn_id: str
    at: dt.datetime  # the store's local time
    kind: str
    amount_fen: int
    discount_fen: int
    points_used: int
    points_value_fen: int
    due_fen: int
    bonus_fen: int
    points_earned: int
    tenders: tuple[TenderLine, ...]
    staff: str
    original_txn_id: str | None
    refunded: bool  # a later refund reverses this one (all of it)
    note: str | None
    partly_refunded: bool = False  # a sale of goods with some of its lines refunded


@dataclass(frozen=True)
class PointsLine:
    at: dt.datetime
    kind: str  # earn, redeem, expire, adjust, clawback, restore, ...
    points: int
    txn_id: str


@dataclass(frozen=True)
class TierLine:
    at: dt.datetime
    from_tier: str
    to_tier: str
    reason: str
    staff: str


@dataclass(frozen=True)
class HistoryPage(Generic[R]):
    """One page of a tab, newest first; ``cursor`` asks for the next one (None: no more)."""

    tab: Tab
    rows: tuple[R, ...]
    cursor: Cursor | None

    @property
    def more(self) -> bool:
        return self.cursor is not None


@dataclass(frozen=True)
class MemberHistory:
    """The first page of every tab."""

    member_id: str
    pages: dict[Tab, HistoryPage[Any]]

    @property
    def checkouts(self) -> tuple[TxnLine, ...]:
        return self.pages[Tab.CHECKOUTS].rows

    @property
    def topups(self) -> tuple[TxnLine, ...]:
        return self.pages[Tab.TOPUPS].rows

    @property
    def refunds(self) -> tuple[TxnLine, ...]:
        return self.pages[Tab.REFUNDS].rows

    @property
    def countcards(self) -> tuple[TxnLine, ...]:
        return self.pages[Tab.COUNTCARDS].rows

    @property
    def points(self) -> tuple[PointsLine, ...]:
        return self.pages[Tab.POINTS].rows

    @property
    def tiers(self) -> tuple[TierLine, ...]:
        return self.pages[Tab.TIERS].rows

    def newest_refundable(self) -> TxnLine | None:
        """The newest checkout or top-up not yet refunded (what F7 offers by default)."""
        lines = [t for t in (*self.checkouts, *self.topups) if t.kind in REFUNDABLE_KINDS]
        open_ = [t for t in lines if not t.refunded]
        return max(open_, key=lambda t: (t.at, t.txn_id), default=None)


class _Pages:
    """Reads pages of one member's tabs inside one read-only unit of work."""

    def __init__(self, uow: UnitOfWork, member_id: str) -> None:
        self.uow = uow
        self.member_id = member_id
        store = uow.store()
        self.tz = ZoneInfo(store.timezone if store else "Asia/Shanghai")
        self.tier_names = {t.code: t.name for t in load_rules(uow).tiers}
        self.names = uow.staff_names()

    def local(self, at: dt.datetime) -> dt.datetime:
        return at.replace(tzinfo=dt.UTC).astimezone(self.tz).replace(tzinfo=None)

    def txn_pages(
        self, wanted: dict[Tab, tuple[dt.datetime, str] | None], size: int
    ) -> dict[Tab, HistoryPage[TxnLine]]:
        fetched = {
            tab: self.uow.member_txn_page(self.member_id, TXN_TABS[tab], before, size + 1)
            for tab, before in wanted.items()
        }
        ids = {t.id for rows in fetched.values() for t in rows[:size]}
        tenders: dict[str, list[TenderLine]] = {}
        for t in self.uow.tenders_of(ids):
            tenders.setdefault(t.txn_id, []).append(
                TenderLine(t.method, t.amount_fen, t.change_fen)
            )
        refunded = self.uow.refunded_among(ids)
        partly = self.uow.partly_refunded_among(refunded)

        def line(t: Any) -> TxnLine:  # a txn row (UnitOfWork.member_txn_page)
            return TxnLine(
                txn_id=t.id,
                at=self.local(t.created_at),
                kind=t.kind,
                amount_fen=t.amount_fen,
                discount_fen=t.discount_fen,
                points_used=t.points_used,
                points_value_fen=t.points_value_fen,
                due_fen=t.due_fen,
                bonus_fen=t.bonus_fen,
                points_earned=t.points_earned,
                tenders=tuple(tenders.get(t.id, ())),
                staff=self.names.get(t.staff_id or "", ""),
                original_txn_id=t.original_txn_id,
                refunded=t.kind in REFUNDABLE_KINDS and t.id in refunded and t.id not in partly,
                note=t.note,
                partly_refunded=t.kind in REFUNDABLE_KINDS and t.id in partly,
            )

        return {
            tab: _page(tab, rows, size, line, lambda t: (t.created_at, t.id))
            for tab, rows in fetched.items()
        }

    def points_page(self, before: int | None, size: int) -> HistoryPage[PointsLine]:
        rows = self.uow.member_points_page(self.member_id, before, size + 1)
        return _page(
            Tab.POINTS,
            rows,
            size,
            lambda e: PointsLine(self.local(e.created_at), e.kind, e.points, e.txn_id),
            lambda e: e.id,
        )

    def tiers_page(self, before: int | None, size: int) -> HistoryPage[TierLine]:
        rows = self.uow.member_tier_page(self.member_id, before, size + 1)
        return _page(
            Tab.TIERS,
            rows,
            size,
            lambda c: TierLine(
                at=self.local(c.created_at),
                from_tier=self.tier_names.get(c.from_tier, c.from_tier),
                to_tier=self.tier_names.get(c.to_tier, c.to_tier),
                reason=c.reason,
                staff=self.names.get(c.staff_id or "", ""),
            ),
            lambda c: c.id,
        )


def _page(
    tab: Tab,
    rows: Sequence[Any],
    size: int,
    line: Callable[[Any], R],
    cursor_of: Callable[[Any], Cursor],
) -> HistoryPage[R]:
    """``rows`` were read with one more than a page: that one says whether more exist."""
    shown = rows[:size]
    more = len(rows) > size
    return HistoryPage(tab, tuple(map(line, shown)), cursor_of(shown[-1]) if more else None)


def _open(uow: UnitOfWork, member_id: str) -> _Pages:
    if uow.member(member_id) is None:
        raise NotFoundError("member_not_found", query=member_id)
    return _Pages(uow, member_id)


def _size(page: int) -> int:
    if not 1 <= page <= MAX_PAGE:
        raise ValidationError("page_size", value=page, max=MAX_PAGE)
    return page


def member_history(
    ctx: CounterContext, actor: Actor, member_id: str, *, page: int = PAGE
) -> MemberHistory:
    """The newest ``page`` rows of each tab of the member's history."""
    require(actor, Permission.MEMBER_VIEW)
    size = _size(page)
    with ctx.reader() as uow:
        pages = _open(uow, member_id)
        tabs: dict[Tab, HistoryPage[Any]] = dict(pages.txn_pages(dict.fromkeys(TXN_TABS), size))
        tabs[Tab.POINTS] = pages.points_page(None, size)
        tabs[Tab.TIERS] = pages.tiers_page(None, size)
        return MemberHistory(member_id, tabs)


def history_page(
    ctx: CounterContext,
    actor: Actor,
    member_id: str,
    tab: Tab,
    cursor: Cursor,
    *,
    page: int = PAGE,
) -> HistoryPage[Any]:
    """The page of ``tab`` after ``cursor`` (older rows), as scrolling down asks for it."""
    require(actor, Permission.MEMBER_VIEW)
    size = _size(page)
    with ctx.reader() as uow:
        pages = _open(uow, member_id)
        if tab in TXN_TABS:
            if not isinstance(cursor, tuple):
                raise ValidationError("page_cursor", tab=str(tab))
            return pages.txn_pages({tab: cursor}, size)[tab]
        if not isinstance(cursor, int):
            raise ValidationError("page_cursor", tab=str(tab))
        if tab is Tab.POINTS:
            return pages.points_page(cursor, size)
        return pages.tiers_page(cursor, size)


def registration_txn(ctx: CounterContext, member_id: str) -> str | None:
    """The transaction that registered the member (its receipt welcomes them)."""
    with ctx.reader() as uow:
        return uow.registration_txn_id(member_id)
