"""What a receipt needs to know about a past transaction, read from the ledgers.

Balances "after" a transaction are the ledger sums over the member's transactions up to and
including it, in the order they were committed (the ``txn`` table's rowid), so a reprint a
month later shows the figures of the day, not today's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, text

from app.persistence.tables import Card
from app.persistence.uow import UnitOfWork

_UP_TO = (
    "SELECT id FROM txn WHERE member_id = :member_id "
    "AND rowid <= (SELECT rowid FROM txn WHERE id = :txn_id)"
)
_SV_AFTER = text(
    "SELECT COALESCE(SUM(principal_fen), 0), COALESCE(SUM(bonus_fen), 0) FROM sv_entry "
    f"WHERE member_id = :member_id AND txn_id IN ({_UP_TO})"
)
_POINTS_AFTER = text(
    "SELECT COALESCE(SUM(points), 0) FROM points_entry "
    f"WHERE member_id = :member_id AND txn_id IN ({_UP_TO})"
)
_TIER_AFTER = text(
    "SELECT to_tier FROM tier_change "
    f"WHERE member_id = :member_id AND txn_id IN ({_UP_TO}) ORDER BY id DESC LIMIT 1"
)


@dataclass(frozen=True)
class BalancesAfter:
    principal_fen: int
    bonus_fen: int
    points: int
    tier_code: str | None  # None: no tier change yet, the member holds the base tier

    @property
    def stored_value_fen(self) -> int:
        return self.principal_fen + self.bonus_fen


def balances_after(uow: UnitOfWork, member_id: str, txn_id: str) -> BalancesAfter:
    params = {"member_id": member_id, "txn_id": txn_id}
    principal, bonus = uow.session.execute(_SV_AFTER, params).one()
    points = uow.session.execute(_POINTS_AFTER, params).scalar() or 0
    tier = uow.session.execute(_TIER_AFTER, params).scalar()
    return BalancesAfter(int(principal), int(bonus), int(points), tier)


def card_issued_by(uow: UnitOfWork, member_id: str, txn_created_at: dt.datetime) -> Card | None:
    """The member's card issued last at or before a transaction's time (a replacement's card)."""
    return uow.session.scalar(
        select(Card)
        .where(Card.member_id == member_id, Card.issued_at <= txn_created_at)
        .order_by(Card.issued_at.desc())
        .limit(1)
    )


def card_replaced_by(uow: UnitOfWork, card_id: str) -> Card | None:
    return uow.session.scalar(select(Card).where(Card.replaced_by == card_id))
