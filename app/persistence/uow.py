"""The unit of work: one business operation = one SQLite transaction.

Services open ``with ctx.uow() as uow:``, read and add rows through it, and
call ``uow.commit()`` once everything — projection, ledger entries, audit
entry, outbox event — is in place. Leaving the block without committing rolls
everything back, so a refused or failed operation changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from sqlalchemy import Engine, Row, Table, func, select
from sqlalchemy.orm import Session

from app.domain.phone import phone_hash
from app.domain.points import LotBalance
from app.persistence import phone_keys, plain_insert, plain_rows, queries
from app.persistence.tables import (
    APPEND_ONLY_INSERTS,
    AuditEntry,
    Card,
    Member,
    OutboxEvent,
    PointsEntry,
    PointsLot,
    Staff,
    StoredValueEntry,
    StoreRow,
    SyncState,
    Txn,
    TxnTender,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
_UNREAD = object()


class UnitOfWork:
    def __init__(self, engine: Engine, *, readonly: bool = False) -> None:
        self._engine = engine.execution_options(counter_readonly=True) if readonly else engine
        self._readonly = readonly
        self.session: Session
        self._store: StoreRow | None = None
        # Append-only rows waiting for the next flush, by (table, columns given).
        self._appends: dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]] = {}
        self._closed_days: dict[dt.date, bool] = {}
        self._clock_marks: tuple[dt.datetime | None, dt.date | None] | None = None
        self._day_start: str | None = None
        self._after_rollback: list[Callable[[], None]] = []
        self._held: list[Any] = []
        self._sync_state: Any = _UNREAD
        self._new_rows: list[Any] = []  # add_new: written as plain INSERTs at the next flush
        self._written: list[tuple[Any, dict[str, Any]]] = []  # ... and what they were
        self._plain_updates: list[Any] = []  # update_plainly: changes as plain UPDATEs

    def __enter__(self) -> UnitOfWork:
        self.session = Session(bind=self._engine, expire_on_commit=False, autoflush=False)
        if not self._readonly:
            self.session.connection()  # BEGIN IMMEDIATE now: take the write lock up front
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self._held.clear()
        callbacks, self._after_rollback = self._after_rollback, []
        for fn in callbacks:
            try:
                fn()
            except Exception:  # never hide the refusal that rolled the work back
                log.exception("after a rollback")

    def commit(self) -> None:
        self.flush()
        self.session.commit()
        self._after_rollback.clear()

    def after_rollback(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once this unit of work has ended without committing (a refusal that is
        itself recorded, in its own transaction: the write lock is free by then)."""
        self._after_rollback.append(fn)

    def hold(self, row: T) -> T:
        """Keep ``row`` (an ORM object read in this unit of work) until it ends: the session's
        identity map is weak, so another ``session.get`` of it is answered without a query."""
        if row is not None:
            self._held.append(row)
        return row

    def sync_state(self) -> SyncState | None:
        """The sync row (None: not enrolled), read once per unit of work."""
        if self._sync_state is _UNREAD:
            self._sync_state = self.session.get(SyncState, 1)
        return self._sync_state  # type: ignore[no-any-return]

    def forget_sync_state(self) -> None:
        """The sync row is about to change (made, or a savepoint undone): read it again."""
        self._sync_state = _UNREAD

    def add(self, *rows: Any) -> None:
        """Stage new rows. Ledger, audit and outbox rows are never changed once written, so
        they skip the ORM's change tracking and go out as plain INSERTs at the next flush."""
        for row in rows:
            table = row.__table__
            if table.name in APPEND_ONLY_INSERTS:
                values = {k: v for k, v in vars(row).items() if not k.startswith("_")}
                self._appends.setdefault((table, tuple(sorted(values))), []).append(values)
            else:
                self.session.add(row)

    def add_rows(self, model: Any, rows: Sequence[dict[str, Any]]) -> None:
        """Stage plain rows (column -> value) of a table written with plain INSERTs, without
        making an ORM object of each (a cart sale's lines)."""
        table = model.__table__
        if table.name not in APPEND_ONLY_INSERTS:
            raise ValueError(f"{table.name} rows are ORM objects: use add()")
        for values in rows:
            self._appends.setdefault((table, tuple(sorted(values))), []).append(values)

    def add_new(self, row: Any) -> None:
        """Stage a new ORM object, complete by the next flush, to be written then as one
        plain INSERT and never changed after (a sale's txn): the session does not track it, so
        its columns are read at the flush, and a change after that is refused."""
        self._new_rows.append(row)

    def update_plainly(self, row: Any) -> None:
        """Send the changes of ``row`` (an ORM object read in this unit of work: a sale's
        member) as one plain UPDATE of the changed columns by primary key at each flush, the
        statement the session would send, without its unit-of-work bookkeeping. Not for a
        row changed inside a savepoint: its rollback would not undo what the row holds."""
        if row is not None and row not in self._plain_updates:
            self._plain_updates.append(row)

    def _stage_new_rows(self) -> None:
        for row, values in self._written:
            if plain_rows.insert_values(row) != values:
                raise RuntimeError(f"a {row.__table__.name} row changed after it was written")
        rows, self._new_rows = self._new_rows, []
        for row in rows:
            values = plain_rows.insert_values(row)
            self._written.append((row, values))
            self._appends.setdefault((row.__table__, tuple(sorted(values))), []).append(values)

    def _core(self, stmt: Any, params: dict[str, Any] | None = None) -> Any:
        """A plain Core read on this transaction's connection (no ORM rows wanted)."""
        return self.session.connection().execute(stmt, params or {})

    def flush(self) -> None:
        """Write what is staged (foreign keys are checked at COMMIT, so order is free)."""
        for row in self._plain_updates:
            plain_rows.update_changed(self.session, row)
        self.session.flush()
        if self._new_rows or self._written:
            self._stage_new_rows()
        appends, self._appends = self._appends, {}
        if appends:
            conn = self.session.connection()
            for (table, columns), values in appends.items():
                plain_insert.insert_rows(conn, table, columns, values)

    def discard_staged(self) -> None:
        """Forget the ledger rows staged since the last flush (a savepoint rolled back)."""
        self._appends = {}
        self._new_rows = []

    @property
    def writable(self) -> bool:
        return not self._readonly

    def clock_marks(self) -> tuple[dt.datetime | None, dt.date | None]:
        """(time of the last audit entry, last closed business date); asked once."""
        if self._clock_marks is None:
            at, closed, self._day_start = self._core(queries.CLOCK_MARKS).one()
            self._clock_marks = (at, closed)
        return self._clock_marks

    def business_day_marks(self) -> tuple[dt.date | None, str | None]:
        """(last closed business date, the business-day setting's JSON); asked once."""
        return self.clock_marks()[1], self._day_start

    def day_closed(self, day: dt.date) -> bool:
        """Whether ``day`` has been closed (日结); asked once per date per unit of work."""
        if day not in self._closed_days:
            self._closed_days[day] = (
                self._core(queries.DAY_CLOSED, {"day": day}).first() is not None
            )
        return self._closed_days[day]

    # -- store and staff ---------------------------------------------------
    def store(self) -> StoreRow | None:
        # Held here: the session's identity map is weak, and every operation asks for it.
        if self._store is None:
            self._store = self.session.scalar(queries.STORE)
        return self._store

    def staff_by_no(self, staff_no: str) -> Staff | None:
        return self.session.scalar(select(Staff).where(Staff.staff_no == staff_no))

    def longest_staff_no(self) -> int:
        """The length of the longest staff number of an active staff member (0: none)."""
        found = self.session.scalar(
            select(func.max(func.length(Staff.staff_no))).where(Staff.active.is_(True))
        )
        return int(found or 0)

    def staff_by_id(self, staff_id: str) -> Staff | None:
        return self.session.get(Staff, staff_id)

    def staff_names(self) -> dict[str, str]:
        """Every staff member's name by id (history and receipts name who did what)."""
        return {row.id: row.name for row in self.session.execute(select(Staff.id, Staff.name))}

    # -- a member's history (newest first, a page at a time) ------------------
    def member_txn_page(
        self,
        member_id: str,
        kinds: Collection[str],
        before: tuple[dt.datetime, str] | None,
        limit: int,
    ) -> Sequence[Row[Any]]:
        """The member's transactions of ``kinds`` older than ``before`` (created_at, id),
        newest first: a range of ``ix_txn_member_created``, stopped after ``limit``. Plain
        rows with the txn's columns (a page read at every scan makes no ORM objects)."""
        params = {"member_id": member_id, "kinds": list(kinds), "limit": limit}
        if before is None:
            return self._core(queries.MEMBER_TXN_PAGE, params).all()
        params |= {"before_at": before[0], "before_id": before[1]}
        return self._core(queries.MEMBER_TXN_PAGE_BEFORE, params).all()

    def refunded_among(self, txn_ids: Collection[str]) -> set[str]:
        """Which of these checkouts and top-ups a refund reverses (one indexed statement)."""
        if not txn_ids:
            return set()
        return set(self._core(queries.REFUNDED_AMONG, {"txn_ids": list(txn_ids)}).scalars())

    def partly_refunded_among(self, txn_ids: Collection[str]) -> set[str]:
        """Which of these sales of goods still have quantities to refund after their refunds
        (two indexed statements)."""
        if not txn_ids:
            return set()
        ids = {"txn_ids": list(txn_ids)}
        sold: dict[str, int] = dict(self._core(queries.QUANTITY_SOLD, ids).all())
        back: dict[str, int] = dict(self._core(queries.QUANTITY_REFUNDED, ids).all())
        return {i for i, n in sold.items() if n > back.get(i, 0)}

    def registration_txn_id(self, member_id: str) -> str | None:
        return self.session.scalar(
            select(Txn.id).where(Txn.member_id == member_id, Txn.kind == "register").limit(1)
        )

    def tenders_of(self, txn_ids: Collection[str]) -> Sequence[Row[Any]]:
        """The tenders of these transactions, as plain rows, in the order they were paid."""
        return self._core(queries.TENDERS_OF, {"txn_ids": list(txn_ids)}).all()

    def member_points_page(
        self, member_id: str, before_id: int | None, limit: int
    ) -> Sequence[Row[Any]]:
        params = {"member_id": member_id, "limit": limit, "before_id": before_id}
        page = queries.MEMBER_POINTS_PAGE
        if before_id is not None:
            page = queries.MEMBER_POINTS_PAGE_BEFORE
        return self._core(page, params).all()

    def member_tier_page(
        self, member_id: str, before_id: int | None, limit: int
    ) -> Sequence[Row[Any]]:
        params = {"member_id": member_id, "limit": limit, "before_id": before_id}
        page = queries.MEMBER_TIER_PAGE
        if before_id is not None:
            page = queries.MEMBER_TIER_PAGE_BEFORE
        return self._core(page, params).all()

    # -- members and cards (the statements are shared with the Core reader) --
    def member(self, member_id: str) -> Member | None:
        return self.session.get(Member, member_id)

    def member_by_phone(self, phone: str) -> Member | None:
        """The active member with this full number: one whose number is here, else another
        store's member whose hash of it is (see ``Member.phone_hash``)."""
        found = self.session.scalar(queries.MEMBER_BY_PHONE, {"phone": phone})
        if found is not None:
            return found
        hashed = self.phone_hash(phone)
        if hashed is None:
            return None
        return self.member_by_phone_hash(hashed)

    def member_by_phone_hash(self, hashed: str) -> Member | None:
        return self.session.scalar(queries.MEMBER_BY_PHONE_HASH, {"phone_hash": hashed})

    def phone_hash(self, phone: str) -> str | None:
        """The chain's hash of ``phone`` (None while this process has not been given the
        chain's key: app.persistence.phone_keys)."""
        store = self.store()
        key = phone_keys.key_for(store.phone_key_id if store else None)
        return phone_hash(key, phone) if key else None

    def phone_key(self) -> str | None:
        """The chain's phone key, when this process holds it (never stored here)."""
        store = self.store()
        return phone_keys.key_for(store.phone_key_id if store else None)

    def members_by_last4(self, last4: str) -> Sequence[Member]:
        return self.session.scalars(queries.MEMBERS_BY_LAST4, {"last4": last4}).all()

    def members_by_name_prefix(self, prefix: str) -> Sequence[Member]:
        return self.session.scalars(queries.MEMBERS_BY_NAME_RANGE, queries.name_range(prefix)).all()

    def members_by_search_key(self, prefix: str) -> Sequence[Member]:
        return self.session.scalars(queries.MEMBERS_BY_KEY_RANGE, queries.key_range(prefix)).all()

    def card_by_no(self, card_no: str) -> Card | None:
        # Held: the member's card is asked for again by id (ensure_can_transact).
        return self.hold(self.session.scalar(queries.CARD_BY_NO, {"card_no": card_no}))

    def card(self, card_id: str) -> Card | None:
        return self.session.get(Card, card_id)

    def cards(self, card_ids: Collection[str]) -> dict[str, Card]:
        return {c.id: c for c in self.session.scalars(queries.CARDS, {"ids": list(card_ids)})}

    def points_expiring(self, member_ids: Collection[str], before: dt.date) -> dict[str, int]:
        rows = self.session.execute(
            queries.POINTS_EXPIRING, {"ids": list(member_ids), "before": before}
        )
        return {member_id: int(points) for member_id, points in rows}

    # -- transactions and ledgers ------------------------------------------
    def txn(self, txn_id: str) -> Txn | None:
        return self.session.get(Txn, txn_id)

    def last_txn_by(self, staff_id: str, kinds: Collection[str]) -> Txn | None:
        """The newest transaction of ``kinds`` that this staff member made."""
        return self.session.scalar(
            select(Txn)
            .where(Txn.staff_id == staff_id, Txn.kind.in_(list(kinds)))
            .order_by(Txn.created_at.desc())
            .limit(1)
        )

    def refund_of(self, txn_id: str) -> Txn | None:
        return self.session.scalar(
            select(Txn).where(
                Txn.original_txn_id == txn_id, Txn.kind.in_(("refund", "topup_refund"))
            )
        )

    def tenders(self, txn_id: str) -> Sequence[TxnTender]:
        return self.session.scalars(
            select(TxnTender).where(TxnTender.txn_id == txn_id).order_by(TxnTender.id)
        ).all()

    def sv_entries(self, txn_id: str) -> Sequence[StoredValueEntry]:
        return self.session.scalars(
            select(StoredValueEntry)
            .where(StoredValueEntry.txn_id == txn_id)
            .order_by(StoredValueEntry.id)
        ).all()

    def points_entries(self, txn_id: str) -> Sequence[PointsEntry]:
        return self.session.scalars(
            select(PointsEntry).where(PointsEntry.txn_id == txn_id).order_by(PointsEntry.id)
        ).all()

    def lot_for_txn(self, txn_id: str) -> PointsLot | None:
        return self.session.scalar(select(PointsLot).where(PointsLot.txn_id == txn_id))

    def lot_balances(self, member_id: str) -> list[LotBalance]:
        rows = self._core(queries.LOT_BALANCES, {"member_id": member_id}).all()
        return [LotBalance(lot_id, int(rem), exp) for lot_id, exp, rem in rows]

    def usable_points(self, member_id: str, today: dt.date) -> int:
        """The points of the member's lots valid on ``today`` (what points_in(usable lots) is)."""
        return int(self._core(queries.USABLE_POINTS, {"member_id": member_id, "today": today})
                   .scalar_one())  # fmt: skip

    def expired_lots(self, as_of: dt.date) -> list[tuple[str, str, int]]:
        """(member_id, lot_id, remaining) of lots whose last valid day is before ``as_of``."""
        rows = self.session.execute(
            select(PointsLot.member_id, PointsLot.id, func.sum(PointsEntry.points))
            .join(PointsEntry, PointsEntry.lot_id == PointsLot.id)
            .where(PointsLot.expires_on < as_of)
            .group_by(PointsLot.id)
            .having(func.sum(PointsEntry.points) > 0)
            .order_by(PointsLot.member_id, PointsLot.expires_on)
        ).all()
        return [(m, lot, int(n)) for m, lot, n in rows]

    def sv_ledger_balance(self, member_id: str) -> tuple[int, int]:
        p, b = self.session.execute(
            select(
                func.coalesce(func.sum(StoredValueEntry.principal_fen), 0),
                func.coalesce(func.sum(StoredValueEntry.bonus_fen), 0),
            ).where(StoredValueEntry.member_id == member_id)
        ).one()
        return int(p), int(b)

    def points_ledger_balance(self, member_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
                    PointsEntry.member_id == member_id
                )
            )
            or 0
        )

    def ledger_mismatches(self) -> list[str]:
        """Members whose cached balances differ from their ledgers, and count cards whose
        cached status or owner differs from theirs (``count_card:<id>``); should be none."""
        sv = (
            select(
                StoredValueEntry.member_id.label("mid"),
                func.sum(StoredValueEntry.principal_fen).label("p"),
                func.sum(StoredValueEntry.bonus_fen).label("b"),
            )
            .group_by(StoredValueEntry.member_id)
            .subquery()
        )
        pts = (
            select(PointsEntry.member_id.label("mid"), func.sum(PointsEntry.points).label("n"))
            .group_by(PointsEntry.member_id)
            .subquery()
        )
        rows = self.session.execute(
            select(Member.id)
            .outerjoin(sv, sv.c.mid == Member.id)
            .outerjoin(pts, pts.c.mid == Member.id)
            .where(
                (Member.principal_fen != func.coalesce(sv.c.p, 0))
                | (Member.bonus_fen != func.coalesce(sv.c.b, 0))
                | (Member.points != func.coalesce(pts.c.n, 0))
            )
        ).all()
        from app.persistence import countcard_store  # (it reads through a unit of work)

        return [r[0] for r in rows] + countcard_store.cache_mismatches(self)

    # -- audit and outbox --------------------------------------------------
    def chain_heads(self) -> tuple[str | None, int]:
        """(hash of the last audit entry, number of the last outbox event or 0)."""
        last_hash, last_seq = self._core(queries.CHAIN_HEADS).one()
        return last_hash, last_seq or 0

    def audit_entries(self) -> Sequence[AuditEntry]:
        return self.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()

    def outbox(self, *, pending_only: bool = False) -> Sequence[OutboxEvent]:
        stmt = select(OutboxEvent).order_by(OutboxEvent.device_seq)
        if pending_only:
            stmt = stmt.where(OutboxEvent.pushed_at.is_(None))
        return self.session.scalars(stmt).all()
