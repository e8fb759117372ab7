"""A member's history as the member panel shows it: transactions, points and tier changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from app.domain.errors import NotFoundError
from app.services.context import CounterContext, load_rules
from app.services.security import Actor, Permission, require

HISTORY_LIMIT = 200

TOPUP_KINDS = frozenset({"topup", "topup_refund", "sv_adjust"})
CHECKOUT_KINDS = frozenset({"checkout"})
REFUND_KINDS = frozenset({"refund", "topup_refund"})


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
    refunded: bool  # a later refund reverses this one
    note: str | None


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
class MemberHistory:
    member_id: str
    txns: tuple[TxnLine, ...]
    points: tuple[PointsLine, ...]
    tiers: tuple[TierLine, ...]

    def of_kinds(self, kinds: frozenset[str]) -> tuple[TxnLine, ...]:
        return tuple(t for t in self.txns if t.kind in kinds)

    @property
    def topups(self) -> tuple[TxnLine, ...]:
        return self.of_kinds(TOPUP_KINDS)

    @property
    def checkouts(self) -> tuple[TxnLine, ...]:
        return self.of_kinds(CHECKOUT_KINDS)

    @property
    def refunds(self) -> tuple[TxnLine, ...]:
        return self.of_kinds(REFUND_KINDS)


def member_history(
    ctx: CounterContext, actor: Actor, member_id: str, *, limit: int = HISTORY_LIMIT
) -> MemberHistory:
    """The newest ``limit`` transactions and points entries of a member, and every tier change."""
    require(actor, Permission.MEMBER_VIEW)
    with ctx.reader() as uow:
        if uow.member(member_id) is None:
            raise NotFoundError("member_not_found", query=member_id)
        store = uow.store()
        tz = ZoneInfo(store.timezone if store else "Asia/Shanghai")
        tier_names = {t.code: t.name for t in load_rules(uow).tiers}
        names = uow.staff_names()

        def local(at: dt.datetime) -> dt.datetime:
            return at.replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None)

        txns = uow.member_txns(member_id, limit)
        tenders: dict[str, list[TenderLine]] = {}
        for t in uow.tenders_of([t.id for t in txns]):
            tenders.setdefault(t.txn_id, []).append(
                TenderLine(t.method, t.amount_fen, t.change_fen)
            )
        refunded = {t.original_txn_id for t in txns if t.kind in REFUND_KINDS}
        txn_lines = tuple(
            TxnLine(
                txn_id=t.id,
                at=local(t.created_at),
                kind=t.kind,
                amount_fen=t.amount_fen,
                discount_fen=t.discount_fen,
                points_used=t.points_used,
                points_value_fen=t.points_value_fen,
                due_fen=t.due_fen,
                bonus_fen=t.bonus_fen,
                points_earned=t.points_earned,
                tenders=tuple(tenders.get(t.id, ())),
                staff=names.get(t.staff_id or "", ""),
                original_txn_id=t.original_txn_id,
                refunded=t.kind in ("checkout", "topup")
                and (t.id in refunded or uow.refund_of(t.id) is not None),
                note=t.note,
            )
            for t in txns
        )
        points = tuple(
            PointsLine(local(e.created_at), e.kind, e.points, e.txn_id)
            for e in uow.member_points_entries(member_id, limit)
        )
        tiers = tuple(
            TierLine(
                at=local(c.created_at),
                from_tier=tier_names.get(c.from_tier, c.from_tier),
                to_tier=tier_names.get(c.to_tier, c.to_tier),
                reason=c.reason,
                staff=names.get(c.staff_id or "", ""),
            )
            for c in uow.member_tier_changes(member_id)
        )
        return MemberHistory(member_id, txn_lines, points, tiers)


def registration_txn(ctx: CounterContext, member_id: str) -> str | None:
    """The transaction that registered the member (its receipt welcomes them)."""
    with ctx.reader() as uow:
        return uow.registration_txn_id(member_id)
