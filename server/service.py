"""HQ's sync operations: enroll, authenticate, push, pull, online lookup.

Push: one transaction per batch holding the device's row lock, so two
deliveries of the same batch apply it once; events are taken in device_seq
order, a gap stops the batch, an id or number already stored is answered from
the store (same payload) or refused (another payload).

Pull: a counter reads its own store's stream (:mod:`server.streams`), up to the stream's
committed watermark; a new counter joins from a snapshot of its scope instead
(:mod:`server.snapshot`), and a member of another store is fetched online before it is served.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.domain.audit import canonical_json, payload_hash
from app.domain.events import effects
from app.domain.phone import looks_like_phone, mask_phone, normalise_phone
from app.domain.rules import Rules, default_rules
from app.domain.window import window_start
from app.services.hashing import Hasher
from server import countcards, phones, quarantine, redact, snapshot, streams, validate
from server import tables as t
from server.apply import Applier, apply_event, apply_staff
from server.device_secrets import Keyring
from server.errors import HQError
from sync import handover, signing, wire

Clock = Callable[[], dt.datetime]
# Names events by id and errors by type only: an event's payload (a member's phone, e-mail,
# address) and a database error's text (PostgreSQL's DETAIL repeats the row) never reach it.
log = logging.getLogger("member_hq")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


def add_changes(
    conn: Connection, changes: list[streams.Outgoing], now: dt.datetime, *, fast: bool = False
) -> None:
    """Number and store ``changes`` in the streams that need them (:func:`streams.publish`;
    ``fast`` may raise :class:`streams.Relock`)."""
    streams.publish(conn, changes, now, fast=fast)


def _stored_result(conn: Connection, device_id: str, ev: wire.WireEvent) -> wire.EventResult | None:
    """A resent event HQ holds (applied or quarantined) with this very payload; else None."""
    stored = conn.execute(
        select(t.event.c.event_id, t.event.c.payload_hash).where(
            t.event.c.device_id == device_id, t.event.c.device_seq == ev.device_seq
        )
    ).first()
    held = None if stored is not None else quarantine.at_seq(conn, device_id, ev.device_seq)
    row = stored or held
    if row is None or row.event_id != ev.event_id or row.payload_hash != ev.payload_hash:
        return None
    if held is not None and held.status != "applied":
        return wire.EventResult(
            event_id=ev.event_id,
            device_seq=ev.device_seq,
            status="quarantined",
            code=held.code,
            reason=held.reason,
            waiting_on=held.waiting_on,
        )
    return wire.EventResult(event_id=ev.event_id, device_seq=ev.device_seq, status="duplicate")


def admit(
    conn: Connection,
    batch: validate.Batch,
    applier: Applier,
    dev: Any,
    event_id: str,
    device_seq: int,
    event_type: str,
    payload: dict[str, Any],
    hash_: str,
    created_at: dt.datetime,
    now: dt.datetime,
    checked: bool = True,
) -> streams.Outgoing | None:
    """Check one event and apply it (raises :class:`validate.Refused`); returns the change
    other counters pull, if they need one. ``checked=False`` (benchmarks only) applies it
    unchecked."""
    if checked:
        if event_type == "rules.changed":
            batch.check_history(device_seq, hash_)
        validate.check(batch, event_type, payload, device_seq)
    applier.add(
        t.event,
        {
            "event_id": event_id,
            "device_id": dev.device_id,
            "device_seq": device_seq,
            "type": event_type,
            "payload": canonical_json(payload),
            "payload_hash": hash_,
            "created_at": created_at.replace(tzinfo=None),
            "applied_at": now,
        },
    )
    try:
        apply_staff(conn, event_type, payload, dev.device_id, dev.store_code, now)
        wanted = apply_event(
            conn, event_type, payload, event_id=event_id, store_code=dev.store_code, now=now,
            applier=applier, device_id=dev.device_id,
        )  # fmt: skip
    except HQError as exc:
        raise validate.Refused("schema", detail=exc.detail or exc.code) from None
    except (KeyError, TypeError, ValueError, AttributeError):
        raise validate.Refused("schema", detail="a field is missing or malformed") from None
    if event_type == "tag.saved":  # every counter of the chain learns it
        tag = {"tag": payload["tag"], "store_code": dev.store_code}
        return streams.Outgoing("catalogue", tag, dev.device_id, dev.store_code)
    if event_type == "countcard.product_saved":  # every counter of the chain learns it
        product = {"product": payload["product"], "store_code": dev.store_code}
        return streams.Outgoing("catalogue", {"countcard_product": product}, dev.device_id,
                                dev.store_code)  # fmt: skip
    if event_type == "coupon.template_saved":  # so does every coupon template
        template = {"template": payload["template"], "store_code": dev.store_code}
        return streams.Outgoing("catalogue", {"coupon_template": template}, dev.device_id,
                                dev.store_code)  # fmt: skip
    seller = None
    if event_type == "sale.refunded":  # another store's sale: its store learns what remains
        seller = conn.scalar(
            select(t.txn.c.store_code).where(t.txn.c.id == payload["original_txn_id"])
        )
        seller = seller if seller and seller != dev.store_code else None
    if not wanted and seller is None:
        return None
    body = {"event_id": event_id, "type": event_type, "payload": payload,
            "store_code": dev.store_code}  # fmt: skip
    change = streams.event_change(body, dev.device_id, dev.store_code)
    if seller is not None:
        change = dataclasses.replace(change, stores=(seller,))
    owner = countcards.owner_of(conn, payload) if event_type == "countcard.used" else None
    if owner is not None and owner not in change.members:  # used before a transfer was known
        change = dataclasses.replace(change, also=(owner,))
    return change


# How long after enrolment a counter may still be pushing the history it declared; then its
# head closes at what it has pushed (an honest counter pushes it at once, in batches; a rules
# event refused after the window can still be applied by HQ staff from the quarantine).
HISTORY_WINDOW = dt.timedelta(days=7)


def _history_head(dev: Any, now: dt.datetime) -> int | None:
    """The device's declared head, closed at its last pushed event once the window is over."""
    head = dev.history_head_seq
    if head is not None and head > dev.last_seq and now - dev.enrolled_at > HISTORY_WINDOW:
        return int(dev.last_seq)
    return head


def _history_rules(text: str | None) -> frozenset[tuple[int, str]] | None:
    if text is None:
        return None
    return frozenset((int(seq), str(h)) for seq, h in json.loads(text))


def admit_later(
    conn: Connection, row: Any, payload: dict[str, Any], now: dt.datetime
) -> validate.Refused | None:
    """Apply a quarantined event now (HQ staff resolved it), or say why not. The device's
    row is locked by the caller."""
    dev = conn.execute(select(t.device).where(t.device.c.device_id == row.device_id)).one()
    applier = Applier(conn, now)
    batch = validate.Batch(conn, row.device_id, row.store_code, hq_rules_from=dev.hq_rules_from_seq)
    try:
        with conn.begin_nested():
            change = admit(
                conn, batch, applier, dev, row.event_id, row.device_seq, row.type, payload,
                row.payload_hash, row.created_at, now,
            )  # fmt: skip
            applier.flush()
    except validate.Refused as exc:
        return exc
    add_changes(conn, [change] if change else [], now)
    return None


def _lookup_select(query: str) -> Any:
    """The members an online lookup of ``query`` finds: an active member by full number, or
    a member by card number or id."""
    text = query.strip()
    m = t.member.c
    if looks_like_phone(text):
        return select(t.member).where((m.phone == normalise_phone(text)) & (m.status == "active"))
    card_member = select(t.card.c.member_id).where(t.card.c.card_no == text.replace(" ", ""))
    return select(t.member).where(or_(m.id == text, m.id.in_(card_member)))


GRANT_SECONDS = 600  # how long a lookup's find may be fetched without naming the reason


def _presented_ids(rows: Any, query: str) -> set[str]:
    """Of the members a lookup of ``query`` found, those found by what a customer presents
    (the number, or a card): not those found by their id."""
    text = query.strip()
    return {r.id for r in rows if r.id != text}


def _presented(conn: Connection, query: str) -> set[str]:
    """The members ``query`` names as a customer presents themselves: by full number (an
    active member) or by a card of theirs."""
    text = query.strip()
    m = t.member.c
    if looks_like_phone(text):
        cond = (m.phone == normalise_phone(text)) & (m.status == "active")
        return set(conn.scalars(select(m.id).where(cond)))
    return set(
        conn.scalars(select(t.card.c.member_id).where(t.card.c.card_no == text.replace(" ", "")))
    )


def _names(conn: Connection, store_code: str, server_seq: int, member_id: str) -> bool:
    """Whether the change at ``server_seq`` of ``store_code``'s stream is an event another
    store (or HQ) made that concerns ``member_id``."""
    c = t.change.c
    found = conn.execute(
        select(c.kind, c.body).where(c.store_code == store_code, c.server_seq == server_seq)
    ).first()
    if found is None or found.kind != "event":
        return False
    body = json.loads(found.body)
    if body.get("store_code") == store_code:
        return False
    try:
        eff = effects(body["type"], body["payload"])
    except (KeyError, TypeError, ValueError):
        return False
    return member_id in {*eff.member_ids, *(eff.merged_into or ())}


class HQService:
    def __init__(
        self,
        engine: Engine,
        clock: Clock = utcnow,
        *,
        keyring: Keyring | None = None,
        checks: bool = True,
    ) -> None:
        """``checks=False`` applies pushed events without :mod:`server.validate`'s checks:
        for the push benchmark's baseline only (no setting or serve option turns it off)."""
        self.engine = engine
        self.clock = clock
        self._keyring = keyring  # the counters' secrets are stored encrypted with it
        self.checks = checks
        self.is_postgres = engine.dialect.name == "postgresql"
        self.known_epoch: str | None = None
        self._store_epochs: dict[str, str] = {}
        self._hasher = Hasher()  # payment passwords (argon2id; a hash names its parameters)

    @property
    def keyring(self) -> Keyring:
        if self._keyring is None:
            raise HQError("secret_key_missing")
        return self._keyring

    def epoch(self) -> str:
        """This database's epoch (read once: a restore happens while serve is stopped)."""
        if self.known_epoch is None:
            from server.backup import epoch_value

            self.known_epoch = epoch_value(self.engine)
        return self.known_epoch

    def epoch_for(self, store_code: str) -> str | None:
        """``epoch:restored`` for a device of ``store_code``, once it has been read."""
        return self._store_epochs.get(store_code)

    def load_epoch_for(self, store_code: str) -> str:
        """The epoch, and where the store's stream stood at the last restore (read once per
        store: a restore happens while serve is stopped)."""
        epoch = self.epoch().partition(":")[0]
        with self.engine.connect() as conn:
            _value, restored = streams.watermark(conn, store_code)
        value = f"{epoch}:{restored}"
        self._store_epochs[store_code] = value
        return value

    # -- enrollment -----------------------------------------------------------
    def enroll(self, req: wire.EnrollRequest) -> wire.EnrollResponse:
        now = self.clock()
        with self.engine.begin() as conn:
            row = conn.execute(
                select(t.enrollment)
                .where(t.enrollment.c.code_hash == code_hash(req.code))
                .with_for_update()
            ).first()
            if row is None or row.used_at is not None or row.expires_at < now:
                raise HQError("enrollment_invalid")
            if row.store_code != req.store_code:
                raise HQError("store_mismatch", req.store_code)
            known = conn.execute(
                select(t.device).where(t.device.c.device_id == req.device_id).with_for_update()
            ).first()
            secret = signing.new_secret()
            stored = self.keyring.encrypt(secret)
            if known is not None:
                # Re-enrollment with a fresh code from HQ: a new secret, the same event stream.
                if known.store_code != row.store_code:
                    raise HQError("device_taken")
                conn.execute(
                    update(t.device)
                    .where(t.device.c.device_id == req.device_id)
                    .values(secret=stored, next_secret=None, revoked_at=None, enrolled_at=now)
                )
            else:
                conn.execute(
                    insert(t.device).values(
                        device_id=req.device_id,
                        store_code=row.store_code,
                        name=req.device_name,
                        secret=stored,
                        enrolled_at=now,
                        last_seq=0,
                        history_head_seq=req.history_head,
                        history_rules=json.dumps(
                            [[r.device_seq, r.payload_hash] for r in req.history_rules]
                        ),
                    )
                )
            conn.execute(
                update(t.enrollment)
                .where(t.enrollment.c.code_hash == row.code_hash)
                .values(used_at=now, device_id=req.device_id)
            )
            name = conn.scalar(select(t.store.c.name).where(t.store.c.code == row.store_code))
        return wire.EnrollResponse(
            device_id=req.device_id,
            secret=secret,
            store_code=row.store_code,
            store_name=name or "",
            server_time=now,
        )

    # -- authentication -------------------------------------------------------
    def authenticate(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Any:
        """The device row of a correctly signed, fresh, first-seen request; else HQError."""
        return self.authenticate_handover(method, path, headers, body)[0]

    def _signed_with(self, dev: Any, signed: signing.SignedHeaders, *check: Any) -> str:
        """Which of the device's secrets signed the request ("current" or "next")."""
        try:
            signing.check_signature(self.keyring.decrypt(dev.secret), signed, *check)
            return "current"
        except signing.SignatureError as exc:
            if dev.next_secret is None:
                raise HQError(exc.code) from None
        try:
            signing.check_signature(self.keyring.decrypt(dev.next_secret), signed, *check)
        except signing.SignatureError as exc:
            raise HQError(exc.code) from None
        return "next"

    def authenticate_handover(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[Any, str | None]:
        """:meth:`authenticate`, and the device's rotated secret sealed for it
        (:mod:`sync.handover`) while it still signs with the old one, else None. The first
        request signed with the rotated secret makes it the only one."""
        try:
            signed = signing.read_headers(headers)
            signing.check_fresh(signed, time.time())
        except signing.SignatureError as exc:
            raise HQError(exc.code) from None
        now = self.clock()
        try:
            with self.engine.begin() as conn:
                dev = conn.execute(
                    select(t.device).where(t.device.c.device_id == signed.device_id)
                ).first()
                if dev is None:
                    raise HQError("unknown_device")
                used = self._signed_with(dev, signed, method, path, body)
                if dev.revoked_at is not None:
                    raise HQError("device_revoked")
                sealed = None
                if used == "next":
                    # The counter has the new secret: the old one stops working now.
                    conn.execute(
                        update(t.device)
                        .where(t.device.c.device_id == dev.device_id)
                        .values(secret=dev.next_secret, next_secret=None)
                    )
                    log.info("device %s signs with its rotated secret", dev.device_id)
                elif dev.next_secret is not None:
                    sealed = handover.seal(
                        self.keyring.decrypt(dev.secret),
                        dev.device_id,
                        self.keyring.decrypt(dev.next_secret),
                    )
                version = wire.client_version(headers.get("user-agent"))
                if version is not None and version != dev.app_version:
                    conn.execute(
                        update(t.device)
                        .where(t.device.c.device_id == dev.device_id)
                        .values(app_version=version)
                    )
                # Each nonce once per device: a replay fails on the primary key.
                conn.execute(
                    insert(t.nonce).values(device_id=dev.device_id, nonce=signed.nonce, at=now)
                )
                if random.random() < 0.01:
                    cutoff = now - dt.timedelta(seconds=3 * signing.WINDOW_SECONDS)
                    conn.execute(delete(t.nonce).where(t.nonce.c.at < cutoff))
        except IntegrityError:
            raise HQError("nonce_reused") from None
        return dev, sealed

    # -- push -----------------------------------------------------------------
    def push(self, device_id: str, req: wire.PushRequest) -> wire.PushResponse:
        """Take the device's events in order. Each new one is checked (:mod:`server.validate`)
        and applied, or — refused, or waiting on a refused one of the same member — kept in
        the quarantine with its reason; either way its number is taken and the chain goes on.

        The changes are published the fast way (:func:`streams.publish`); in the rare case
        that cannot keep the streams' lock order, the whole push runs again the careful way."""
        try:
            return self._push(device_id, req, fast=True)
        except streams.Relock:
            return self._push(device_id, req, fast=False)

    def _push(self, device_id: str, req: wire.PushRequest, *, fast: bool) -> wire.PushResponse:
        now = self.clock()
        results: list[wire.EventResult] = []
        conflict: HQError | None = None
        with self.engine.begin() as conn:
            dev = conn.execute(
                select(t.device).where(t.device.c.device_id == device_id).with_for_update()
            ).one()
            if dev.revoked_at is not None:
                raise HQError("device_revoked")
            last = dev.last_seq
            changes: list[streams.Outgoing] = []
            applier = Applier(conn, now)
            head = _history_head(dev, now)
            batch = validate.Batch(
                conn, device_id, dev.store_code, after_seq=last,
                hq_rules_from=dev.hq_rules_from_seq, history_head=head,
                history_rules=_history_rules(dev.history_rules),
            )  # fmt: skip
            hq_rules_from = dev.hq_rules_from_seq
            batch.prefetch(
                ((ev.type, ev.payload) for ev in req.events if ev.device_seq > last),
                event_ids=[ev.event_id for ev in req.events],
            )
            known_ids = set(batch.known_events)
            held: dict[str, str] = {}  # member -> the refused event of this batch it waits on
            for ev in sorted(req.events, key=lambda e: e.device_seq):
                if ev.device_seq <= last:
                    result = _stored_result(conn, device_id, ev)
                    if result is None:
                        conflict = HQError("event_conflict", f"device_seq {ev.device_seq}")
                        break
                    results.append(result)
                    continue
                if ev.device_seq > last + 1:
                    results.append(
                        wire.EventResult(
                            event_id=ev.event_id, device_seq=ev.device_seq, status="gap"
                        )
                    )
                    break
                if ev.event_id in known_ids:
                    conflict = HQError("event_conflict", f"event {ev.event_id}")
                    break
                known_ids.add(ev.event_id)
                if batch.saw_rules_version(ev.device_seq, ev.payload):
                    hq_rules_from = ev.device_seq
                member_id = validate.member_of(ev.type, ev.payload)
                waiting_on = None
                if member_id is not None:
                    waiting_on = held.get(member_id) or batch.held_for(member_id)
                refusal: validate.Refused | None = None
                if waiting_on is not None:
                    refusal = validate.Refused("waiting", event_id=waiting_on)
                elif payload_hash(ev.payload) != ev.payload_hash:
                    refusal = validate.Refused("payload_hash")
                else:
                    mark = applier.mark()
                    try:
                        with conn.begin_nested():
                            change = admit(
                                conn, batch, applier, dev, ev.event_id, ev.device_seq, ev.type,
                                ev.payload, ev.payload_hash, ev.created_at, now, self.checks,
                            )  # fmt: skip
                    except validate.Refused as exc:
                        applier.undo(mark)
                        refusal = exc
                    except Exception as exc:
                        log.error(
                            "event %s (device %s, seq %s) could not be applied: %s",
                            ev.event_id, device_id, ev.device_seq, type(exc).__name__,
                        )  # fmt: skip
                        raise
                    else:
                        if change is not None:
                            changes.append(change)
                        if ev.type in t.RULES_EVENT_TYPES:
                            batch.rules_changed(ev.payload)
                last = ev.device_seq
                if refusal is None:
                    results.append(
                        wire.EventResult(
                            event_id=ev.event_id, device_seq=ev.device_seq, status="applied"
                        )
                    )
                    continue
                if member_id is not None:
                    held.setdefault(member_id, ev.event_id)
                log.info(
                    "event %s (device %s, seq %s) quarantined: %s",
                    ev.event_id, device_id, ev.device_seq, refusal.code,
                )  # fmt: skip
                quarantine.put(
                    conn,
                    event_id=ev.event_id,
                    device_id=device_id,
                    device_seq=ev.device_seq,
                    store_code=dev.store_code,
                    event_type=ev.type,
                    payload=ev.payload,
                    payload_hash=ev.payload_hash,
                    created_at=ev.created_at.replace(tzinfo=None),
                    member_id=member_id,
                    code=refusal.code,
                    reason=refusal.reason,
                    waiting_on=waiting_on,
                    now=now,
                )
                results.append(
                    wire.EventResult(
                        event_id=ev.event_id,
                        device_seq=ev.device_seq,
                        status="quarantined",
                        code=refusal.code,
                        reason=refusal.reason,
                        waiting_on=waiting_on,
                    )
                )
            try:
                applier.flush()
            except Exception as exc:
                log.error(
                    "events %s (device %s) could not be written: %s",
                    ", ".join(ev.event_id for ev in req.events[:5]), device_id,
                    type(exc).__name__,
                )  # fmt: skip
                raise
            conn.execute(
                update(t.device)
                .where(t.device.c.device_id == device_id)
                .values(
                    last_seq=last,
                    last_seen_at=now,
                    hq_rules_from_seq=hq_rules_from,
                    history_head_seq=head,
                )
            )
            add_changes(conn, changes, now, fast=fast)
        if conflict is not None:
            conflict.extra["acked_seq"] = last
            raise conflict
        return wire.PushResponse(acked_seq=last, results=results)

    # -- pull -----------------------------------------------------------------
    def _pull_rows(
        self, device_id: str, store_code: str, since: int, limit: int
    ) -> tuple[list[Any], int, int, str]:
        limit = max(1, min(limit, wire.MAX_PULL))
        c = t.change.c
        with self.engine.connect().execution_options(hq_readonly=True) as conn:
            watermark, _restored = streams.watermark(conn, store_code)
            rows = conn.execute(
                select(c.server_seq, c.kind, c.body)
                .where(
                    c.store_code == store_code,
                    c.server_seq > since,
                    c.server_seq <= watermark,
                    or_(c.origin_device.is_(None), c.origin_device != device_id),
                )
                .order_by(c.server_seq)
                .limit(limit)
            ).all()
            key = conn.scalar(select(t.counter.c.value).where(t.counter.c.name == redact.PHONE_KEY))
            conn.rollback()
        has_more = len(rows) == limit
        cursor = rows[-1].server_seq if has_more else max(watermark, since)
        return rows, cursor, watermark, redact.key_text(int(key)) if key else self.phone_key()

    def pull(self, dev: Any, since: int, limit: int) -> wire.PullResponse:
        """The changes of ``dev``'s store stream after ``since`` (not those it made)."""
        rows, cursor, watermark, _key = self._pull_rows(dev.device_id, dev.store_code, since, limit)
        return wire.PullResponse(
            changes=[
                wire.Change(server_seq=r.server_seq, kind=r.kind, body=json.loads(r.body))
                for r in rows
            ],
            cursor=cursor,
            watermark=watermark,
            has_more=len(rows) == max(1, min(limit, wire.MAX_PULL)),
        )

    def pull_json(self, dev: Any, since: int, limit: int) -> tuple[bytes, str]:
        """:meth:`pull` as the JSON HQ sends: the stored bodies are canonical JSON already,
        so they go out as they are instead of being parsed and serialised again. With it, the
        chain's phone key, read in the same transaction (the answer's header names it)."""
        rows, cursor, watermark, key = self._pull_rows(dev.device_id, dev.store_code, since, limit)
        has_more = len(rows) == max(1, min(limit, wire.MAX_PULL))
        changes = ",".join(
            f'{{"server_seq":{r.server_seq},"kind":{json.dumps(r.kind)},"body":{r.body}}}'
            for r in rows
        )
        return (
            f'{{"changes":[{changes}],"cursor":{cursor},"watermark":{watermark},'
            f'"has_more":{"true" if has_more else "false"}}}'
        ).encode(), key

    def member_changes(self, member_id: str, store_code: str | None = None) -> wire.PullResponse:
        """The changes about ``member_id`` (its events, in order), whoever made them: its home
        store's stream has every one of them. A device of ``store_code``, when that is not the
        member's home store, receives them as its stream would (:mod:`server.redact`)."""
        needle = f'%"member_id":"{member_id}"%'  # an id is hex and dashes: no LIKE wildcard
        c = t.change.c
        with self.engine.connect().execution_options(hq_readonly=True) as conn:
            home = streams.homes(conn, [member_id]).get(member_id)
            rows = []
            if home:
                watermark, _restored = streams.watermark(conn, home)
                rows = conn.execute(
                    select(c.server_seq, c.kind, c.body)
                    .where(
                        c.store_code == home,
                        c.kind == "event",
                        c.server_seq <= watermark,
                        c.body.like(needle),
                    )
                    .order_by(c.server_seq)
                    .limit(wire.MAX_PULL)
                ).all()
            key = redact.phone_key(conn) if store_code is not None and store_code != home else None
            conn.rollback()
        bodies = [json.loads(r.body) for r in rows]
        if key is not None:
            bodies = [redact.event(b, key) if redact.needed(b) else b for b in bodies]
        return wire.PullResponse(
            changes=[
                wire.Change(server_seq=r.server_seq, kind=r.kind, body=body)
                for r, body in zip(rows, bodies, strict=True)
            ],
            cursor=0,
            watermark=0,
            has_more=len(rows) == wire.MAX_PULL,
        )

    # -- scope: fetching a member, joining from a snapshot -------------------------------
    def fetch(self, dev: Any, req: wire.FetchRequest) -> bytes:
        """``dev``'s store holds ``req.member_id`` from now on: their changes reach its stream,
        and their state as HQ has it now is returned (a line of :mod:`server.snapshot`).

        Only for a reason HQ can check (:meth:`may_hold`): a device cannot take any member of
        the chain it can name. Any other request is answered as for a member HQ does not
        know, so a refusal tells nothing about who exists."""
        member_id = req.member_id
        now = self.clock()
        with self.engine.begin() as conn:
            if not (
                self.may_hold(conn, dev.store_code, req)
                or self.granted(conn, dev.device_id, req.member_id)
            ):
                log.info(
                    "device %s (%s): fetch of member %s without a reason HQ can check: refused",
                    dev.device_id, dev.store_code, member_id,
                )  # fmt: skip
                raise HQError("member_unknown", member_id)
            if not streams.hold(conn, dev.store_code, member_id, now):
                raise HQError("member_unknown", member_id)
            found = snapshot.members(conn, [member_id], self.window_start(), dev.store_code)
            key = redact.phone_key(conn)
        # Who took which member (by id, never the phone): the trail of every holding.
        log.info("device %s (%s) fetched member %s", dev.device_id, dev.store_code, member_id)
        return snapshot.dumps({**found[0], "phone_key": key})

    def _grant(self, device_id: str, member_ids: list[str]) -> None:
        """The device found these members by what a customer presents: it may hold them for
        GRANT_SECONDS without naming that again (:meth:`may_hold`)."""
        if not member_ids:
            return
        now = self.clock()
        g = t.lookup_grant.c
        with self.engine.begin() as conn:
            conn.execute(
                delete(t.lookup_grant).where(g.device_id == device_id, g.member_id.in_(member_ids))
            )
            conn.execute(
                insert(t.lookup_grant),
                [{"device_id": device_id, "member_id": m, "at": now} for m in member_ids],
            )
            conn.execute(  # a device's old grants go as it makes new ones
                delete(t.lookup_grant).where(
                    g.device_id == device_id,
                    g.at < now - dt.timedelta(seconds=GRANT_SECONDS),
                )
            )

    def may_hold(self, conn: Connection, store_code: str, req: wire.FetchRequest) -> bool:
        """Whether ``store_code`` may hold ``req.member_id``: its own member or one it holds
        already; one the customer presented at its counter (``req.query`` is their full
        number or a card of theirs: an id is no reason, ids are not secret); or one a change
        of its stream names that another store or HQ made (``req.server_seq``: a change
        parked waiting for them; a store's own changes are no reason, it could write any id
        into them)."""
        m = t.member.c
        row = conn.execute(select(m.store_code).where(m.id == req.member_id)).first()
        if row is None:
            return False
        held_by = streams.holders(conn, [req.member_id]).get(req.member_id, set())
        if row.store_code == store_code or store_code in held_by:
            return True
        if req.query is not None and req.member_id in _presented(conn, req.query):
            return True
        if req.server_seq is not None:
            return _names(conn, store_code, req.server_seq, req.member_id)
        return False

    def granted(self, conn: Connection, device_id: str, member_id: str) -> bool:
        """Whether ``device_id``'s own online lookup found ``member_id`` (by number or card)
        within GRANT_SECONDS: a counter of the release before fetches with no reason."""
        g = t.lookup_grant.c
        at = conn.scalar(select(g.at).where(g.device_id == device_id, g.member_id == member_id))
        return at is not None and at >= self.clock() - dt.timedelta(seconds=GRANT_SECONDS)

    def history(self, dev: Any, req: wire.HistoryRequest) -> wire.HistoryResponse:
        """A member's transactions before ``req.before``, newest first, with what each moved
        in stored value and points: the history older than a counter keeps. Only for a
        device of the member's home store or of a store holding them (else as unknown)."""
        m, tx = t.member.c, t.txn.c
        with self.engine.connect().execution_options(hq_readonly=True) as conn:
            home = conn.scalar(select(m.store_code).where(m.id == req.member_id))
            holds = conn.scalar(
                select(t.holding.c.member_id).where(
                    t.holding.c.store_code == dev.store_code,
                    t.holding.c.member_id == req.member_id,
                )
            )
            if home != dev.store_code and holds is None:
                raise HQError("member_unknown", req.member_id)
            sv = t.sv_entry.c
            pe = t.points_entry.c
            moved_p = (
                select(func.coalesce(func.sum(sv.principal_fen), 0))
                .where(sv.txn_id == tx.id, sv.member_id == req.member_id)
                .scalar_subquery()
            )
            moved_b = (
                select(func.coalesce(func.sum(sv.bonus_fen), 0))
                .where(sv.txn_id == tx.id, sv.member_id == req.member_id)
                .scalar_subquery()
            )
            moved_pts = (
                select(func.coalesce(func.sum(pe.points), 0))
                .where(pe.txn_id == tx.id, pe.member_id == req.member_id)
                .scalar_subquery()
            )
            rows = conn.execute(
                select(tx.id, tx.type, tx.store_code, tx.business_date, tx.created_at,
                       moved_p.label("p"), moved_b.label("b"), moved_pts.label("pts"))
                .where(tx.member_id == req.member_id, tx.business_date < req.before.isoformat())
                .order_by(tx.business_date.desc(), tx.created_at.desc(), tx.id.desc())
                .limit(req.limit + 1)
            ).all()  # fmt: skip
        txns = [
            wire.HistoryTxn(id=r.id, type=r.type, store_code=r.store_code,
                            business_date=r.business_date, created_at=r.created_at,
                            principal_fen=int(r.p), bonus_fen=int(r.b), points=int(r.pts))
            for r in rows[: req.limit]
        ]  # fmt: skip
        return wire.HistoryResponse(
            member_id=req.member_id, txns=txns, has_more=len(rows) > req.limit
        )

    def snapshot_lines(self, dev: Any) -> Any:
        """The NDJSON lines of ``dev``'s store scope (:mod:`server.snapshot`)."""
        return snapshot.lines(self.engine, dev.store_code, self.window_start())

    def window_start(self) -> dt.date:
        """The first day of the history a counter keeps (:mod:`app.domain.window`)."""
        return window_start(self.clock().date())

    # -- a sale of another store or counter, to refund here -------------------------------
    def sale(self, dev: Any, number: str) -> wire.SaleAnswer:
        """The cart sale numbered ``number`` (its whole id) with the refunds HQ accepted for
        it. The receipt in the customer's hand is the reason, as a card is for a lookup: a
        member of another store the sale names may be fetched by this device for a while
        (:meth:`granted`), so the refund can give their stored value and points back."""
        tx, ev = t.txn.c, t.event.c
        number = number.strip().lower()
        with self.engine.connect().execution_options(hq_readonly=True) as conn:
            row = conn.execute(
                select(tx.id, tx.store_code, tx.member_id, tx.created_at, ev.payload)
                .join(t.event, ev.event_id == tx.event_id)
                .where(tx.id == number, tx.type == "sale.completed")
            ).first()
            refunds = []
            if row is not None:
                refunds = conn.execute(
                    select(ev.payload)
                    .join(t.event, ev.event_id == tx.event_id)
                    .where(tx.original_txn_id == row.id, tx.type == "sale.refunded")
                    .order_by(tx.created_at, ev.device_seq)
                ).all()
            conn.rollback()
        sale = json.loads(row.payload) if row is not None else None
        if sale is None or not sale.get("cart"):  # an amount-only sale has no lines to refund
            log.info("device %s (%s): sale %s not found", dev.device_id, dev.store_code, number)
            raise HQError("sale_unknown")
        if row.member_id is not None:
            self._grant(dev.device_id, [row.member_id])
        log.info("device %s (%s) read sale %s of %s", dev.device_id, dev.store_code, row.id,
                 row.store_code)  # fmt: skip
        return wire.SaleAnswer(
            sale_id=row.id,
            store_code=row.store_code,
            created_at=row.created_at,
            sale=sale,
            refunds=[json.loads(r.payload) for r in refunds],
        )

    # -- online lookup --------------------------------------------------------
    def lookup(self, query: str, dev: Any = None) -> wire.LookupResponse:
        with self.engine.connect().execution_options(hq_readonly=True) as conn:
            rows = conn.execute(_lookup_select(query)).all()
            cards = {
                c.id: c.card_no
                for c in conn.execute(
                    select(t.card.c.id, t.card.c.card_no).where(
                        t.card.c.id.in_([r.card_id for r in rows if r.card_id])
                    )
                )
            }
            conn.rollback()
        if dev is not None and rows:
            self._grant(dev.device_id, [r.id for r in rows if r.id in _presented_ids(rows, query)])
        return wire.LookupResponse(
            members=[
                wire.MemberSummary(
                    member_id=r.id,
                    name=r.name,
                    phone_masked=mask_phone(r.phone),
                    card_no=cards.get(r.card_id),
                    status=r.status,
                    tier=r.tier_code,
                    principal_fen=r.principal_fen,
                    bonus_fen=r.bonus_fen,
                    points=r.points,
                    store_code=r.store_code,
                )
                for r in rows
            ]
        )

    # -- payment password of a member whose verifier stays at HQ -------------------------
    def verify_pay_password(
        self, dev: Any, member_id: str, password: str
    ) -> wire.PayPasswordResult:
        """Check the payment password typed at ``dev``'s counter for a stored-value payment of
        a member whose verifier that counter does not hold (another store's: server.redact).
        Wrong tries are counted here, each in its own transaction; the chain rules' number in a
        row locks it until the home store sets a new one, as the home counter does. The
        password itself is never stored or logged."""
        m = t.member.c
        with self.engine.begin() as conn:
            row = conn.execute(
                select(m.pay_password_hash, m.pay_password_failures, m.store_code)
                .where(m.id == member_id)
                .with_for_update()
            ).first()
            held_by = streams.holders(conn, [member_id]).get(member_id, set())
            if row is None or (row.store_code != dev.store_code and dev.store_code not in held_by):
                raise HQError("member_unknown", member_id)  # only where the member is served
            if row.pay_password_hash is None:
                return wire.PayPasswordResult(status="none")
            rules = conn.scalar(select(t.rules.c.rules_json).where(t.rules.c.id == 1))
            limit = (
                Rules.from_dict(json.loads(rules)) if rules else default_rules()
            ).payment_password_max_failures
            failures = int(row.pay_password_failures or 0)
            if failures >= limit:
                return wire.PayPasswordResult(status="locked", left=0)
            if self._hasher.verify(row.pay_password_hash, password):
                if failures:
                    conn.execute(
                        update(t.member).where(m.id == member_id).values(pay_password_failures=0)
                    )
                return wire.PayPasswordResult(status="ok")
            failures += 1
            conn.execute(
                update(t.member).where(m.id == member_id).values(pay_password_failures=failures)
            )
        log.info(
            "device %s (%s): wrong payment password for member %s (%s of %s)",
            dev.device_id, dev.store_code, member_id, failures, limit,
        )  # fmt: skip
        if failures >= limit:
            return wire.PayPasswordResult(status="locked", left=0)
        return wire.PayPasswordResult(status="wrong", left=limit - failures)

    # -- the full number of a member a counter holds masked -----------------------------
    def member_phone(self, dev: Any, req: wire.PhoneRequest) -> wire.PhoneAnswer:
        """The full number of ``req.member_id`` for staff at ``dev``'s counter whose role may
        see full numbers (:mod:`server.phones`), about a member of that store or held there;
        refused otherwise (another store's member as unknown). Each number given is logged
        by who saw it and whose it is, never the number itself."""
        with self.engine.connect().execution_options(hq_readonly=True) as conn:
            try:
                phones.check_staff(conn, dev, req.staff_id, req.staff_no)
                phone = phones.served_number(conn, dev.store_code, req.member_id)
            except HQError as exc:
                log.info(
                    "device %s (%s): full number of member %s for staff %s refused: %s",
                    dev.device_id, dev.store_code, req.member_id, req.staff_id, exc.code,
                )  # fmt: skip
                raise
            finally:
                conn.rollback()
        log.info(
            "device %s (%s): staff %s (%s) saw the full number of member %s",
            dev.device_id, dev.store_code, req.staff_id, req.staff_no or "-", req.member_id,
        )  # fmt: skip
        return wire.PhoneAnswer(member_id=req.member_id, phone=phone)

    def phone_key(self) -> str:
        """The chain's phone key (made once if this database has none yet)."""
        with self.engine.begin() as conn:
            return redact.phone_key(conn)

    def database_name(self) -> str:
        return self.engine.dialect.name
