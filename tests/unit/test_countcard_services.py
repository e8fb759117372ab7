"""Count cards at the counter (app.services.countcards): a product, a sale with any tender,
visits, refund of the unused times, transfer, expiry — each one transaction with its
ledger entry, outbox event and audit entry, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable

import pytest

from app.domain.errors import CounterError
from app.ports import FixedClock
from app.services import countcards
from app.services.catalogue import add_item
from app.services.context import CounterContext
from app.services.countcard_products import list_products, save_product
from app.services.lookup import MemberView
from app.services.members import set_payment_password
from app.services.security import Actor, Approval
from app.services.stored_value import top_up


@pytest.fixture
def product(ctx: CounterContext, manager: Actor) -> str:
    """洗车 10 次 + 2 次赠送, 打蜡 2 次, ¥1000.00 (1000 fen a paid time... 100000 / 12)."""
    add_item(ctx, manager, code="WASH", name="洗车", price_fen=12_000, service=True)
    add_item(ctx, manager, code="WAX", name="打蜡", price_fen=30_000, service=True)
    save_product(
        ctx, manager, code="CAR12", name="洗车套餐", items=[("WASH", 10, 2), ("WAX", 2, 0)],
        price_fen=100_000, validity_days=365, transferable=True,
    )  # fmt: skip
    return "CAR12"


def _outbox(ctx: CounterContext, type_: str) -> list[dict]:
    con = sqlite3.connect(ctx.db.path)
    try:
        rows = con.execute(
            "SELECT payload FROM outbox WHERE type = ? ORDER BY device_seq", (type_,)
        ).fetchall()
        return [json.loads(r[0]) for r in rows]
    finally:
        con.close()


def _count(ctx: CounterContext, sql: str) -> int:
    con = sqlite3.connect(ctx.db.path)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_product_is_saved_listed_and_sent_to_hq(
    ctx: CounterContext, manager: Actor, cashier: Actor, product: str
) -> None:
    [p] = list_products(ctx, cashier)
    assert (p.code, p.price_fen, p.transferable, p.stores) == ("CAR12", 100_000, True, None)
    assert [(i.item_code, i.times, i.gift_times) for i in p.items] == [
        ("WASH", 10, 2),
        ("WAX", 2, 0),
    ]
    [ev] = _outbox(ctx, "countcard.product_saved")
    assert ev["product"]["items"][0] == {"item_code": "WASH", "times": 10, "gift_times": 2}
    with pytest.raises(CounterError) as e:
        save_product(ctx, cashier, code="X", name="x", items=[("WASH", 1, 0)], price_fen=1,
                     validity_days=1)  # fmt: skip
    assert e.value.code == "permission_denied"
    with pytest.raises(CounterError) as e:
        save_product(ctx, manager, code="X", name="x", items=[("CUT", 1, 0)], price_fen=1,
                     validity_days=1)  # fmt: skip
    assert e.value.code == "countcard_item_not_in_catalogue"


def test_sell_with_stored_value_then_visits_recognise_value_to_the_fen(
    ctx: CounterContext, cashier: Actor, product: str, register: Callable[..., MemberView],
    snapshot: Callable[[], dict],
) -> None:  # fmt: skip
    m = register()
    top_up(ctx, cashier, m.member_id, 150_000, "cash")
    set_payment_password(ctx, cashier, m.member_id, "602417")
    before = snapshot()
    with pytest.raises(CounterError) as e:
        countcards.sell(ctx, cashier, m.member_id, product, pay="stored_value")
    assert e.value.code == "payment_password_required"
    assert snapshot() == before  # refused: nothing written
    sold = countcards.sell(
        ctx, cashier, m.member_id, product, pay="stored_value", payment_password="602417"
    )
    assert sold.card.left == (("WASH", 12), ("WAX", 2))
    assert sold.card.valid_until == dt.date(2027, 3, 14)  # 365 days, the day of sale is day 1
    assert sold.card.liability_fen == 100_000
    [ev] = _outbox(ctx, "countcard.sold")
    assert ev["sv_entries"][0]["principal_fen"] + ev["sv_entries"][0]["bonus_fen"] == -100_000
    assert ev["entry"]["times"] == {"WASH": [10, 2], "WAX": [2, 0]}
    # 100000 fen over 12 paid times: 8333 a time, the remainder 4 on the last paid one.
    v1 = countcards.use(ctx, cashier, m.member_id, {"WASH": 2, "WAX": 1}, payment_password="602417")
    assert v1.value_fen == 3 * 8333 and v1.taken == (("WASH", 2, 0), ("WAX", 1, 0))
    assert v1.card.left == (("WASH", 10), ("WAX", 1))
    for uses in ({"WASH": 3}, {"WASH": 3}, {"WASH": 2}, {"WAX": 1}):  # the paid times left
        last = countcards.use(ctx, cashier, m.member_id, uses, payment_password="602417")
    assert last.value_fen == 8333 + 4  # the last paid time carries the remainder
    [card] = countcards.show(ctx, cashier, m.member_id)
    assert card.recognised_fen == 100_000 and card.liability_fen == 0
    assert card.left == (("WASH", 2), ("WAX", 0))  # the two gift washes remain
    gift = countcards.use(ctx, cashier, m.member_id, {"WASH": 2}, payment_password="602417")
    assert gift.value_fen == 0 and gift.taken == (("WASH", 0, 2),)
    with pytest.raises(CounterError) as e:
        countcards.use(ctx, cashier, m.member_id, {"WASH": 1}, payment_password="602417")
    assert e.value.code in ("countcard_none", "countcard_times_insufficient")
    assert _count(ctx, "SELECT SUM(value_fen) FROM count_card_entry WHERE kind='visit'") == 100_000


def test_refund_of_unused_times_needs_a_manager_and_pays_back_exactly(
    ctx: CounterContext, cashier: Actor, approval: Approval, product: str,
    register: Callable[..., MemberView], snapshot: Callable[[], dict],
) -> None:  # fmt: skip
    m = register()
    countcards.sell(ctx, cashier, m.member_id, product, pay="wechat")
    countcards.use(ctx, cashier, m.member_id, {"WASH": 3})
    before = snapshot()
    with pytest.raises(CounterError) as e:
        countcards.refund(ctx, cashier, m.member_id, approval=None)
    assert e.value.code == "approval_required"
    assert snapshot() == before
    back = countcards.refund(ctx, cashier, m.member_id, method="stored_value", approval=approval)
    assert back.value_fen == 100_000 - 3 * 8333
    assert back.card.status == "refunded" and back.card.left == (("WASH", 0), ("WAX", 0))
    [ev] = _outbox(ctx, "countcard.refunded")
    assert ev["approver_no"] == "m01"
    assert ev["entry"]["times"] == {"WASH": [7, 2], "WAX": [2, 0]}
    assert ev["sv_entries"][0]["principal_fen"] == back.value_fen
    with pytest.raises(CounterError) as e:
        countcards.use(ctx, cashier, m.member_id, {"WASH": 1}, card_id=back.card.card_id)
    assert e.value.code == "countcard_refunded"


def test_transfer_moves_the_card_with_approval_and_only_when_allowed(
    ctx: CounterContext, manager: Actor, cashier: Actor, approval: Approval, product: str,
    register: Callable[..., MemberView],
) -> None:  # fmt: skip
    a, b = register(name="甲"), register(name="乙")
    sold = countcards.sell(ctx, cashier, a.member_id, product)
    countcards.use(ctx, cashier, a.member_id, {"WASH": 1})
    moved = countcards.transfer(ctx, cashier, a.member_id, b.member_id, approval=approval)
    assert moved.card.member_id == b.member_id and moved.card.left == (("WASH", 11), ("WAX", 2))
    assert countcards.show(ctx, cashier, a.member_id) == []
    countcards.use(ctx, cashier, b.member_id, {"WASH": 1}, card_id=sold.card.card_id[:12])
    save_product(ctx, manager, code="NT", name="不可转", items=[("WASH", 2, 0)],
                 price_fen=2_000, end_date=dt.date(2026, 12, 31))  # fmt: skip
    countcards.sell(ctx, cashier, a.member_id, "NT")
    with pytest.raises(CounterError) as e:
        countcards.transfer(ctx, cashier, a.member_id, b.member_id, approval=approval)
    assert e.value.code == "countcard_not_transferable"


def test_expiry_turns_the_rest_into_breakage_and_times_are_conserved(
    ctx: CounterContext, clock: FixedClock, manager: Actor, cashier: Actor, product: str,
    register: Callable[..., MemberView],
) -> None:  # fmt: skip
    m = register()
    countcards.sell(ctx, cashier, m.member_id, product)
    countcards.use(ctx, cashier, m.member_id, {"WASH": 4})
    assert countcards.expire_due(ctx, manager) == []  # not yet
    clock.advance(days=366)
    with pytest.raises(CounterError) as e:
        countcards.use(ctx, cashier, m.member_id, {"WASH": 1}, card_id=None)
    assert e.value.code in ("countcard_expired", "countcard_none")
    [gone] = countcards.expire_due(ctx, manager)
    assert gone.value_fen == 100_000 - 4 * 8333 and gone.card.status == "expired"
    assert _count(ctx, "SELECT COUNT(*) FROM count_card_entry") == 3
    # sold + gift = used + remaining + refunded + expired, from the ledger's rows
    con = sqlite3.connect(ctx.db.path)
    totals: dict[str, list[int]] = {}
    for kind, times in con.execute("SELECT kind, times FROM count_card_entry"):
        for _item, (p, g) in json.loads(times).items():
            t = totals.setdefault(kind, [0, 0])
            t[0] += p
            t[1] += g
    con.close()
    assert totals["sold"] == [12, 2] and totals["visit"] == [4, 0] and totals["expire"] == [8, 2]


def test_offline_a_card_is_used_once_per_sync(
    ctx: CounterContext, clock: FixedClock, cashier: Actor, product: str,
    register: Callable[..., MemberView],
) -> None:  # fmt: skip
    from app.persistence import syncstore

    m = register()
    countcards.sell(ctx, cashier, m.member_id, product)
    with ctx.uow() as uow:  # enrolled, last synced ten minutes ago: offline now
        state = syncstore.state_for_update(uow)
        state.enrolled_at = clock.now()
        state.last_success_at = clock.now()
        uow.commit()
    clock.advance(minutes=10)
    v = countcards.use(ctx, cashier, m.member_id, {"WASH": 1})
    assert _outbox(ctx, "countcard.used")[-1]["offline"] is True and v.value_fen == 8333
    with pytest.raises(CounterError) as e:
        countcards.use(ctx, cashier, m.member_id, {"WASH": 1})
    assert e.value.code == "countcard_offline_limit"


def test_the_ledger_check_finds_a_card_whose_cache_is_not_its_ledger(
    ctx: CounterContext, manager: Actor, cashier: Actor, approval: Approval, product: str,
    register: Callable[..., MemberView],
) -> None:  # fmt: skip
    from app.services.maintenance import verify_audit

    a, b = register(name="丙"), register(name="丁")
    kept = countcards.sell(ctx, cashier, a.member_id, product)
    countcards.use(ctx, cashier, a.member_id, {"WASH": 3}, card_id=kept.card.card_id)
    countcards.transfer(ctx, cashier, a.member_id, b.member_id, approval=approval)
    back = countcards.sell(ctx, cashier, a.member_id, product)
    countcards.refund(ctx, cashier, a.member_id, card_id=back.card.card_id, approval=approval)
    report = verify_audit(ctx, manager)
    assert report.ok and report.ledger_mismatches == []
    con = sqlite3.connect(ctx.db.path)
    try:  # the card rows are caches; the ledger says otherwise
        con.execute("UPDATE member_count_card SET status = 'active' WHERE id = ?",
                    (back.card.card_id,))  # fmt: skip
        con.execute("UPDATE member_count_card SET member_id = ? WHERE id = ?",
                    (a.member_id, kept.card.card_id))  # fmt: skip
        con.commit()
    finally:
        con.close()
    report = verify_audit(ctx, manager)
    assert not report.ok
    assert sorted(report.ledger_mismatches) == sorted(
        [f"count_card:{back.card.card_id}", f"count_card:{kept.card.card_id}"]
    )
