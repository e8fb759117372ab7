"""An import reaches HQ (issue 11): ``member.imported`` is applied at HQ like a registration —
member, card, opening balances and points — found by online lookup at another store and
replicated, so serving an imported member elsewhere never wedges anyone's pull.

The chain-sized import (20,000 members) runs on SQLite: about 8 s to import, 30–40 s to push
and 60–100 s for the store's second counter to pull them all, on the shared 2-core test
machine; the 300-member story runs on both databases."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.domain.ids import uuid7
from app.services import syncstate
from app.services.importing import import_members
from app.services.lookup import show_member
from app.services.stored_value import top_up
from server import admin
from sync.engine import lookup_and_fetch
from tests.hqkit import Counter, HQServer, hq_counts


def old_system_file(path: Path, n: int) -> Path:
    rows = ["姓名,手机号,卡号,余额,赠送金,积分,累计消费"]
    rows += [
        f"会员{i},139{i:08d},C{i:08d},{100 + i % 50}.50,{i % 7}.00,{i % 300},{i % 9000}.00"
        for i in range(n)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def rows_of(counter: Counter, sql: str) -> list[tuple]:
    import sqlite3

    conn = sqlite3.connect(str(counter.ctx.db.path))
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def expected(i: int) -> tuple[int, int, int]:
    return ((100 + i % 50) * 100 + 50, (i % 7) * 100, i % 300)


def imported_and_served(
    make_counter: Callable[..., Counter], hq: HQServer, tmp_path: Path, n: int
) -> dict[str, float]:
    # b: another store; c: a second counter of the importing store, which holds them all.
    a, b, c = make_counter("S001"), make_counter("S002"), make_counter("S001")
    for counter in (a, b, c):
        counter.sync()
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    report = import_members(a.ctx, a.admin, old_system_file(tmp_path / "old.csv", n))
    assert report.imported and report.counts()["create"] == n
    seconds["import"] = time.perf_counter() - start
    start = time.perf_counter()
    a.sync()
    seconds["push"] = time.perf_counter() - start
    assert syncstate.status(a.ctx).refused == ()
    balances = admin.member_balances(hq.engine)
    assert len(balances) == n
    assert sorted(balances.values()) == sorted(expected(i) for i in range(n))
    assert hq_counts(hq)["members"] == n

    # Another store finds one online (by phone) and serves them; nobody's pull wedges.
    last = n - 1
    phone = f"139{last:08d}"
    start = time.perf_counter()
    found = lookup_and_fetch(b.ctx, b.client(), phone)  # looks up, then fetches
    seconds["pull"] = time.perf_counter() - start
    assert [m.card_no for m in found] == [f"C{last:08d}"]
    assert found[0].store_code == "S001" and found[0].principal_fen == expected(last)[0]
    top_up(b.ctx, b.cashier, phone, 10_000, "cash")
    b.sync()
    c.sync()
    a.sync()
    with c.ctx.reader() as uow:
        assert uow.ledger_mismatches() == []
    assert len(rows_of(c, "SELECT id FROM member")) == n
    for counter in (a, b, c):
        view = show_member(counter.ctx, counter.cashier, f"C{last:08d}")
        assert view.principal_fen == expected(last)[0] + 10_000
        assert syncstate.status(counter.ctx).last_error is None
    return seconds


def test_an_import_reaches_hq_and_every_store(
    hq: HQServer, make_counter: Callable[..., Counter], tmp_path: Path
) -> None:
    imported_and_served(make_counter, hq, tmp_path, 300)


@pytest.mark.long
@pytest.mark.timeout(900)  # ≈ 2 min alone; CI runs it beside the rest of the suite
@pytest.mark.parametrize("hq_db", ["sqlite"], indirect=True)
def test_an_import_of_20000_members_reaches_hq_and_every_store(
    hq: HQServer, make_counter: Callable[..., Counter], tmp_path: Path
) -> None:
    seconds = imported_and_served(make_counter, hq, tmp_path, 20_000)
    assert seconds["pull"] < 5  # the online lookup and fetch of one of them


def test_what_an_old_system_said_reaches_hq_and_the_other_counters(
    hq: HQServer, make_counter: Callable[..., Counter], tmp_path: Path
) -> None:
    """A birthday without a year, a 停用 member's frozen card, a tier by name, notes, the old
    system's registration time and home store: HQ accepts the event and keeps what it
    holds; the importing store's other counter and another store get the same member."""
    a, b, c = make_counter("S001"), make_counter("S002"), make_counter("S001")
    for counter in (a, b, c):
        counter.sync()
    path = tmp_path / "old.csv"
    path.write_text(
        "会员资料\n\n会员号,姓名,手机号,生日,储值余额,会员等级,状态,注册时间,注册门店,备注\n"
        "M0001,张三,13800138000,05-20,10,金卡,停用,2020-01-02 09:30,老店,常客\n"
        "M0002,李四,13900139000,1990-02-03,0,普通,,,,\n",
        encoding="utf-8-sig",
    )
    report = import_members(a.ctx, a.admin, path)
    assert report.imported and report.counts()["create"] == 2
    a.sync()
    assert syncstate.status(a.ctx).refused == ()
    from sqlalchemy import select

    from server import tables as t

    with hq.engine.connect() as conn:
        rows = conn.execute(
            select(t.member.c.name, t.member.c.birthday, t.member.c.tier_code, t.card.c.status)
            .join(t.card, t.card.c.member_id == t.member.c.id)
            .order_by(t.member.c.name)
        ).all()
    assert sorted(map(tuple, rows)) == [("张三", "--05-20", "gold", "frozen"),
                                        ("李四", "1990-02-03", "normal", "active")]  # fmt: skip
    c.sync()
    assert rows_of(c, "SELECT m.birthday, m.birthday_md, m.tier_code, k.status FROM member m "
                      "JOIN card k ON k.id = m.card_id ORDER BY m.phone") == [
        (None, "05-20", "gold", "frozen"), ("1990-02-03", None, "normal", "active")]  # fmt: skip
    found = lookup_and_fetch(b.ctx, b.client(), "13800138000")
    assert [m.card_no for m in found] == ["M0001"]
    # (another store holds the masked number only)
    assert rows_of(b, "SELECT birthday, birthday_md FROM member WHERE phone = '138****8000'") == [
        (None, "05-20")
    ]
    for counter in (a, b, c):
        assert syncstate.status(counter.ctx).last_error is None


def test_hq_accepts_exactly_what_an_import_may_say(
    hq: HQServer, make_counter: Callable[..., Counter], tmp_path: Path
) -> None:
    """A birthday that is no day of the year, a card state an import cannot bring, a field
    the event does not have, a cancelled member with a balance: quarantined, the member
    applied nowhere."""
    from tests.server.test_authority import forge, quarantined

    a = make_counter("S001")
    a.sync()
    path = tmp_path / "old.csv"
    rows = [f"会员{i},1390000{i:04d},02-28,停用,备注{i}" for i in range(5)]
    path.write_text("姓名,手机号,生日,状态,备注\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert import_members(a.ctx, a.admin, path).imported

    def payload(change: Callable[[dict], None]) -> Callable[[dict], None]:
        return lambda event: change(event["payload"])

    opening = {"entry_id": uuid7(), "kind": "migration", "principal_fen": 100, "bonus_fen": 0,
               "reverses": None}  # fmt: skip
    forged = [
        (lambda p: p["member"].update(birthday="--02-30"), "hq_schema"),
        (lambda p: p["member"].update(birthday="--2-28"), "hq_schema"),
        (lambda p: p.update(card_status="replaced"), "hq_schema"),
        (lambda p: p.update(tier_overridden=True), "hq_schema"),
        # a cancelled member (注销 in the old system) brings no balance
        (lambda p: p.update(card_status="cancelled", sv_entries=[opening]), "hq_money_mismatch"),
    ]
    for change, code in forged:
        quarantined(forge(a, payload(change)), code)
    assert hq_counts(hq)["members"] == 0


def test_notes_registration_time_and_home_store_reach_the_stores_other_counters(
    hq: HQServer, make_counter: Callable[..., Counter], tmp_path: Path
) -> None:
    """HQ keeps an imported member's notes (over two lines too), the old system's
    registration time and home store: the store's second counter has them from its pull, a
    counter that joins later from its snapshot, another store from its online fetch."""
    from sqlalchemy import select

    from server import tables as t

    a, b, c = make_counter("S001"), make_counter("S002"), make_counter("S001")
    for counter in (a, b, c):
        counter.sync()
    path = tmp_path / "old.csv"
    path.write_text(
        "会员号,姓名,手机号,注册时间,注册门店,备注\n"
        'M0001,张三,13800138000,2020-01-02 09:30,老店,"常客\n爱喝茶"\n'
        "M0002,李四,13900139000,,,\n",
        encoding="utf-8",
    )
    assert import_members(a.ctx, a.admin, path).imported
    a.sync()
    assert syncstate.status(a.ctx).refused == ()
    m = t.member.c
    with hq.engine.connect() as conn:
        at_hq = conn.execute(
            select(m.name, m.notes, m.registered_at, m.home_store).order_by(m.name)
        ).all()
    assert sorted(map(tuple, at_hq)) == [("张三", "常客\n爱喝茶", "2020-01-02T09:30:00", "老店"),
                                         ("李四", None, None, None)]  # fmt: skip
    expected_rows = [("常客\n爱喝茶", "2020-01-02 09:30:00.000000", "老店"), (None, None, None)]
    query = "SELECT notes, registered_at, home_store FROM member ORDER BY phone_last4"
    assert rows_of(a, query) == expected_rows
    c.sync()  # the store's other counter: from its pull
    assert rows_of(c, query) == expected_rows
    d = make_counter("S001")
    d.sync()  # a counter that joins now: from its snapshot
    assert rows_of(d, query) == expected_rows
    found = lookup_and_fetch(b.ctx, b.client(), "13800138000")  # another store: its fetch
    assert [x.card_no for x in found] == ["M0001"]
    assert rows_of(b, query) == expected_rows[:1]
    for counter in (a, b, c, d):
        assert syncstate.status(counter.ctx).last_error is None


def test_a_cancelled_member_reaches_hq_and_the_other_counters_as_history(
    hq: HQServer, make_counter: Callable[..., Counter], tmp_path: Path
) -> None:
    """注销 in the old system: HQ and the store's other counter hold a cancelled member and
    card with no balance; the member's phone, used again by an active member, is no
    duplicate anywhere."""
    from sqlalchemy import select

    from server import tables as t

    a, c = make_counter("S001"), make_counter("S001")
    for counter in (a, c):
        counter.sync()
    path = tmp_path / "old.csv"
    path.write_text(
        "卡号,姓名,手机号,余额,积分,状态\n"
        "C001,张三,13800138000,100,0,正常\n"
        "C002,张三,13800138000,30,200,注销\n",
        encoding="utf-8",
    )
    assert import_members(a.ctx, a.admin, path).imported
    a.sync()
    assert syncstate.status(a.ctx).refused == ()
    m = t.member.c
    with hq.engine.connect() as conn:
        rows = conn.execute(
            select(t.card.c.card_no, m.status, t.card.c.status, m.principal_fen, m.points)
            .join(t.card, t.card.c.member_id == m.id)
            .order_by(t.card.c.card_no)
        ).all()
        duplicates = conn.execute(select(t.duplicate)).all()
    assert [tuple(r) for r in rows] == [("C001", "active", "active", 10_000, 0),
                                        ("C002", "cancelled", "cancelled", 0, 0)]  # fmt: skip
    assert duplicates == []
    c.sync()
    assert rows_of(c, "SELECT k.card_no, m.status, k.status, m.principal_fen, m.points "
                      "FROM member m JOIN card k ON k.id = m.card_id ORDER BY k.card_no") == [
        ("C001", "active", "active", 10_000, 0),
        ("C002", "cancelled", "cancelled", 0, 0),
    ]  # fmt: skip
    assert show_member(c.ctx, c.cashier, "13800138000").card_no == "C001"
    for counter in (a, c):
        assert syncstate.status(counter.ctx).last_error is None
