"""Who may be told a member's full phone number by HQ (``POST /v1/members/phone``).

Another store's member reaches a counter with their number masked (:mod:`server.redact`); a
role that may see full numbers at its own store (``Permission.MEMBER_VIEW_PHONE``, the same
rule the counter applies) asks HQ for it at the moment it is needed, and the counter keeps it
nowhere. HQ answers only:

- for staff it knows, as the push checks name them (:mod:`server.validate`): the device's own
  account (``staff_id``, made by that device's ``store.initialised`` or ``staff.added``), else
  HQ's chain-wide account (``staff_no``), active, of a role with that permission;
- about a member whose home store is the device's store or whom that store holds
  (:func:`server.streams.holders`); any other member is answered as unknown, so a refusal
  tells nothing about who exists.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from app.services.security import ROLE_PERMISSIONS, Permission, Role
from server import streams
from server import tables as t
from server.errors import HQError


def staff_role(conn: Connection, dev: Any, staff_id: str, staff_no: str | None) -> Role | None:
    """The role of the staff named, as HQ knows them for ``dev``; None if unknown or inactive."""
    s = t.store_staff.c
    row = conn.execute(
        select(t.store_staff).where(
            s.device_id == dev.device_id, s.staff_id == staff_id, s.store_code == dev.store_code
        )
    ).first()
    if row is not None:
        ok = row.active and (staff_no is None or staff_no == row.staff_no)
        return Role(row.role) if ok else None
    if staff_no is not None:
        chain = conn.execute(select(t.staff).where(t.staff.c.staff_no == staff_no)).first()
        if chain is not None and chain.active:
            return Role(chain.role)
    return None


def check_staff(conn: Connection, dev: Any, staff_id: str, staff_no: str | None) -> Role:
    """The staff's role, if it may see full numbers; else HQError (``staff_unknown`` or
    ``phone_not_allowed``)."""
    role = staff_role(conn, dev, staff_id, staff_no)
    if role is None:
        raise HQError("staff_unknown")
    if Permission.MEMBER_VIEW_PHONE not in ROLE_PERMISSIONS[role]:
        raise HQError("phone_not_allowed")
    return role


def served_number(conn: Connection, store_code: str, member_id: str) -> str:
    """The member's number, if ``store_code`` is their home store or holds them; else
    HQError ``member_unknown``."""
    m = t.member.c
    row = conn.execute(select(m.phone, m.store_code).where(m.id == member_id)).first()
    if row is None:
        raise HQError("member_unknown")
    if row.store_code != store_code:
        held_by = streams.holders(conn, [member_id]).get(member_id, set())
        if store_code not in held_by:
            raise HQError("member_unknown")
    return str(row.phone)
