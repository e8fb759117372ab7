"""The store a counter database holds, read with the standard library's sqlite3 alone.

The window shows its sign-in screen from this while the rest of the core (SQLAlchemy, the
migrations check, the devices, the sync) opens on a thread behind it. It only ever reads,
through a read-only connection; anything unexpected — no file, no store yet, a schema it
does not know, a locked or damaged file — is "no answer", and the caller opens the database
the full way, which migrates, repairs or explains.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.domain.store import StoreInfo

DB_FILENAME = "counter.sqlite3"  # app.persistence.db opens the same file


def peek_store(data_dir: Path) -> StoreInfo | None:
    """The store in ``data_dir``'s counter database, or None when it cannot say."""
    path = data_dir / DB_FILENAME
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
    except sqlite3.Error:
        return None
    try:
        store = connection.execute(
            "SELECT code, name, device_id, timezone FROM store LIMIT 1"
        ).fetchone()
        if store is None:
            return None
        (longest,) = connection.execute(
            "SELECT max(length(staff_no)) FROM staff WHERE active"
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    code, name, device_id, timezone = store
    return StoreInfo(code, name, device_id, timezone, staff_no_max=int(longest or 0) or 32)
