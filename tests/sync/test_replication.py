"""Every kind of member event made at one counter reaches HQ and the store's other counter
the same. (Cancelling, passwords, cards, tiers and adjustments are the home store's: another
store's attempts are quarantined at HQ, see tests/server/test_authority.py.)"""

from __future__ import annotations

from sqlalchemy import select

from app.domain.errors import AuthenticationError, RuleError
from app.services import cards, points, stored_value, tiers
from app.services.members import (
    Registration,
    check_payment_password,
    register_member,
    set_payment_password,
)
from app.services.refunds import refund
from app.services.security import Approval
from server import admin
from server import tables as t
from tests.helpers import ledger_checked
from tests.hqkit import MANAGER_NO, MANAGER_PIN, HQServer

PHONE = "13900000061"
OK = Approval(MANAGER_NO, MANAGER_PIN)


def test_card_password_tier_points_adjust_and_refunds_replicate(hq: HQServer, make_counter) -> None:
    import pytest

    a, b = make_counter("S001"), make_counter("S001")  # two counters of one store
    view = register_member(a.ctx, a.cashier, Registration(name="钱一", phone=PHONE, consent=True))
    member_id = view.member_id
    topup = stored_value.top_up(a.ctx, a.cashier, PHONE, 100_000, "cash")  # +150 bonus
    a.sync()
    b.sync()

    set_payment_password(b.ctx, b.cashier, PHONE, "246810")
    new_card = cards.replace_card(b.ctx, b.cashier, PHONE, fee_method="cash")
    tiers.override_tier(b.ctx, b.cashier, PHONE, "gold", "VIP", OK)
    points.adjust_points(b.ctx, b.cashier, PHONE, 300, "活动", OK)
    stored_value.adjust_stored_value(
        b.ctx,
        b.cashier,
        PHONE,
        principal_delta_fen=500,
        bonus_delta_fen=0,
        reason="更正",
        approval=OK,
    )
    cards.freeze_card(b.ctx, b.cashier, PHONE)
    b.sync()
    a.sync()

    with a.ctx.reader() as uow:
        m = uow.member(member_id)
        card = uow.card(m.card_id)
        assert (card.card_no, card.status) == (new_card.card_no, "frozen")
        assert m.tier_code == "gold" and m.tier_overridden
    with pytest.raises(AuthenticationError):
        check_payment_password(a.ctx, PHONE, "111111")
    check_payment_password(a.ctx, PHONE, "246810")
    with pytest.raises(RuleError) as exc:  # frozen at B: frozen at A too
        stored_value.top_up(a.ctx, a.cashier, PHONE, 100, "cash")
    assert exc.value.code == "card_frozen"

    cards.unfreeze_card(a.ctx, a.admin, PHONE)
    refund(a.ctx, a.cashier, topup.txn_id, OK)  # principal back, the bonus voided
    a.sync()
    b.sync()
    expected = (500, 0, 300)
    for c in (a, b):
        assert ledger_checked(c.ctx, member_id) == expected
    assert admin.member_balances(hq.engine)[member_id] == expected

    with hq.engine.connect() as conn:
        row = conn.execute(select(t.member).where(t.member.c.id == member_id)).one()
        hq_card = conn.execute(select(t.card).where(t.card.c.id == row.card_id)).one()
    assert (row.tier_code, row.tier_overridden, hq_card.card_no, hq_card.status) == (
        "gold",
        True,
        new_card.card_no,
        "active",
    )
    assert row.pay_password_hash is not None


def test_cancel_at_one_store_ends_the_membership_everywhere(hq: HQServer, make_counter) -> None:
    a, b = make_counter("S001"), make_counter("S001")  # two counters of one store
    view = register_member(a.ctx, a.cashier, Registration(name="钱二", phone=PHONE, consent=True))
    stored_value.top_up(a.ctx, a.cashier, PHONE, 10_000, "cash")
    a.sync()
    b.sync()
    cards.cancel_card(b.ctx, b.cashier, PHONE, OK)
    b.sync()
    a.sync()
    for c in (a, b):
        assert ledger_checked(c.ctx, view.member_id) == (0, 0, 0)
        with c.ctx.reader() as uow:
            assert uow.member(view.member_id).status == "cancelled"
    with hq.engine.connect() as conn:
        assert conn.scalar(select(t.member.c.status).where(t.member.c.id == view.member_id)) == (
            "cancelled"
        )
