"""What HQ sends a store about another store's members: enough to find and serve them, never
their full phone number nor their payment-password verifier.

A member whose home store (``hq_member.store_code``) is not the receiving store reaches that
store's counters — an online fetch, a snapshot line of a member it holds, a change in its
stream, a ``sync repair`` — with, in place of ``phone`` and the password hash:

- ``phone_masked`` (138****8000) and ``phone_last4``;
- ``phone_hash``: HMAC-SHA256 of the number under the chain's phone key
  (:func:`app.domain.phone.phone_hash`), so a counter hashes a number typed or scanned and
  finds the member exactly, offline too;
- ``password_at_hq``: the member has a payment password, whose verifier stays at HQ (a
  stored-value payment of such a member is checked online: ``/v1/members/verify-pay-password``).

The home store's counters get everything, as before. The phone key is one for the whole chain
(the ``phone_key`` row of ``hq_counter``, made with the database like the epoch) and goes to
every counter with the snapshot header, each fetch and each pull's answer (the
``X-MC-Phone-Key`` header). A counter keeps it in memory only (app.persistence.phone_keys):
its file names the key (a hash of it) but does not hold it, so a copy of the file cannot be
used to hash every mobile number and read the other stores' numbers back. A running counter
can test a guessed number against a hash, as it must to find a member offline; that needs
the device's own signed requests, which HQ logs and a revocation stops.

Rotating the key (``member-hq phone-key rotate``, :func:`rotate_key`) changes every hash a
counter holds: a counter that receives a key other than the one it has (at its next pull)
joins again from its snapshot, which brings every member it holds with a hash under the new
key (it cannot rehash them itself: it never had their numbers). Changes stored in the
streams before the rotation keep the old hashes; the snapshot supersedes them.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Connection, insert, select, update

from app.domain.phone import mask_phone, phone_hash
from server import tables as t

PHONE_KEY = "phone_key"  # the hq_counter row
PHONE_EVENTS = ("member.registered", "member.imported")  # payload["member"]["phone"]
PASSWORD_EVENT = "member.payment_password_set"  # payload["password_hash"]
EVENTS = (*PHONE_EVENTS, PASSWORD_EVENT)


def new_key() -> int:
    return secrets.randbits(62) or 1


def key_text(value: int) -> str:
    return f"{value:016x}"


def phone_key(conn: Connection) -> str:
    """The chain's phone key (made now if this database has none yet)."""
    value = conn.scalar(select(t.counter.c.value).where(t.counter.c.name == PHONE_KEY))
    if value is None:
        value = new_key()
        conn.execute(insert(t.counter).values(name=PHONE_KEY, value=value))
    return key_text(int(value))


def rotate_key(conn: Connection) -> str:
    """A new phone key for the chain (see the module doc for what counters then do)."""
    phone_key(conn)
    value = new_key()
    conn.execute(update(t.counter).where(t.counter.c.name == PHONE_KEY).values(value=value))
    return key_text(value)


def phone_fields(key: str, phone: str) -> dict[str, str]:
    return {
        "phone_masked": mask_phone(phone),
        "phone_last4": phone[-4:],
        "phone_hash": phone_hash(key, phone),
    }


def member(data: dict[str, Any], key: str) -> dict[str, Any]:
    """A snapshot line's member dict as another store receives it."""
    out = {k: v for k, v in data.items() if k not in ("phone", "pay_password_hash")}
    out.update(phone_fields(key, data["phone"]))
    out["password_at_hq"] = data.get("pay_password_hash") is not None
    return out


def needed(body: dict[str, Any]) -> bool:
    """Whether an event's body carries what another store must not receive."""
    return body.get("type") in EVENTS


def member_of(body: dict[str, Any]) -> str | None:
    payload = body.get("payload") or {}
    if body.get("type") in PHONE_EVENTS:
        return (payload.get("member") or {}).get("member_id")
    return payload.get("member_id")


def event(body: dict[str, Any], key: str) -> dict[str, Any]:
    """An event's body as a store other than the member's home store receives it."""
    payload = dict(body["payload"])
    if body["type"] in PHONE_EVENTS:
        new = {k: v for k, v in payload["member"].items() if k != "phone"}
        new.update(phone_fields(key, payload["member"]["phone"]))
        payload["member"] = new
    elif body["type"] == PASSWORD_EVENT:
        payload.pop("password_hash", None)
        payload["password_at_hq"] = True
    return {**body, "payload": payload}
