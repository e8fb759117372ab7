"""The history window: how much of a member's history a counter keeps.

A counter enrolled with HQ keeps its members' last ``HISTORY_DAYS`` days (18 months) of
transactions and ledger rows; HQ keeps everything and serves what is older on request. What
the stored-value rows before the window add up to is kept as one *carried* row (结转) dated
at the window's start, with a transaction of kind ``carried`` for it, so a balance is still
the sum of the member's rows. Points need no such row: a lot whose entries sum to zero (used
up or expired) goes with its entries, and a lot with points left stays whole.

The carried rows' ids are made from the member and the window's start, so HQ and a counter
that carry the same history forward name the same rows, and a member fetched again carries
nothing twice.
"""

from __future__ import annotations

import datetime as dt
import uuid

HISTORY_DAYS = 548  # 18 months
CARRIED = "carried"  # the kind of the carried transaction and stored-value row
_NAMESPACE = uuid.UUID("6f1c2a4e-93b0-5d7e-a1f4-0c8e2b9d7a31")


def window_start(today: dt.date, days: int = HISTORY_DAYS) -> dt.date:
    """The first day a counter keeps: rows of transactions before it are carried."""
    return today - dt.timedelta(days=days)


def window_start_at(since: dt.date) -> dt.datetime:
    """The window's start as a moment (naive UTC midnight, as rows store their times)."""
    return dt.datetime.combine(since, dt.time())


def carried_ids(member_id: str, since: dt.date) -> tuple[str, str]:
    """(transaction id, stored-value entry id) of the member's carried row at ``since``."""
    key = f"{member_id}:{since.isoformat()}"
    return (str(uuid.uuid5(_NAMESPACE, "txn:" + key)), str(uuid.uuid5(_NAMESPACE, "sv:" + key)))
