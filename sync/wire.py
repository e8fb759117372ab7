"""The wire schemas of the sync API (version 1), shared by the counter and HQ.

Amounts are integer fen, times are ISO 8601 UTC, ids are UUID strings. HQ
publishes these models in its OpenAPI schema; the counter validates HQ's
answers with them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

API_VERSION = "v1"
PREFIX = f"/{API_VERSION}"
ENROLL_PATH = f"{PREFIX}/enroll"
PUSH_PATH = f"{PREFIX}/events"
PULL_PATH = f"{PREFIX}/changes"
LOOKUP_PATH = f"{PREFIX}/members/lookup"
MEMBER_CHANGES_PATH = f"{PREFIX}/members/changes"
FETCH_PATH = f"{PREFIX}/members/fetch"
# The chain's phone key (server.redact), on each pull's answer: the counter keeps it in memory.
PHONE_KEY_HEADER = "X-MC-Phone-Key"
VERIFY_PAY_PASSWORD_PATH = f"{PREFIX}/members/verify-pay-password"
SNAPSHOT_PATH = f"{PREFIX}/snapshot"
HISTORY_PATH = f"{PREFIX}/members/history"
# A cart sale HQ holds, by its whole 单号 (a sale of another store or counter, to refund here).
SALE_GET_PATH = f"{PREFIX}/sales/get"
# Another store's member's full number, asked of HQ when a role that may see it wants it.
MEMBER_PHONE_PATH = f"{PREFIX}/members/phone"
HEALTH_PATH = f"{PREFIX}/health"

# Every request names the counter's release in its User-Agent; HQ keeps it per device.
CLIENT_PRODUCT = "member-counter"
_CLIENT = re.compile(rf"^{CLIENT_PRODUCT}/([0-9A-Za-z.+-]{{1,32}})(?:\s|$)")


def user_agent(version: str) -> str:
    return f"{CLIENT_PRODUCT}/{version}"


def client_version(agent: str | None) -> str | None:
    """The release a counter's User-Agent names, or None for any other client."""
    m = _CLIENT.match(agent or "")
    return m[1] if m else None


MAX_BATCH = 500
MAX_PULL = 1000

_ID = Field(min_length=1, max_length=36, pattern=r"^[0-9a-fA-F-]{1,36}$")
_HASH = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


MAX_HISTORY_RULES = 1000


class HistoryRules(_Model):
    """One rules change of the counter's history (a ``rules.changed`` made while it ran
    alone)."""

    device_seq: int = Field(ge=1, le=2**62)
    payload_hash: str = _HASH


class EnrollRequest(_Model):
    code: str = Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    device_id: str = _ID
    store_code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    device_name: str | None = Field(default=None, max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")
    # The history it brings: the last device_seq it has made, and its rules changes among
    # them. HQ accepts its own rules events only as declared here (a request without them
    # brings none).
    history_head: int = Field(default=0, ge=0, le=2**62)
    history_rules: list[HistoryRules] = Field(default_factory=list, max_length=MAX_HISTORY_RULES)

    @model_validator(mode="after")
    def _history_within_head(self) -> EnrollRequest:
        seqs = [r.device_seq for r in self.history_rules]
        if any(seq > self.history_head for seq in seqs) or len(set(seqs)) != len(seqs):
            raise ValueError("history_rules must be distinct and at or before history_head")
        return self


class EnrollResponse(_Model):
    device_id: str
    secret: str
    store_code: str
    store_name: str
    server_time: dt.datetime


class WireEvent(_Model):
    event_id: str = _ID
    device_seq: int = Field(ge=1, le=2**62)
    type: str = Field(min_length=1, max_length=48, pattern=r"^[a-z_]+(\.[a-z_]+)*$")
    payload: dict[str, Any]
    payload_hash: str = _HASH
    created_at: dt.datetime


class PushRequest(_Model):
    events: list[WireEvent] = Field(max_length=MAX_BATCH)


EventStatus = Literal["applied", "duplicate", "gap", "quarantined"]


class EventResult(_Model):
    event_id: str
    device_seq: int
    status: EventStatus
    # quarantined: HQ refused the event (or holds it behind a refused one of the same
    # member); its number is taken all the same, so the device's later events go on.
    code: str | None = None
    reason: str | None = None  # in Chinese, for the counter's sync status
    waiting_on: str | None = None


class PushResponse(_Model):
    acked_seq: int  # the highest device_seq HQ holds with none missing before it
    results: list[EventResult]


class Change(_Model):
    server_seq: int
    kind: Literal["event", "rules", "staff", "catalogue"]
    body: dict[str, Any]


class PullResponse(_Model):
    changes: list[Change]
    cursor: int  # ask for changes after this next time
    watermark: int  # every change up to here is committed at HQ
    has_more: bool


class LookupRequest(_Model):
    query: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")


class MemberChangesRequest(_Model):
    member_id: str = _ID


class FetchRequest(_Model):
    """Hold a member of another store from now on. HQ hands them out only for a reason it can
    check (server.service.HQService.fetch): ``query``, what the customer presented at the
    counter (their number, card or member QR) and which names them; or ``server_seq``, a
    change of the device's store stream that names them (a change parked waiting for them).
    A member the store holds already, or its own, needs neither."""

    member_id: str = _ID
    query: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$"
    )
    server_seq: int | None = Field(default=None, ge=1, le=2**62)


class HistoryRequest(_Model):
    """A member's transactions dated before ``before`` (older than a counter keeps)."""

    member_id: str = _ID
    before: dt.date
    limit: int = Field(default=100, ge=1, le=500)


class HistoryTxn(_Model):
    id: str
    type: str
    store_code: str | None
    business_date: str | None
    created_at: dt.datetime
    principal_fen: int  # what the transaction's stored-value rows moved
    bonus_fen: int
    points: int  # what its points rows moved


class HistoryResponse(_Model):
    member_id: str
    txns: list[HistoryTxn]  # newest first
    has_more: bool


class PayPasswordRequest(_Model):
    member_id: str = _ID
    password: str = Field(min_length=1, max_length=32, pattern=r"^[^\x00-\x1f\x7f]+$")


class PayPasswordResult(_Model):
    """``ok``: right; ``wrong``: ``left`` tries before it locks; ``locked``: too many wrong
    tries (the home store resets it); ``none``: the member has no payment password."""

    status: Literal["ok", "wrong", "locked", "none"]
    left: int | None = None


class PhoneRequest(_Model):
    """The full number of a member whose number this counter holds masked (another store's),
    for the staff signed in there: ``staff_id`` (the counter's own account) and ``staff_no``
    (a chain-wide account's number), as events name their staff."""

    member_id: str = _ID
    staff_id: str = _ID
    staff_no: str | None = Field(
        default=None, min_length=1, max_length=32, pattern=r"^[^\x00-\x1f\x7f]+$"
    )


class PhoneAnswer(_Model):
    member_id: str
    phone: str


class MemberSummary(_Model):
    member_id: str
    name: str
    phone_masked: str
    card_no: str | None
    status: str
    tier: str
    principal_fen: int
    bonus_fen: int
    points: int
    store_code: str | None


class LookupResponse(_Model):
    members: list[MemberSummary]


class SaleGetRequest(_Model):
    """The whole 单号 (the sale's id, as the receipt's QR carries it): HQ finds no sale by
    part of a number, so a counter cannot walk through the chain's sales."""

    number: str = Field(min_length=36, max_length=36, pattern=r"^[0-9a-fA-F-]{36}$")


class SaleAnswer(_Model):
    """A cart sale as HQ holds it: its ``sale.completed`` payload, the ``sale.refunded``
    payloads HQ accepted for it (oldest first), and the store that made it. No phone number,
    no verifier: the payloads carry ids and figures only."""

    sale_id: str = _ID
    store_code: str | None
    created_at: dt.datetime
    sale: dict[str, Any]
    refunds: list[dict[str, Any]]


class Health(_Model):
    status: Literal["ok"]
    version: str
    server_time: dt.datetime
    database: str


class ErrorBody(_Model):
    code: str
    message: str
    acked_seq: int | None = None
