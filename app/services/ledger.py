"""Posting to the member ledgers: each posting also moves the cached balance, in one place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.errors import RuleError
from app.domain.ids import uuid7
from app.domain.points import LotBalance, consume_oldest, expiry_for
from app.persistence.reader import Reader, Record
from app.persistence.tables import (
    Member,
    PointsEntry,
    PointsLot,
    StoredValueEntry,
    TierChange,
    Txn,
)
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext
from app.services.security import Actor


def post_stored_value(
    ctx: CounterContext,
    uow: UnitOfWork,
    member: Member,
    txn: Txn,
    kind: str,
    principal_fen: int,
    bonus_fen: int,
    reverses: str | None = None,
) -> dict[str, Any]:
    if member.principal_fen + principal_fen < 0 or member.bonus_fen + bonus_fen < 0:
        raise RuleError(
            "balance_insufficient",
            balance=member.principal_fen + member.bonus_fen,
            amount=-(principal_fen + bonus_fen),
        )
    entry_id = uuid7()
    uow.add_rows(StoredValueEntry, [{  # a plain row: the ledgers are append-only
        "entry_id": entry_id,
        "member_id": member.id,
        "txn_id": txn.id,
        "kind": kind,
        "principal_fen": principal_fen,
        "bonus_fen": bonus_fen,
        "reverses_entry_id": reverses,
        "created_at": ctx.now(),
    }])  # fmt: skip
    member.principal_fen += principal_fen
    member.bonus_fen += bonus_fen
    member.updated_at = ctx.now()
    return {
        "entry_id": entry_id,
        "kind": kind,
        "principal_fen": principal_fen,
        "bonus_fen": bonus_fen,
        "reverses": reverses,
    }


def post_points(
    ctx: CounterContext,
    uow: UnitOfWork,
    member: Member,
    txn: Txn,
    lot_id: str,
    kind: str,
    points: int,
    reverses: str | None = None,
) -> dict[str, Any]:
    if member.points + points < 0:
        raise RuleError("points_insufficient", balance=member.points, points=-points)
    entry_id = uuid7()
    uow.add_rows(PointsEntry, [{
        "entry_id": entry_id,
        "member_id": member.id,
        "lot_id": lot_id,
        "txn_id": txn.id,
        "kind": kind,
        "points": points,
        "reverses_entry_id": reverses,
        "created_at": ctx.now(),
    }])  # fmt: skip
    member.points += points
    member.updated_at = ctx.now()
    return {
        "entry_id": entry_id,
        "lot_id": lot_id,
        "kind": kind,
        "points": points,
        "reverses": reverses,
    }


def earn_points(
    ctx: CounterContext,
    uow: UnitOfWork,
    member: Member,
    txn: Txn,
    points: int,
    source: str,
    earned_on: dt.date,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new lot of ``points`` expiring per the store's rule; returns (lot, entry) for the event."""
    lot_id, expires_on = uuid7(), expiry_for(earned_on)
    uow.add_rows(PointsLot, [{
        "id": lot_id,
        "member_id": member.id,
        "txn_id": txn.id,
        "points": points,
        "earned_on": earned_on,
        "expires_on": expires_on,
        "source": source,
    }])  # fmt: skip
    entry = post_points(ctx, uow, member, txn, lot_id, "earn", points)
    return (
        {
            "lot_id": lot_id,
            "points": points,
            "earned_on": earned_on.isoformat(),
            "expires_on": expires_on.isoformat(),
            "source": source,
        },
        entry,
    )


def usable_lots(uow: UnitOfWork, member_id: str, today: dt.date) -> list[LotBalance]:
    """Lots still valid today: a lot past its last day is not spendable, expiry run or not.

    Reads what is flushed: a caller that changed lots in this transaction flushes first.
    """
    return [lot for lot in uow.lot_balances(member_id) if lot.expires_on >= today]


def usable_points(uow: UnitOfWork, member_id: str, today: dt.date) -> int:
    """Reads what is flushed, like ``usable_lots``; summed by SQLite."""
    return uow.usable_points(member_id, today)


def points_in(lots: list[LotBalance]) -> int:
    return sum(lot.remaining for lot in lots if lot.remaining > 0)


def spend_points(
    ctx: CounterContext,
    uow: UnitOfWork,
    member: Member,
    txn: Txn,
    kind: str,
    points: int,
    lots: list[LotBalance] | None = None,
) -> list[dict[str, Any]]:
    """Take ``points`` from the member's valid lots (``lots`` if already read) that expire first."""
    if points <= 0:
        return []
    if lots is None:
        lots = usable_lots(uow, member.id, txn.business_date)
    taken = consume_oldest(lots, points)
    return [post_points(ctx, uow, member, txn, lot_id, kind, -n) for lot_id, n in taken]


def change_tier(
    ctx: CounterContext,
    uow: UnitOfWork,
    member: Member,
    txn: Txn,
    to_tier: str,
    reason: str,
    actor: Actor | None,
    approver: Actor | None = None,
) -> dict[str, Any] | None:
    if to_tier == member.tier_code:
        return None
    change = TierChange(
        member_id=member.id,
        txn_id=txn.id,
        from_tier=member.tier_code,
        to_tier=to_tier,
        reason=reason,
        staff_id=actor.staff_id if actor else None,
        approved_by=approver.staff_id if approver else None,
        created_at=ctx.now(),
    )
    member.tier_code = to_tier
    member.updated_at = ctx.now()
    uow.add(change)
    return {"from": change.from_tier, "to": to_tier, "reason": reason}


def new_txn(
    ctx: CounterContext,
    uow: UnitOfWork,
    kind: str,
    member: Member | None,
    actor: Actor | None,
    approver: Actor | None = None,
    *,
    plain: bool = False,
    **fields: Any,
) -> Txn:
    """A new transaction row; ``plain``: complete by the next flush and never changed after
    it, it is written as one plain INSERT (UnitOfWork.add_new: a sale's txn)."""
    txn = Txn(
        id=uuid7(),
        kind=kind,
        member_id=member.id if member else None,
        staff_id=actor.staff_id if actor else None,
        approved_by=approver.staff_id if approver else None,
        created_at=ctx.now(),
        business_date=ctx.business_date(uow),
        **fields,
    )
    if plain:
        uow.add_new(txn)
    else:
        uow.add(txn)
    return txn


def ensure_can_transact(uow: UnitOfWork | Reader, member: Member | Record) -> None:
    """Cancelled members and frozen cards take no money and no points."""
    if member.status == "duplicate":  # a phone clash from another store, until HQ merges
        raise RuleError("member_duplicate", name=member.name)
    if member.status != "active":
        raise RuleError("member_cancelled", name=member.name)
    card = uow.card(member.card_id) if member.card_id else None
    if card is not None and card.status == "frozen":
        raise RuleError("card_frozen", card_no=card.card_no)


# -- postings that arrive decided (HQ's, a pulled event's, a compensation) ---------------------
# They are applied as they are: the event took effect where it was made, so no balance check.


def apply_sv(
    uow: UnitOfWork, member: Member, txn_id: str | None, *, kind: str, principal_fen: int,
    bonus_fen: int, entry_id: str, reverses: str | None, now: dt.datetime,
) -> None:  # fmt: skip
    member.principal_fen += principal_fen
    member.bonus_fen += bonus_fen
    member.updated_at = now
    uow.add(StoredValueEntry(
        entry_id=entry_id, member_id=member.id, txn_id=txn_id, kind=kind,
        principal_fen=principal_fen, bonus_fen=bonus_fen, reverses_entry_id=reverses,
        created_at=now,
    ))  # fmt: skip


def apply_points(
    uow: UnitOfWork, member: Member, txn_id: str | None, *, kind: str, points: int,
    lot_id: str | None, entry_id: str, reverses: str | None, now: dt.datetime,
) -> None:  # fmt: skip
    member.points += points
    member.updated_at = now
    uow.add(PointsEntry(
        entry_id=entry_id, member_id=member.id, lot_id=lot_id, txn_id=txn_id, kind=kind,
        points=points, reverses_entry_id=reverses, created_at=now,
    ))  # fmt: skip


def apply_lot(uow: UnitOfWork, lot: dict[str, Any], txn_id: str | None) -> None:
    """A points lot as an event carries it (``lot_id``, ``earned_on`` ... as text)."""
    uow.add(PointsLot(
        id=lot["lot_id"], member_id=lot["member_id"], txn_id=txn_id, points=lot["points"],
        earned_on=dt.date.fromisoformat(lot["earned_on"]),
        expires_on=dt.date.fromisoformat(lot["expires_on"]), source=lot["source"],
    ))  # fmt: skip
