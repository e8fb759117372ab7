"""Members' lifecycle stages and RFM scores over a known population, against a computation of
the test's own from the raw transactions (the stage rules restated, not imported)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict

import pytest

from app.domain.errors import ValidationError
from app.domain.lifecycle import (
    DORMANT,
    GROWING,
    LOST,
    MATURE,
    NEW,
    quintile_edges,
    recency_score,
    score,
    thresholds_of,
)
from app.services import closing, member_value, rules_admin
from app.services.checkout import checkout
from app.services.stored_value import top_up
from tests.conftest import START
from tests.helpers import query, refused

VISIT = ("checkout", "topup", "countcard_sale", "countcard_visit")
SPEND = ("checkout", "refund")


def test_quintiles_and_scores() -> None:
    assert quintile_edges([]) == (0, 0, 0, 0)
    assert quintile_edges(list(range(1, 11))) == (2, 4, 6, 8)
    assert quintile_edges([7]) == (7, 7, 7, 7)
    assert quintile_edges([7, 1, 2, 6, 3, 5, 4]) == (2, 3, 5, 6)  # nearest rank: ceil(n·k/5)
    edges = (2, 4, 6, 8)
    assert [score(v, edges) for v in (1, 2, 3, 8, 9)] == [1, 1, 2, 4, 5]
    assert [recency_score(d, edges) for d in (0, 2, 3, 8, 9)] == [5, 5, 4, 2, 1]


@pytest.mark.parametrize(
    "bad",
    [
        {"dormant_days": 0},
        {"dormant_days": 400},  # not before lost_days
        {"lost_days": "365"},
        {"mature_visits": True},
        {"gap_factor": 0.5},
        {"gap_factor": "3"},
        {"unknown": 1},
        [],
    ],
)
def test_bad_thresholds_are_refused(bad) -> None:
    with pytest.raises(ValidationError):
        thresholds_of(bad)


def _expected_stage(today, registered_on, days, recent, dormant=90, lost=365, mature=5) -> str:
    last = max(days) if days else registered_on
    idle = (today - last).days
    if idle > lost:
        return LOST
    if idle > dormant:
        return DORMANT
    if len(days) <= 1:
        return NEW
    return GROWING if recent < mature else MATURE


def _quintiles(values: list[int]) -> list[int]:
    ordered = sorted(values)
    return [ordered[math.ceil(len(ordered) * k / 5) - 1] for k in (1, 2, 3, 4)]


def _seed(ctx, clock, cashier, register) -> list:
    """37 members, most coming at a rhythm of their own (every 4 days to once a year, some
    topping up too) over 420 days, built in time order."""
    rng = random.Random(7)
    members = []
    for i in range(30):
        clock.set(START + dt.timedelta(minutes=i))
        members.append(register(name=f"会员{i}", phone=f"1390000{i:04d}"))
    plan = []
    for m in members:
        every = rng.choice([4, 9, 20, 45, 120, 400, 1000])
        start = rng.randrange(1, 300)
        stop = rng.choice([420, 420, 300, 150])
        day = start
        while day < stop:
            plan.append((day, rng.randrange(60, 600), m, rng.random() < 0.2,
                         rng.randrange(1000, 50_000)))  # fmt: skip
            day += max(1, every + rng.randrange(-every // 3, every // 3 + 1))
    # Members at the edges: last seen 85, 91, 300 and 366 days before the end; four and five
    # visits in the last 12 months; and one who never came back after registering.
    edge_days = [[335 - 30, 335 - 20, 335], [329 - 30, 329 - 20, 329], [120, 121],
                 [2, 40, 54], [380, 390, 400, 410], [370, 380, 390, 400, 410]]  # fmt: skip
    for j, days in enumerate(edge_days):
        clock.set(START + dt.timedelta(minutes=40 + j))
        m = register(name=f"边界{j}", phone=f"1390001{j:04d}")
        members.append(m)
        plan += [(day, 30, m, False, 10_000 + 100 * j) for day in days]
    clock.set(START + dt.timedelta(minutes=50))
    members.append(register(name="只注册", phone="13900020000"))
    for day, minute, m, tops_up, fen in sorted(plan, key=lambda p: (p[0], p[1])):
        clock.set(START + dt.timedelta(days=day, minutes=minute))
        if tops_up:
            top_up(ctx, cashier, m.member_id, fen, "cash")
        else:
            checkout(ctx, cashier, m.member_id, fen, tenders=[("cash", fen)])
    clock.set(START + dt.timedelta(days=420, hours=1))
    return members


def _expected(ctx, today: dt.date) -> dict[str, tuple[str, tuple[int, int, int]]]:
    window = today - dt.timedelta(days=364)
    registered = {m: dt.datetime.fromisoformat(str(at)).date()
                  for m, at in query(ctx, "SELECT id, created_at FROM member")}  # fmt: skip
    days: dict[str, set[dt.date]] = defaultdict(set)
    spend: dict[str, int] = defaultdict(int)
    for m, kind, day, due in query(ctx, "SELECT member_id, kind, business_date, due_fen FROM txn "
                                        "WHERE member_id IS NOT NULL"):  # fmt: skip
        day = dt.date.fromisoformat(str(day))
        if kind in VISIT:
            days[m].add(day)
        if kind in SPEND and day >= window:
            spend[m] += due
    recent = {m: sum(1 for d in ds if d >= window) for m, ds in days.items()}
    active = [m for m in days if max(days[m]) >= window]
    r_edges = _quintiles([(today - max(days[m])).days for m in active])
    f_edges = _quintiles([recent[m] for m in active])
    m_edges = _quintiles([spend[m] for m in active])
    out = {}
    for m, reg in registered.items():
        stage = _expected_stage(today, reg, days[m], recent.get(m, 0))
        if m in active:
            idle = (today - max(days[m])).days
            scores = (1 + sum(idle <= e for e in r_edges), 1 + sum(recent[m] > e for e in f_edges),
                      1 + sum(spend[m] > e for e in m_edges))  # fmt: skip
        else:
            scores = (1, 1, 1)
        out[m] = (stage, scores)
    return out


def test_stages_and_rfm_of_a_known_population(ctx, clock, cashier, manager, register,
                                              snapshot) -> None:  # fmt: skip
    members = _seed(ctx, clock, cashier, register)
    refused(snapshot, "permission_denied", member_value.recompute, ctx, cashier)
    done = member_value.recompute(ctx, manager)
    expected = _expected(ctx, done.today)
    got = {m: (s, (r, f, mm)) for m, s, r, f, mm in query(
        ctx, "SELECT member_id, stage, r, f, m FROM member_value")}  # fmt: skip
    assert got == expected
    assert done.members == 37 and done.moved == 37
    by_stage = defaultdict(int)
    for stage, _scores in expected.values():
        by_stage[stage] += 1
    assert {s: n for s, n in done.stages.items() if n} == dict(by_stage)
    assert len(by_stage) >= 4, by_stage  # the population spans the stages
    counts = member_value.stage_counts(ctx, manager)
    assert counts.computed_on == done.today and counts.stages == done.stages
    # One member's view agrees, for a cashier too (the 360° view).
    m = members[0]
    view = member_value.value_of(ctx, cashier, m.member_id)
    assert view.stage == expected[m.member_id][0] and view.since == done.today
    assert view.rfm is not None and (view.rfm.r, view.rfm.f, view.rfm.m) == expected[m.member_id][1]
    assert view.history == ((view.stage, done.today, None),)


def test_time_alone_moves_a_member_and_the_history_records_it(ctx, clock, cashier, manager,
                                                                register) -> None:  # fmt: skip
    clock.set(START)
    m = register(name="王一", phone="13900001111")
    for day in (1, 8, 15, 22, 29, 36):
        clock.set(START + dt.timedelta(days=day, hours=1))
        checkout(ctx, cashier, m.member_id, 5_000, tenders=[("cash", 5_000)])
    first = member_value.recompute(ctx, manager)
    assert member_value.value_of(ctx, cashier, m.member_id).stage == MATURE
    edges = first.edges
    # Later the same month: more sales, but the month's edges stay as they were.
    clock.set(START + dt.timedelta(days=37, hours=1))
    checkout(ctx, cashier, m.member_id, 90_000, tenders=[("cash", 90_000)])
    assert member_value.recompute(ctx, manager).edges == edges
    # 91 days without a visit: dormant by time alone, before any recompute.
    clock.set(START + dt.timedelta(days=37 + 91, hours=2))
    view = member_value.value_of(ctx, cashier, m.member_id)
    assert view.stage == DORMANT and view.since is None  # not yet recorded
    again = member_value.recompute(ctx, manager)
    assert again.moved == 1 and again.edges.month != edges.month  # a new month's edges
    view = member_value.value_of(ctx, cashier, m.member_id)
    assert view.since == again.today
    assert view.history == ((MATURE, first.today, again.today), (DORMANT, again.today, None))
    # A visit brings them back at once.
    checkout(ctx, cashier, m.member_id, 1_000, tenders=[("cash", 1_000)])
    assert member_value.value_of(ctx, cashier, m.member_id).stage == MATURE  # 8 visits in 12 months
    assert member_value.recompute(ctx, manager).moved == 1


def test_the_members_own_rhythm_decides_when_they_sleep(ctx, clock, cashier, manager,
                                                        register, snapshot) -> None:  # fmt: skip
    clock.set(START)
    m = register(name="李二", phone="13900002222")
    for day in range(1, 50, 7):  # weekly
        clock.set(START + dt.timedelta(days=day, hours=1))
        checkout(ctx, cashier, m.member_id, 2_000, tenders=[("cash", 2_000)])
    clock.set(START + dt.timedelta(days=43 + 40, hours=2))  # 40 days since the last
    assert member_value.value_of(ctx, cashier, m.member_id).stage == MATURE  # 90 days by default
    refused(snapshot, "lifecycle_gap_factor", rules_admin.update_rules, ctx, manager,
            lifecycle={"gap_factor": 50})  # fmt: skip
    rules_admin.update_rules(ctx, manager, lifecycle={"gap_factor": 3})
    # 3 × a 7-day gap is 21 days, held to at least 30: 40 days asleep.
    assert member_value.value_of(ctx, cashier, m.member_id).stage == DORMANT


def test_the_day_close_judges_the_members_again(ctx, clock, cashier, manager, register) -> None:
    clock.set(START)
    m = register(name="赵三", phone="13900003333")
    clock.advance(hours=1)
    checkout(ctx, cashier, m.member_id, 2_000, tenders=[("cash", 2_000)])
    closing.close_day(ctx, manager)
    assert query(ctx, "SELECT stage, computed_on FROM member_value") == [(NEW, "2026-03-16")]
