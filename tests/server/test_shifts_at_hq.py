"""A cashier's shift (opened, counted, closed) is an event HQ knows: an honest counter's
shifts are applied, not refused as an unknown type; a forged close is quarantined with its
reason. And every event type a counter writes by name has HQ's strict schema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.domain.ids import uuid7
from app.services import shifts, syncstate
from app.services.members import Registration, register_member
from app.services.security import sign_in
from app.services.stored_value import top_up
from server import schemas
from server import tables as t
from server.quarantine import list_quarantine
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer
from tests.server.test_authority import forge, quarantined

ROOT = Path(__file__).resolve().parents[2]


def test_every_event_type_the_counter_names_has_hqs_schema() -> None:
    named = set()
    for path in (ROOT / "app").rglob("*.py"):
        named.update(re.findall(r'event_type="([a-z_]+\.[a-z_]+)"', path.read_text("utf-8")))
    assert {"shift.opened", "shift.closed", "checkout.completed"} <= named
    assert {"coupon.issued", "coupon.template_saved", "coupon.voided"} <= named
    assert named - set(schemas.SCHEMAS) == set()


def test_a_shift_reaches_hq_and_a_forged_close_is_quarantined(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a = make_counter("S001")
    register_member(a.ctx, a.cashier, Registration(name="孙一", phone="13900000101", consent=True))
    shifts.open_shift(a.ctx, a.cashier, 10_000)
    top_up(a.ctx, a.cashier, "13900000101", 50_000, "cash")
    shifts.count_shift(a.ctx, a.cashier, total_fen=59_900)  # ¥1 short
    shifts.close_shift(a.ctx, a.cashier, reason="找零误差")
    a.sync()
    assert syncstate.status(a.ctx).refused == ()
    assert list_quarantine(hq.engine) == []
    with hq.engine.connect() as conn:
        types = list(conn.scalars(select(t.event.c.type).order_by(t.event.c.device_seq)))
    assert types[-3:] == ["shift.opened", "stored_value.topped_up", "shift.closed"]

    shifts.open_shift(a.ctx, a.cashier, 0)
    shifts.count_shift(a.ctx, a.cashier, total_fen=0)
    shifts.close_shift(a.ctx, a.cashier, reason="清点")

    def nobody(ev: dict[str, Any]) -> None:
        ev["payload"]["staff_id"], ev["payload"]["staff_no"] = uuid7(), "x99"

    def short_hidden(ev: dict[str, Any]) -> None:
        ev["payload"]["counted_fen"] = 5_000  # ¥50 missing, the difference still 0

    def more_fields(ev: dict[str, Any]) -> None:
        ev["payload"]["principal_fen"] = 1_000_000

    quarantined(forge(a, nobody), "hq_staff_unknown")  # shift.opened
    shifts_closed = forge(a, short_hidden)  # shift.closed
    quarantined(shifts_closed, "hq_money_mismatch")
    shifts.open_shift(a.ctx, a.cashier, 0)
    quarantined(forge(a, more_fields), "hq_schema")
    assert [q["type"] for q in list_quarantine(hq.engine)] == [
        "shift.opened",
        "shift.closed",
        "shift.opened",
    ]


def test_a_shift_a_manager_closes_stays_the_cashiers_at_hq(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    """The manager closes the cashier's shift: HQ's copy names whose shift it was
    (cashier_id) beside who closed it (staff_id); a made-up owner is quarantined."""
    a = make_counter("S001")
    manager = sign_in(a.ctx, MANAGER_NO, MANAGER_PIN)
    opened = shifts.open_shift(a.ctx, a.cashier, 10_000)
    shifts.count_shift(a.ctx, manager, total_fen=10_000, shift_id=opened.shift_id)
    shifts.close_shift(a.ctx, manager, shift_id=opened.shift_id)
    a.sync()
    assert list_quarantine(hq.engine) == []
    with hq.engine.connect() as conn:
        body = conn.scalar(select(t.event.c.payload).where(t.event.c.type == "shift.closed"))
    payload = json.loads(body)
    assert payload["cashier_id"] == a.cashier.staff_id
    assert payload["staff_id"] == manager.staff_id != a.cashier.staff_id

    second = shifts.open_shift(a.ctx, a.cashier, 0)
    a.sync()
    shifts.count_shift(a.ctx, manager, total_fen=0, shift_id=second.shift_id)
    shifts.close_shift(a.ctx, manager, shift_id=second.shift_id)

    def made_up_owner(ev: dict[str, Any]) -> None:
        ev["payload"]["cashier_id"] = uuid7()

    quarantined(forge(a, made_up_owner), "hq_staff_unknown")
