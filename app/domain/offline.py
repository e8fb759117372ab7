"""Offline spending limits, set in HQ's rules and applied by the counter while HQ is unreachable.

Top-ups are always allowed. Stored-value and points spending offline are
limited per transaction, per member (the balance last synced with HQ minus what
was already spent offline) and by a window after the last successful sync.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.domain.errors import RuleError


@dataclass(frozen=True)
class OfflineLimits:
    per_txn_fen: int = 50_000  # one offline stored-value payment at most 500 yuan
    per_txn_points: int = 10_000
    window_hours: int = 24  # no stored-value or points spending this long after the last sync
    online_grace_seconds: int = 120  # a sync older than this means the counter is offline
    countcard_visits_per_card: int = 1  # visits of one count card between two syncs

    @classmethod
    def from_rules_extra(cls, extra: dict[str, Any]) -> OfflineLimits:
        data = extra.get("offline") or {}
        known = {k: int(v) for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def to_dict(self) -> dict[str, int]:
        return {
            "per_txn_fen": self.per_txn_fen,
            "per_txn_points": self.per_txn_points,
            "window_hours": self.window_hours,
            "online_grace_seconds": self.online_grace_seconds,
            "countcard_visits_per_card": self.countcard_visits_per_card,
        }


def is_offline(last_success: dt.datetime | None, now: dt.datetime, limits: OfflineLimits) -> bool:
    return last_success is None or now - last_success > dt.timedelta(
        seconds=limits.online_grace_seconds
    )


def check_offline_spend(
    limits: OfflineLimits,
    *,
    now: dt.datetime,
    last_success: dt.datetime | None,
    sv_fen: int,
    points: int,
    synced_sv_fen: int,
    offline_sv_spent_fen: int,
    synced_points: int,
    offline_points_spent: int,
) -> None:
    """Refuse an offline spend beyond the limits (amounts here are positive)."""
    if sv_fen <= 0 and points <= 0:
        return
    if last_success is None or now - last_success > dt.timedelta(hours=limits.window_hours):
        raise RuleError("offline_window_passed", hours=limits.window_hours)
    if sv_fen > limits.per_txn_fen:
        raise RuleError("offline_txn_limit", limit=limits.per_txn_fen, amount=sv_fen)
    if points > limits.per_txn_points:
        raise RuleError("offline_points_limit", limit=limits.per_txn_points, points=points)
    sv_left = synced_sv_fen - offline_sv_spent_fen
    if sv_fen > sv_left:
        raise RuleError("offline_member_limit", left=max(sv_left, 0), amount=sv_fen)
    points_left = synced_points - offline_points_spent
    if points > points_left:
        raise RuleError("offline_member_points", left=max(points_left, 0), points=points)


def check_offline_visit(
    limits: OfflineLimits,
    *,
    now: dt.datetime,
    last_success: dt.datetime | None,
    pending_visits: int,
) -> None:
    """Refuse an offline count-card visit beyond the per-card limit (visits HQ has not
    acknowledged) or after the offline window: two stores over-consuming one card offline
    is a conflict at HQ, and this keeps it small."""
    if last_success is None or now - last_success > dt.timedelta(hours=limits.window_hours):
        raise RuleError("offline_window_passed", hours=limits.window_hours)
    if pending_visits >= limits.countcard_visits_per_card:
        raise RuleError("countcard_offline_limit", limit=limits.countcard_visits_per_card)
