"""Reads and writes of count cards, on a unit of work's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import func, literal_column, select

from app.domain.countcard import CountCard
from app.domain.countcard_ledger import LIABILITY_SIGN, VOIDED_KIND, Entry, fold, void_entry_id
from app.persistence.countcard_tables import CountCardEntry, CountCardProduct, MemberCountCard
from app.persistence.uow import UnitOfWork

Queries = UnitOfWork


def product(uow: Queries, code: str) -> CountCardProduct | None:
    return uow.session.get(CountCardProduct, code)


def products(uow: Queries, *, include_inactive: bool = False) -> Sequence[CountCardProduct]:
    stmt = select(CountCardProduct).order_by(CountCardProduct.code)
    if not include_inactive:
        stmt = stmt.where(CountCardProduct.active.is_(True))
    return uow.session.scalars(stmt).all()


def card(uow: Queries, card_id: str) -> MemberCountCard | None:
    return uow.session.get(MemberCountCard, card_id)


def cards_of(uow: Queries, member_id: str) -> Sequence[MemberCountCard]:
    return uow.session.scalars(
        select(MemberCountCard)
        .where(MemberCountCard.member_id == member_id)
        .order_by(MemberCountCard.created_at, MemberCountCard.id)
    ).all()


# Entries of the same instant in the order they were written here: a void always after the
# entry it takes back (their ids are unrelated in order).
_ARRIVAL = literal_column("rowid")


def entries_of(uow: Queries, card_id: str) -> Sequence[CountCardEntry]:
    return uow.session.scalars(
        select(CountCardEntry)
        .where(CountCardEntry.card_id == card_id)
        .order_by(CountCardEntry.created_at, _ARRIVAL)
    ).all()


def standing_entries_of(uow: Queries, card_id: str) -> list[CountCardEntry]:
    """The card's entries without those HQ voided and the voids that took them back (what
    HQ's ledger holds of the card, as a transfer's history carries it)."""
    rows = entries_of(uow, card_id)
    ids = {e.entry_id for e in rows}
    return [
        e for e in rows
        if e.kind not in VOIDED_KIND and void_entry_id(e.entry_id) not in ids
    ]  # fmt: skip


def entry_exists(uow: Queries, entry_id: str) -> bool:
    return uow.session.get(CountCardEntry, entry_id) is not None


def state(uow: Queries, row: MemberCountCard) -> CountCard:
    """The card as its ledger says (sold first, then in the order written)."""
    rows = sorted(
        entries_of(uow, row.id), key=lambda e: (e.kind != "sold", e.created_at, e.entry_id)
    )
    return fold(
        row.product_code,
        row.sold_on,
        row.valid_until,
        (Entry(e.kind, json.loads(e.times), e.value_fen) for e in rows),
    )


def day_values(uow: Queries, business_date: object) -> dict[str, tuple[int, int]]:
    """kind -> (entries, value in fen) of the count-card entries of a business day."""
    rows = uow.session.execute(
        select(
            CountCardEntry.kind, func.count(), func.coalesce(func.sum(CountCardEntry.value_fen), 0)
        )
        .where(CountCardEntry.business_date == business_date)
        .group_by(CountCardEntry.kind)
    ).all()
    return {kind: (int(n), int(v)) for kind, n, v in rows}


def liability_until(uow: Queries, business_date: object) -> int:
    """What every count card sold up to that day still owes in service at its close: price
    paid − recognised − refunded − breakage, summed over the ledger."""
    signs = LIABILITY_SIGN  # a void (HQ voided its event) moves it back
    total = 0
    for kind, value in uow.session.execute(
        select(CountCardEntry.kind, func.coalesce(func.sum(CountCardEntry.value_fen), 0))
        .where(CountCardEntry.business_date <= business_date)
        .group_by(CountCardEntry.kind)
    ):
        total += signs.get(kind, 0) * int(value)
    return total


def active_until(uow: Queries, today: object) -> Sequence[MemberCountCard]:
    """Active cards whose last valid day is before ``today``."""
    return uow.session.scalars(
        select(MemberCountCard)
        .where(MemberCountCard.status == "active", MemberCountCard.valid_until < today)
        .order_by(MemberCountCard.id)
    ).all()


def entry_of_txn(uow: Queries, txn_id: str) -> CountCardEntry | None:
    return uow.session.scalars(
        select(CountCardEntry).where(CountCardEntry.txn_id == txn_id).limit(1)
    ).first()


def cache_mismatches(uow: Queries) -> list[str]:
    """Cards whose cached status or owner differs from their ledger (should be none), as
    ``count_card:<id>``: the status is the fold's (a copy of a card given to a member this
    store does not hold is ``transferred``); the owner is the receiver of the card's last
    transfer (or the giver again, its void), where the entry names them."""
    entries: dict[str, list[CountCardEntry]] = {}
    for e in uow.session.scalars(
        select(CountCardEntry).order_by(CountCardEntry.card_id, CountCardEntry.created_at, _ARRIVAL)
    ):
        entries.setdefault(e.card_id, []).append(e)
    out = []
    for row in uow.session.scalars(select(MemberCountCard).order_by(MemberCountCard.id)):
        rows = sorted(entries.get(row.id, ()), key=lambda e: e.kind != "sold")
        try:
            folded = (Entry(e.kind, json.loads(e.times), e.value_fen) for e in rows)
            card = fold(row.product_code, row.sold_on, row.valid_until, folded)
        except ValueError:  # no sale in its ledger
            out.append(f"count_card:{row.id}")
            continue
        moves = [e.to_member_id for e in rows if e.kind in ("transfer", "void_transfer")]
        owner = moves[-1] if moves else None
        if row.status not in (card.status, "transferred") or (
            owner is not None and row.status != "transferred" and owner != row.member_id
        ):
            out.append(f"count_card:{row.id}")
    return out
