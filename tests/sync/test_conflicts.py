"""Offline limits, overdrafts as conflicts, profile last-writer-wins, duplicates and merge."""

from __future__ import annotations

import json

import pytest

from app.domain.errors import RuleError
from app.services.checkout import checkout
from app.services.lookup import show_member
from app.services.members import Registration, register_member
from app.services.profile import update_profile
from app.services.security import sign_in
from app.services.stored_value import top_up
from server import admin
from server.cli import main as hq_main
from tests.helpers import ledger_checked
from tests.hqkit import Counter, HQServer

PHONE = "13900000051"


def go_offline(*counters: Counter, seconds: float = 600) -> None:
    """HQ unheard of for longer than the grace period: the counters are offline."""
    for c in counters:
        c.clock.advance(seconds=seconds)


def member_with(counter: Counter, fen: int, phone: str = PHONE) -> str:
    view = register_member(
        counter.ctx, counter.cashier, Registration(name="郑十", phone=phone, consent=True)
    )
    top_up(counter.ctx, counter.cashier, phone, fen, "cash")
    return view.member_id


def test_offline_limits_from_hq_rules(hq: HQServer, make_counter) -> None:
    admin.set_offline_limits(hq.engine, per_txn_fen=3_000, per_txn_points=100, window_hours=24)
    c = make_counter("S001")
    member_with(c, 10_000)
    c.sync()  # pushes the member, pulls the rules
    go_offline(c)

    with pytest.raises(RuleError) as exc:
        checkout(c.ctx, c.cashier, PHONE, 4_000)
    assert exc.value.code == "offline_txn_limit"
    for _ in range(3):
        checkout(c.ctx, c.cashier, PHONE, 3_000)
    top_up(c.ctx, c.cashier, PHONE, 50_000, "cash")  # top-ups are always allowed
    # Last synced balance 100 yuan minus 90 spent offline: 10 left, whatever the top-up.
    with pytest.raises(RuleError) as exc:
        checkout(c.ctx, c.cashier, PHONE, 2_000)
    assert exc.value.code == "offline_member_limit"
    checkout(c.ctx, c.cashier, PHONE, 2_000, pay="cash")  # other tenders are not limited

    c.clock.advance(hours=25)
    with pytest.raises(RuleError) as exc:
        checkout(c.ctx, c.cashier, PHONE, 500)
    assert exc.value.code == "offline_window_passed"

    c.sync()  # back online: the limits no longer apply
    checkout(c.ctx, c.cashier, PHONE, 20_000)


def test_offline_overdraft_is_kept_and_listed_as_conflict(
    hq: HQServer, make_counter, capsys
) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    member_id = member_with(a, 10_000)
    a.sync()
    b.sync()
    b.lookup(PHONE)  # B serves A's member: found online, held at B
    go_offline(a, b)
    checkout(a.ctx, a.cashier, PHONE, 8_000)
    checkout(b.ctx, b.cashier, PHONE, 8_000)  # each within its own limit
    for _ in range(2):
        a.sync()
        b.sync()
    assert admin.member_balances(hq.engine)[member_id] == (-6_000, 0, 160)
    for c in (a, b):
        assert ledger_checked(c.ctx, member_id) == (-6_000, 0, 160)
    (conflict,) = admin.list_conflicts(hq.engine)
    assert conflict["kind"] == "overdraft" and conflict["member_id"] == member_id
    assert conflict["store_code"] == "S002" and conflict["detail"]["principal_fen"] == -6_000

    assert hq_main(["--db", hq.url, "--json", "conflicts"]) == 0
    listed = json.loads(capsys.readouterr().out)["conflicts"]
    assert [c["member_id"] for c in listed] == [member_id]


def test_profile_fields_last_writer_wins_by_hybrid_clock(hq: HQServer, make_counter) -> None:
    # Two counters of the member's store (another store may not change the profile).
    a, b = make_counter("S001"), make_counter("S001")
    member_id = member_with(a, 1_000)
    a.sync()
    b.sync()
    a.clock.advance(seconds=10)
    update_profile(a.ctx, a.cashier, PHONE, name="郑一", address="北京路 1 号")
    b.clock.advance(seconds=20)
    update_profile(b.ctx, b.cashier, PHONE, name="郑二")  # later: its name wins
    a.clock.advance(seconds=30)
    update_profile(a.ctx, a.cashier, PHONE, email="z@example.cn")
    for _ in range(2):
        b.sync()
        a.sync()
    for c in (a, b):
        view = show_member(c.ctx, c.cashier, PHONE)
        assert view.name == "郑二"
        with c.ctx.reader() as uow:
            m = uow.member(member_id)
            assert (m.address, m.email) == ("北京路 1 号", "z@example.cn")
    from sqlalchemy import select

    from server import tables as t

    with hq.engine.connect() as conn:
        row = conn.execute(select(t.member).where(t.member.c.id == member_id)).one()
    assert (row.name, row.address, row.email) == ("郑二", "北京路 1 号", "z@example.cn")


def test_same_phone_at_two_stores_is_merged_explicitly(hq: HQServer, make_counter, capsys) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    kept = member_with(a, 10_000)
    dropped = member_with(b, 5_000)
    checkout(b.ctx, b.cashier, PHONE, 1_000)
    for _ in range(2):
        a.sync()
        b.sync()
    assert hq_main(["--db", hq.url, "--json", "members", "duplicates"]) == 0
    (pair,) = json.loads(capsys.readouterr().out)["duplicates"]
    assert {pair["member_a"], pair["member_b"]} == {kept, dropped}
    assert pair["phone"] == "139****0051"
    b.lookup(PHONE)  # HQ has both: B fetches A's and holds it as a duplicate
    with pytest.raises(RuleError) as exc:  # B sees A's member as a duplicate until merged
        top_up(b.ctx, b.cashier, kept, 100, "cash")
    assert exc.value.code == "member_duplicate"

    assert hq_main(["--db", hq.url, "members", "merge", "--keep", kept, "--drop", dropped]) == 0
    for _ in range(2):
        a.sync()
        b.sync()
    balances = admin.member_balances(hq.engine)
    assert balances[kept] == (14_000, 0, 10) and balances[dropped] == (0, 0, 0)
    for c in (a, b):
        assert ledger_checked(c.ctx, kept) == (14_000, 0, 10)
        assert ledger_checked(c.ctx, dropped) == (0, 0, 0)
        view = show_member(c.ctx, c.cashier, PHONE)
        assert view.member_id == kept
        top_up(c.ctx, c.cashier, PHONE, 100, "cash")


def test_staff_and_rules_set_at_hq_reach_the_counter(hq: HQServer, make_counter, capsys) -> None:
    c = make_counter("S001")
    assert (
        hq_main(
            [
                "--db",
                hq.url,
                "staff",
                "add",
                "--no",
                "c77",
                "--name",
                "新收银",
                "--role",
                "cashier",
                "--pin",
                "4739",
            ]
        )
        == 0
    )
    assert hq_main(["--db", hq.url, "--json", "rules", "offline", "--per-txn-fen", "1234"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["per_txn_fen"] == 1234
    c.sync()
    assert sign_in(c.ctx, "c77", "4739").role == "cashier"
    from app.services.context import load_rules

    with c.ctx.reader() as uow:
        assert load_rules(uow).extra["offline"]["per_txn_fen"] == 1234
    assert hq_main(["--db", hq.url, "staff", "disable", "--no", "c77"]) == 0
    c.sync()
    from app.domain.errors import AuthenticationError

    with pytest.raises(AuthenticationError):
        sign_in(c.ctx, "c77", "4739")


def test_points_expire_once_across_stores(hq: HQServer, make_counter) -> None:
    from app.services.points import expire_points

    a, b = make_counter("S001"), make_counter("S002")
    member_id = member_with(a, 20_000)
    a.sync()
    b.sync()
    b.lookup(PHONE)
    checkout(b.ctx, b.cashier, PHONE, 5_000)  # 50 points earned at B for A's member
    b.sync()
    a.sync()
    for c in (a, b):
        c.clock.advance(days=2 * 366)  # past the end of next year: the lot is due
    assert expire_points(b.ctx, b.admin).points == 0  # B leaves A's member to A
    assert expire_points(a.ctx, a.admin).points == 50
    for _ in range(2):
        a.sync()
        b.sync()
    assert admin.member_balances(hq.engine)[member_id][2] == 0
    for c in (a, b):
        assert ledger_checked(c.ctx, member_id)[2] == 0
    assert admin.list_conflicts(hq.engine) == []
