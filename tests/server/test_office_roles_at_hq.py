"""The office roles at HQ (issue 18, point 9): HQ checks each event against the role of the
staff who made it, with the counter's own permission table. A 客服 an admin added edits a
member's profile and HQ applies it; a top-up forged in the 客服's name, or a manager giving
someone an office role, is quarantined with its reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.services import syncstate
from app.services.members import Registration, register_member
from app.services.profile import update_profile
from app.services.security import Role, sign_in
from app.services.staff import add_staff
from app.services.stored_value import top_up
from server.quarantine import list_quarantine
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer
from tests.server.test_authority import forge, hq_member, quarantined

PHONE = "13900000181"


def test_an_office_role_does_its_work_at_hq_and_nothing_else(
    hq: HQServer, make_counter: Callable[..., Counter]
) -> None:
    a = make_counter("S001")
    member_id = register_member(
        a.ctx, a.cashier, Registration(name="孙一", phone=PHONE, consent=True)
    ).member_id
    add_staff(a.ctx, a.admin, staff_no="k01", name="客服小周", role="service", pin="4692")
    service = sign_in(a.ctx, "k01", "4692")
    assert service.role == Role.SERVICE
    update_profile(a.ctx, service, PHONE, email="sun@example.com")
    a.sync()
    assert syncstate.status(a.ctx).refused == ()
    assert list_quarantine(hq.engine) == []
    assert hq_member(hq, member_id).email == "sun@example.com"

    def by_service(ev: dict[str, Any]) -> None:
        ev["payload"]["staff_id"], ev["payload"]["staff_no"] = service.staff_id, "k01"

    top_up(a.ctx, a.cashier, PHONE, 10_000, "cash")
    quarantined(forge(a, by_service), "hq_staff_role")  # stored_value.topped_up

    manager = sign_in(a.ctx, MANAGER_NO, MANAGER_PIN)
    add_staff(a.ctx, a.admin, staff_no="c09", name="新收银", role="cashier", pin="8642")

    def manager_gives_finance(ev: dict[str, Any]) -> None:
        ev["payload"]["staff_id"], ev["payload"]["staff_no"] = manager.staff_id, MANAGER_NO
        ev["payload"]["role"] = "finance"

    quarantined(forge(a, manager_gives_finance), "hq_staff_role")  # staff.added
    assert [q["type"] for q in list_quarantine(hq.engine)] == [
        "stored_value.topped_up",
        "staff.added",
    ]
