"""HQ's tables (SQLAlchemy Core). HQ is the authority for members, ledgers, rules and staff.

Ledger tables (``hq_sv_entry``, ``hq_points_entry``, ``hq_points_lot``) are
append-only and keyed by the ids the counters gave their rows, so an entry is
stored once however often it is delivered. ``hq_change`` numbers every change
the counters pull in per-store streams (``hq_stream``, :mod:`server.streams`): each stream
numbers its changes with a gapless ``server_seq`` whose row lock makes them commit in order.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

store = Table(
    "hq_store",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

enrollment = Table(
    "hq_enrollment",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("store_code", String(32), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime),
    Column("device_id", String(36)),
)

device = Table(
    "hq_device",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("store_code", String(32), nullable=False),
    Column("name", String(64)),
    # Fernet tokens (server.device_secrets), never the clear secret. next_secret: the one
    # `member-hq device rotate-secret` made, handed to the counter until it signs with it.
    Column("secret", String(255), nullable=False),
    Column("next_secret", String(255)),
    Column("enrolled_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("last_seq", BigInteger, nullable=False, default=0),
    Column("last_seen_at", DateTime),
    Column("app_version", String(32)),  # the release it said it runs, from its User-Agent
    # The first device_seq it pushed an event made under one of HQ's rules versions: an
    # honest counter's rules editor is locked from then on, so its own rules changes after
    # it are refused (server.validate). None: it never has.
    Column("hq_rules_from_seq", BigInteger),
    # Its own history, as it declared it when it joined: the last device_seq it had made
    # (a device enrolled before HQ asked: its last pushed one) and the rules events among
    # them, JSON [[device_seq, payload_hash], ...] (NULL: not declared). A rules event after
    # the head, or not declared, is refused (server.validate); the head closes at the last
    # pushed event a week after enrolment. Kept from the first enrolment when it enrols again.
    Column("history_head_seq", BigInteger),
    Column("history_rules", Text),
)

nonce = Table(
    "hq_nonce",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
)

event = Table(
    "hq_event",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("device_seq", BigInteger, nullable=False),
    Column("type", String(48), nullable=False),
    Column("payload", Text, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("applied_at", DateTime, nullable=False),
    UniqueConstraint("device_id", "device_seq", name="uq_hq_event_device_seq"),
)

member = Table(
    "hq_member",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("store_code", String(32)),
    Column("name", String(32), nullable=False),
    Column("phone", String(11), nullable=False, index=True),
    Column("gender", String(1)),
    Column("birthday", String(10)),
    Column("email", String(254)),
    Column("address", String(200)),
    Column("referrer_id", String(36)),
    Column("source", String(32)),
    Column("consent_at", String(32)),
    Column("status", String(16), nullable=False),
    Column("card_id", String(36)),
    Column("tier_code", String(16), nullable=False),
    Column("tier_overridden", Boolean, nullable=False, default=False),
    Column("cumulative_spend_fen", BigInteger, nullable=False, default=0),
    Column("principal_fen", BigInteger, nullable=False, default=0),
    Column("bonus_fen", BigInteger, nullable=False, default=0),
    Column("points", BigInteger, nullable=False, default=0),
    Column("pay_password_hash", String(256)),
    # Wrong tries at HQ (a stored-value payment at another store: server.service), since the
    # last right one or the last new password.
    Column("pay_password_failures", Integer, nullable=False, default=0, server_default="0"),
    Column("merged_into", String(36)),
    Column("field_clocks", Text, nullable=False, default="{}"),
    # What an import said beyond the profile (h0009): the old system's notes, registration
    # time (ISO, as the event says it) and home store.
    Column("notes", String(500)),
    Column("registered_at", String(32)),
    Column("home_store", String(64)),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

card = Table(
    "hq_card",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("card_no", String(32), nullable=False, index=True),
    Column("member_id", String(36), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("replaced_by", String(36)),
)

txn = Table(
    "hq_txn",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("event_id", String(36), nullable=False),
    Column("type", String(48), nullable=False),
    Column("member_id", String(36), index=True),
    Column("store_code", String(32)),
    Column("business_date", String(10)),
    Column("created_at", DateTime, nullable=False),
    Column("original_txn_id", String(36), index=True),  # what a refund refunds (h0003)
)

sv_entry = Table(
    "hq_sv_entry",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("member_id", String(36), nullable=False, index=True),
    Column("txn_id", String(36)),
    Column("event_id", String(36), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("principal_fen", BigInteger, nullable=False),
    Column("bonus_fen", BigInteger, nullable=False),
    Column("reverses", String(36)),
)

points_lot = Table(
    "hq_points_lot",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("member_id", String(36), nullable=False, index=True),
    Column("txn_id", String(36)),
    Column("points", BigInteger, nullable=False),
    Column("earned_on", String(10), nullable=False),
    Column("expires_on", String(10), nullable=False),
    Column("source", String(24), nullable=False),
)

points_entry = Table(
    "hq_points_entry",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("member_id", String(36), nullable=False, index=True),
    Column("lot_id", String(36), nullable=False),
    Column("txn_id", String(36)),
    Column("event_id", String(36), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("reverses", String(36)),
)

counter = Table(
    "hq_counter",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# One row per (store stream, change): a change about members is in the stream of each store
# that needs it (server.streams); hq_change (one global stream) until h0006.
change = Table(
    "hq_stream_change",
    metadata,
    Column("store_code", String(32), primary_key=True),
    Column("server_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),
    Column("origin_device", String(36)),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# Each store's stream: ``value`` its last committed number (the watermark a pull reads),
# ``restored`` the value it had when this database was last restored from a backup.
stream = Table(
    "hq_stream",
    metadata,
    Column("store_code", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
    Column("restored", BigInteger, nullable=False, default=0),
)

# The other stores' members a store keeps (it served them, or fetched them to serve them):
# their changes reach that store's stream too. ``since``: when it last served them; a holding
# not served for the retention period (member-hq holdings release) is released.
holding = Table(
    "hq_holding",
    metadata,
    Column("store_code", String(32), primary_key=True),
    Column("member_id", String(36), primary_key=True),
    Column("since", DateTime, nullable=False),
    Index("ix_hq_holding_member", "member_id"),
)

# A member an online lookup of a device found (by number or card): that device may hold them
# for a while without sending the reason again (a counter of the release before HQ asked
# for one: server.service.HQService.may_hold).
lookup_grant = Table(
    "hq_lookup_grant",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("member_id", String(36), primary_key=True),
    Column("at", DateTime, nullable=False),
)

rules = Table(
    "hq_rules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("rules_json", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

staff = Table(
    "hq_staff",
    metadata,
    Column("staff_no", String(32), primary_key=True),
    Column("name", String(32), nullable=False),
    Column("role", String(16), nullable=False),
    Column("pin_hash", String(256), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

conflict = Table(
    "hq_conflict",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(24), nullable=False),
    Column("member_id", String(36), index=True),
    Column("event_id", String(36)),
    Column("store_code", String(32)),
    Column("detail", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("resolved_at", DateTime),
)

duplicate = Table(
    "hq_duplicate",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("member_a", String(36), nullable=False),
    Column("member_b", String(36), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("merged_at", DateTime),
    UniqueConstraint("member_a", "member_b", name="uq_hq_duplicate_pair"),
)

# The rules a counter held when it made an event (validate.Batch.rules_held): its last
# rules.changed or store.initialised, found without reading all its other events.
RULES_EVENT_TYPES = ("rules.changed", "store.initialised")
Index(
    "ix_hq_event_rules",
    event.c.device_id,
    event.c.device_seq,
    postgresql_where=event.c.type.in_(RULES_EVENT_TYPES),
    sqlite_where=event.c.type.in_(RULES_EVENT_TYPES),
)
Index("ix_hq_member_status_phone", member.c.status, member.c.phone)
Index("ix_hq_member_store", member.c.store_code)

# -- HQ as the authority (h0003) ------------------------------------------------------

# Events HQ refused (or that wait on a refused one): never applied, never handed to other
# counters, kept with the reason until HQ staff void them or apply them after a correction.
quarantine = Table(
    "hq_quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("device_id", String(36), nullable=False),
    Column("device_seq", BigInteger, nullable=False),
    Column("store_code", String(32), nullable=False),
    Column("type", String(48), nullable=False),
    Column("payload", Text, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("member_id", String(36), index=True),
    Column("code", String(48), nullable=False),
    Column("reason", Text, nullable=False),
    Column("waiting_on", String(36)),  # the held event this one depends on (same member)
    Column("status", String(16), nullable=False),  # held, voided, applied
    Column("resolved_at", DateTime),
    Column("note", Text),
    UniqueConstraint("device_id", "device_seq", name="uq_hq_quarantine_device_seq"),
)

# The staff each counter made (store.initialised, staff.added), as HQ accepted them.
store_staff = Table(
    "hq_store_staff",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("staff_id", String(36), primary_key=True),
    Column("store_code", String(32), nullable=False),
    Column("staff_no", String(32), nullable=False),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# Every rules version HQ ever published: a top-up is checked against the one its counter held.
rules_history = Table(
    "hq_rules_history",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("rules_json", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

Index("ix_hq_quarantine_status_device", quarantine.c.status, quarantine.c.device_id)

# -- the chain's catalogue (migration h0010) ------------------------------------------------
catalogue_category = Table(
    "hq_catalogue_category",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("category_json", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

catalogue_item = Table(
    "hq_catalogue_item",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("item_json", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# Every version of an item HQ has set (h0012): a sale made at a price HQ has since changed,
# by a counter that had not pulled it yet, is checked against the prices HQ set before.
item_price = Table(
    "hq_item_price",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_code", String(32), nullable=False),
    Column("item_json", Text, nullable=False),
    Column("replaced_at", DateTime, nullable=False),
    Index("ix_hq_item_price_item", "item_code"),
)

# The barcodes of active items only: one row a barcode, so one is never on two active items.
item_barcode = Table(
    "hq_item_barcode",
    metadata,
    Column("barcode", String(32), primary_key=True),
    Column("item_code", String(32), nullable=False),
    Index("ix_hq_item_barcode_item", "item_code"),
)

# Count cards (h0013) live in their own module; importing it puts them in the metadata.
from server import consent_tables as _consent_tables  # noqa: E402, F401  (consent, h0019)
from server import countcard_tables as _countcard_tables  # noqa: E402, F401

# Coupons (h0016) too.
from server import coupon_tables as _coupon_tables  # noqa: E402, F401
from server import tag_tables as _tag_tables  # noqa: E402, F401  (member tags, h0017)
from server import ticket_tables as _ticket_tables  # noqa: E402, F401  (service tickets, h0018)
