"""The counter's tables.

Ledgers (stored value, points, tenders, tier changes, audit) are append-only:
the migration adds triggers that refuse UPDATE and DELETE on them. Cached
balances on ``member`` are written in the same transaction as the ledger
entries and checked against the ledger by the tests and by ``audit verify``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def fk(target: str) -> ForeignKey:
    """A foreign key SQLite checks at COMMIT, so one flush may insert rows in any order."""
    return ForeignKey(target, deferrable=True, initially="DEFERRED")


class Base(DeclarativeBase):
    pass


class StoreRow(Base):
    __tablename__ = "store"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(36))
    qr_key: Mapped[str] = mapped_column(String(128))
    # Which chain key the phone hashes of other stores' members here are made with
    # (app.domain.phone.phone_key_id; None before HQ sent one). The key itself is never
    # written to this file: app.persistence.phone_keys keeps it in memory.
    phone_key_id: Mapped[str | None] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    rules_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str] = mapped_column(String(256))
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Member(Base):
    __tablename__ = "member"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), index=True)
    # Another store's member comes without their number (server.redact): ``phone`` holds the
    # masked form (138****8000) and ``phone_hash`` the chain's keyed hash of the number, by
    # which a number typed or scanned finds them. None for a member whose number is here.
    phone: Mapped[str] = mapped_column(String(11))
    phone_last4: Mapped[str] = mapped_column(String(4), index=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    gender: Mapped[str | None] = mapped_column(String(1))
    birthday: Mapped[dt.date | None] = mapped_column(Date)
    # A birthday known by month and day only ("05-20", as most old systems keep it): set
    # when ``birthday`` is not (birthday care needs no year).
    birthday_md: Mapped[str | None] = mapped_column(String(5))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(200))
    referrer_id: Mapped[str | None] = mapped_column(fk("member.id"))
    source: Mapped[str | None] = mapped_column(String(32))
    consent_at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="active")
    card_id: Mapped[str | None] = mapped_column(String(36))
    tier_code: Mapped[str] = mapped_column(String(16))
    tier_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    cumulative_spend_fen: Mapped[int] = mapped_column(Integer, default=0)
    principal_fen: Mapped[int] = mapped_column(Integer, default=0)
    bonus_fen: Mapped[int] = mapped_column(Integer, default=0)
    points: Mapped[int] = mapped_column(Integer, default=0)
    pay_password_hash: Mapped[str | None] = mapped_column(String(256))
    pay_password_failures: Mapped[int] = mapped_column(Integer, default=0)
    # Another store's member with a payment password: its verifier stays at HQ, which checks
    # a stored-value payment here online (app.services.checkout).
    pay_password_at_hq: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("0")
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The business date of the member's first ``register`` or ``import`` transaction here,
    # kept by triggers on ``txn`` and ``member`` (migration 0005), never written by code:
    # the range report counts churn from it without reading every member's transactions.
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    # False for a member of another store this counter has but is not kept up to date about
    # (pulled before HQ scoped what each store receives): served only after an online fetch.
    held: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("1"))
    # Kept from an import (migration 0011): the manager's notes on the member, and the old
    # system's registration time and home store as it named them.
    notes: Mapped[str | None] = mapped_column(String(500))
    registered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    home_store: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index(
            "uq_member_active_phone",
            "phone",
            unique=True,
            sqlite_where=text("status = 'active' AND phone_hash IS NULL"),
        ),
        # Covering indexes of the range report's member counts. Status comes second: led by
        # status, SQLite would take them for every "active members named ..." search.
        Index("ix_member_tier_status", "tier_code", "status"),
        Index("ix_member_joined_status", "joined_on", "status"),
    )


class MemberSearchKey(Base):
    """Pinyin keys of a member's name: initials ("zs") and full syllables ("zhangsan")."""

    __tablename__ = "member_search_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(fk("member.id"), index=True)
    key: Mapped[str] = mapped_column(String(64), index=True)


class Card(Base):
    __tablename__ = "card"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    card_no: Mapped[str] = mapped_column(String(32), unique=True)
    member_id: Mapped[str] = mapped_column(fk("member.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    replaced_by: Mapped[str | None] = mapped_column(String(36))


class Txn(Base):
    """One business transaction: registration, top-up, checkout, refund, card or points op."""

    __tablename__ = "txn"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    member_id: Mapped[str | None] = mapped_column(fk("member.id"))
    staff_id: Mapped[str | None] = mapped_column(String(36))
    approved_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    business_date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount_fen: Mapped[int] = mapped_column(Integer, default=0)
    discount_fen: Mapped[int] = mapped_column(Integer, default=0)
    points_used: Mapped[int] = mapped_column(Integer, default=0)
    points_value_fen: Mapped[int] = mapped_column(Integer, default=0)
    due_fen: Mapped[int] = mapped_column(Integer, default=0)
    bonus_fen: Mapped[int] = mapped_column(Integer, default=0)
    points_earned: Mapped[int] = mapped_column(Integer, default=0)
    points_shortfall: Mapped[int] = mapped_column(Integer, default=0)
    tier_before: Mapped[str | None] = mapped_column(String(16))
    tier_after: Mapped[str | None] = mapped_column(String(16))
    original_txn_id: Mapped[str | None] = mapped_column(fk("txn.id"))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # A checkout or a top-up is refunded at most once; a cart sale's partial refunds
        # (a refund with its reason in ``note``, migration 0020) may be several.
        Index(
            "uq_txn_refund_once",
            "original_txn_id",
            unique=True,
            sqlite_where=text("kind = 'topup_refund' OR (kind = 'refund' AND note IS NULL)"),
        ),
        # "Is this refunded?" with a bound parameter (the partial index above serves only
        # statements that spell its kinds out as literals).
        Index(
            "ix_txn_original",
            "original_txn_id",
            sqlite_where=text("original_txn_id IS NOT NULL"),
        ),
        # A member's history, newest first, a page at a time.
        Index("ix_txn_member_created", "member_id", "created_at", "id"),
    )


class TxnTender(Base):
    __tablename__ = "txn_tender"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    txn_id: Mapped[str] = mapped_column(fk("txn.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(Integer)  # negative for money paid back
    change_fen: Mapped[int] = mapped_column(Integer, default=0)


class StoredValueEntry(Base):
    __tablename__ = "sv_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(36), unique=True)
    member_id: Mapped[str] = mapped_column(fk("member.id"), index=True)
    txn_id: Mapped[str] = mapped_column(fk("txn.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    principal_fen: Mapped[int] = mapped_column(Integer)
    bonus_fen: Mapped[int] = mapped_column(Integer)
    reverses_entry_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class PointsLot(Base):
    __tablename__ = "points_lot"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(fk("member.id"), index=True)
    txn_id: Mapped[str] = mapped_column(fk("txn.id"))
    points: Mapped[int] = mapped_column(Integer)
    earned_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(24))


class PointsEntry(Base):
    __tablename__ = "points_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(36), unique=True)
    member_id: Mapped[str] = mapped_column(fk("member.id"), index=True)
    lot_id: Mapped[str] = mapped_column(fk("points_lot.id"), index=True)
    txn_id: Mapped[str] = mapped_column(fk("txn.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    points: Mapped[int] = mapped_column(Integer)
    reverses_entry_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class TierChange(Base):
    __tablename__ = "tier_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(fk("member.id"), index=True)
    txn_id: Mapped[str] = mapped_column(fk("txn.id"))
    from_tier: Mapped[str] = mapped_column(String(16))
    to_tier: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(24))
    staff_id: Mapped[str | None] = mapped_column(String(36))
    approved_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    staff_id: Mapped[str | None] = mapped_column(String(36))
    approved_by: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(48))
    entity: Mapped[str] = mapped_column(String(24))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class OutboxEvent(Base):
    __tablename__ = "outbox"
    device_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(48))
    payload: Mapped[str] = mapped_column(Text)
    payload_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    pushed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


APPEND_ONLY_TABLES = (
    "sv_entry",
    "points_entry",
    "points_lot",
    "txn_tender",
    "tier_change",
    "audit_log",
)

# Rows the unit of work writes with plain INSERTs: the append-only tables, the outbox
# (whose rows change only when the sync marks them pushed, outside any operation), and a
# cart sale's lines and terms (app.persistence.sale_tables: written once with the sale, a
# partial refund is rows of its own), so a 50-line sale is one executemany, not 50 objects.
APPEND_ONLY_INSERTS = frozenset((*APPEND_ONLY_TABLES, "outbox", "txn_line", "txn_cart"))


# -- counter-local: settings and the print queue (migration 0002) ------------------------


class Setting(Base):
    """A counter-local setting (printer, receipt template, customer display) as JSON."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(36))


class PrintJob(Base):
    """A document waiting to print, printing, printed or given up on (never a business row).

    ``state``: queued → printing → done, or back to queued with ``next_attempt_at`` moved
    out (backoff), or failed after too many attempts. ``claim`` is the token of the worker
    printing it: a worker only finishes a job it claimed with a compare-and-set UPDATE.
    """

    __tablename__ = "print_job"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(24))
    txn_id: Mapped[str | None] = mapped_column(String(36), index=True)
    document: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    printed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    target: Mapped[str | None] = mapped_column(String(200))
    claim: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_print_job_due", "state", "next_attempt_at"),)


# -- the manager's day: shifts and the daily close ---------------------------------------


class Shift(Base):
    """A cashier's shift (班次): opened with a cash float, ended by a blind count, closed.

    The shift's operations are the cashier's transactions at this counter from
    ``opened_at`` to ``ended_at`` (the moment of the first count) inclusive.
    """

    __tablename__ = "shift"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(36), index=True)
    business_date: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16))  # open, counted, closed
    float_fen: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    counted_fen: Mapped[int | None] = mapped_column(Integer)
    count_detail: Mapped[str | None] = mapped_column(Text)  # JSON {denomination fen: pieces}
    expected_fen: Mapped[int | None] = mapped_column(Integer)
    over_short_fen: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(36))


class DayClose(Base):
    """A closed business date (日结) and its Z report, kept for reprint; the date is locked."""

    __tablename__ = "day_close"
    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    closed_by: Mapped[str] = mapped_column(String(36))
    report_json: Mapped[str] = mapped_column(Text)
    report_hash: Mapped[str] = mapped_column(String(64))
    principal_fen: Mapped[int] = mapped_column(Integer)  # stored-value liability at close
    bonus_fen: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)  # points liability at close


class RecoveryCode(Base):
    """A one-time code that unlocks the admin and sets a new PIN (migration 0005).

    ``source`` is "counter" (printed at init, a hash kept) or "hq" (HQ's code, kept once used
    so it is never taken twice; its hash is of the code's one-time part)."""

    __tablename__ = "recovery_code"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(8))
    code_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


# A shift's operations are found by cashier and time.
Index("ix_txn_staff_created", Txn.staff_id, Txn.created_at)


class SyncState(Base):
    """The counter's sync with HQ (one row once enrolled): the pull cursor, stored in the
    same transaction as the changes it covers; the last results; the hybrid logical clock."""

    __tablename__ = "sync_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    server_url: Mapped[str | None] = mapped_column(String(200))
    enrolled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    last_push_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_pull_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    hlc: Mapped[str] = mapped_column(String(64), default="")
    # "epoch:server_seq" of HQ's database as last seen; a new epoch means HQ was restored.
    hq_epoch: Mapped[str | None] = mapped_column(String(64))
    # The version of HQ's rules last pulled; events carry it so HQ checks them by those rules.
    rules_version: Mapped[int | None] = mapped_column(Integer)
    # When this counter last took its store's scope from an HQ snapshot (None: never, so the
    # next pull joins from one instead of replaying the stream).
    joined_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The last day this counter carried its members' history before the window forward
    # (app.services.history_window): once a day.
    history_carried_on: Mapped[dt.date | None] = mapped_column(Date)


class MemberFieldClock(Base):
    """The hybrid-logical-clock stamp of the last write of each profile field (last writer wins)."""

    __tablename__ = "member_field_clock"
    member_id: Mapped[str] = mapped_column(fk("member.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(24), primary_key=True)
    hlc: Mapped[str] = mapped_column(String(64))


class SyncRefused(Base):
    """An event of this counter HQ refused (quarantined) or holds back, with HQ's reason."""

    __tablename__ = "sync_refused"
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(48))
    code: Mapped[str] = mapped_column(String(48))
    reason: Mapped[str] = mapped_column(Text)
    waiting_on: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class SyncParked(Base):
    """A change pulled from HQ that could not apply here (a member this counter does not
    hold, a clash with local data, data it cannot read): kept with the reason and retried
    after every pull, so it never stops the changes after it."""

    __tablename__ = "sync_parked"
    server_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    member_id: Mapped[str | None] = mapped_column(String(36), index=True)
    code: Mapped[str] = mapped_column(String(48))
    reason: Mapped[str] = mapped_column(Text)
    tries: Mapped[int] = mapped_column(Integer, default=1)
    parked_at: Mapped[dt.datetime] = mapped_column(DateTime)


Index("ix_outbox_pending", OutboxEvent.pushed_at, OutboxEvent.device_seq)


# -- the history window (migration 0012) ---------------------------------------------------


class HistoryGate(Base):
    """While a row names a member, that member's ledger rows of transactions dated before
    ``since`` may be deleted (the triggers of migration 0012): only inside the transaction
    that carries them forward (:mod:`app.persistence.historystore`)."""

    __tablename__ = "history_gate"
    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    since: Mapped[dt.date] = mapped_column(Date)


# The catalogue's tables live in their own module (migration 0015); importing it here puts
# them in Base.metadata wherever the tables are.
from app.persistence import catalogue_tables as _catalogue_tables  # noqa: E402, F401
from app.persistence import consent_tables as _consent_tables  # noqa: E402, F401  (migration 0027)

# Count cards (migration 0018), likewise.
from app.persistence import countcard_tables as _countcard_tables  # noqa: E402, F401
from app.persistence import coupon_tables as _coupon_tables  # noqa: E402, F401  (migration 0023)
from app.persistence import held_tables as _held_tables  # noqa: E402, F401  (migration 0019)
from app.persistence import refund_tables as _refund_tables  # noqa: E402, F401  (migration 0020)
from app.persistence import sale_tables as _sale_tables  # noqa: E402, F401  (migration 0017)
from app.persistence import tag_tables as _tag_tables  # noqa: E402, F401  (migration 0025)
from app.persistence import ticket_tables as _ticket_tables  # noqa: E402, F401  (migration 0026)
from app.persistence import value_tables as _value_tables  # noqa: E402, F401  (migration 0029)
