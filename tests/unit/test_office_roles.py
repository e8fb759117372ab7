"""The seeds' office roles (issue 18, point 9): 运营 marketing, 客服 service, 财务 finance.

Least privilege, enforced in the services: for every role, each operation below succeeds
when the role holds its permission and is refused (permission_denied, every table unchanged)
when it does not. The operations run for real on the store's SQLite file, so an allowed call
that failed for another reason fails the test too."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from app.domain.coupons import VOUCHER, Terms, Validity
from app.domain.errors import PermissionDeniedError
from app.services import coupons, tags
from app.services.audit_log import browse_audit
from app.services.checkout import checkout
from app.services.exporting import export_members
from app.services.lookup import show_member
from app.services.members import Registration, register_member
from app.services.profile import update_profile
from app.services.reports import range_report
from app.services.security import ROLE_PERMISSIONS, Actor, Permission, Role, sign_in
from app.services.staff import add_staff
from app.services.stored_value import top_up
from tests.helpers import refused

OFFICE = (Role.MARKETING, Role.SERVICE, Role.FINANCE)
MONEY = {
    Permission.TOPUP,
    Permission.CHECKOUT,
    Permission.REFUND,
    Permission.STORED_VALUE_ADJUST,
    Permission.POINTS_ADJUST,
    Permission.SHIFT,
    Permission.DAY_CLOSE,
}
PINS = {"marketing": "3581", "service": "4692", "finance": "5703", "cashier": "1470"}
_phones = itertools.count(100)

Op = Callable[[Any, Actor, str, str], Any]


def _register(ctx: Any, actor: Actor, _member: str, _tpl: str) -> Any:
    phone = f"137{next(_phones):08d}"
    return register_member(ctx, actor, Registration(name="新客", phone=phone, consent=True))


OPERATIONS: list[tuple[str, Permission, Op]] = [
    ("register", Permission.MEMBER_REGISTER, _register),
    ("look up", Permission.MEMBER_VIEW, lambda c, a, m, t: show_member(c, a, m)),
    ("edit profile", Permission.MEMBER_EDIT,
     lambda c, a, m, t: update_profile(c, a, m, email="vip@example.com")),
    ("top up", Permission.TOPUP, lambda c, a, m, t: top_up(c, a, m, 10_000, "cash")),
    ("check out", Permission.CHECKOUT,
     lambda c, a, m, t: checkout(c, a, m, 100, pay="cash")),
    ("tag", Permission.TAG_SET, lambda c, a, m, t: tags.set_tag(c, a, m, "VIP")),
    ("define a tag", Permission.TAG_EDIT,
     lambda c, a, m, t: tags.save_tag(c, a, code=f"T{next(_phones)}", name="新标签")),
    ("coupon template", Permission.COUPON_TEMPLATE_EDIT,
     lambda c, a, m, t: coupons.add_template(
         c, a, name="代金券", terms=Terms(VOUCHER, amount_fen=500), validity=Validity(days=30))),
    ("issue a coupon", Permission.COUPON_ISSUE, lambda c, a, m, t: coupons.issue(c, a, m, t)),
    ("report", Permission.REPORT_VIEW,
     lambda c, a, m, t: range_report(c, a, dt.date(2026, 3, 1), dt.date(2026, 3, 15))),
    ("audit log", Permission.AUDIT_VIEW, lambda c, a, m, t: browse_audit(c, a)),
    ("export members", Permission.MEMBER_EXPORT,
     lambda c, a, m, t: export_members(c, a, c.data_dir / f"m{next(_phones)}.xlsx",
                                       mask_phones=True)),
    ("add staff", Permission.STAFF_ADD,
     lambda c, a, m, t: add_staff(c, a, staff_no=f"x{next(_phones)}", name="新人",
                                  role="cashier", pin="8642")),
]  # fmt: skip


def test_the_office_roles_hold_no_money_and_finance_changes_nothing() -> None:
    for role in OFFICE:
        assert not ROLE_PERMISSIONS[role] & MONEY, role
    assert ROLE_PERMISSIONS[Role.FINANCE] <= {
        Permission.MEMBER_VIEW,
        Permission.REPORT_VIEW,
        Permission.AUDIT_VIEW,
        Permission.AUDIT_VERIFY,
    }
    # Each office role can do what it is for.
    assert Permission.COUPON_TEMPLATE_EDIT in ROLE_PERMISSIONS[Role.MARKETING]
    assert Permission.MEMBER_EDIT in ROLE_PERMISSIONS[Role.SERVICE]
    assert Permission.REPORT_VIEW in ROLE_PERMISSIONS[Role.FINANCE]


@pytest.mark.parametrize("role", [*OFFICE, Role.CASHIER])
def test_every_service_refuses_each_role_that_lacks_its_permission(
    ctx, admin, manager, cashier, register, snapshot, role: Role
) -> None:
    member = register("张三", "13800138000").card_no
    top_up(ctx, cashier, member, 50_000, "cash")
    tags.save_tag(ctx, manager, code="VIP", name="重要客户")
    template = coupons.add_template(
        ctx, manager, name="券", terms=Terms(VOUCHER, amount_fen=300), validity=Validity(days=30)
    ).template_id
    if role == Role.CASHIER:
        actor = cashier
    else:
        add_staff(ctx, admin, staff_no=f"{role.value[:3]}1", name="职员", role=role.value,
                  pin=PINS[role.value])  # fmt: skip
        actor = sign_in(ctx, f"{role.value[:3]}1", PINS[role.value])
    assert actor.role == role
    allowed = refused_ = 0
    for name, permission, op in OPERATIONS:
        if actor.can(permission):
            op(ctx, actor, member, template)  # must simply work
            allowed += 1
        else:
            err = refused(snapshot, "permission_denied", op, ctx, actor, member, template)
            assert isinstance(err, PermissionDeniedError), name
            refused_ += 1
    assert allowed and refused_  # every role here is allowed something and refused something


def test_a_manager_adds_only_cashiers_and_an_admin_adds_the_office_roles(
    ctx, admin, manager, snapshot
) -> None:
    for role in OFFICE:
        refused(snapshot, "permission_denied", add_staff, ctx, manager, staff_no="o1",
                name="职员", role=role.value, pin="3581")  # fmt: skip
    view = add_staff(ctx, admin, staff_no="o1", name="客服小周", role="service", pin="3581")
    assert view.role == "service"
    assert sign_in(ctx, "o1", "3581").role == Role.SERVICE
