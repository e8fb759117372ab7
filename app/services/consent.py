"""The consent ledger (同意记录): a member's consent to marketing and to transaction alerts,
per channel, granted and withdrawn at the counter, by the member's reply or request, or
ticked at registration (app.domain.consent).

Each grant or withdrawal is one transaction: the entry appended, its outbox event
(``consent.granted`` / ``consent.withdrawn``, the entry with its clock) and its audit entry.
A withdrawal takes effect at once: :func:`may_send` reads the ledger each time it is asked.
Entries replicate to every counter that holds the member; the consent now is the latest
entry by clock, so stores that record consent while apart converge.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.consent import (
    CHANNELS,
    COUNTER,
    GRANTED,
    MARKETING,
    PURPOSES,
    REGISTRATION,
    REQUEST,
    WORDINGS,
    Entry,
    check_channel,
    check_purpose,
    check_source,
    current,
    entry_of_wire,
    state_of,
    wording_for,
)
from app.domain.consent_messages import CHANNEL_WORDS, PURPOSE_WORDS, SOURCE_WORDS
from app.domain.errors import RuleError, ValidationError
from app.domain.ids import uuid7
from app.domain.messages import current_language
from app.domain.phone import mask_phone
from app.persistence import consent_store
from app.persistence.tables import Member
from app.persistence.uow import UnitOfWork
from app.services import counter_clock
from app.services.context import CounterContext
from app.services.lookup import resolve_member
from app.services.recording import record
from app.services.security import Actor, Permission, require

GRANTED_EVENT = "consent.granted"
WITHDRAWN_EVENT = "consent.withdrawn"
EVENT_TYPES = frozenset({GRANTED_EVENT, WITHDRAWN_EVENT})
PAGE = 500


@dataclass(frozen=True)
class ConsentState:
    """One purpose on one channel for a member: its state now and the entry that decided it
    (None: never asked)."""

    purpose: str
    channel: str
    state: str  # granted | withdrawn | none
    entry: Entry | None

    @property
    def granted(self) -> bool:
        return self.state == GRANTED

    def to_dict(self) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "channel": self.channel,
            "state": self.state,
            "entry": self.entry.wire() if self.entry else None,
        }


def _states(entries: list[Entry], member_id: str) -> list[ConsentState]:
    now = current(entries)
    out = []
    for purpose in PURPOSES:
        for channel in CHANNELS:
            e = now.get((member_id, purpose, channel))
            out.append(ConsentState(purpose, channel, state_of(e), e))
    return out


def write_entry(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    member: Member,
    *,
    purpose: str,
    channel: str,
    granted: bool,
    wording_version: str | None = None,
    source: str = COUNTER,
) -> Entry:
    """Append one entry with its event and audit entry, within the caller's transaction
    (registration uses it too)."""
    wording = wording_for(purpose, channel, wording_version)
    source = check_source(source)
    store = uow.store()
    if store is None:
        raise RuleError("store_not_initialised")
    entry = Entry(
        entry_id=uuid7(),
        member_id=member.id,
        purpose=wording.purpose,
        channel=wording.channel,
        granted=granted,
        wording_version=wording.version,
        at=ctx.now().isoformat(),
        store_code=store.code,
        staff_no=actor.staff_no,
        source=source,
        hlc=counter_clock.next_stamp(ctx, uow),
    )
    held = current(consent_store.of_member(uow, member.id)).get((member.id, purpose, channel))
    prior = state_of(held)
    consent_store.add(uow, entry)
    record(ctx, uow, actor, action="consent.grant" if granted else "consent.withdraw",
           entity="member", entity_id=member.id,
           before={"purpose": purpose, "channel": channel, "state": prior},
           after={"purpose": purpose, "channel": channel, "granted": granted,
                  "wording_version": wording.version, "source": source},
           event_type=GRANTED_EVENT if granted else WITHDRAWN_EVENT,
           payload={"member_id": member.id, "entry": entry.wire()})  # fmt: skip
    return entry


def _change(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    purpose: str,
    channel: str,
    granted: bool,
    wording_version: str | None,
    source: str,
) -> ConsentState:
    require(actor, Permission.CONSENT_SET)
    purpose, channel = check_purpose(purpose), check_channel(channel)
    wording_for(purpose, channel, wording_version)
    source = check_source(source)
    if source == REGISTRATION:  # only a registration writes it (app.services.members)
        raise ValidationError("consent_source_invalid", source=source)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, query)
        held = current(consent_store.of_member(uow, member.id)).get((member.id, purpose, channel))
        words = {"name": member.name, "purpose": _word(PURPOSE_WORDS, purpose),
                 "channel": _word(CHANNEL_WORDS, channel)}  # fmt: skip
        if (
            granted
            and held is not None
            and held.granted
            and (wording_version is None or held.wording_version == wording_version)
        ):
            raise ValidationError("consent_already_granted", **words)
        if not granted and (held is None or not held.granted):
            raise ValidationError("consent_not_granted", **words)
        if not granted and wording_version is None:
            wording_version = held.wording_version if held else None  # what is withdrawn
        entry = write_entry(ctx, uow, actor, member, purpose=purpose, channel=channel,
                            granted=granted, wording_version=wording_version,
                            source=source)  # fmt: skip
        uow.commit()
        return ConsentState(purpose, channel, state_of(entry), entry)


def grant(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    purpose: str = MARKETING,
    channel: str = "sms",
    *,
    wording_version: str | None = None,
    source: str = COUNTER,
) -> ConsentState:
    """Record that the member ``query`` names agreed to ``purpose`` by ``channel`` under the
    wording ``wording_version`` (None: the current one, read to them)."""
    return _change(ctx, actor, query, purpose, channel, True, wording_version, source)


def withdraw(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    purpose: str = MARKETING,
    channel: str = "sms",
    *,
    source: str = REQUEST,
) -> ConsentState:
    """Record that the member withdrew ``purpose`` by ``channel``: in effect at once."""
    return _change(ctx, actor, query, purpose, channel, False, None, source)


def current_consent(ctx: CounterContext, query: str) -> list[ConsentState]:
    """Every purpose and channel for the member, with the entry that decided it."""
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, query)
        return _states(consent_store.of_member(uow, member.id), member.id)


def consent_of(uow: UnitOfWork, member_id: str) -> list[ConsentState]:
    """The same within the caller's transaction (the member panel's read)."""
    return _states(consent_store.of_member(uow, member_id), member_id)


def may_send(ctx: CounterContext, member_id: str, purpose: str, channel: str) -> bool:
    """Whether a message for ``purpose`` may go to the member by ``channel`` now: only with a
    current grant (none for a member never asked, none after a withdrawal)."""
    purpose, channel = check_purpose(purpose), check_channel(channel)
    with ctx.reader() as uow:
        held = current(consent_store.of_member(uow, member_id)).get((member_id, purpose, channel))
        return held is not None and held.granted


def history(ctx: CounterContext, query: str) -> list[Entry]:
    """The member's entries, oldest first."""
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, query)
        return consent_store.of_member(uow, member.id)


# -- replicated ------------------------------------------------------------------------------
def apply_entries(ctx: CounterContext, uow: UnitOfWork, entries: list[dict[str, Any]]) -> int:
    """Entries another counter recorded (a pulled event, a snapshot's member), each appended
    once; the counter's clock learns of theirs. Returns how many were new."""
    if not entries:
        return 0
    parsed = [entry_of_wire(data) for data in entries]
    counter_clock.learn(ctx, uow, [e.hlc for e in parsed])
    added = 0
    for e in parsed:
        added += consent_store.add(uow, e)
    return added


def apply_pulled(ctx: CounterContext, uow: UnitOfWork, body: dict[str, Any]) -> None:
    """A pulled consent event: its entry appended (parked until the member is here)."""
    if body["type"] not in EVENT_TYPES:
        return
    entry = body["payload"]["entry"]
    if uow.member(entry["member_id"]) is None:
        raise RuleError("member_not_found", query=entry["member_id"])
    apply_entries(ctx, uow, [entry])


# -- the proof -------------------------------------------------------------------------------
EXPORT_COLUMNS = (
    ("记录编号", "Entry id"),
    ("会员编号", "Member id"),
    ("姓名", "Name"),
    ("手机号", "Phone"),
    ("用途", "Purpose"),
    ("渠道", "Channel"),
    ("同意/撤回", "Granted / withdrawn"),
    ("文本版本", "Wording version"),
    ("同意文本", "Wording"),
    ("时间", "Time"),
    ("门店", "Store"),
    ("员工工号", "Staff no."),
    ("来源", "Source"),
    ("时钟", "Clock"),
)


def _word(words: dict[str, tuple[str, str]], key: str) -> str:
    pair = words.get(key)
    if pair is None:
        return key
    return pair[1] if current_language() == "en" else pair[0]


def export_proof(ctx: CounterContext, actor: Actor, path: Path | str) -> dict[str, Any]:
    """Write every entry of the ledger with the wording shown to ``path`` (.xlsx or .csv,
    safe to open in Excel), phones masked: the proof of who agreed to what, and when."""
    from app.services.spreadsheets import write_table  # openpyxl: not at the window's start

    require(actor, Permission.MEMBER_EXPORT)
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise ValidationError("export_format", path=str(path))
    en = current_language() == "en"
    headers = [c[1] if en else c[0] for c in EXPORT_COLUMNS]
    rows: list[list[Any]] = []
    with ctx.reader() as uow:
        after = None
        while True:
            page = consent_store.all_entries(uow, after, PAGE)
            if not page:
                break
            for e in page:
                m = uow.member(e.member_id)
                w = WORDINGS.get(e.wording_version)
                rows.append([
                    e.entry_id, e.member_id, m.name if m else "",
                    mask_phone(m.phone) if m else "",
                    _word(PURPOSE_WORDS, e.purpose), _word(CHANNEL_WORDS, e.channel),
                    ("granted" if en else "同意") if e.granted else ("withdrawn" if en else "撤回"),
                    e.wording_version, w.text if w else "", e.at, e.store_code,
                    e.staff_no or "", _word(SOURCE_WORDS, e.source), e.hlc,
                ])  # fmt: skip
            after = page[-1].entry_id
    count = write_table(path, headers, rows)
    with ctx.uow() as uow:
        info = {"file": path.name, "consent_entries": count}
        record(ctx, uow, actor, action="consent.export", entity="export", entity_id=None,
               before=None, after=info, event_type=None, payload={})  # fmt: skip
        uow.commit()
    return {"path": str(path), "entries": count, "phones_masked": True}
