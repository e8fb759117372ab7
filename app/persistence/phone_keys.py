"""The chain's phone key, in this process's memory only.

Another store's member reaches this counter with the keyed hash of their number
(``server.redact``); the counter hashes a number typed or scanned with the same key to find
them. The key is never written to the counter's database, its backups or its logs: anyone
holding a copy of the file could otherwise hash every possible mobile number and read the
numbers back. HQ sends it with each pull, snapshot and fetch (signed requests); the counter
keeps it here, keyed by the name the database stores (``store.phone_key_id``), so every unit
of work on any database of this chain in the process finds it.

Until this process has synced once (a counter started offline), other stores' members are
found by card, by the last 4 digits and by name (a list the cashier chooses from), not by the
full number; a registration then cannot see that the number is another store's member's, and
HQ lists the two as a duplicate pair to merge.
"""

from __future__ import annotations

import threading

from app.domain.phone import phone_key_id

_lock = threading.Lock()
_keys: dict[str, str] = {}


def learn(key: str) -> str:
    """Keep ``key`` for this process; returns its name (``phone_key_id``)."""
    name = phone_key_id(key)
    with _lock:
        _keys[name] = key
    return name


def key_for(name: str | None) -> str | None:
    """The key named ``name``, when this process has been given it."""
    if not name:
        return None
    with _lock:
        return _keys.get(name)


def forget_all() -> None:
    """Drop every key (tests: a counter process started again)."""
    with _lock:
        _keys.clear()
