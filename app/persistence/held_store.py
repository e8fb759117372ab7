"""Queries of held carts (:mod:`app.persistence.held_tables`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select, update

from app.domain.held import HELD, OPEN_STATES, RECALLED
from app.persistence.held_tables import HeldCart
from app.persistence.uow import UnitOfWork


def next_number(uow: UnitOfWork) -> int:
    return (uow.session.scalar(select(func.max(HeldCart.number))) or 0) + 1


def by_number(uow: UnitOfWork, number: int) -> HeldCart | None:
    return uow.session.scalar(select(HeldCart).where(HeldCart.number == number))


def open_carts(uow: UnitOfWork, up_to: dt.date | None = None) -> Sequence[HeldCart]:
    """Held and recalled carts (of ``up_to`` and before), oldest first."""
    stmt = select(HeldCart).where(HeldCart.state.in_(OPEN_STATES))
    if up_to is not None:
        stmt = stmt.where(HeldCart.business_date <= up_to)
    return uow.session.scalars(stmt.order_by(HeldCart.number)).all()


def put_back_recalled(uow: UnitOfWork) -> int:
    """Every recalled cart back to held (the counter restarted before it was paid)."""
    result = uow.session.execute(
        update(HeldCart).where(HeldCart.state == RECALLED).values(state=HELD)
    )
    return int(result.rowcount or 0)
