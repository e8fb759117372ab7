"""Checking the audit chain and the ledgers (backups: :mod:`app.services.backups`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.audit import GENESIS, chain_hash
from app.services.context import CounterContext
from app.services.recording import audit_content
from app.services.security import Actor, Permission, require


@dataclass(frozen=True)
class AuditReport:
    entries: int
    ok: bool
    broken_at: int | None = None  # the first audit sequence number that does not chain
    ledger_mismatches: list[str] = field(default_factory=list)


def verify_audit(ctx: CounterContext, actor: Actor) -> AuditReport:
    """Recompute the hash chain; also check every cached balance against its ledger."""
    require(actor, Permission.AUDIT_VERIFY)
    with ctx.reader() as uow:
        prev = GENESIS
        entries = uow.audit_entries()
        for entry in entries:
            if entry.prev_hash != prev or chain_hash(prev, audit_content(entry)) != entry.hash:
                return AuditReport(len(entries), False, entry.seq, uow.ledger_mismatches())
            prev = entry.hash
        mismatches = uow.ledger_mismatches()
        return AuditReport(len(entries), not mismatches, None, mismatches)
