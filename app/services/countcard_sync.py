"""Count-card events pulled from HQ (another store sold, used, refunded, transferred or
expired a card of a member this counter holds): the card and its ledger entries are written
here with the ids they were given, once however often they arrive. The transaction, its
tenders' stored-value postings and the audit are the generic pulled event's
(:mod:`app.services.remote`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from app.domain.countcard import ACTIVE, EXPIRED, REFUNDED, TRANSFERRED
from app.domain.countcard_ledger import EXPIRE, REFUND
from app.persistence import countcard_store
from app.persistence.countcard_tables import CountCardEntry, MemberCountCard
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext

EVENT_TYPES = (
    "countcard.sold",
    "countcard.used",
    "countcard.refunded",
    "countcard.transferred",
    "countcard.expired",
)


def _card(ctx: CounterContext, uow: UnitOfWork, header: dict[str, Any], owner: str,
          store_code: str | None) -> MemberCountCard:  # fmt: skip
    row = countcard_store.card(uow, header["card_id"])
    if row is None:
        stores = header.get("stores")
        row = MemberCountCard(
            id=header["card_id"],
            member_id=owner,
            product_code=header["product_code"],
            name=header["name"],
            price_paid_fen=header["price_paid_fen"],
            sold_on=dt.date.fromisoformat(header["sold_on"]),
            valid_until=dt.date.fromisoformat(header["valid_until"]),
            stores=json.dumps(stores) if stores is not None else None,
            transferable=bool(header["transferable"]),
            status=ACTIVE,
            store_code=store_code,
            created_at=ctx.now(),
        )
        uow.add(row)
    return row


def _entry(ctx: CounterContext, uow: UnitOfWork, row: MemberCountCard, e: dict[str, Any],
           txn_id: str | None, offline: bool = False,
           moved: tuple[str, str] | None = None) -> None:  # fmt: skip
    if countcard_store.entry_exists(uow, e["entry_id"]):
        return
    uow.add(
        CountCardEntry(
            entry_id=e["entry_id"],
            card_id=row.id,
            txn_id=txn_id,
            kind=e["kind"],
            times=json.dumps(e["times"], sort_keys=True),
            value_fen=e["value_fen"],
            from_member_id=moved[0] if moved else None,  # a transfer's giver and receiver
            to_member_id=moved[1] if moved else None,
            offline=offline,
            business_date=dt.date.fromisoformat(e["business_date"]),
            created_at=ctx.now(),
        )
    )
    status = {REFUND: REFUNDED, EXPIRE: EXPIRED}.get(e["kind"])
    if status:
        row.status = status


def _came_back(uow: UnitOfWork, row: MemberCountCard) -> None:
    """A card this store had given away is a held member's again: its state is its ledger's
    (active, or refunded or expired meanwhile at another store)."""
    uow.flush()
    row.status = countcard_store.state(uow, row).status


def received_only(uow: UnitOfWork, body: dict[str, Any]) -> bool:
    """A transfer to a member held here from one who is not: only the card comes (the
    giver's transaction is not this store's to keep). So with a visit the giver made at a
    store that had not learned of the transfer yet: only the card's entry."""
    p = body["payload"]
    if body["type"] not in ("countcard.transferred", "countcard.used"):
        return False
    if uow.member(p["member_id"]) is not None:
        return False
    return body["type"] == "countcard.transferred" or (
        countcard_store.card(uow, p["count_card_id"]) is not None
    )


def apply_pulled(ctx: CounterContext, uow: UnitOfWork, body: dict[str, Any]) -> None:
    """Write a pulled count-card event's card and entries (a card of a member not here is
    left out: HQ sends it with the member)."""
    type_, p = body["type"], body["payload"]
    if type_ not in EVENT_TYPES:
        return
    store_code = body.get("store_code")
    if type_ in ("countcard.sold", "countcard.transferred"):
        owner = p["member_id"] if type_ == "countcard.sold" else p["to_member_id"]
        if uow.member(owner) is None:
            # The receiver is not held here: the giver's copy is no longer theirs; the
            # transfer stays in its ledger, so the card's history is whole if it comes back.
            row = countcard_store.card(uow, p["count_card"]["card_id"])
            if row is not None:
                row.status = TRANSFERRED
                moved = (p["member_id"], p["to_member_id"])
                _entry(ctx, uow, row, p["entry"], None, bool(p.get("offline")), moved)
                uow.flush()
            return
        row = _card(ctx, uow, p["count_card"], owner, store_code)
        uow.flush()
        for e in p.get("history") or ():
            _entry(ctx, uow, row, e, None)
        row.member_id = owner
        if row.status == TRANSFERRED:  # given away from here once, and back to a member held
            _came_back(uow, row)
    else:
        row = countcard_store.card(uow, p["count_card_id"])
        if row is None:
            return
    moved = (p["member_id"], p["to_member_id"]) if type_ == "countcard.transferred" else None
    _entry(ctx, uow, row, p["entry"], p.get("txn_id"), bool(p.get("offline")), moved)
    uow.flush()


def apply_snapshot(ctx: CounterContext, uow: UnitOfWork, line: dict[str, Any]) -> None:
    """A member's count cards as HQ has them (a snapshot line's ``countcards``)."""
    owner = line["member"]["id"]
    for card in line.get("countcards") or ():
        row = _card(ctx, uow, card["count_card"], owner, card.get("store_code"))
        row.member_id = owner
        uow.flush()
        for e in card["entries"]:
            _entry(ctx, uow, row, e, None)
        if row.status == TRANSFERRED:  # this store's copy of a card that has come back
            _came_back(uow, row)
    uow.flush()
