"""Consent ledger (同意记录): a member's consent to be contacted, per purpose and channel.

* Purposes: ``marketing`` (营销) and ``transactional`` (消费提醒), each its own opt-in;
  channels: ``sms``, ``wechat``, ``email``.
* An entry says the member granted or withdrew one purpose on one channel, under which
  wording (a short id of the consent text shown, e.g. ``mkt-sms-v1``; the zh text is kept
  here so it can be exported with the proof), when, at which store, by which staff member or
  by the member's own action (``source``: counter / reply / request / registration).
* Entries are never changed: the ledger only grows. The consent now per (member, purpose,
  channel) is the entry with the latest hybrid clock (:mod:`app.domain.hlc`), ties broken by
  the entry's id, so every copy that holds the same entries agrees whatever order it got
  them in (:func:`current`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.errors import ValidationError

MARKETING = "marketing"
TRANSACTIONAL = "transactional"
PURPOSES = (MARKETING, TRANSACTIONAL)

SMS = "sms"
WECHAT = "wechat"
EMAIL = "email"
CHANNELS = (SMS, WECHAT, EMAIL)

COUNTER = "counter"  # staff recorded it at the counter
REPLY = "reply"  # the member replied (e.g. TD to an SMS)
REQUEST = "request"  # the member asked (by phone, in writing)
REGISTRATION = "registration"  # ticked when registering
SOURCES = (COUNTER, REPLY, REQUEST, REGISTRATION)

GRANTED = "granted"
WITHDRAWN = "withdrawn"
NONE = "none"  # never asked (no entry)


@dataclass(frozen=True)
class Wording:
    version: str
    purpose: str
    channel: str
    text: str  # zh, as read to the member


_W = (
    Wording("mkt-sms-v1", MARKETING, SMS,
            "本人同意接收本店通过短信发送的优惠活动、新品及会员权益等营销信息,"
            "可随时回复TD或到店退订。"),
    Wording("mkt-wechat-v1", MARKETING, WECHAT,
            "本人同意接收本店通过微信发送的优惠活动、新品及会员权益等营销信息,可随时退订。"),
    Wording("mkt-email-v1", MARKETING, EMAIL,
            "本人同意接收本店通过电子邮件发送的优惠活动、新品及会员权益等营销信息,可随时退订。"),
    Wording("txn-sms-v1", TRANSACTIONAL, SMS,
            "本人同意接收本店通过短信发送的消费、储值变动及积分提醒,可随时退订。"),
    Wording("txn-wechat-v1", TRANSACTIONAL, WECHAT,
            "本人同意接收本店通过微信发送的消费、储值变动及积分提醒,可随时退订。"),
    Wording("txn-email-v1", TRANSACTIONAL, EMAIL,
            "本人同意接收本店通过电子邮件发送的消费、储值变动及积分提醒,可随时退订。"),
)  # fmt: skip
WORDINGS: dict[str, Wording] = {w.version: w for w in _W}
# The wording shown now for each (purpose, channel).
CURRENT_WORDING: dict[tuple[str, str], str] = {(w.purpose, w.channel): w.version for w in _W}


def check_purpose(purpose: Any) -> str:
    if purpose not in PURPOSES:
        raise ValidationError("consent_purpose_invalid", purpose=str(purpose)[:24])
    return str(purpose)


def check_channel(channel: Any) -> str:
    if channel not in CHANNELS:
        raise ValidationError("consent_channel_invalid", channel=str(channel)[:24])
    return str(channel)


def check_source(source: Any) -> str:
    if source not in SOURCES:
        raise ValidationError("consent_source_invalid", source=str(source)[:24])
    return str(source)


def wording_for(purpose: str, channel: str, version: str | None = None) -> Wording:
    """The wording ``version`` (None: the current one) of the purpose and channel; refused
    when unknown or the text of another purpose or channel."""
    purpose, channel = check_purpose(purpose), check_channel(channel)
    version = version or CURRENT_WORDING[(purpose, channel)]
    w = WORDINGS.get(version)
    if w is None or (w.purpose, w.channel) != (purpose, channel):
        raise ValidationError(
            "consent_wording_invalid", version=str(version)[:24], purpose=purpose, channel=channel
        )
    return w


@dataclass(frozen=True)
class Entry:
    """One line of the ledger (what the wire carries, the member's id included)."""

    entry_id: str
    member_id: str
    purpose: str
    channel: str
    granted: bool
    wording_version: str
    at: str  # ISO time
    store_code: str
    staff_no: str | None
    source: str
    hlc: str

    def wire(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "member_id": self.member_id,
            "purpose": self.purpose,
            "channel": self.channel,
            "granted": self.granted,
            "wording_version": self.wording_version,
            "at": self.at,
            "store_code": self.store_code,
            "staff_no": self.staff_no,
            "source": self.source,
            "hlc": self.hlc,
        }

    @property
    def order(self) -> tuple[str, str]:
        """What decides between two entries of one purpose and channel: the later clock,
        then the greater id (a tie of clocks, resolved the same everywhere)."""
        return (self.hlc, self.entry_id)


def entry_of_wire(data: Mapping[str, Any]) -> Entry:
    """An entry from its wire form, checked (a wording of its own purpose and channel)."""
    fields = set(Entry.__dataclass_fields__)
    if not isinstance(data, Mapping) or set(data) != fields:
        raise ValidationError("consent_entry_invalid")
    wording_for(data["purpose"], data["channel"], data["wording_version"])
    check_source(data["source"])
    if type(data["granted"]) is not bool:
        raise ValidationError("consent_entry_invalid")
    return Entry(**{k: data[k] for k in fields})


def current(entries: Iterable[Entry]) -> dict[tuple[str, str, str], Entry]:
    """The deciding entry per (member, purpose, channel): the latest by clock (last writer
    wins), ties broken by id. A pure fold: the same entries in any order give the same
    answer."""
    out: dict[tuple[str, str, str], Entry] = {}
    for e in entries:
        key = (e.member_id, e.purpose, e.channel)
        held = out.get(key)
        if held is None or e.order > held.order:
            out[key] = e
    return out


def state_of(entry: Entry | None) -> str:
    """``granted``, ``withdrawn``, or ``none`` (no entry: never asked)."""
    if entry is None:
        return NONE
    return GRANTED if entry.granted else WITHDRAWN
