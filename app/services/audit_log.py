"""Browsing the audit log (manager): filter by date, staff, action and entity.

Every page says whether the hash chain holds (recomputed with
:func:`app.services.maintenance.verify_audit`); a broken chain is reported with
the first entry that does not chain, so a screen can show it loudly.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from app.domain.errors import NotFoundError, ValidationError
from app.persistence import reporting
from app.services.context import CounterContext
from app.services.maintenance import verify_audit
from app.services.security import Actor, Permission, require

MAX_LIMIT = 1000


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str  # store local time, ISO
    staff_no: str | None
    staff_name: str | None
    approved_by: str | None  # staff number
    action: str
    entity: str
    entity_id: str | None
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AuditPage:
    total: int  # entries matching the filter
    rows: list[AuditRow]
    chain_ok: bool
    broken_at: int | None  # the first entry whose hash does not chain
    ledger_mismatches: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "chain_ok": self.chain_ok,
            "broken_at": self.broken_at,
            "ledger_mismatches": self.ledger_mismatches,
            "rows": [r.as_dict() for r in self.rows],
        }


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def browse_audit(
    ctx: CounterContext,
    actor: Actor,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    staff_no: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AuditPage:
    """Newest first. Dates are the store's local dates, both included; ``action`` matches
    an action or a family of them ("card" finds card.lost, card.replace, ...)."""
    require(actor, Permission.AUDIT_VIEW)
    if not (1 <= limit <= MAX_LIMIT) or offset < 0:
        raise ValidationError("range_invalid", start=str(offset), end=str(limit))
    if start and end and end < start:
        raise ValidationError("range_invalid", start=start.isoformat(), end=end.isoformat())
    check = verify_audit(ctx, actor)
    with ctx.reader() as uow:
        store = uow.store()
        tz = ZoneInfo(store.timezone if store else "Asia/Shanghai")

        def utc(day: dt.date) -> dt.datetime:
            local = dt.datetime.combine(day, dt.time(), tzinfo=tz)
            return local.astimezone(dt.UTC).replace(tzinfo=None)

        staff_id = None
        if staff_no:
            staff = uow.staff_by_no(staff_no.strip())
            if staff is None:
                raise NotFoundError("staff_unknown", staff_no=staff_no)
            staff_id = staff.id
        total, entries = reporting.audit_page(
            uow,
            start=utc(start) if start else None,
            end=utc(end + dt.timedelta(days=1)) if end else None,
            staff_id=staff_id,
            action=(action or "").strip() or None,
            entity=(entity or "").strip() or None,
            entity_id=(entity_id or "").strip() or None,
            limit=limit,
            offset=offset,
        )
        names = reporting.staff_names(uow)
        rows = [
            AuditRow(
                seq=e.seq,
                at=e.at.replace(tzinfo=dt.UTC).astimezone(tz).isoformat(timespec="seconds"),
                staff_no=names[e.staff_id][0] if e.staff_id in names else None,
                staff_name=names[e.staff_id][1] if e.staff_id in names else None,
                approved_by=names[e.approved_by][0] if e.approved_by in names else None,
                action=e.action,
                entity=e.entity,
                entity_id=e.entity_id,
                before=_json(e.before),
                after=_json(e.after),
            )
            for e in entries
        ]
    return AuditPage(total, rows, check.ok and check.broken_at is None, check.broken_at,
                     list(check.ledger_mismatches))  # fmt: skip
