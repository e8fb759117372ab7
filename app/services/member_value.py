"""Members' lifecycle stages (新客 / 成长 / 成熟 / 沉睡 / 流失) and RFM scores, from the
counter's own transactions (rules: :mod:`app.domain.lifecycle`).

- :func:`recompute` judges every member at once: their stage (an entered/left history kept
  for each change, so a campaign can be measured against a stage) and their RFM scores
  against the month's quintile edges, computed on the month's first recompute and kept. The
  day close runs it (:mod:`app.services.closing`); ``lifecycle recompute`` runs it on demand.
- :func:`value_of` is one member's stage as of now, judged from their own visits (a member
  becomes 沉睡 by time alone, and a sale moves them at once), with their scores against the
  month's edges; the 360° view shows it.

The figures are the counter's own: another store's member held here is judged on what this
counter knows of them. They are derived data, not business operations: nothing is sent to
HQ, and a recompute can be run again at any time (it changes only the derived tables).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.lifecycle import (
    STAGES,
    Edges,
    Rfm,
    Thresholds,
    Visits,
    edges_of,
    median_gap,
    rfm,
    stage,
    thresholds_of,
    window_start,
)
from app.persistence import value_store
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext, load_rules
from app.services.lookup import resolve_member
from app.services.recording import record
from app.services.security import Actor, Permission, require


@dataclass(frozen=True)
class Recomputed:
    today: dt.date
    members: int
    stages: dict[str, int]
    moved: int  # members whose stage changed (or was judged for the first time)
    edges: Edges


@dataclass(frozen=True)
class MemberValueView:
    member_id: str
    stage: str
    since: dt.date | None  # the day they entered the stage; None: not yet recorded
    rfm: Rfm | None  # None: the month's edges are not computed yet
    month: str | None
    thresholds: Thresholds
    history: tuple[tuple[str, dt.date, dt.date | None], ...]  # (stage, entered, left)


def thresholds(uow: UnitOfWork) -> Thresholds:
    return thresholds_of(load_rules(uow).extra.get("lifecycle"))


def _month(today: dt.date) -> str:
    return f"{today:%Y-%m}"


@functools.lru_cache(maxsize=8192)
def _day(text: str) -> dt.date:
    """A day read as ISO text (a recompute reads a million; they are a few thousand days)."""
    return dt.date.fromisoformat(text[:10])


def _judge(
    today: dt.date,
    registered_on: dt.date,
    seen: tuple | None,
    gap: float | None,
    th: Thresholds,
) -> tuple[str, dt.date | None, int]:
    last_text, ever, recent = seen if seen is not None else (None, 0, 0)
    last = _day(last_text) if last_text is not None else None
    return stage(today, Visits(registered_on, last, ever, recent, gap), th), last, recent


def recompute(ctx: CounterContext, actor: Actor | None = None) -> Recomputed:
    """Judge every member now; one transaction (a crash leaves the last recompute whole).

    ``actor`` None: the counter's own run (the day close); a person needs ``report.view``."""
    if actor is not None:
        require(actor, Permission.REPORT_VIEW)
    with ctx.uow() as uow:
        today = ctx.business_date(uow)
        th = thresholds(uow)
        since = window_start(today)
        everyone = value_store.members(uow)
        seen = value_store.visits(uow, since)
        spent = value_store.spend(uow, since)
        days = value_store.visit_days(uow) if th.gap_factor is not None else {}
        month = _month(today)
        e = value_store.edges(uow, month)
        if e is None:
            start = since.isoformat()
            population = [
                ((today - _day(s[0])).days, s[2], spent.get(m, 0))
                for m, s in seen.items()
                if s[0] is not None and s[0] >= start
            ]
            e = edges_of(month, population)
            value_store.save_edges(uow, e, ctx.now())
        before = value_store.values(uow)
        rows, moves = [], []
        counts = dict.fromkeys(STAGES, 0)
        day_text = today.isoformat()
        for member_id, registered in everyone:
            gap = median_gap(days[member_id]) if member_id in days else None
            visited = seen.get(member_id)
            now_stage, last, recent = _judge(today, _day(registered), visited, gap, th)
            fen = spent.get(member_id, 0)
            score = rfm(today, last, recent, fen, e)
            held = before.get(member_id)
            if held is None or held[0] != now_stage:
                moves.append((member_id, now_stage, held is not None))
                stage_since = day_text
            else:
                stage_since = held[1]
            counts[now_stage] += 1
            rows.append((member_id, now_stage, stage_since, visited[0] if visited else None,
                         recent, fen, score.r, score.f, score.m, month, day_text))  # fmt: skip
        for i in range(0, len(rows), 5000):
            value_store.write_values(uow, rows[i : i + 5000])
        value_store.move_stages(uow, moves, today)
        if actor is not None:
            record(ctx, uow, actor, action="lifecycle.recompute", entity="lifecycle",
                   entity_id=month, before=None,
                   after={"members": len(rows), "moved": len(moves), "stages": counts},
                   event_type=None, payload={})  # fmt: skip
        uow.commit()
        return Recomputed(today, len(rows), counts, len(moves), e)


def value_of(ctx: CounterContext, actor: Actor, query: str) -> MemberValueView:
    """The member's stage now (from their own visits) and their RFM against the month's
    edges, with the history of their stages."""
    require(actor, Permission.MEMBER_VIEW)
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, query)
        return _value(ctx, uow, member.id, member.created_at.date())


def _value(
    ctx: CounterContext, uow: UnitOfWork, member_id: str, registered_on: dt.date
) -> MemberValueView:
    today = ctx.business_date(uow)
    th = thresholds(uow)
    since = window_start(today)
    seen = value_store.visits(uow, since, member_id).get(member_id)
    gap = None
    if th.gap_factor is not None:
        gap = median_gap(value_store.visit_days(uow, member_id).get(member_id, []))
    now_stage, last, recent = _judge(today, registered_on, seen, gap, th)
    e = value_store.edges(uow, _month(today))
    spent = value_store.spend(uow, since, member_id).get(member_id, 0)
    score = rfm(today, last, recent, spent, e) if e is not None else None
    held = value_store.value(uow, member_id)
    entries = tuple((h.stage, h.entered_on, h.left_on) for h in value_store.history(uow, member_id))
    return MemberValueView(
        member_id,
        now_stage,
        held.stage_since if held is not None and held.stage == now_stage else None,
        score,
        e.month if e is not None else None,
        th,
        entries,
    )


@dataclass(frozen=True)
class StageCounts:
    computed_on: dt.date | None
    stages: dict[str, int]
    edges: Edges | None


def stage_counts(ctx: CounterContext, actor: Actor) -> StageCounts:
    """How many members are in each stage, as of the last recompute, and the month's edges."""
    require(actor, Permission.REPORT_VIEW)
    with ctx.reader() as uow:
        counts = dict.fromkeys(STAGES, 0) | value_store.stage_counts(uow)
        on = value_store.last_computed(uow)
        e = value_store.edges(uow, _month(on)) if on is not None else None
        return StageCounts(on, counts, e)


def edges_text(e: Edges) -> str:
    return json.dumps(
        {"month": e.month, "members": e.members, "recency_days": list(e.recency),
         "frequency": list(e.frequency), "monetary_fen": list(e.monetary)},
        ensure_ascii=False,
    )  # fmt: skip


def stage_history(
    ctx: CounterContext, actor: Actor, query: str
) -> Sequence[tuple[str, dt.date, dt.date | None]]:
    return value_of(ctx, actor, query).history
