"""Another store's member's full number, asked of HQ at the moment a role that may see full
numbers needs it (``POST /v1/members/phone``): given to a manager of a store that serves the
member, refused to a cashier, to staff HQ does not know and to a store that neither is their
home nor holds them; never kept at the counter, never logged; each number given is audited
at the counter and logged at HQ by who and whose."""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest

from app.domain.errors import AuthenticationError, NotFoundError, PermissionDeniedError, RuleError
from app.domain.ids import uuid7
from app.services.members import Registration, register_member
from app.services.phone_view import full_phone
from app.services.security import sign_in
from sync import wire
from sync.config import load_config
from sync.phones import HQPhones
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer, signed_post
from tests.sync.test_foreign_members import file_bytes, member_row

PHONE = "13912345678"


def audit_actions(counter: Counter, member_id: str) -> list[tuple[str, str | None, str | None]]:
    conn = sqlite3.connect(str(counter.ctx.db.path))
    try:
        return conn.execute(
            "SELECT action, staff_id, after FROM audit_log WHERE entity_id = ? ORDER BY seq",
            (member_id,),
        ).fetchall()
    finally:
        conn.close()


def ask_raw(hq: HQServer, counter: Counter, body: dict) -> tuple[int, dict]:
    config = load_config(counter.data_dir)
    assert config is not None
    resp = signed_post(
        hq.base_url, config.device_id, config.secret, wire.MEMBER_PHONE_PATH,
        json.dumps(body).encode(),
    )  # fmt: skip
    return resp.status_code, resp.json()


def test_a_manager_of_a_store_serving_the_member_sees_the_number_and_no_one_else(
    hq: HQServer, make_counter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    a, b, c = make_counter("S001"), make_counter("S002"), make_counter("S003")
    member = register_member(
        a.ctx, a.cashier, Registration(name="赵六", phone=PHONE, consent=True)
    ).member_id
    a.sync()
    b.sync()
    c.sync()
    assert [f.member_id for f in b.lookup(PHONE)] == [member]  # held at B from now on
    assert member_row(b, member)["phone"] == "139****5678"
    manager = sign_in(b.ctx, MANAGER_NO, MANAGER_PIN)
    asker = HQPhones(b.data_dir)

    assert full_phone(b.ctx, manager, member, asker.ask) == PHONE
    actions = audit_actions(b, member)
    assert actions[-1][:2] == ("member.phone_viewed", manager.staff_id)
    assert PHONE not in str(actions)
    assert member_row(b, member)["phone"] == "139****5678"  # still masked here
    seen = [r.getMessage() for r in caplog.records if "saw the full number" in r.getMessage()]
    assert len(seen) == 1 and member in seen[0] and manager.staff_id in seen[0]

    # A cashier: refused at the counter, and by HQ when asked directly.
    with pytest.raises(PermissionDeniedError):
        full_phone(b.ctx, b.cashier, member, asker.ask)
    status, answer = ask_raw(hq, b, {"member_id": member, "staff_id": b.cashier.staff_id})
    assert (status, answer["code"]) == (403, "phone_not_allowed")
    assert PHONE not in json.dumps(answer)

    # Staff HQ does not know at B's device: an id nobody has, and A's manager's id (a device
    # acts only for its own accounts).
    for staff_id in (uuid7(), sign_in(a.ctx, MANAGER_NO, MANAGER_PIN).staff_id):
        status, answer = ask_raw(hq, b, {"member_id": member, "staff_id": staff_id})
        assert (status, answer["code"]) == (403, "staff_unknown")
    # The right id with another number: not that account.
    status, answer = ask_raw(
        hq, b, {"member_id": member, "staff_id": manager.staff_id, "staff_no": "x9"}
    )
    assert (status, answer["code"]) == (403, "staff_unknown")

    # C neither is the member's home nor holds them: answered as for nobody, the same way.
    c_manager = sign_in(c.ctx, MANAGER_NO, MANAGER_PIN)
    unknown = [
        ask_raw(hq, c, {"member_id": who, "staff_id": c_manager.staff_id, "staff_no": MANAGER_NO})
        for who in (member, uuid7())
    ]
    assert [(s, body["code"]) for s, body in unknown] == [(400, "member_unknown")] * 2
    assert unknown[0][1]["message"].split(":")[0] == unknown[1][1]["message"].split(":")[0]
    with pytest.raises(NotFoundError) as refused:
        # C has no record of the member: the service refuses before asking.
        full_phone(c.ctx, c_manager, member, HQPhones(c.data_dir).ask)
    assert refused.value.code == "member_not_found"
    with pytest.raises(NotFoundError) as refused:
        HQPhones(c.data_dir).ask(member, c_manager.staff_id, MANAGER_NO)
    assert refused.value.code == "phone_hq_member"

    # Paced per device (default 0.5 a second, 5 at once): C soon has to wait.
    codes = []
    for _ in range(10):
        try:
            HQPhones(c.data_dir).ask(member, c_manager.staff_id, MANAGER_NO)
        except (NotFoundError, RuleError) as exc:
            codes.append(exc.code)
            if exc.code == "phone_hq_busy":
                break
    assert codes[-1] == "phone_hq_busy" and set(codes[:-1]) <= {"phone_hq_member"}
    assert len(codes) <= 5

    # HQ out of reach: the manager is told so, and nothing is audited.
    before = len(audit_actions(b, member))
    hq.stop()
    with pytest.raises(RuleError) as refused:
        full_phone(b.ctx, manager, member, asker.ask)
    assert refused.value.code == "phone_hq_unreachable"
    assert "总部连接不上" in refused.value.message
    assert len(audit_actions(b, member)) == before

    # The number is nowhere in B's files (database, WAL, config, logs) nor in any log line.
    b.ctx.close()
    assert PHONE.encode() not in file_bytes(b)
    assert all(PHONE not in r.getMessage() for r in caplog.records)


def test_the_home_stores_manager_reads_the_number_here_and_a_staff_refusal_is_plain(
    hq: HQServer, make_counter
) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    member = register_member(
        a.ctx, a.cashier, Registration(name="赵六", phone=PHONE, consent=True)
    ).member_id
    a.sync()
    b.sync()
    b.lookup(PHONE)
    home_manager = sign_in(a.ctx, MANAGER_NO, MANAGER_PIN)

    def never(*_args: object) -> str:
        raise AssertionError("HQ asked for a number held here")

    assert full_phone(a.ctx, home_manager, member, never) == PHONE
    # B's manager as HQ would refuse them (e.g. an account HQ never accepted): in words.
    manager = sign_in(b.ctx, MANAGER_NO, MANAGER_PIN)
    with pytest.raises(AuthenticationError) as refused:
        HQPhones(b.data_dir).ask(member, uuid7(), "m09")
    assert refused.value.code == "phone_hq_staff" and "m09" in refused.value.message
    assert full_phone(b.ctx, manager, member, HQPhones(b.data_dir).ask) == PHONE


def test_sync_phone_gives_a_manager_the_number_and_refuses_a_cashier(
    hq: HQServer, make_counter, capsys: pytest.CaptureFixture[str]
) -> None:
    from launcher import main as counter_main
    from tests.hqkit import CASHIER_NO, CASHIER_PIN

    a, b = make_counter("S001"), make_counter("S002")
    member = register_member(
        a.ctx, a.cashier, Registration(name="赵六", phone=PHONE, consent=True)
    ).member_id
    a.sync()
    b.sync()
    b.lookup(PHONE)

    def run(no: str, pin: str, *more: str) -> tuple[int, str]:
        argv = ["--data-dir", str(b.data_dir), "--staff", no, "--pin", pin, *more]
        code = counter_main([*argv, "sync", "phone", PHONE])
        return code, capsys.readouterr().out

    code, out = run(MANAGER_NO, MANAGER_PIN, "--json")
    assert code == 0 and json.loads(out.strip().splitlines()[-1]) == {
        "member_id": member, "name": "赵六", "phone": PHONE,
    }  # fmt: skip
    code, out = run(MANAGER_NO, MANAGER_PIN)
    assert code == 0 and out.strip() == f"赵六 手机 {PHONE}"
    code, out = run(CASHIER_NO, CASHIER_PIN)
    assert code != 0 and PHONE not in out
    assert [a for a, _s, _x in audit_actions(b, member)].count("member.phone_viewed") == 2
    b.ctx.close()
    assert PHONE.encode() not in file_bytes(b)
