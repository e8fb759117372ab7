"""Checking the audit chain and the ledgers, and backing the database up."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.domain.audit import GENESIS, chain_hash
from app.domain.errors import RuleError
from app.persistence.db import file_integrity
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


def backup(ctx: CounterContext, actor: Actor, target: Path) -> Path:
    """A consistent copy of the live database via SQLite's backup API."""
    require(actor, Permission.BACKUP)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    ctx.db.backup_to(target)
    result = file_integrity(target)
    if result != "ok":
        raise RuleError("backup_corrupt", detail=result)
    return target
