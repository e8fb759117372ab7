"""A store never locks itself out: one-time recovery codes unlock the admin and set a new PIN.

``init`` issues the first counter code (printed once; only its hash is kept). Using a code
unlocks the admin, sets the new PIN and issues a fresh counter code in the same transaction,
so the store always holds exactly one. An admin may issue a fresh one at any time (the old one
stops working). An HQ code (see :mod:`app.domain.recovery`) is checked by ``verify_hq``, which
the composition root supplies from the counter's enrollment; each is taken once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.domain import recovery
from app.domain.errors import AuthenticationError, NotFoundError, RuleError
from app.domain.ids import uuid7
from app.persistence import local
from app.persistence.tables import RecoveryCode
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext
from app.services.recording import record
from app.services.security import Actor, Role, check_pin_format

COUNTER, HQ = "counter", "hq"
# The code's plain form -> the one-time part of an HQ code for this counter, or None.
HqVerifier = Callable[[str], str | None]


@dataclass(frozen=True)
class Recovered:
    staff_no: str
    source: str  # which kind of code was used
    recovery_code: str  # the store's next counter code (shown once)


def issue_counter_code(ctx: CounterContext, uow: UnitOfWork) -> str:
    """A new counter code in this unit of work; earlier unused ones stop working."""
    now = ctx.now()
    for row in local.unused_recovery_codes(uow, COUNTER):
        row.revoked_at = now
    code = recovery.new_counter_code()
    uow.add(
        RecoveryCode(
            id=uuid7(),
            source=COUNTER,
            code_hash=ctx.hasher.hash(recovery.normalise(code)),
            created_at=now,
        )
    )
    return code


def new_recovery_code(ctx: CounterContext, actor: Actor) -> str:
    """An admin replaces the store's recovery code (the one written down may be lost)."""
    if actor.role != Role.ADMIN:
        raise AuthenticationError("recovery_admin_only")
    with ctx.uow() as uow:
        code = issue_counter_code(ctx, uow)
        record(ctx, uow, actor, action="staff.recovery_code", entity="staff",
               entity_id=actor.staff_id, before=None, after={"issued": True},
               event_type=None, payload={})  # fmt: skip
        uow.commit()
        return code


def recover_admin(
    ctx: CounterContext,
    code: str,
    new_pin: str,
    *,
    staff_no: str = "admin",
    verify_hq: HqVerifier | None = None,
) -> Recovered:
    """Unlock the admin ``staff_no`` with a recovery code and give them ``new_pin``."""
    plain = recovery.normalise(code)
    check_pin_format(new_pin)
    pin_hash = ctx.hasher.hash(new_pin)
    with ctx.uow() as uow:
        staff = uow.staff_by_no((staff_no or "").strip())
        if staff is None or not staff.active:
            raise NotFoundError("staff_unknown", staff_no=staff_no)
        if staff.role != Role.ADMIN.value:
            raise RuleError("recovery_admin_only")
        staff_id = staff.id
        source = _take(ctx, uow, plain, verify_hq)
        if source is not None:
            staff.pin_hash = pin_hash
            staff.failed_pins = 0
            staff.locked = False
            next_code = issue_counter_code(ctx, uow)
            record(ctx, uow, None, action="staff.recover", entity="staff", entity_id=staff.id,
                   before=None,
                   after={"staff_no": staff.staff_no, "source": source, "unlocked": True},
                   event_type=None, payload={})  # fmt: skip
            uow.commit()
            return Recovered(staff.staff_no, source, next_code)
    # A wrong code changes nothing but is audited, in its own transaction.
    with ctx.uow() as uow:
        record(ctx, uow, None, action="staff.recover_refused", entity="staff",
               entity_id=staff_id, before=None, after={"staff_no": staff_no},
               event_type=None, payload={})  # fmt: skip
        uow.commit()
    raise AuthenticationError("recovery_code_wrong")


def _take(
    ctx: CounterContext, uow: UnitOfWork, plain: str, verify_hq: HqVerifier | None
) -> str | None:
    """Mark the code used and say which kind it was, or None when it is no code of ours."""
    now = ctx.now()
    if len(plain) == recovery.COUNTER_LENGTH:
        for row in local.unused_recovery_codes(uow, COUNTER):
            if ctx.hasher.verify(row.code_hash, plain):
                row.used_at = now
                return COUNTER
        return None
    nonce = verify_hq(plain) if verify_hq is not None else None
    if nonce is None or local.recovery_code_seen(uow, HQ, nonce):
        return None  # not HQ's code for this counter, or already used
    uow.add(RecoveryCode(id=uuid7(), source=HQ, code_hash=nonce, created_at=now, used_at=now))
    return HQ
