"""Reads and writes of the counter's sync bookkeeping, on a unit of work's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import func, select, update
from sqlalchemy.exc import DataError, IntegrityError

from app.domain.errors import RuleError
from app.persistence.tables import (
    Card,
    MemberFieldClock,
    OutboxEvent,
    PointsEntry,
    PointsLot,
    StoredValueEntry,
    SyncParked,
    SyncRefused,
    SyncState,
    Txn,
)
from app.persistence.uow import UnitOfWork


def state(uow: UnitOfWork) -> SyncState | None:
    """The sync row (None: not enrolled), read once per unit of work (a sale asks twice)."""
    return uow.sync_state()


def state_for_update(uow: UnitOfWork) -> SyncState:
    uow.forget_sync_state()
    row = uow.hold(uow.session.get(SyncState, 1))
    if row is None:
        row = SyncState(id=1, cursor=0, hlc="")
        uow.session.add(row)
    return row


def rules_version(uow: UnitOfWork) -> int | None:
    """The version of HQ's rules this counter holds (None: its own rules)."""
    row = uow.sync_state()
    return row.rules_version if row is not None else None


@contextmanager
def savepoint(uow: UnitOfWork) -> Iterator[None]:
    """Run a part of the transaction that may fail on its own: on any error it is undone
    (the rest stays), and a constraint the database refuses is a :class:`RuleError`."""
    uow.flush()  # what came before is written, so only this part's rows are undone
    nested = uow.session.begin_nested()
    try:
        yield
        uow.flush()
    except (IntegrityError, DataError):
        uow.discard_staged()
        uow.forget_sync_state()
        nested.rollback()
        raise RuleError("pull_clash") from None
    except BaseException:
        uow.discard_staged()
        uow.forget_sync_state()
        nested.rollback()
        raise
    nested.commit()


def parked(uow: UnitOfWork, limit: int | None = None) -> Sequence[SyncParked]:
    stmt = select(SyncParked).order_by(SyncParked.server_seq)
    return uow.session.scalars(stmt.limit(limit) if limit else stmt).all()


def parked_count(uow: UnitOfWork) -> int:
    return int(uow.session.scalar(select(func.count()).select_from(SyncParked)) or 0)


def park(
    uow: UnitOfWork,
    server_seq: int,
    kind: str,
    body: str,
    member_id: str | None,
    code: str,
    reason: str,
    at: dt.datetime,
) -> None:
    row = uow.session.get(SyncParked, server_seq)
    if row is None:
        uow.add(
            SyncParked(
                server_seq=server_seq,
                kind=kind,
                body=body,
                member_id=member_id,
                code=code,
                reason=reason,
                tries=1,
                parked_at=at,
            )
        )
    else:
        row.code, row.reason, row.tries = code, reason, row.tries + 1
    uow.flush()


def unpark(uow: UnitOfWork, server_seq: int) -> None:
    row = uow.session.get(SyncParked, server_seq)
    if row is not None:
        uow.session.delete(row)
        uow.flush()


def refused(uow: UnitOfWork) -> Sequence[SyncRefused]:
    return uow.session.scalars(select(SyncRefused).order_by(SyncRefused.device_seq)).all()


def put_refused(
    uow: UnitOfWork,
    event_id: str,
    device_seq: int,
    type_: str,
    code: str,
    reason: str,
    waiting_on: str | None,
    at: dt.datetime,
) -> None:
    row = uow.session.get(SyncRefused, event_id)
    if row is None:
        uow.add(
            SyncRefused(
                event_id=event_id,
                device_seq=device_seq,
                type=type_,
                code=code,
                reason=reason,
                waiting_on=waiting_on,
                at=at,
            )
        )
    else:
        row.code, row.reason, row.waiting_on, row.at = code, reason, waiting_on, at


def pending_count(uow: UnitOfWork) -> int:
    return int(
        uow.session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.pushed_at.is_(None))
        )
        or 0
    )


def last_pushed_seq(uow: UnitOfWork) -> int:
    """The highest device_seq HQ has acknowledged (0: none)."""
    return int(
        uow.session.scalar(
            select(func.coalesce(func.max(OutboxEvent.device_seq), 0)).where(
                OutboxEvent.pushed_at.is_not(None)
            )
        )
        or 0
    )


# A change of the counter's own rules, made while it ran alone (its first rules come with
# store.initialised, always its first event).
RULES_CHANGED = "rules.changed"


def node_of(uow: UnitOfWork) -> str:
    """This counter's name in clock stamps (its device id without dashes)."""
    store = uow.store()
    return store.device_id.replace("-", "") if store else "local"


def history(uow: UnitOfWork) -> tuple[int, list[tuple[int, str]]]:
    """The counter's last device_seq and its rules changes, (device_seq, payload_hash) in
    order: the history it declares when it joins HQ."""
    head = uow.session.scalar(select(func.coalesce(func.max(OutboxEvent.device_seq), 0)))
    rows = uow.session.execute(
        select(OutboxEvent.device_seq, OutboxEvent.payload_hash)
        .where(OutboxEvent.type == RULES_CHANGED)
        .order_by(OutboxEvent.device_seq)
    ).all()
    return int(head or 0), [(int(seq), str(h)) for seq, h in rows]


def pending_events(uow: UnitOfWork, limit: int) -> Sequence[OutboxEvent]:
    return uow.session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.pushed_at.is_(None))
        .order_by(OutboxEvent.device_seq)
        .limit(limit)
    ).all()


def mark_pushed(uow: UnitOfWork, up_to_seq: int, at: dt.datetime) -> int:
    return uow.session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.device_seq <= up_to_seq, OutboxEvent.pushed_at.is_(None))
        .values(pushed_at=at)
    ).rowcount


def unmark_pushed_after(uow: UnitOfWork, seq: int) -> int:
    """HQ holds nothing after ``seq`` (it says so): send those events again."""
    return uow.session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.device_seq > seq, OutboxEvent.pushed_at.is_not(None))
        .values(pushed_at=None)
    ).rowcount


def pending_payloads_of(uow: UnitOfWork, member_id: str) -> list[str]:
    """Payloads of not yet pushed events that name the member (canonical JSON text)."""
    needle = f'%"member_id":"{member_id}"%'
    return list(
        uow.session.scalars(
            select(OutboxEvent.payload).where(
                OutboxEvent.pushed_at.is_(None), OutboxEvent.payload.like(needle)
            )
        )
    )


def txn_exists(uow: UnitOfWork, txn_id: str) -> bool:
    return uow.session.get(Txn, txn_id) is not None


def sv_entry_exists(uow: UnitOfWork, entry_id: str) -> bool:
    return (
        uow.session.scalar(select(StoredValueEntry.id).where(StoredValueEntry.entry_id == entry_id))
        is not None
    )


def points_entry_exists(uow: UnitOfWork, entry_id: str) -> bool:
    return (
        uow.session.scalar(select(PointsEntry.id).where(PointsEntry.entry_id == entry_id))
        is not None
    )


def lot_exists(uow: UnitOfWork, lot_id: str) -> bool:
    return uow.session.get(PointsLot, lot_id) is not None


def card_no_taken(uow: UnitOfWork, card_no: str) -> bool:
    return uow.session.scalar(select(Card.id).where(Card.card_no == card_no)) is not None


def field_clock(uow: UnitOfWork, member_id: str, name: str) -> MemberFieldClock | None:
    return uow.session.get(MemberFieldClock, (member_id, name))


def replace_search_keys(uow: UnitOfWork, member_id: str, keys: Sequence[str]) -> None:
    from sqlalchemy import delete

    from app.persistence.tables import MemberSearchKey

    uow.session.execute(delete(MemberSearchKey).where(MemberSearchKey.member_id == member_id))
    uow.add(*(MemberSearchKey(member_id=member_id, key=k) for k in keys))


def home_store_of(uow: UnitOfWork, member_id: str) -> str | None:
    """The store that registered (or imported) a member this counter learned from HQ ("HQ"
    for one HQ made); None for a member this counter made itself."""
    note = uow.session.scalar(
        select(Txn.note)
        .where(
            Txn.member_id == member_id,
            Txn.kind == "remote",
            Txn.note.like("member.registered %") | Txn.note.like("member.imported %"),
        )
        .limit(1)
    )
    return note.split(" ", 1)[1] if note and " " in note else None


def members_registered_elsewhere(uow: UnitOfWork, member_ids: set[str]) -> set[str]:
    """Members this counter learned from HQ (registered at another store or counter)."""
    if not member_ids:
        return set()
    return set(
        uow.session.scalars(
            select(Txn.member_id).where(
                Txn.kind == "remote",
                Txn.note.like("member.registered %"),
                Txn.member_id.in_(list(member_ids)),
            )
        )
    )


def outbox_event(uow: UnitOfWork, event_id: str) -> OutboxEvent | None:
    return uow.session.scalar(select(OutboxEvent).where(OutboxEvent.event_id == event_id))


def txn_entries(
    uow: UnitOfWork, txn_id: str
) -> tuple[Sequence[StoredValueEntry], Sequence[PointsEntry]]:
    """The stored-value and points entries a transaction posted, in the order written."""
    sv = uow.session.scalars(
        select(StoredValueEntry)
        .where(StoredValueEntry.txn_id == txn_id)
        .order_by(StoredValueEntry.id)
    ).all()
    points = uow.session.scalars(
        select(PointsEntry).where(PointsEntry.txn_id == txn_id).order_by(PointsEntry.id)
    ).all()
    return sv, points


def txn_voided(uow: UnitOfWork, txn_id: str, kind: str) -> bool:
    """Whether a transaction of ``kind`` (app.services.voids: HQ's void) reverses ``txn_id``."""
    found = uow.session.scalar(
        select(Txn.id).where(Txn.original_txn_id == txn_id, Txn.kind == kind).limit(1)
    )
    return found is not None


def cards_of(uow: UnitOfWork, member_id: str) -> Sequence[Card]:
    return uow.session.scalars(select(Card).where(Card.member_id == member_id)).all()
