"""Service tickets on a real counter file (issue 18, point 5): the allowed moves and the SLA as
pure functions; tickets opened, handled, resolved, closed and reopened with one event, one
audit entry and one history entry each; permissions; overdue by a moved clock; the report's
figures against a computation of their own."""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
from functools import partial

import pytest

from app.domain import tickets as d
from app.services import tickets
from tests.conftest import MANAGER_NO
from tests.helpers import query, refused

PHONE = "13800138000"


def test_the_allowed_moves() -> None:
    moves = {(a, b) for a in d.STATUSES for b in d.STATUSES if d.allowed(a, b)}
    assert moves == {
        ("new", "in_progress"), ("new", "resolved"), ("in_progress", "resolved"),
        ("resolved", "closed"), ("resolved", "in_progress"), ("closed", "in_progress"),
    }  # fmt: skip
    assert d.is_reopen("closed", "in_progress") and d.is_reopen("resolved", "in_progress")
    assert not d.is_reopen("new", "in_progress")
    assert d.next_statuses("resolved") == ("in_progress", "closed")


def test_the_sla_of_each_priority() -> None:
    opened = dt.datetime(2026, 3, 15, 2, 0)
    assert d.due_at(opened, "urgent") == dt.datetime(2026, 3, 15, 6, 0)
    assert d.due_at(opened, "high") == dt.datetime(2026, 3, 16, 2, 0)
    assert d.due_at(opened, "normal") == dt.datetime(2026, 3, 18, 2, 0)
    assert d.due_at(opened, "low") == dt.datetime(2026, 3, 22, 2, 0)
    due = d.due_at(opened, "urgent")
    assert not d.is_overdue("new", due, due)  # at the due time: not yet
    assert d.is_overdue("in_progress", due, due + dt.timedelta(seconds=1))
    assert not d.is_overdue("resolved", due, due + dt.timedelta(days=1))


def _counts(ctx) -> tuple[int, int, int]:
    events = query(ctx, "SELECT COUNT(*) FROM outbox WHERE type LIKE 'ticket.%'")[0][0]
    audit = query(ctx, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'ticket.%'")[0][0]
    entries = query(ctx, "SELECT COUNT(*) FROM ticket_entry")[0][0]
    return events, audit, entries


def test_a_ticket_from_opening_to_closing_and_reopened(ctx, manager, cashier, register,
                                                       clock) -> None:  # fmt: skip
    m = register("张三", PHONE)
    t = tickets.open_ticket(ctx, cashier, PHONE, kind="complaint", priority="high",
                            subject="咖啡凉了", body="第二杯也是凉的")  # fmt: skip
    assert re.fullmatch(r"T-S001-[0-9A-F]{4}-000001", t.number), t.number  # store, counter, seq
    assert t.status == "new" and t.member_id == m.member_id
    assert t.due_at == ctx.now() + dt.timedelta(hours=24)
    assert t.phone == "138****8000" and t.opened_by == "c01"
    assert _counts(ctx) == (1, 1, 1)
    opened = json.loads(query(ctx, "SELECT payload FROM outbox WHERE type='ticket.opened'")[0][0])
    assert opened["member_id"] == m.member_id and opened["ticket"]["number"] == t.number
    assert opened["ticket"]["store_code"] == "S001" and opened["staff_no"] == "c01"

    second = tickets.open_ticket(ctx, cashier, PHONE, kind="consultation", subject="积分")
    assert second.number == t.number[:-1] + "2" and second.priority == "normal"

    clock.advance(hours=1)
    t = tickets.update_ticket(ctx, manager, t.number, status="in_progress", assignee=MANAGER_NO,
                              note="已致电会员")  # fmt: skip
    assert (t.status, t.assignee) == ("in_progress", MANAGER_NO)
    clock.advance(hours=2)
    t = tickets.update_ticket(ctx, manager, t.number, status="resolved", resolution="换了一杯")
    assert t.status == "resolved" and t.resolution == "换了一杯"
    assert t.resolved_at == ctx.now()
    t = tickets.update_ticket(ctx, cashier, t.number, satisfaction=4, note="会员满意")
    assert t.satisfaction == 4
    t = tickets.update_ticket(ctx, manager, t.number, status="closed")
    t = tickets.update_ticket(ctx, manager, t.number, status="in_progress", note="又来投诉")
    assert t.status == "in_progress" and t.resolved_at is None and not t.overdue
    assert _counts(ctx) == (7, 7, 7)

    detail = tickets.show_ticket(ctx, t.number.lower())
    assert [e.action for e in detail.history] == [
        "opened", "updated", "updated", "updated", "updated", "reopened"]  # fmt: skip
    assert detail.history[1].changes == {"status": ["new", "in_progress"],
                                         "assignee": [None, MANAGER_NO]}  # fmt: skip
    assert detail.history[1].note == "已致电会员"
    assert detail.history[-1].changes == {"status": ["closed", "in_progress"]}
    updated = [json.loads(p) for (p,) in
               query(ctx, "SELECT payload FROM outbox WHERE type='ticket.updated' ORDER BY "
                          "device_seq")]  # fmt: skip
    assert updated[1]["changes"] == {"status": ["in_progress", "resolved"],
                                     "resolution": [None, "换了一杯"]}  # fmt: skip
    assert all(u["ticket_id"] == t.ticket_id and u["member_id"] == m.member_id for u in updated)
    audit = query(ctx, "SELECT action, entity_id FROM audit_log WHERE action LIKE 'ticket.%'")
    assert {a for a, _ in audit} == {"ticket.open", "ticket.update"}
    # The ticket's own row holds what the history says last.
    row = query(ctx, "SELECT status, assignee, resolution, satisfaction FROM ticket "
                     "WHERE number = ?", t.number)  # fmt: skip
    assert row == [("in_progress", MANAGER_NO, "换了一杯", 4)]
    assert [v.number for v in tickets.list_tickets(ctx, member=PHONE)] == [
        second.number, t.number]  # fmt: skip
    assert [v.number for v in tickets.list_tickets(ctx, status="new")] == [second.number]


def test_refusals_change_nothing(ctx, manager, cashier, register, snapshot) -> None:
    register("张三", PHONE)
    t = tickets.open_ticket(ctx, cashier, PHONE, kind="feedback", subject="灯太暗")

    def bad(error: str, fn, *args, **kw) -> None:
        refused(snapshot, error, partial(fn, ctx, *args, **kw))

    bad("ticket_kind_invalid", tickets.open_ticket, cashier, PHONE, kind="praise", subject="x")
    bad("ticket_priority_invalid", tickets.open_ticket, cashier, PHONE, kind="feedback",
        priority="asap", subject="x")  # fmt: skip
    bad("ticket_subject_required", tickets.open_ticket, cashier, PHONE, kind="feedback",
        subject="  ")  # fmt: skip
    bad("ticket_subject_too_long", tickets.open_ticket, cashier, PHONE, kind="feedback",
        subject="长" * 61)  # fmt: skip
    bad("text_control_chars", tickets.open_ticket, cashier, PHONE, kind="feedback",
        subject="a\x00b")  # fmt: skip
    bad("member_not_found", tickets.open_ticket, cashier, "13900000000", kind="feedback",
        subject="x")  # fmt: skip
    # A cashier opens tickets and adds notes, but does not handle them.
    bad("permission_denied", tickets.update_ticket, cashier, t.number, status="in_progress")
    bad("permission_denied", tickets.update_ticket, cashier, t.number, assignee=MANAGER_NO)
    bad("permission_denied", tickets.update_ticket, cashier, t.number, status="resolved",
        resolution="好了")  # fmt: skip
    bad("ticket_resolution_required", tickets.update_ticket, manager, t.number, status="resolved")
    bad("ticket_move_refused", tickets.update_ticket, manager, t.number, status="closed")
    bad("ticket_satisfaction_too_early", tickets.update_ticket, cashier, t.number,
        satisfaction=5)  # fmt: skip
    bad("ticket_assignee_unknown", tickets.update_ticket, manager, t.number, assignee="x99")
    bad("ticket_nothing_changed", tickets.update_ticket, manager, t.number, status="new")
    bad("ticket_unknown", tickets.update_ticket, manager, "T-S001-0000-000099", note="x")
    bad("ticket_number_invalid", tickets.update_ticket, manager, "123", note="x")
    bad("ticket_status_invalid", tickets.update_ticket, manager, t.number, status="done")
    tickets.update_ticket(ctx, manager, t.number, status="resolved", resolution="换灯泡")
    bad("ticket_satisfaction_invalid", tickets.update_ticket, cashier, t.number, satisfaction=6)
    tickets.update_ticket(ctx, manager, t.number, status="closed")
    bad("ticket_closed", tickets.update_ticket, manager, t.number, assignee=MANAGER_NO)
    bad("ticket_move_refused", tickets.update_ticket, manager, t.number, status="resolved")
    bad("permission_denied", tickets.report, cashier)
    # A note on a closed ticket, and the satisfaction, still go in.
    assert tickets.update_ticket(ctx, cashier, t.number, satisfaction=5, note="回访").satisfaction


def test_overdue_by_the_clock(ctx, manager, cashier, register, clock) -> None:
    register("张三", PHONE)
    urgent = tickets.open_ticket(ctx, cashier, PHONE, kind="complaint", priority="urgent",
                                 subject="收银错了")  # fmt: skip
    normal = tickets.open_ticket(ctx, cashier, PHONE, kind="consultation", subject="营业时间")
    assert tickets.overdue_tickets(ctx) == []
    clock.advance(hours=4)
    assert tickets.overdue_tickets(ctx) == []  # due now, not past it
    clock.advance(minutes=1)
    assert [t.number for t in tickets.overdue_tickets(ctx)] == [urgent.number]
    assert [t.number for t in tickets.list_tickets(ctx, overdue=True)] == [urgent.number]
    clock.advance(hours=68)
    assert [t.number for t in tickets.overdue_tickets(ctx)] == [normal.number, urgent.number]
    tickets.update_ticket(ctx, manager, urgent.number, status="resolved", resolution="退款")
    assert [t.number for t in tickets.overdue_tickets(ctx)] == [normal.number]
    assert [t.overdue for t in tickets.list_tickets(ctx)] == [True, False]
    assert tickets.overdue_tickets(ctx, store="S002") == []


def test_the_report_equals_an_independent_computation(ctx, manager, cashier, register,
                                                      clock) -> None:  # fmt: skip
    register("张三", PHONE)
    plan = [("complaint", 3.0), ("complaint", 10.5), ("complaint", None),
            ("consultation", 1.0), ("feedback", 30.0), ("feedback", None)]  # fmt: skip
    opened: list[tuple[str, str, float | None]] = []
    for kind, hours in plan:
        t = tickets.open_ticket(ctx, cashier, PHONE, kind=kind, subject=kind)
        opened.append((t.number, kind, hours))
        clock.advance(minutes=7)
    start = ctx.now()
    for num, _kind, hours in opened:
        if hours is None:
            continue
        clock.set(dt.datetime.fromisoformat(
            query(ctx, "SELECT opened_at FROM ticket WHERE number=?", num)[0][0]
        ).replace(tzinfo=dt.UTC) + dt.timedelta(hours=hours))  # fmt: skip
        tickets.update_ticket(ctx, manager, num, status="resolved", resolution="处理完")
    clock.set(start.replace(tzinfo=dt.UTC) + dt.timedelta(days=10))
    tickets.update_ticket(ctx, manager, opened[0][0], status="closed")  # closed still counts
    r = tickets.report(ctx, manager)

    def expect(rows: list[tuple[str, str, float | None]]) -> tuple[int, int, float, float]:
        hours = [h for _n, _k, h in rows if h is not None]
        return len(rows), len(hours), round(statistics.fmean(hours), 2), round(
            statistics.median(hours), 2)  # fmt: skip

    def got(f: tickets.Figures) -> tuple[int, int, float | None, float | None]:
        return f.total, f.resolved, f.mean_hours, f.median_hours

    assert got(r.total) == expect(opened)
    for kind in ("complaint", "consultation", "feedback"):
        assert got(r.by_kind[kind]) == expect([o for o in opened if o[1] == kind]), kind
    assert list(r.by_store) == ["S001"] and got(r.by_store["S001"]) == expect(opened)
    assert r.by_kind["complaint"].by_status == {"closed": 1, "resolved": 1, "new": 1}
    # Ten days on, the two unresolved ones (normal: 72 h) are overdue.
    assert r.total.overdue == 2 and r.by_kind["feedback"].overdue == 1
    assert r.to_dict()["by_kind"]["complaint"]["mean_hours"] == pytest.approx(6.75)
