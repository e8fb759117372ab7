"""Other stores' members as this counter holds them: their masked number, its last 4 digits
and the chain's keyed hash of it, and no payment-password verifier (``server.redact`` says
what HQ sends a store about a member of another store; the home store's counters get the
number and the verifier).

Such a member is found by the number typed or scanned (its hash under the chain's key, which
HQ sends with each pull, snapshot and fetch and this counter keeps in memory only:
``app.persistence.phone_keys``, ``UnitOfWork.member_by_phone``), by card and by the last 4
digits, as any other; the window and receipts show the masked number, the only one here.
Two members with one number are caught by hash too: a registration here whose number hashes
to an active held member's is refused as a duplicate, and a member arriving from HQ whose hash
matches an active member here (by hash, or by hashing the full numbers with the same last 4)
arrives as ``duplicate``, as for full numbers.

A payment password set for such a member is known here only as ``pay_password_at_hq``: a
stored-value payment of theirs sends the password typed to HQ over the signed channel
(``POST /v1/members/verify-pay-password``, :func:`check_password_at_hq`), which checks it
against the hash it holds and counts wrong tries like the home counter (the chain rules'
number in a row locks it until the home store sets a new one). The chain's rule offline: such
a payment is refused with the reason (HQ cannot be reached); cash and the other tenders,
top-ups and points are not affected. No verifier HQ could rotate is sent to counters.
"""

from __future__ import annotations

from typing import Any

from app.domain.errors import AuthenticationError, RuleError
from app.persistence import phone_keys, scopestore, syncstore
from app.persistence.tables import Member
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext


def phone_columns(m: dict[str, Any]) -> dict[str, Any]:
    """``phone``, ``phone_last4`` and ``phone_hash`` of a member as HQ sent it (a snapshot
    line's member or a registration's profile): the number, or its masked form and hash."""
    if m.get("phone"):
        return {"phone": m["phone"], "phone_last4": m["phone"][-4:], "phone_hash": None}
    return {
        "phone": m["phone_masked"],
        "phone_last4": m["phone_last4"],
        "phone_hash": m["phone_hash"],
    }


def clash(uow: UnitOfWork, m: dict[str, Any], member_id: str) -> Member | None:
    """Another active member here with the number of ``m`` (as HQ sent it), if any."""
    if m.get("phone"):
        found = uow.member_by_phone(m["phone"])
        return found if found is not None and found.id != member_id else None
    found = uow.member_by_phone_hash(m["phone_hash"])
    if found is not None and found.id != member_id:
        return found
    for other in scopestore.full_numbers_ending(uow, m["phone_last4"]):
        if other.id != member_id and uow.phone_hash(other.phone) == m["phone_hash"]:
            return other
    return None


def take_phone_key(uow: UnitOfWork, key: str | None) -> bool:
    """Keep the chain's phone key HQ sent, in this process's memory only
    (:mod:`app.persistence.phone_keys`); the database records which key its hashes are made
    with. True when that is another key (HQ rotated it, or this counter had none and may hold
    numbers from before): the hashes held are then stale, and the next sync round joins again
    from HQ's snapshot, which brings every member this store holds as it should have them."""
    store = uow.store()
    if not key or store is None:
        return False
    name = phone_keys.learn(key)
    if store.phone_key_id == name:
        return False
    store.phone_key_id = name
    state = syncstore.state_for_update(uow)
    if state.joined_at is None:
        return False
    state.joined_at = None
    return True


def knows_phone_key(ctx: CounterContext, key: str | None) -> bool:
    """Whether ``key`` is already the one this process and database use (the check a sync
    round makes on each pull before it writes anything)."""
    if not key:
        return True
    with ctx.lookup() as q:
        store = q.store()
        name = store.phone_key_id if store is not None else None
    return name is not None and phone_keys.key_for(name) == key


def check_password_at_hq(ctx: CounterContext, member_id: str, password: str | None) -> None:
    """The payment password of a member whose verifier stays at HQ, checked there (see the
    module doc); refused with the reason when wrong, locked, or HQ cannot be reached."""
    if not password:
        raise AuthenticationError("payment_password_required")
    status, left = (
        ctx.pay_passwords.verify(member_id, password)
        if ctx.pay_passwords is not None
        else ("unreachable", None)
    )
    if status in ("ok", "none"):
        return
    if status == "wrong":
        raise AuthenticationError("payment_password_wrong", left=left)
    if status == "locked":
        raise AuthenticationError("payment_password_locked_at_hq")  # reset at home only
    raise RuleError("payment_password_at_hq")
