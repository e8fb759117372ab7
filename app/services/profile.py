"""Changing a member's profile (name, gender, birthday, e-mail, address).

Each field written carries a hybrid-logical-clock stamp, so when two stores
change the same member while apart, every copy keeps the latest write of each
field (last writer wins per field); money and points are never handled here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.errors import ValidationError
from app.domain.hlc import ZERO, Stamp, tick
from app.persistence import syncstore
from app.services.context import CounterContext
from app.services.home import ensure_home_member
from app.services.lookup import MemberView, member_view, resolve_member
from app.services.members import Registration, clean_registration
from app.services.recording import record
from app.services.remote import apply_profile, node_of
from app.services.security import Actor, Permission, require

_UNSET: Any = object()


def update_profile(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    *,
    name: str | None = None,
    gender: str | None = None,
    birthday: dt.date | str | None = None,
    email: str | None = None,
    address: str | None = None,
) -> MemberView:
    """Change the given fields (None leaves a field as it is); one transaction."""
    require(actor, Permission.MEMBER_EDIT)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, query)
        ensure_home_member(uow, member)
        probe = Registration(
            name=name if name is not None else member.name,
            # (only the other fields are checked: another store's member has no number here)
            phone=member.phone if member.phone_hash is None else "13800000000",
            consent=True,
            birthday=birthday,
            gender=gender,
            email=email,
            address=address,
        )
        clean = clean_registration(probe, ctx.business_date(uow))
        wanted: dict[str, Any] = {}
        if name is not None and clean.name != member.name:
            wanted["name"] = clean.name
        if gender is not None and clean.gender != member.gender:
            wanted["gender"] = clean.gender
        if birthday is not None and clean.birthday != member.birthday:
            wanted["birthday"] = clean.birthday.isoformat() if clean.birthday else None
        if email is not None and clean.email != member.email:
            wanted["email"] = clean.email
        if address is not None and clean.address != member.address:
            wanted["address"] = clean.address
        if not wanted:
            raise ValidationError("profile_unchanged")
        state = syncstore.state_for_update(uow)
        last = Stamp.parse(state.hlc) if state.hlc else ZERO
        stamp = tick(last, int(ctx.clock.now().timestamp() * 1000), node_of(uow)).text()
        state.hlc = stamp
        before = {k: _text(getattr(member, k)) for k in wanted}
        apply_profile(ctx, uow, state, member, {k: (v, stamp) for k, v in wanted.items()})
        record(
            ctx,
            uow,
            actor,
            action="member.update_profile",
            entity="member",
            entity_id=member.id,
            before=before,
            after=wanted,
            event_type="member.profile_updated",
            payload={
                "member_id": member.id,
                "fields": {k: {"value": v, "hlc": stamp} for k, v in wanted.items()},
            },
        )
        view = member_view(ctx, uow, member, actor)
        uow.commit()
        return view


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
