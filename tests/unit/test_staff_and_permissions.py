"""Staff sign-in with lockout, role permissions inside the services, and manager approval."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from app.domain.errors import AuthenticationError, CounterError, PermissionDeniedError
from app.services import backups, maintenance, points, refunds, staff
from app.services.checkout import checkout
from app.services.context import CounterContext
from app.services.members import reset_payment_password, set_payment_password
from app.services.security import Approval, Role, sign_in
from app.services.stored_value import adjust_stored_value
from app.services.tiers import override_tier
from tests.conftest import ADMIN_PIN, CASHIER_NO, CASHIER_PIN, MANAGER_NO, MANAGER_PIN
from tests.helpers import Snapshot, refused


def staff_row(ctx: CounterContext, staff_no: str) -> tuple[int, int]:
    """(failed_pins, locked) of one staff member, read straight from the file."""
    conn = sqlite3.connect(str(ctx.db.path))
    try:
        return conn.execute(
            "SELECT failed_pins, locked FROM staff WHERE staff_no = ?", (staff_no,)
        ).fetchone()
    finally:
        conn.close()


def changed_tables(before: dict, after: dict) -> set[str]:
    return {t for t in before if before[t] != after[t]}


def changed_cells(ctx: CounterContext, before: dict, after: dict, table: str) -> set[tuple]:
    """{(row id, column)} that differ in ``table`` (column 0 is the id); rows never added."""
    conn = sqlite3.connect(str(ctx.db.path))
    try:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()
    b = {r[0]: r for r in before[table]}
    a = {r[0]: r for r in after[table]}
    assert b.keys() == a.keys()
    return {
        (key, col) for key in b for col, x, y in zip(cols, b[key], a[key], strict=True) if x != y
    }


def assert_only_failures_changed(ctx, before, after, staff_no: str, failed: int, locked: bool):
    """A refused sign-in changes the staff member's failure count (and lock) and audits it.

    The audit log gets one entry; a lock-out also goes to the outbox for HQ.
    """
    expected_tables = {"staff", "audit_log"} | ({"outbox"} if locked else set())
    assert changed_tables(before, after) == expected_tables
    new_audit = [r for r in after["audit_log"] if r not in before["audit_log"]]
    action = "staff.locked" if locked else "staff.pin_failed"
    assert [r[4] for r in new_audit] == [action]  # column 4 is the action
    if locked:
        new_events = [r for r in after["outbox"] if r not in before["outbox"]]
        assert [r[3] for r in new_events] == ["staff.locked"]  # column 3 is the type
    staff_id = next(r[0] for r in after["staff"] if r[1] == staff_no)  # staff_no is column 1
    cells = changed_cells(ctx, before, after, "staff")
    # ``locked`` is only passed for the try that locks the account, so it flips then.
    expected = {(staff_id, "failed_pins")} | ({(staff_id, "locked")} if locked else set())
    assert cells == expected
    assert staff_row(ctx, staff_no) == (failed, int(locked))


# -- sign-in ------------------------------------------------------------------


def test_sign_in_returns_actor_with_role(ctx: CounterContext) -> None:
    actor = sign_in(ctx, MANAGER_NO, MANAGER_PIN)
    assert (actor.staff_no, actor.role, actor.name) == (MANAGER_NO, Role.MANAGER, "王店长")
    assert sign_in(ctx, "admin", ADMIN_PIN).role == Role.ADMIN
    assert sign_in(ctx, CASHIER_NO, CASHIER_PIN).role == Role.CASHIER


def test_sign_in_unknown_staff_refused(ctx: CounterContext, snapshot: Snapshot) -> None:
    err = refused(snapshot, "staff_unknown", sign_in, ctx, "nobody", "1234")
    assert isinstance(err, AuthenticationError)


def test_wrong_pin_counts_down_tries_left(ctx: CounterContext, snapshot: Snapshot) -> None:
    for attempt in range(1, 5):
        before = snapshot()
        with pytest.raises(AuthenticationError) as exc:
            sign_in(ctx, CASHIER_NO, "0000")
        assert exc.value.code == "pin_wrong"
        assert exc.value.params["left"] == 5 - attempt
        assert_only_failures_changed(ctx, before, snapshot(), CASHIER_NO, attempt, False)


def test_right_pin_resets_failure_count(ctx: CounterContext) -> None:
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            sign_in(ctx, CASHIER_NO, "0000")
    assert staff_row(ctx, CASHIER_NO) == (3, 0)
    sign_in(ctx, CASHIER_NO, CASHIER_PIN)
    assert staff_row(ctx, CASHIER_NO) == (0, 0)
    # ... so it takes five more wrong PINs to lock.
    for left in (4, 3, 2, 1):
        with pytest.raises(AuthenticationError) as exc:
            sign_in(ctx, CASHIER_NO, "0000")
        assert exc.value.params["left"] == left


def test_five_wrong_pins_lock_even_the_right_pin(ctx: CounterContext, snapshot: Snapshot) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            sign_in(ctx, CASHIER_NO, "0000")
    before = snapshot()
    with pytest.raises(AuthenticationError) as exc:
        sign_in(ctx, CASHIER_NO, "0000")
    assert exc.value.code == "staff_locked"
    assert_only_failures_changed(ctx, before, snapshot(), CASHIER_NO, 5, True)
    # Locked: the right PIN is refused too, and that changes nothing more.
    refused(snapshot, "staff_locked", sign_in, ctx, CASHIER_NO, CASHIER_PIN)
    refused(snapshot, "staff_locked", sign_in, ctx, CASHIER_NO, "0000")
    assert staff_row(ctx, CASHIER_NO) == (5, 1)


def test_manager_unlocks_locked_staff(ctx: CounterContext, manager, snapshot: Snapshot) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            sign_in(ctx, CASHIER_NO, "0000")
    view = staff.unlock_staff(ctx, manager, CASHIER_NO)
    assert view.locked is False
    assert staff_row(ctx, CASHIER_NO) == (0, 0)
    assert sign_in(ctx, CASHIER_NO, CASHIER_PIN).staff_no == CASHIER_NO
    refused(snapshot, "staff_unknown", staff.unlock_staff, ctx, manager, "nobody")


# -- permissions inside the services ------------------------------------------


def test_cashier_cannot_unlock_staff(ctx: CounterContext, cashier, snapshot: Snapshot) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            sign_in(ctx, MANAGER_NO, "0000")
    err = refused(snapshot, "permission_denied", staff.unlock_staff, ctx, cashier, MANAGER_NO)
    assert isinstance(err, PermissionDeniedError)
    assert staff_row(ctx, MANAGER_NO) == (5, 1)


def test_cashier_cannot_expire_points(ctx: CounterContext, cashier, snapshot: Snapshot) -> None:
    refused(snapshot, "permission_denied", points.expire_points, ctx, cashier, dt.date(2028, 1, 1))


def test_cashier_cannot_add_staff(ctx: CounterContext, cashier, snapshot: Snapshot) -> None:
    refused(
        snapshot,
        "permission_denied",
        staff.add_staff,
        ctx,
        cashier,
        staff_no="c02",
        name="新收银",
        role="cashier",
        pin="2739",
    )


def test_cashier_cannot_verify_audit_or_back_up(
    ctx: CounterContext, cashier, snapshot: Snapshot, tmp_path
) -> None:
    refused(snapshot, "permission_denied", maintenance.verify_audit, ctx, cashier)
    refused(snapshot, "permission_denied", backups.backup, ctx, cashier, tmp_path / "b.db")
    assert not (tmp_path / "b.db").exists()


def test_manager_adds_cashier_but_not_manager(
    ctx: CounterContext, manager, snapshot: Snapshot
) -> None:
    for role in ("manager", "admin"):
        refused(
            snapshot,
            "permission_denied",
            staff.add_staff,
            ctx,
            manager,
            staff_no="m02",
            name="副店长",
            role=role,
            pin="2739",
        )
    view = staff.add_staff(ctx, manager, staff_no="c02", name="新收银", role="cashier", pin="2739")
    assert (view.staff_no, view.role, view.locked) == ("c02", "cashier", False)
    assert sign_in(ctx, "c02", "2739").role == Role.CASHIER


def test_admin_adds_manager(ctx: CounterContext, admin) -> None:
    view = staff.add_staff(ctx, admin, staff_no="m02", name="副店长", role="manager", pin="2739")
    assert view.role == "manager"
    assert sign_in(ctx, "m02", "2739").role == Role.MANAGER


def test_add_staff_validation(ctx: CounterContext, admin, snapshot: Snapshot) -> None:
    base = {"staff_no": "c09", "name": "某人", "role": "cashier", "pin": "2739"}
    cases = [
        ({"staff_no": MANAGER_NO}, "staff_no_taken"),
        ({"staff_no": "c 9"}, "staff_no_invalid"),
        ({"staff_no": "收银9"}, "staff_no_invalid"),
        ({"name": ""}, "name_length"),
        ({"name": "长" * 33}, "name_length"),
        ({"role": "boss"}, "role_invalid"),
        ({"pin": "12"}, "pin_format"),
        ({"pin": "12ab"}, "pin_format"),
        ({"pin": "123456789"}, "pin_format"),
    ]
    for change, code in cases:
        refused(snapshot, code, staff.add_staff, ctx, admin, **{**base, **change})


def test_pins_are_stored_hashed(ctx: CounterContext) -> None:
    conn = sqlite3.connect(str(ctx.db.path))
    try:
        hashes = [r[0] for r in conn.execute("SELECT pin_hash FROM staff")]
    finally:
        conn.close()
    assert len(hashes) == 3
    for h in hashes:
        assert h.startswith("$argon2id$")
        assert MANAGER_PIN not in h and CASHIER_PIN not in h


# -- manager approval ---------------------------------------------------------


@pytest.fixture
def paid(ctx: CounterContext, cashier, register):
    """A member and a cash checkout of 100 yuan to refund."""
    member = register(name="张三", phone="13800138000")
    result = checkout(ctx, cashier, member.member_id, 10_000, pay="cash")
    return result


def test_refund_without_approval_refused(
    ctx: CounterContext, cashier, paid, snapshot: Snapshot
) -> None:
    err = refused(snapshot, "approval_required", refunds.refund, ctx, cashier, paid.txn_id, None)
    assert isinstance(err, PermissionDeniedError)


def test_approval_by_cashier_refused(
    ctx: CounterContext, cashier, paid, snapshot: Snapshot
) -> None:
    refused(
        snapshot,
        "approver_not_manager",
        refunds.refund,
        ctx,
        cashier,
        paid.txn_id,
        Approval(CASHIER_NO, CASHIER_PIN),
    )


def test_approval_by_manager_or_admin_accepted(
    ctx: CounterContext, cashier, manager, register, approval
) -> None:
    member = register()
    first = checkout(ctx, cashier, member.member_id, 10_000, pay="cash")
    second = checkout(ctx, cashier, member.member_id, 20_000, pay="cash")
    r1 = refunds.refund(ctx, cashier, first.txn_id, approval)
    r2 = refunds.refund(ctx, cashier, second.txn_id, Approval("admin", ADMIN_PIN))
    conn = sqlite3.connect(str(ctx.db.path))
    try:
        approvers = dict(
            conn.execute(
                "SELECT t.id, s.staff_no FROM txn t JOIN staff s ON s.id = t.approved_by "
                "WHERE t.id IN (?, ?)",
                (r1.txn_id, r2.txn_id),
            ).fetchall()
        )
    finally:
        conn.close()
    assert approvers == {r1.txn_id: MANAGER_NO, r2.txn_id: "admin"}


def test_wrong_approver_pin_counts_toward_manager_lockout(
    ctx: CounterContext, cashier, paid, snapshot: Snapshot
) -> None:
    wrong = Approval(MANAGER_NO, "0000")
    for attempt in range(1, 5):
        before = snapshot()
        with pytest.raises(AuthenticationError) as exc:
            refunds.refund(ctx, cashier, paid.txn_id, wrong)
        assert (exc.value.code, exc.value.params["left"]) == ("pin_wrong", 5 - attempt)
        assert_only_failures_changed(ctx, before, snapshot(), MANAGER_NO, attempt, False)
    before = snapshot()
    with pytest.raises(AuthenticationError) as exc:
        refunds.refund(ctx, cashier, paid.txn_id, wrong)
    assert exc.value.code == "staff_locked"
    assert_only_failures_changed(ctx, before, snapshot(), MANAGER_NO, 5, True)
    # The manager is now locked out of signing in and of approving, even with the right PIN.
    refused(snapshot, "staff_locked", sign_in, ctx, MANAGER_NO, MANAGER_PIN)
    refused(
        snapshot,
        "staff_locked",
        refunds.refund,
        ctx,
        cashier,
        paid.txn_id,
        Approval(MANAGER_NO, MANAGER_PIN),
    )


def test_unknown_approver_refused(ctx: CounterContext, cashier, paid, snapshot: Snapshot) -> None:
    refused(
        snapshot, "staff_unknown", refunds.refund, ctx, cashier, paid.txn_id, Approval("x", "1")
    )


def test_operations_needing_approval_refuse_without_it(
    ctx: CounterContext, cashier, register, snapshot: Snapshot
) -> None:
    from app.services.cards import cancel_card

    member = register(phone="13800138000")
    q = member.member_id
    set_payment_password(ctx, cashier, q, "123456")
    calls = [
        lambda a: adjust_stored_value(
            ctx, cashier, q, principal_delta_fen=100, bonus_delta_fen=0, reason="补录", approval=a
        ),
        lambda a: points.adjust_points(ctx, cashier, q, 100, "补录", a),
        lambda a: override_tier(ctx, cashier, q, "gold", "大客户", a),
        lambda a: cancel_card(ctx, cashier, q, a),
        lambda a: reset_payment_password(ctx, cashier, q, "654321", a),
    ]
    for call in calls:
        refused(snapshot, "approval_required", call, None)
        refused(snapshot, "approver_not_manager", call, Approval(CASHIER_NO, CASHIER_PIN))


def test_full_width_pin_is_the_same_pin(ctx: CounterContext, admin) -> None:
    """A PIN typed in full-width digits ("２７３９") is either refused or is the PIN "2739"."""
    try:
        staff.add_staff(ctx, admin, staff_no="c03", name="全角", role="cashier", pin="２７３９")
    except CounterError as exc:
        assert exc.code == "pin_format"
        return
    assert sign_in(ctx, "c03", "2739").staff_no == "c03"
    assert staff_row(ctx, "c03") == (0, 0)
