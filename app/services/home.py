"""The member's home store: only it cancels the card, sets the payment password, changes the
profile, adjusts balances, points or tier. Another store serves the member (top-up,
checkout, refund of its own sales, report of a lost card) but HQ refuses the rest, so the
counter refuses it first."""

from __future__ import annotations

from app.domain.errors import RuleError
from app.persistence import syncstore
from app.persistence.tables import Member
from app.persistence.uow import UnitOfWork


def ensure_home_member(uow: UnitOfWork, member: Member) -> None:
    home = syncstore.home_store_of(uow, member.id)
    store = uow.store()
    if home is not None and store is not None and home != store.code:
        raise RuleError("member_other_store", store=home, name=member.name)
