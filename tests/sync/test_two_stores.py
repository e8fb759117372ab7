"""Two stores and HQ: a member registered at A is served at B, and every copy agrees."""

from __future__ import annotations

import sqlite3

from sqlalchemy import select

from app.services.checkout import checkout
from app.services.lookup import show_member
from app.services.members import Registration, register_member
from app.services.stored_value import top_up
from server import tables as t
from tests.helpers import ledger_checked
from tests.hqkit import Counter, HQServer


def sv_rows(counter: Counter) -> set[tuple]:
    conn = sqlite3.connect(str(counter.ctx.db.path))
    try:
        return set(
            conn.execute(
                "SELECT entry_id, member_id, kind, principal_fen, bonus_fen FROM sv_entry"
            ).fetchall()
        )
    finally:
        conn.close()


def hq_sv_rows(hq: HQServer) -> set[tuple]:
    with hq.engine.connect() as conn:
        return {
            tuple(r)
            for r in conn.execute(
                select(
                    t.sv_entry.c.entry_id,
                    t.sv_entry.c.member_id,
                    t.sv_entry.c.kind,
                    t.sv_entry.c.principal_fen,
                    t.sv_entry.c.bonus_fen,
                )
            )
        }


def test_register_at_a_serve_at_b_and_a_sees_it(hq: HQServer, make_counter) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    phone = "13900000001"
    view = register_member(a.ctx, a.cashier, Registration(name="张三", phone=phone, consent=True))
    top_up(a.ctx, a.cashier, phone, 50_000, "cash")  # 500 yuan, +50 bonus
    a.sync()

    b.sync()
    b.lookup(phone)  # not B's member: found online, held at B from now on
    at_b = show_member(b.ctx, b.cashier, phone)
    assert at_b.member_id == view.member_id
    assert at_b.stored_value_fen == 55_000
    top_up(b.ctx, b.cashier, phone, 10_000, "wechat")
    checkout(b.ctx, b.cashier, phone, 2_000)
    b.sync()

    a.sync()
    at_a = show_member(a.ctx, a.cashier, phone)
    at_b = show_member(b.ctx, b.cashier, phone)
    assert at_a.stored_value_fen == at_b.stored_value_fen == 55_000 + 10_000 - 2_000
    assert at_a.points == at_b.points and at_a.points > 0
    assert ledger_checked(a.ctx, view.member_id) == ledger_checked(b.ctx, view.member_id)

    union = sv_rows(a) | sv_rows(b)
    assert hq_sv_rows(hq) == union
    assert sv_rows(a) == sv_rows(b) == union
    with hq.engine.connect() as conn:
        row = conn.execute(
            select(t.member.c.principal_fen, t.member.c.bonus_fen, t.member.c.points).where(
                t.member.c.id == view.member_id
            )
        ).one()
    assert tuple(row) == ledger_checked(a.ctx, view.member_id)
