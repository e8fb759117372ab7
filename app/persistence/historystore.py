"""The history window's one deletion (:mod:`app.domain.window`): a member's rows older than
the window carried forward into one carried row, under the gate of migration 0012.

Stored-value rows of transactions dated before the window start are summed into the
member's carried row (``carried_ids``: the same ids HQ gives it) and deleted; points lots
with nothing left whose every row is before the window go with their entries; then the
member's transactions before the window that no row names any more, with their tenders and
tier changes. The balances do not move: the carried row holds what the deleted rows added up
to, and a lot that goes had none left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.orm import aliased

from app.domain.window import CARRIED, carried_ids, window_start_at
from app.persistence.countcard_tables import CountCardEntry
from app.persistence.refund_tables import TxnRefundLine
from app.persistence.sale_tables import TxnCart, TxnLine
from app.persistence.tables import (
    HistoryGate,
    PointsEntry,
    PointsLot,
    StoredValueEntry,
    TierChange,
    Txn,
    TxnTender,
)
from app.persistence.uow import UnitOfWork


@dataclass(frozen=True)
class Carried:
    member_id: str
    rows: int  # ledger rows and transactions let go
    written: tuple[str, str] | None  # (txn id, sv entry id) of the carried row made now


def members_with_old_rows(
    uow: UnitOfWork, since: dt.date, limit: int, after: str = ""
) -> list[str]:
    """Members (after ``after``, in id order) with a transaction dated before ``since``:
    those a carry may concern."""
    return list(
        uow.session.scalars(
            select(Txn.member_id)
            .where(Txn.business_date < since, Txn.member_id > after)
            .group_by(Txn.member_id)
            .order_by(Txn.member_id)
            .limit(limit)
        )
    )


def carried_since(uow: UnitOfWork, member_id: str) -> dt.date | None:
    """The window start the member's history here was last carried to (None: never)."""
    return uow.session.scalar(
        select(func.max(Txn.business_date)).where(Txn.member_id == member_id, Txn.kind == CARRIED)
    )


def carry(
    uow: UnitOfWork, member_id: str, since: dt.date, hq: tuple[int, int] | None = None
) -> Carried:
    """Carry the member's rows before ``since`` forward (see the module doc). The caller
    makes sure HQ has all of them (nothing of the member waits to be pushed). ``hq``: the
    carried (principal, bonus) HQ sent for ``since`` (a member fetched or joined), which the
    carried row holds instead of the sum of the rows here."""
    s = uow.session
    s.add(HistoryGate(member_id=member_id, since=since))
    s.flush()
    old_txn = select(Txn.id).where(Txn.business_date < since)
    txn_id, entry_id = carried_ids(member_id, since)
    have = s.scalar(select(StoredValueEntry.id).where(StoredValueEntry.entry_id == entry_id))
    sv = []
    if have is None:  # (carried at ``since`` already: a row dated before it since then stays)
        sv = s.execute(
            select(
                StoredValueEntry.id, StoredValueEntry.principal_fen, StoredValueEntry.bonus_fen
            ).where(StoredValueEntry.member_id == member_id, StoredValueEntry.txn_id.in_(old_txn))
        ).all()
    gone = len(sv)
    principal, bonus = sum(r.principal_fen for r in sv), sum(r.bonus_fen for r in sv)
    if sv:
        s.execute(delete(StoredValueEntry).where(StoredValueEntry.id.in_([r.id for r in sv])))
    entry = aliased(PointsEntry)
    recent = (
        select(entry.id)
        .join(Txn, Txn.id == entry.txn_id)
        .where(entry.lot_id == PointsLot.id, Txn.business_date >= since)
    )
    left = (
        select(func.coalesce(func.sum(entry.points), 0))
        .where(entry.lot_id == PointsLot.id)
        .scalar_subquery()
    )
    lots = list(
        s.scalars(
            select(PointsLot.id).where(
                PointsLot.member_id == member_id,
                PointsLot.txn_id.in_(old_txn),
                left == 0,
                ~exists(recent),
            )
        )
    )
    if lots:
        gone += s.execute(delete(PointsEntry).where(PointsEntry.lot_id.in_(lots))).rowcount or 0
        gone += s.execute(delete(PointsLot).where(PointsLot.id.in_(lots))).rowcount or 0
    if hq is not None:
        principal, bonus = hq
    written = None
    if have is None and (sv or principal or bonus):
        written = (txn_id, entry_id)
        at = window_start_at(since)
        s.execute(
            insert(Txn).values(
                id=txn_id, kind=CARRIED, member_id=member_id, created_at=at, business_date=since,
                amount_fen=principal, bonus_fen=bonus, note=f"{CARRIED} {since.isoformat()}",
            )
        )  # fmt: skip
        s.execute(
            insert(StoredValueEntry).values(
                entry_id=entry_id, member_id=member_id, txn_id=txn_id, kind=CARRIED,
                principal_fen=principal, bonus_fen=bonus, created_at=at,
            )
        )  # fmt: skip
    gone += _drop_transactions(uow, member_id, since)
    s.execute(delete(HistoryGate).where(HistoryGate.member_id == member_id))
    s.flush()
    return Carried(member_id, gone, written)


def _drop_transactions(uow: UnitOfWork, member_id: str, since: dt.date) -> int:
    """The member's transactions before ``since`` that no ledger row names any more (nor a
    transaction that stays, as the original of its refund), with their lines and tenders.
    A count card's ledger is kept whole, so the transactions it names stay."""
    s = uow.session
    named = (
        select(StoredValueEntry.txn_id)
        .union(
            select(PointsEntry.txn_id),
            select(PointsLot.txn_id),
            select(CountCardEntry.txn_id).where(CountCardEntry.txn_id.is_not(None)),
        )
        .subquery()
    )
    candidates = set(
        s.scalars(
            select(Txn.id).where(
                Txn.member_id == member_id,
                Txn.business_date < since,
                Txn.id.not_in(select(named.c[0])),
            )
        )
    )
    while candidates:  # a refund that stays keeps its original, and the other way round
        kept = set(
            s.scalars(
                select(Txn.original_txn_id).where(
                    Txn.original_txn_id.in_(candidates), Txn.id.not_in(candidates)
                )
            )
        ) | set(
            s.scalars(  # what was refunded of a sale that stays is still refunded
                select(Txn.id).where(
                    Txn.id.in_(candidates),
                    Txn.original_txn_id.is_not(None),
                    Txn.original_txn_id.not_in(candidates),
                )
            )
        )
        if not kept:
            break
        candidates -= kept
    if not candidates:
        return 0
    ids = sorted(candidates)
    # A refund goes only with its original, so its lines name only transactions that go.
    s.execute(delete(TxnRefundLine).where(TxnRefundLine.txn_id.in_(ids)))
    s.execute(delete(TxnLine).where(TxnLine.txn_id.in_(ids)))
    s.execute(delete(TxnCart).where(TxnCart.txn_id.in_(ids)))
    s.execute(delete(TxnTender).where(TxnTender.txn_id.in_(ids)))
    s.execute(delete(TierChange).where(TierChange.txn_id.in_(ids)))
    return s.execute(delete(Txn).where(Txn.id.in_(ids))).rowcount or 0
