"""Another store's member's full phone number, for a role that may see full numbers.

This counter holds such a member's number masked (:mod:`app.services.foreign`); a manager who
needs the number (to call the member back, say) asks HQ for it at that moment
(``POST /v1/members/phone``: HQ checks the staff and that this store serves the member) and
it is shown, never stored. Each number given is written in this counter's audit log as
``member.phone_viewed`` (who, whose; never the number), after HQ answered.
"""

from __future__ import annotations

from collections.abc import Callable

from app.domain.errors import NotFoundError
from app.services.context import CounterContext
from app.services.recording import record
from app.services.security import Actor, Permission, require

# (member id, staff id, staff number) -> the full number; raises CounterError when HQ cannot
# answer or refuses (sync.phones).
PhoneAsker = Callable[[str, str, str | None], str]


def full_phone(ctx: CounterContext, actor: Actor, member_id: str, ask: PhoneAsker) -> str:
    """The member's full number: here for a member of this store's, else from HQ (audited)."""
    require(actor, Permission.MEMBER_VIEW_PHONE)
    with ctx.reader() as uow:
        member = uow.member(member_id)
        if member is None:
            raise NotFoundError("member_not_found", query=member_id)
        phone, at_hq = member.phone, bool(member.phone_hash)
    if not at_hq:
        return str(phone)  # the number is here: shown to this role as always
    number = ask(member_id, actor.staff_id, actor.staff_no)
    with ctx.uow() as uow:
        record(
            ctx,
            uow,
            actor,
            action="member.phone_viewed",
            entity="member",
            entity_id=member_id,
            before=None,
            after={"from": "hq"},
            event_type=None,
            payload={},
        )
        uow.commit()
    return number
