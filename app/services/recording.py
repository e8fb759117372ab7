"""Every operation's audit entry (hash-chained) and outbox event, in its own transaction."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from app.domain.audit import GENESIS, canonical_json, chain_hash, text_hash
from app.domain.ids import uuid7
from app.persistence import syncstore
from app.persistence.tables import AuditEntry, Member, OutboxEvent
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext

if TYPE_CHECKING:
    from app.services.security import Actor


def member_state(member: Member) -> dict[str, Any]:
    """The member's money-and-status figures, as audit entries record them before and after."""
    return {
        "status": member.status,
        "tier": member.tier_code,
        "principal_fen": member.principal_fen,
        "bonus_fen": member.bonus_fen,
        "points": member.points,
        "cumulative_spend_fen": member.cumulative_spend_fen,
        "card_id": member.card_id,
    }


def audit_content(entry: AuditEntry) -> dict[str, Any]:
    """What an audit entry's hash covers."""
    return {
        "at": entry.at.isoformat(),
        "staff_id": entry.staff_id,
        "approved_by": entry.approved_by,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
    }


def envelope(
    actor: Actor | None, approver: Actor | None, rules_version: int | None
) -> dict[str, Any]:
    """Who did it (local id and staff number, which HQ checks) and the HQ rules version the
    counter held (None: its own rules), as every outbox event carries them."""
    return {
        "staff_id": actor.staff_id if actor else None,
        "staff_no": actor.staff_no if actor else None,
        "approved_by": approver.staff_id if approver else None,
        "approver_no": approver.staff_no if approver else None,
        "rules_version": rules_version,
    }


def record(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor | None,
    *,
    action: str,
    entity: str,
    entity_id: str | None,
    before: Any,
    after: Any,
    event_type: str | None,
    payload: dict[str, Any],
    approver: Actor | None = None,
) -> None:
    """Append the audit entry and the outbox event of one operation (not committed here).

    ``event_type=None`` records a local fact (a wrong PIN) in the audit log only.
    The audit log's times never go back: a clock a little behind (within the tolerance
    ``business_date`` allows) is recorded at the last entry's time.
    """
    now = ctx.now()
    last_hash, last_seq = uow.chain_heads()
    last_at = uow.clock_marks()[0]
    # Plain rows (the columns an AuditEntry and an OutboxEvent would be given): append-only,
    # they go out as plain INSERTs either way (UnitOfWork.add).
    entry = {
        "at": max(now, last_at) if last_at is not None else now,
        "staff_id": actor.staff_id if actor else None,
        "approved_by": approver.staff_id if approver else None,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": None if before is None else canonical_json(before),
        "after": None if after is None else canonical_json(after),
        "prev_hash": last_hash or GENESIS,
    }
    entry["hash"] = chain_hash(entry["prev_hash"], audit_content(SimpleNamespace(**entry)))
    uow.add_rows(AuditEntry, [entry])
    if event_type is None:
        uow.flush()
        return
    store = uow.store()
    body = {
        **payload,
        **envelope(actor, approver, syncstore.rules_version(uow)),
        "at": now.isoformat(),
    }
    text = canonical_json(body)  # encoded once: a 50-line sale's body is some 25 kB
    event = {
        "device_seq": last_seq + 1,
        "event_id": uuid7(),
        "device_id": store.device_id if store else "",
        "type": event_type,
        "payload": text,
        "payload_hash": text_hash(text),
        "created_at": now,
    }
    uow.add_rows(OutboxEvent, [event])
    uow.flush()
