"""Staff accounts: add, unlock after too many wrong PINs."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.errors import NotFoundError, PermissionDeniedError, RuleError, ValidationError
from app.domain.ids import uuid7
from app.domain.text import check_text
from app.persistence.tables import Staff
from app.services.context import CounterContext
from app.services.recording import record
from app.services.security import (
    STORE_ROLES,
    Actor,
    Permission,
    Role,
    check_pin_format,
    require,
)


@dataclass(frozen=True)
class StaffView:
    staff_id: str
    staff_no: str
    name: str
    role: str
    locked: bool


def _view(s: Staff) -> StaffView:
    return StaffView(s.id, s.staff_no, s.name, s.role, s.locked)


def add_staff(
    ctx: CounterContext, actor: Actor, *, staff_no: str, name: str, role: str, pin: str
) -> StaffView:
    """Managers add cashiers; only an admin adds managers and admins."""
    require(actor, Permission.STAFF_ADD)
    staff_no = (staff_no or "").strip()
    name = (name or "").strip()
    if not (1 <= len(staff_no) <= 32) or not staff_no.isalnum() or not staff_no.isascii():
        raise ValidationError("staff_no_invalid", value=staff_no)
    check_text(name, "staff_name")
    if not (1 <= len(name) <= 32):
        raise ValidationError("name_length")
    try:
        new_role = Role(role)
    except ValueError:
        raise ValidationError("role_invalid", value=role) from None
    if new_role not in STORE_ROLES and actor.role != Role.ADMIN:
        raise PermissionDeniedError("permission_denied", action="staff.add." + new_role.value)
    check_pin_format(pin)
    pin_hash = ctx.hasher.hash(pin)
    with ctx.uow() as uow:
        if uow.staff_by_no(staff_no) is not None:
            raise RuleError("staff_no_taken", staff_no=staff_no)
        staff = Staff(
            id=uuid7(),
            staff_no=staff_no,
            name=name,
            role=new_role.value,
            pin_hash=pin_hash,
            failed_pins=0,
            locked=False,
            active=True,
            created_at=ctx.now(),
        )
        uow.add(staff)
        uow.flush()
        info = {"staff_id": staff.id, "staff_no": staff_no, "name": name, "role": new_role.value}
        record(
            ctx,
            uow,
            actor,
            action="staff.add",
            entity="staff",
            entity_id=staff.id,
            before=None,
            after=info,
            event_type="staff.added",
            # The envelope's staff_id names who added; HQ learns the new account from these.
            payload={
                "added_staff_id": staff.id,
                "added_staff_no": staff_no,
                "name": name,
                "role": new_role.value,
            },
        )
        uow.commit()
        return _view(staff)


def unlock_staff(ctx: CounterContext, actor: Actor, staff_no: str) -> StaffView:
    require(actor, Permission.STAFF_UNLOCK)
    with ctx.uow() as uow:
        staff = uow.staff_by_no(staff_no)
        if staff is None:
            raise NotFoundError("staff_unknown", staff_no=staff_no)
        before = {"locked": staff.locked, "failed_pins": staff.failed_pins}
        staff.locked = False
        staff.failed_pins = 0
        record(
            ctx,
            uow,
            actor,
            action="staff.unlock",
            entity="staff",
            entity_id=staff.id,
            before=before,
            after={"locked": False, "failed_pins": 0},
            event_type="staff.unlocked",
            payload={"unlocked_staff_id": staff.id},
        )
        uow.commit()
        return _view(staff)
