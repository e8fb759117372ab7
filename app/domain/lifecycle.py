"""A member's lifecycle stage and RFM scores, from their visits and spend (pure rules).

Stages (default thresholds; a chain sets its own in the rules' ``extra["lifecycle"]``):

- 流失 lost: no visit for more than ``lost_days`` (365) days;
- 沉睡 dormant: no visit for more than ``dormant_days`` (90) days — or, with ``gap_factor``
  k set, for more than k × the member's own median gap between visits (a member who comes
  every week is dormant sooner than one who comes every quarter), once they have three visits
  or more; the limit is kept between 30 days and ``lost_days``;
- 新客 new: at most one visit so far (and not dormant);
- 成长 growing: fewer than ``mature_visits`` (5) visits in the last 12 months;
- 成熟 mature: the rest.

A member who never visited counts from the day they registered. A visit is a business day
on which the member bought, topped up, bought or used a count card (several transactions on
one day are one visit).

RFM: recency (days since the last visit), frequency (visits in 12 months) and monetary
(spend in 12 months, refunds taken off), each scored 1–5 against quintile edges. The edges
are computed once a month over the members who visited in the last 12 months and kept for
the month, so a score means the same thing all month; 5 is best (the most recent, the most
visits, the most spend).
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.errors import ValidationError

NEW, GROWING, MATURE, DORMANT, LOST = "new", "growing", "mature", "dormant", "lost"
STAGES = (NEW, GROWING, MATURE, DORMANT, LOST)
STAGE_WORDS = {
    NEW: ("新客", "New"),
    GROWING: ("成长", "Growing"),
    MATURE: ("成熟", "Mature"),
    DORMANT: ("沉睡", "Dormant"),
    LOST: ("流失", "Lost"),
}
WINDOW_DAYS = 365  # the 12 months frequency and spend count over
MIN_GAP_LIMIT_DAYS = 30


@dataclass(frozen=True)
class Thresholds:
    dormant_days: int = 90
    lost_days: int = 365
    mature_visits: int = 5
    gap_factor: float | None = None  # k: dormant after k × the member's median gap

    def wire(self) -> dict[str, Any]:
        return {
            "dormant_days": self.dormant_days,
            "lost_days": self.lost_days,
            "mature_visits": self.mature_visits,
            "gap_factor": self.gap_factor,
        }


def thresholds_of(data: Any) -> Thresholds:
    """The thresholds in a rules file's ``extra["lifecycle"]`` (absent: the defaults)."""
    if data is None:
        return Thresholds()
    if not isinstance(data, dict) or set(data) - set(Thresholds().wire()):
        raise ValidationError("lifecycle_keys")
    merged = {**Thresholds().wire(), **data}
    for key in ("dormant_days", "lost_days", "mature_visits"):
        value = merged[key]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 3660:
            raise ValidationError("lifecycle_whole_days", field=key)
    if merged["dormant_days"] >= merged["lost_days"]:
        raise ValidationError("lifecycle_dormant_before_lost")
    k = merged["gap_factor"]
    if k is not None and (
        isinstance(k, bool) or not isinstance(k, int | float) or not 1 <= float(k) <= 20
    ):
        raise ValidationError("lifecycle_gap_factor")
    return Thresholds(
        merged["dormant_days"],
        merged["lost_days"],
        merged["mature_visits"],
        None if k is None else float(k),
    )


@dataclass(frozen=True)
class Visits:
    """What the stage reads of one member."""

    registered_on: dt.date
    last_visit: dt.date | None
    visits: int  # visit days ever
    visits_12m: int  # visit days in the last 12 months
    median_gap_days: float | None = None  # between visit days; None: fewer than 3 visits


def median_gap(days: Sequence[dt.date]) -> float | None:
    """The median number of days between consecutive visit days (three visits or more)."""
    ordered = sorted(set(days))
    if len(ordered) < 3:
        return None
    return float(statistics.median((b - a).days for a, b in itertools.pairwise(ordered)))


def dormant_limit(th: Thresholds, v: Visits) -> int:
    """Days without a visit after which the member is dormant."""
    if th.gap_factor is None or v.median_gap_days is None:
        return th.dormant_days
    limit = round(th.gap_factor * v.median_gap_days)
    return max(MIN_GAP_LIMIT_DAYS, min(limit, th.lost_days))


def stage(today: dt.date, v: Visits, th: Thresholds) -> str:
    idle = (today - (v.last_visit or v.registered_on)).days
    if idle > th.lost_days:
        return LOST
    if idle > dormant_limit(th, v):
        return DORMANT
    if v.visits <= 1:
        return NEW
    if v.visits_12m < th.mature_visits:
        return GROWING
    return MATURE


def window_start(today: dt.date) -> dt.date:
    """The first day the 12 months count."""
    return today - dt.timedelta(days=WINDOW_DAYS - 1)


# -- RFM ----------------------------------------------------------------------------------
Quintiles = tuple[int, int, int, int]


@dataclass(frozen=True)
class Edges:
    """The month's quintile edges: a value above the k-th edge scores at least k + 1."""

    month: str  # YYYY-MM
    recency: Quintiles  # days since the last visit (fewer is better)
    frequency: Quintiles
    monetary: Quintiles  # fen
    members: int  # the population they were computed over


def quintile_edges(values: Sequence[int]) -> Quintiles:
    """The 20th, 40th, 60th and 80th percentiles (nearest rank) of ``values``."""
    if not values:
        return (0, 0, 0, 0)
    ordered = sorted(values)
    n = len(ordered)
    picks = [ordered[max(0, -(-n * k // 5) - 1)] for k in (1, 2, 3, 4)]
    return (picks[0], picks[1], picks[2], picks[3])


def score(value: int, edges: Quintiles) -> int:
    """1–5: one more than the number of edges ``value`` is above."""
    return 1 + sum(1 for e in edges if value > e)


def recency_score(days: int, edges: Quintiles) -> int:
    """1–5, the most recent best: one more than the number of edges ``days`` is at or below
    (so the quintile of the fewest days scores 5)."""
    return 1 + sum(1 for e in edges if days <= e)


@dataclass(frozen=True)
class Rfm:
    recency_days: int | None  # None: never visited
    frequency: int
    monetary_fen: int
    r: int
    f: int
    m: int

    def text(self) -> str:
        return f"{self.r}-{self.f}-{self.m}"


def rfm(
    today: dt.date, last_visit: dt.date | None, visits_12m: int, spend_12m_fen: int, e: Edges
) -> Rfm:
    if last_visit is None or last_visit < window_start(today):
        days = None if last_visit is None else (today - last_visit).days
        return Rfm(days, visits_12m, spend_12m_fen, 1, 1, 1)  # no visit in the 12 months
    days = (today - last_visit).days
    return Rfm(
        days,
        visits_12m,
        spend_12m_fen,
        recency_score(days, e.recency),
        score(visits_12m, e.frequency),
        score(spend_12m_fen, e.monetary),
    )


def edges_of(month: str, population: Sequence[tuple[int, int, int]]) -> Edges:
    """The edges over ``population``: (recency days, visits, spend) of each member who visited
    in the 12 months."""
    return Edges(
        month,
        quintile_edges([p[0] for p in population]),
        quintile_edges([p[1] for p in population]),
        quintile_edges([p[2] for p in population]),
        len(population),
    )
