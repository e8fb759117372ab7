"""A store never locks itself out: recovery codes, HQ's codes, and PINs nobody guesses first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import recovery
from app.domain.errors import AuthenticationError, CounterError, ValidationError
from app.domain.pins import is_trivial, pin_problem
from app.ports import FixedClock
from app.services.context import open_counter
from app.services.hashing import Hasher
from app.services.recovery import new_recovery_code, recover_admin
from app.services.security import sign_in
from app.services.staff import add_staff, unlock_staff
from app.services.store import init_store
from tests.conftest import START
from tests.helpers import query, refused

SECRET, DEVICE = "s3cr3t-of-the-device", "0190f000-0000-7000-8000-000000000001"


@pytest.mark.parametrize(
    "pin",
    ["0000", "1111", "888888", "1234", "4321", "123456", "654321", "0123", "98765", "５６７８"],
)
def test_trivial_pins_are_refused(ctx, admin, snapshot, pin: str) -> None:
    refused(snapshot, "pin_trivial", add_staff, ctx, admin, staff_no="c09", name="某人",
            role="cashier", pin=pin)  # fmt: skip


@pytest.mark.parametrize("pin", ["2580", "1357", "135790", "246813", "90817263", "1212"])
def test_other_pins_of_4_to_8_digits_including_6_are_taken(ctx, admin, pin: str) -> None:
    add_staff(ctx, admin, staff_no="c09", name="某人", role="cashier", pin=pin)
    assert sign_in(ctx, "c09", pin).staff_no == "c09"


@given(st.text(alphabet="0123456789", min_size=4, max_size=8))
def test_the_rule_is_exactly_one_digit_or_a_straight_run(pin: str) -> None:
    run = pin in "0123456789" or pin in "9876543210"
    assert is_trivial(pin) == (len(set(pin)) == 1 or run)
    assert pin_problem(pin) == ("pin_trivial" if is_trivial(pin) else None)


def test_init_gives_a_recovery_code_kept_only_as_a_hash(tmp_path) -> None:
    ctx = open_counter(tmp_path / "d", clock=FixedClock(START), hasher=Hasher.fast())
    try:
        with pytest.raises(CounterError) as exc:
            init_store(ctx, code="S1", name="店", admin_pin="1234")
        assert exc.value.code == "pin_trivial"
        info = init_store(ctx, code="S1", name="店", admin_pin="2580")
        code = info.recovery_code
        assert code and len(recovery.normalise(code)) == 20 and code.count("-") == 3
        rows = query(ctx, "SELECT source, code_hash, used_at FROM recovery_code")
        assert len(rows) == 1 and rows[0][0] == "counter" and rows[0][2] is None
        assert recovery.normalise(code) not in rows[0][1] and rows[0][1].startswith("$argon2")
    finally:
        ctx.close()


def _locked_out(tmp_path, clock: FixedClock):
    """A store whose only staff member, the admin, typed five wrong PINs."""
    ctx = open_counter(tmp_path / "d", clock=clock, hasher=Hasher.fast())
    info = init_store(ctx, code="S1", name="店", admin_pin="2580")
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            sign_in(ctx, "admin", "0000")
    with pytest.raises(AuthenticationError) as exc:
        sign_in(ctx, "admin", "2580")
    assert exc.value.code == "staff_locked"
    return ctx, info.recovery_code or ""


def test_the_code_unlocks_the_only_admin_once(tmp_path) -> None:
    ctx, code = _locked_out(tmp_path, FixedClock(START))
    try:
        with pytest.raises(CounterError) as exc:
            recover_admin(ctx, code, "1234")
        assert exc.value.code == "pin_trivial"
        with pytest.raises(AuthenticationError) as exc:
            recover_admin(ctx, "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ", "5937")
        assert exc.value.code == "recovery_code_wrong"
        done = recover_admin(ctx, code.lower().replace("-", " "), "5937")  # as typed
        assert done.staff_no == "admin" and done.source == "counter"
        admin = sign_in(ctx, "admin", "5937")
        assert admin.role == "admin"
        with pytest.raises(AuthenticationError):
            recover_admin(ctx, code, "6048")  # used: never twice
        assert done.recovery_code != code  # a fresh one replaces it ...
        recover_admin(ctx, done.recovery_code, "6048")  # ... and works
        actions = [a for (a,) in query(ctx, "SELECT action FROM audit_log")]
        assert actions.count("staff.recover") == 2 and "staff.recover_refused" in actions
        # An admin can replace the code; the one before stops working.
        admin = sign_in(ctx, "admin", "6048")
        fresh = new_recovery_code(ctx, admin)
        with pytest.raises(AuthenticationError):
            recover_admin(ctx, done.recovery_code, "7159")
        recover_admin(ctx, fresh, "7159")
    finally:
        ctx.close()


def test_unlock_by_a_manager_still_works_and_codes_are_for_admins(ctx, admin, manager) -> None:
    with pytest.raises(CounterError) as exc:
        recover_admin(ctx, recovery.new_counter_code(), "5937", staff_no="m01")
    assert exc.value.code == "recovery_admin_only"
    assert unlock_staff(ctx, manager, "c01").locked is False


def test_an_hq_code_is_checked_offline_once_and_expires(tmp_path) -> None:
    clock = FixedClock(START)
    ctx, _code = _locked_out(tmp_path, clock)

    def verify(plain: str) -> str | None:
        return recovery.hq_code_nonce(SECRET, DEVICE, plain, clock.now())

    try:
        code = recovery.hq_code(SECRET, DEVICE, clock.now())
        assert len(recovery.normalise(code)) == 24
        assert recovery.hq_code_nonce("another-secret", DEVICE, recovery.normalise(code),
                                      clock.now()) is None  # fmt: skip
        assert recovery.hq_code_nonce(SECRET, "another-device", recovery.normalise(code),
                                      clock.now()) is None  # fmt: skip
        with pytest.raises(AuthenticationError):
            recover_admin(ctx, code, "5937")  # not enrolled: nobody can check HQ's code
        assert recover_admin(ctx, code, "5937", verify_hq=verify).source == "hq"
        with pytest.raises(AuthenticationError):
            recover_admin(ctx, code, "6048", verify_hq=verify)  # once
        late = recovery.hq_code(SECRET, DEVICE, clock.now())
        clock.advance(hours=recovery.HQ_TTL_HOURS + 1)
        with pytest.raises(AuthenticationError):
            recover_admin(ctx, late, "6048", verify_hq=verify)  # expired
    finally:
        ctx.close()


@pytest.mark.parametrize("text", ["", "ABCDE", "ABCDE-FGHIJ-KLMNO-PQRSU", "!" * 20])
def test_malformed_codes_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as exc:
        recovery.normalise(text)
    assert exc.value.code == "recovery_code_invalid"


def test_codes_read_the_same_however_they_are_typed() -> None:
    code = recovery.new_counter_code()
    plain = recovery.normalise(code)
    assert recovery.normalise(code.lower()) == plain
    full_width = "".join(chr(ord(c) + 0xFEE0) if c != "-" else c for c in code)
    assert recovery.normalise(full_width) == plain
    assert set(plain) <= set(recovery.ALPHABET)
