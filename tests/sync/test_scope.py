"""Scoped replication: a counter holds its store's members and the other stores' members it
served; a new counter joins from HQ's snapshot; stores push without waiting for each other."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from app.domain.errors import NotFoundError, RuleError
from app.services import syncstate
from app.services.checkout import checkout
from app.services.lookup import show_member
from app.services.members import Registration, register_member
from app.services.stored_value import top_up
from server import streams
from server import tables as t
from tests.helpers import ledger_checked
from tests.hqkit import Counter, HQServer


def member_ids(counter: Counter) -> set[str]:
    conn = sqlite3.connect(str(counter.ctx.db.path))
    try:
        return {r[0] for r in conn.execute("SELECT id FROM member")}
    finally:
        conn.close()


def rows(counter: Counter, sql: str) -> set[tuple]:
    conn = sqlite3.connect(str(counter.ctx.db.path))
    try:
        return set(conn.execute(sql).fetchall())
    finally:
        conn.close()


def register(counter: Counter, name: str, phone: str, topup: int = 0) -> str:
    view = register_member(
        counter.ctx, counter.cashier, Registration(name=name, phone=phone, consent=True)
    )
    if topup:
        top_up(counter.ctx, counter.cashier, phone, topup, "cash")
    return view.member_id


def test_a_counter_holds_its_own_store_and_no_other(hq: HQServer, make_counter) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    ma = register(a, "张三", "13900000001", 10_000)
    mb = register(b, "李四", "13900000002", 20_000)
    a2 = make_counter("S001")  # a second counter of store A
    for c in (a, b, a2, a, b, a2):
        c.sync()
    assert member_ids(a) == member_ids(a2) == {ma}
    assert member_ids(b) == {mb}
    assert show_member(a2.ctx, a2.cashier, "13900000001").stored_value_fen == 10_000
    assert ledger_checked(a2.ctx, ma) == ledger_checked(a.ctx, ma)
    with pytest.raises(NotFoundError):
        show_member(a.ctx, a.cashier, "13900000002")
    with hq.engine.connect() as conn:
        b_stream = conn.execute(
            select(t.change.c.body).where(t.change.c.store_code == "S002")
        ).scalars()
        assert not any(ma in body for body in b_stream)
        assert conn.scalar(select(func.count()).select_from(t.holding)) == 0


def test_a_member_served_elsewhere_is_held_there_and_follows(hq: HQServer, make_counter) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    phone = "13900000011"
    member = register(a, "王五", phone, 50_000)
    a.sync()
    b.sync()
    assert member not in member_ids(b)
    found = b.lookup(phone)  # the cashier's online lookup: fetched and held at B
    assert [f.member_id for f in found] == [member]
    assert show_member(b.ctx, b.cashier, phone).stored_value_fen == 55_000
    assert ledger_checked(b.ctx, member) == ledger_checked(a.ctx, member)
    with hq.engine.connect() as conn:
        assert conn.execute(select(t.holding.c.store_code, t.holding.c.member_id)).all() == [
            ("S002", member)
        ]
    checkout(b.ctx, b.cashier, phone, 3_000)  # B serves them from what it fetched
    b.sync()
    top_up(a.ctx, a.cashier, phone, 10_000, "wechat")  # their later changes reach B
    a.sync()
    b.sync()
    a.sync()
    at_a, at_b = show_member(a.ctx, a.cashier, phone), show_member(b.ctx, b.cashier, phone)
    assert at_a.stored_value_fen == at_b.stored_value_fen == 55_000 - 3_000 + 10_000
    assert ledger_checked(a.ctx, member) == ledger_checked(b.ctx, member)
    sv = "SELECT entry_id, principal_fen, bonus_fen FROM sv_entry"
    assert rows(a, sv) == rows(b, sv)
    c = make_counter("S003")  # a third store never sees them
    c.sync()
    assert member not in member_ids(c)


def test_a_reinstalled_counter_joins_from_a_snapshot_with_exactly_hqs_scope(
    hq: HQServer, make_counter
) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    own = [register(a, f"会员{i}", f"139000001{i:02d}", 1_000 * (i + 1)) for i in range(12)]
    for i in range(0, 12, 3):
        checkout(a.ctx, a.cashier, f"139000001{i:02d}", 500, points=0)
    foreign = register(b, "外店", "13900000200", 30_000)
    b.sync()
    a.sync()
    a.lookup("13900000200")
    checkout(a.ctx, a.cashier, "13900000200", 1_000)
    a.sync()
    b.sync()
    fresh = make_counter("S001")  # the same store, installed again
    report = fresh.sync()
    assert report.pulled >= len(own) + 1
    with hq.engine.connect() as conn:
        cursor, _ = streams.watermark(conn, "S001")
        hq_balances = {
            r.id: (r.principal_fen, r.bonus_fen, r.points)
            for r in conn.execute(select(t.member).where(t.member.c.id.in_([*own, foreign])))
        }
        hq_sv = {
            tuple(r)
            for r in conn.execute(
                select(t.sv_entry.c.entry_id, t.sv_entry.c.principal_fen, t.sv_entry.c.bonus_fen)
            )
        }
    assert report.cursor == cursor
    assert member_ids(fresh) == {*own, foreign}
    for member_id in (*own, foreign):
        assert ledger_checked(fresh.ctx, member_id) == hq_balances[member_id]
    assert rows(fresh, "SELECT entry_id, principal_fen, bonus_fen FROM sv_entry") == hq_sv
    # It follows the stream from the snapshot's position: the next change arrives once.
    top_up(b.ctx, b.cashier, "13900000200", 5_000, "cash")
    b.sync()
    fresh.sync()
    fresh.sync()
    assert show_member(fresh.ctx, fresh.cashier, "13900000200").stored_value_fen == (
        sum(hq_balances[foreign][:2]) + 5_000
    )


def test_a_member_not_held_spends_nothing_until_fetched(hq: HQServer, make_counter) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    phone = "13900000021"
    member = register(a, "赵六", phone, 20_000)
    a.sync()
    b.lookup(phone)
    # As an upgraded counter has them: pulled before HQ scoped the streams, not held.
    conn = sqlite3.connect(str(b.ctx.db.path))
    conn.execute("UPDATE member SET held = 0 WHERE id = ?", (member,))
    conn.commit()
    conn.close()
    with pytest.raises(RuleError) as refused:
        checkout(b.ctx, b.cashier, phone, 1_000)
    assert refused.value.code == "member_not_held"
    assert "联网" in refused.value.message
    with pytest.raises(RuleError):
        checkout(b.ctx, b.cashier, phone, 1_000, points=100, tenders=[("cash", 1_000)])
    checkout(b.ctx, b.cashier, phone, 1_000, tenders=[("cash", 1_000)])  # cash still works
    top_up(b.ctx, b.cashier, phone, 1_000, "cash")  # and a top-up
    b.sync()  # it served them: fetched with the push, held from now on
    assert ledger_checked(b.ctx, member) == ledger_checked(a.ctx, member) or a.sync()
    checkout(b.ctx, b.cashier, phone, 1_000)
    b.sync()
    a.sync()
    assert ledger_checked(b.ctx, member) == ledger_checked(a.ctx, member)


# SQLite has one writer by design; the per-store locks are what PostgreSQL runs on.
@pytest.mark.parametrize("hq_db", ["postgresql"], indirect=True)
def test_stores_push_without_waiting_for_each_other(hq: HQServer, make_counter) -> None:
    """One store's push transaction held open (its stream locked) while another store's push
    completes; a second counter of the first store does wait: the lock is real."""
    a, b, a2 = make_counter("S001"), make_counter("S002"), make_counter("S001")
    register(a, "甲", "13900000031")
    register(b, "乙", "13900000032")
    register(a2, "丙", "13900000033")
    held_open = threading.Event()
    release = threading.Event()

    def hold_stream_a() -> None:
        with hq.engine.begin() as conn:
            streams.lock(conn, ["S001"])
            held_open.set()
            release.wait(20)

    holder = threading.Thread(target=hold_stream_a)
    holder.start()
    assert held_open.wait(10)
    try:
        started = time.monotonic()
        b.sync()
        assert time.monotonic() - started < 5
        done = threading.Event()
        waiter = threading.Thread(target=lambda: (a2.sync(), done.set()))
        waiter.start()
        assert not done.wait(2)  # store A's own push waits for store A's stream
    finally:
        release.set()
        holder.join()
    waiter.join(20)
    assert done.is_set()


def test_a_join_cut_off_half_way_starts_again_and_counts_nothing_twice(
    hq: HQServer, make_counter, monkeypatch
) -> None:
    from sync.client import HQClient, SyncError

    a = make_counter("S001")
    members = [register(a, f"会员{i}", f"139000003{i:02d}", 2_000) for i in range(5)]
    a.sync()
    fresh = make_counter("S001")
    whole = HQClient.snapshot

    def cut(self: HQClient):
        lines = whole(self)
        for _ in range(3):  # the header and two members, then the line drops
            yield next(lines)
        lines.close()

    monkeypatch.setattr(HQClient, "snapshot", cut)
    with pytest.raises(SyncError):
        fresh.sync()
    assert syncstate.status(fresh.ctx).last_error is not None
    assert not syncstate.joined(fresh.ctx) and syncstate.cursor(fresh.ctx) == 0
    monkeypatch.undo()
    fresh.sync()
    assert syncstate.joined(fresh.ctx)
    for member_id in members:
        assert ledger_checked(fresh.ctx, member_id) == ledger_checked(a.ctx, member_id)
    with fresh.ctx.reader() as uow:
        assert uow.ledger_mismatches() == []


def test_a_member_not_served_for_long_is_released_and_fetched_again(
    hq: HQServer, make_counter, capsys
) -> None:
    import datetime as dt
    import json

    from sqlalchemy import update

    from server.cli import main as hq_main

    a, b = make_counter("S001"), make_counter("S002")
    phone = "13900000041"
    member = register(a, "钱七", phone, 30_000)
    a.sync()
    b.lookup(phone)
    checkout(b.ctx, b.cashier, phone, 1_000)
    b.sync()  # served again: the holding is fresh
    capsys.readouterr()
    assert hq_main(["--db", hq.url, "--json", "holdings", "release"]) == 0
    assert json.loads(capsys.readouterr().out)["released"] == 0
    with hq.engine.begin() as conn:  # 19 months without serving them at S002
        conn.execute(update(t.holding).values(since=dt.datetime(2025, 5, 1)))
    assert hq_main(["--db", hq.url, "--json", "holdings", "release"]) == 0
    assert json.loads(capsys.readouterr().out) == {"released": 1, "days": 548}
    b.sync()
    with pytest.raises(RuleError) as refused:  # kept at S002, but no longer kept up to date
        checkout(b.ctx, b.cashier, phone, 1_000)
    assert refused.value.code == "member_not_held"
    top_up(a.ctx, a.cashier, phone, 10_000, "cash")
    a.sync()
    b.sync()
    assert (
        show_member(b.ctx, b.cashier, phone).stored_value_fen
        != show_member(a.ctx, a.cashier, phone).stored_value_fen
    )  # S002 no longer receives their changes
    b.lookup(phone)  # served again: fetched, held, HQ's balances
    assert ledger_checked(b.ctx, member) == ledger_checked(a.ctx, member)
    checkout(b.ctx, b.cashier, phone, 1_000)


@pytest.mark.parametrize("hq_db", ["postgresql"], indirect=True)
def test_two_stores_publishing_about_one_held_member_do_not_deadlock(
    hq: HQServer, monkeypatch
) -> None:
    """The member's home store and a store holding them publish at the same moment, each
    having read the holders before the other locked: both lock in store-code order."""
    import datetime as dt

    from app.domain.ids import uuid7

    for code in ("S001", "S002"):
        hq.new_store(code)
    member = uuid7()
    now = dt.datetime.now()
    with hq.engine.begin() as conn:
        conn.execute(
            t.member.insert().values(
                id=member, store_code="S002", name="孙", phone="13900000051", status="active",
                tier_code="normal", tier_overridden=False, cumulative_spend_fen=0,
                principal_fen=0, bonus_fen=0, points=0, field_clocks="{}", created_at=now,
                updated_at=now,
            )
        )  # fmt: skip
        streams.hold(conn, "S001", member, now)
    both_read = threading.Barrier(2, timeout=10)
    real = streams.holders
    first = threading.local()

    def holders(conn, member_ids):
        found = real(conn, member_ids)
        if not getattr(first, "done", False):
            first.done = True
            both_read.wait()  # each has read the holders; now both go for the locks
        return found

    monkeypatch.setattr(streams, "holders", holders)
    errors: list[BaseException] = []

    def push_from(store: str) -> None:
        body = {"event_id": uuid7(), "type": "stored_value.topped_up", "store_code": store,
                "payload": {"member_id": member, "sv_entries": []}}  # fmt: skip
        try:
            with hq.engine.begin() as conn:
                streams.publish(conn, [streams.event_change(body, None, store)], now)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=push_from, args=(s,)) for s in ("S002", "S001")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert errors == []
    with hq.engine.connect() as conn:
        assert streams.watermark(conn, "S001")[0] == streams.watermark(conn, "S002")[0] == 2


def test_a_member_whose_phone_another_has_here_is_taken_as_a_duplicate(
    hq: HQServer, make_counter
) -> None:
    """HQ's member has a phone an active member of this counter has (two stores registered
    it while apart): the fetch keeps both, the fetched one a duplicate; nothing wedges."""
    a, b = make_counter("S001"), make_counter("S002")
    phone = "13900000061"
    theirs = register(a, "周一", phone, 10_000)
    a.sync()
    ours = register(b, "周二", phone)  # not pushed yet: HQ does not know it
    found = b.lookup(phone)
    assert [f.member_id for f in found] == [theirs]
    with b.ctx.reader() as uow:
        assert uow.member(theirs).status == "duplicate" and uow.member(ours).status == "active"
    b.lookup(phone)  # fetched again (refreshed): still a duplicate, no clash
    b.sync()
    with b.ctx.reader() as uow:
        assert uow.member(theirs).status == "duplicate"
    assert syncstate.status(b.ctx).last_error is None


def test_an_upgraded_counter_joins_once_and_does_not_replay(hq: HQServer, make_counter) -> None:
    """A counter that synced with HQ before it kept a stream per store (it has an old
    epoch): it joins from the snapshot, sends again what HQ may miss, and does not pull
    the whole stream again."""
    a = make_counter("S001")
    for i in range(4):
        register(a, f"会员{i}", f"139000007{i:02d}", 1_000)
    a.sync()
    b = make_counter("S001")
    with b.ctx.uow() as uow:
        from app.persistence import syncstore

        syncstore.state_for_update(uow).hq_epoch = "424242:0"  # from before the upgrade
        uow.commit()
    report = b.sync()
    assert report.pulled == 4  # the four members, from the snapshot; no replay after it
    assert syncstate.epoch(b.ctx).split(":")[0] != "424242"
    assert b.sync().pulled == 0


def test_a_restored_hq_makes_the_counter_join_again(hq: HQServer, make_counter) -> None:
    a = make_counter("S001")
    register(a, "吴一", "13900000081", 1_000)
    a.sync()
    assert syncstate.joined(a.ctx)
    epoch, _, seq = syncstate.epoch(a.ctx).partition(":")
    assert syncstate.note_epoch(a.ctx, f"{int(epoch) + 1}:{seq}")  # HQ restored
    assert not syncstate.joined(a.ctx)  # what HQ holds for the store is the backup's
    a.sync()
    assert syncstate.joined(a.ctx)
