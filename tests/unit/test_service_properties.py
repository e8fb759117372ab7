"""Property tests over the REAL services on a real SQLite file.

A hypothesis state machine registers members, tops up, checks out (points and
split tenders), refunds, expires and adjusts points at random, keeps its own
model of every balance and lot (from PRODUCT.md's default rules, written out
here independently of app/domain), and after every step compares the model
with the database: cached balances equal their ledgers, nothing is negative,
money is conserved, and refused operations change nothing at all.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from app.domain.errors import CounterError
from app.ports import FixedClock
from app.services.checkout import checkout
from app.services.context import CounterContext, open_counter
from app.services.hashing import Hasher
from app.services.ledger import points_in, usable_lots
from app.services.lookup import show_member
from app.services.maintenance import verify_audit
from app.services.members import Registration, register_member
from app.services.points import adjust_points, expire_points
from app.services.refunds import refund
from app.services.security import Actor, Approval, sign_in
from app.services.staff import add_staff
from app.services.store import init_store
from app.services.stored_value import top_up
from tests.conftest import (
    ADMIN_PIN,
    CASHIER_NO,
    CASHIER_PIN,
    MANAGER_NO,
    MANAGER_PIN,
    START,
    db_snapshot,
)
from tests.dbtemplate import fresh_counter_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXTERNAL = ("cash", "wechat", "alipay", "bankcard")
TENDER_MODES = ("stored_value", "stored_value+cash", "split", "cash", "wechat")

# PRODUCT.md "Default business rules", written out here so the test does not
# merely replay app/domain: (code, threshold fen, discount bp, multiplier permille).
TIERS = (
    ("normal", 0, 0, 1000),
    ("silver", 100_000, 200, 1200),
    ("gold", 500_000, 500, 1500),
    ("diamond", 2_000_000, 1000, 2000),
)
RANK = {t[0]: i for i, t in enumerate(TIERS)}
RANK_DISCOUNT = {code: bp for code, _, bp, _ in TIERS}


def tier_row(code: str) -> tuple[str, int, int, int]:
    return TIERS[RANK[code]]


def tier_reached(spend_fen: int) -> str:
    return [code for code, threshold, _, _ in TIERS if spend_fen >= threshold][-1]


def higher(a: str, b: str) -> str:
    return a if RANK[a] >= RANK[b] else b


def expected_bonus(amount_fen: int) -> int:
    if amount_fen >= 100_000:
        return 15_000
    if amount_fen >= 50_000:
        return 5_000
    return 0


def new_counter(data_dir: Path, clock: FixedClock) -> tuple[CounterContext, Actor, Actor]:
    """A fresh store S001 with a manager and a cashier; returns (ctx, manager, cashier)."""
    fresh_counter_db(data_dir)  # the migrated schema copied (tests/dbtemplate.py)
    ctx = open_counter(data_dir, clock=clock, hasher=Hasher.fast())
    init_store(ctx, code="S001", name="测试门店", admin_pin=ADMIN_PIN)
    admin = sign_in(ctx, "admin", ADMIN_PIN)
    add_staff(ctx, admin, staff_no=MANAGER_NO, name="王店长", role="manager", pin=MANAGER_PIN)
    add_staff(ctx, admin, staff_no=CASHIER_NO, name="李收银", role="cashier", pin=CASHIER_PIN)
    return ctx, sign_in(ctx, MANAGER_NO, MANAGER_PIN), sign_in(ctx, CASHIER_NO, CASHIER_PIN)


def lot_map(ctx: CounterContext, member_id: str) -> dict[str, int]:
    with ctx.reader() as uow:
        return {lot.lot_id: lot.remaining for lot in uow.lot_balances(member_id)}


# -- the model --------------------------------------------------------------------


@dataclass
class MLot:
    lot_id: str
    expires_on: dt.date
    remaining: int


@dataclass
class MMember:
    member_id: str
    principal: int = 0
    bonus: int = 0
    spend: int = 0
    tier: str = "normal"
    lots: list[MLot] = field(default_factory=list)

    @property
    def points(self) -> int:
        return sum(lot.remaining for lot in self.lots)

    def lot(self, lot_id: str) -> MLot:
        return next(lot for lot in self.lots if lot.lot_id == lot_id)

    def usable(self, today: dt.date) -> int:
        """Points in lots still valid today (a lot past its last day cannot be spent)."""
        return sum(lot.remaining for lot in self.lots if lot.expires_on >= today)

    def take_oldest(
        self, n: int, *, valid_on: dt.date | None = None, skip: str | None = None
    ) -> list[tuple[str, int]]:
        """Take up to n points, earliest expiry first (ties: older lot id first).

        With ``valid_on`` only lots still valid that day are taken (redeeming and
        manual deductions); a clawback (no ``valid_on``) takes from any lot.
        """
        taken = []
        for lot in sorted(self.lots, key=lambda lot: (lot.expires_on, lot.lot_id)):
            if n == 0:
                break
            if lot.lot_id == skip or lot.remaining <= 0:
                continue
            if valid_on is not None and lot.expires_on < valid_on:
                continue
            k = min(lot.remaining, n)
            lot.remaining -= k
            n -= k
            taken.append((lot.lot_id, k))
        return taken


@dataclass
class MCheckout:
    txn_id: str
    member_id: str
    due: int
    sv_principal: int
    sv_bonus: int
    redeemed: list[tuple[str, int]]
    earned: int
    earned_lot: str | None
    tier_before: str
    tier_after: str
    external: dict[str, int]  # method -> net fen received


@dataclass
class MTopUp:
    txn_id: str
    member_id: str
    amount: int
    bonus: int
    method: str


class CounterMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.mkdtemp(prefix="counter-sm-")
        self.clock = FixedClock(START)
        self.ctx, self.manager, self.cashier = new_counter(Path(self.tmp) / "data", self.clock)
        self.approval = Approval(MANAGER_NO, MANAGER_PIN)
        self.members: dict[str, MMember] = {}
        self.checkouts: dict[str, MCheckout] = {}
        self.topups: dict[str, MTopUp] = {}
        self.refunded: set[str] = set()
        self.n_registered = 0
        # Money flows the model expects, to compare with the whole database.
        self.topup_principal = 0
        self.topup_bonus = 0
        self.sv_principal_spent = 0
        self.sv_bonus_spent = 0
        self.sv_principal_reversed = 0
        self.sv_bonus_reversed = 0
        self.topup_principal_refunded = 0
        self.topup_bonus_voided = 0
        self.external: dict[str, int] = dict.fromkeys(EXTERNAL, 0)

    # -- helpers ---------------------------------------------------------------
    def business_date(self) -> dt.date:
        return self.clock.now().astimezone(SHANGHAI).date()

    def pick_member(self, data: st.DataObject) -> MMember:
        return self.members[data.draw(st.sampled_from(sorted(self.members)), label="member")]

    def expect_refusal(
        self, code: str, fn: Callable[..., object], *args: object, **kwargs: object
    ) -> None:
        event(f"refused: {code}")
        before = db_snapshot(self.ctx)
        with pytest.raises(CounterError) as excinfo:
            fn(*args, **kwargs)
        assert excinfo.value.code == code, excinfo.value
        assert db_snapshot(self.ctx) == before, f"refused {fn.__name__} ({code}) changed the data"

    def new_lot(self, member: MMember, txn_id: str, points: int) -> str:
        with self.ctx.reader() as uow:
            lot = uow.lot_for_txn(txn_id)
            assert lot is not None
            lot_id, expires, earned_on = lot.id, lot.expires_on, lot.earned_on
        bd = self.business_date()
        assert earned_on == bd
        assert expires == dt.date(bd.year + 1, 12, 31)
        member.lots.append(MLot(lot_id, expires, points))
        return lot_id

    # -- rules -------------------------------------------------------------------
    @initialize()
    def first_member(self) -> None:
        self.register()

    @rule()
    def register(self) -> None:
        self.n_registered += 1
        n = self.n_registered
        view = register_member(
            self.ctx,
            self.cashier,
            Registration(name=f"会员{n}", phone=f"139{n:08d}", consent=True),
        )
        assert (view.principal_fen, view.bonus_fen, view.points, view.tier) == (0, 0, 0, "normal")
        self.members[view.member_id] = MMember(view.member_id)

    @rule(
        data=st.data(),
        amount=st.integers(min_value=100, max_value=200_000),
        method=st.sampled_from(EXTERNAL),
    )
    def top_up(self, data: st.DataObject, amount: int, method: str) -> None:
        m = self.pick_member(data)
        res = top_up(self.ctx, self.cashier, m.member_id, amount, method)
        bonus = expected_bonus(amount)
        assert res.bonus_fen == bonus
        m.principal += amount
        m.bonus += bonus
        self.topup_principal += amount
        self.topup_bonus += bonus
        self.external[method] += amount
        self.topups[res.txn_id] = MTopUp(res.txn_id, m.member_id, amount, bonus, method)
        assert (res.principal_fen, res.bonus_balance_fen) == (m.principal, m.bonus)

    @rule(data=st.data(), amount=st.integers(min_value=1, max_value=300_000))
    def checkout(self, data: st.DataObject, amount: int) -> None:
        m = self.pick_member(data)
        _, _, discount_bp, multiplier = tier_row(m.tier)
        discount = amount * discount_bp // 10000
        after = amount - discount
        cap = after * 5000 // 10000  # 100 points = 1 yuan: one point is one fen
        usable = m.usable(self.business_date())
        max_points = min(cap, usable)
        over_points = data.draw(st.integers(0, 9), label="over_points") == 0
        points = (
            max_points + 1 if over_points else data.draw(st.integers(0, max_points), label="points")
        )
        due = after - min(points, max_points)
        balance = m.principal + m.bonus
        mode = data.draw(st.sampled_from(TENDER_MODES), label="mode")
        sv = wechat = 0
        if mode == "stored_value":
            sv = due  # refused when the balance is short
        elif mode == "stored_value+cash":
            sv = min(due, balance)
        elif mode == "split":
            sv = data.draw(st.integers(0, due), label="stored_value")  # may exceed the balance
            wechat = data.draw(st.integers(0, due - sv), label="wechat")
        elif mode == "wechat":
            wechat = due
        cash_needed = due - sv - wechat
        short = cash_needed > 0 and data.draw(st.integers(0, 9), label="short") == 0
        cash = cash_needed - 1 if short else cash_needed
        if cash_needed > 0 and not short:
            cash += data.draw(st.sampled_from([0, 0, 1, 50, 10_000]), label="change")
        tenders = [(k, v) for k, v in (("stored_value", sv), ("wechat", wechat), ("cash", cash))]
        tenders = [(k, v) for k, v in tenders if v > 0]

        refusal = None
        if points > usable:
            refusal = "points_insufficient"
        elif points > cap:
            refusal = "points_over_cap"
        elif not tenders:
            refusal = "tender_missing"
        elif short:
            refusal = "tender_short"
        elif sv > balance:
            refusal = "balance_insufficient"
        if refusal:
            self.expect_refusal(
                refusal,
                checkout,
                self.ctx,
                self.cashier,
                m.member_id,
                amount,
                points=points,
                tenders=tenders,
            )
            return

        event(
            f"checkout with {'+'.join(k for k, _ in tenders)}" + (" and points" if points else "")
        )
        res = checkout(self.ctx, self.cashier, m.member_id, amount, points=points, tenders=tenders)
        assert (res.discount_fen, res.points_used, res.points_value_fen, res.due_fen) == (
            discount,
            points,
            points,
            due,
        )
        assert res.change_fen == sv + wechat + cash - due
        # Stored value: bonus part pro rata, floored; the rest from principal.
        sv_bonus = sv * m.bonus // balance if sv else 0
        sv_principal = sv - sv_bonus
        m.principal -= sv_principal
        m.bonus -= sv_bonus
        self.sv_principal_spent += sv_principal
        self.sv_bonus_spent += sv_bonus
        external = {"wechat": wechat, "cash": cash - res.change_fen}
        for method, net in external.items():
            self.external[method] += net
        # Points: redeem oldest first, then earn at the tier held before the checkout.
        redeemed = m.take_oldest(points, valid_on=self.business_date())
        earned = (due // 100) * multiplier // 1000
        assert res.points_earned == earned
        earned_lot = self.new_lot(m, res.txn_id, earned) if earned else None
        tier_before = m.tier
        # Upgrade only when this checkout crosses a threshold above the current tier.
        reached_before, reached_after = tier_reached(m.spend), tier_reached(m.spend + due)
        m.spend += due
        if RANK[reached_after] > RANK[reached_before]:
            m.tier = higher(m.tier, reached_after)
        assert (res.tier_before, res.tier) == (tier_before, m.tier)
        assert (res.principal_fen, res.bonus_fen, res.points) == (m.principal, m.bonus, m.points)
        self.checkouts[res.txn_id] = MCheckout(
            res.txn_id,
            m.member_id,
            due,
            sv_principal,
            sv_bonus,
            redeemed,
            earned,
            earned_lot,
            tier_before,
            m.tier,
            external,
        )

    def unrefunded(self) -> list[str]:
        return sorted((self.checkouts.keys() | self.topups.keys()) - self.refunded)

    @precondition(lambda self: self.unrefunded())
    @rule(data=st.data())
    def refund(self, data: st.DataObject) -> None:
        txn_id = data.draw(st.sampled_from(self.unrefunded()), label="txn")
        if txn_id in self.topups:
            self._refund_topup(self.topups[txn_id])
        else:
            self._refund_checkout(self.checkouts[txn_id])

    def _refund_topup(self, t: MTopUp) -> None:
        m = self.members[t.member_id]
        if m.principal < t.amount or m.bonus < t.bonus:
            self.expect_refusal(
                "topup_refund_insufficient", refund, self.ctx, self.cashier, t.txn_id, self.approval
            )
            return
        event("top-up refunded")
        res = refund(self.ctx, self.cashier, t.txn_id, self.approval)
        m.principal -= t.amount
        m.bonus -= t.bonus
        self.topup_principal_refunded += t.amount
        self.topup_bonus_voided += t.bonus
        self.external[t.method] -= t.amount
        self.refunded.add(t.txn_id)
        assert res.kind == "topup_refund"
        assert res.money_back == ((t.method, t.amount),)
        assert (res.principal_fen, res.bonus_fen) == (m.principal, m.bonus)

    def _refund_checkout(self, c: MCheckout) -> None:
        m = self.members[c.member_id]
        res = refund(self.ctx, self.cashier, c.txn_id, self.approval)
        self.refunded.add(c.txn_id)
        m.principal += c.sv_principal
        m.bonus += c.sv_bonus
        self.sv_principal_reversed += c.sv_principal
        self.sv_bonus_reversed += c.sv_bonus
        for method, net in c.external.items():
            self.external[method] -= net
        # Redeemed points go back to the lots they came from.
        for lot_id, n in c.redeemed:
            m.lot(lot_id).remaining += n
        # Earned points are clawed back: own lot first, then oldest; never below zero.
        clawed = shortfall = 0
        if c.earned:
            assert c.earned_lot is not None
            own = m.lot(c.earned_lot)
            take_own = min(own.remaining, c.earned)
            own.remaining -= take_own
            rest = c.earned - take_own
            take_rest = sum(n for _, n in m.take_oldest(rest, skip=c.earned_lot))
            clawed = take_own + take_rest
            shortfall = rest - take_rest
            event(
                "checkout refund: clawback beyond own lot" if rest else "checkout refund: clawback"
            )
            if shortfall:
                event("checkout refund: points shortfall")
        m.spend -= c.due
        if c.tier_after != c.tier_before and m.tier == c.tier_after:
            event("checkout refund: upgrade undone")
            m.tier = higher(c.tier_before, tier_reached(m.spend))
        assert res.kind == "refund"
        assert res.points_restored == sum(n for _, n in c.redeemed)
        assert (res.points_clawed_back, res.points_shortfall) == (clawed, shortfall)
        assert (res.principal_fen, res.bonus_fen, res.points, res.tier) == (
            m.principal,
            m.bonus,
            m.points,
            m.tier,
        )

    @precondition(lambda self: self.refunded)
    @rule(data=st.data())
    def refund_again(self, data: st.DataObject) -> None:
        txn_id = data.draw(st.sampled_from(sorted(self.refunded)), label="refunded txn")
        self.expect_refusal(
            "already_refunded", refund, self.ctx, self.cashier, txn_id, self.approval
        )

    @rule(days=st.integers(min_value=0, max_value=800))
    def expire(self, days: int) -> None:
        self.clock.advance(days=days)
        as_of = self.business_date()
        expected_points = 0
        expected_members = 0
        for m in self.members.values():
            n = 0
            for lot in m.lots:
                if lot.expires_on < as_of and lot.remaining > 0:
                    n += lot.remaining
                    lot.remaining = 0
            expected_points += n
            expected_members += 1 if n else 0
        if expected_points == 0:
            before = db_snapshot(self.ctx)
            res = expire_points(self.ctx, self.manager, as_of)
            assert db_snapshot(self.ctx) == before, "an expiry run with nothing to expire wrote"
        else:
            event("points expired")
            res = expire_points(self.ctx, self.manager, as_of)
        assert (res.as_of, res.points, res.members) == (as_of, expected_points, expected_members)

    @rule(data=st.data(), add=st.booleans(), size=st.integers(min_value=1, max_value=3_000))
    def adjust_points(self, data: st.DataObject, add: bool, size: int) -> None:
        m = self.pick_member(data)
        if add:
            delta = size
        else:  # mostly within the balance, sometimes one point over it
            usable = m.usable(self.business_date())
            over = usable == 0 or data.draw(st.integers(0, 9), label="over") == 0
            delta = -(usable + 1) if over else -data.draw(st.integers(1, usable), label="take")
        if -delta > m.usable(self.business_date()):
            self.expect_refusal(
                "points_insufficient",
                adjust_points,
                self.ctx,
                self.cashier,
                m.member_id,
                delta,
                "盘点调整",
                self.approval,
            )
            return
        res = adjust_points(self.ctx, self.cashier, m.member_id, delta, "盘点调整", self.approval)
        if delta > 0:
            self.new_lot(m, res.txn_id, delta)
        else:
            m.take_oldest(-delta, valid_on=self.business_date())
        assert res.points == m.points

    # -- invariants ----------------------------------------------------------------
    @invariant()
    def balances_equal_ledgers_and_model(self) -> None:
        with self.ctx.reader() as uow:
            assert uow.ledger_mismatches() == []
            for m in self.members.values():
                row = uow.member(m.member_id)
                assert row is not None
                cached = (row.principal_fen, row.bonus_fen, row.points)
                p, b = uow.sv_ledger_balance(m.member_id)
                assert cached == (p, b, uow.points_ledger_balance(m.member_id))
                assert cached == (m.principal, m.bonus, m.points), m
                assert min(cached) >= 0 and row.cumulative_spend_fen >= 0
                assert (row.tier_code, row.cumulative_spend_fen) == (m.tier, m.spend)
                lots = {lot.lot_id: lot.remaining for lot in uow.lot_balances(m.member_id)}
                assert all(n >= 0 for n in lots.values()), lots
                assert lots == {lot.lot_id: lot.remaining for lot in m.lots}
                today = self.business_date()
                valid = usable_lots(uow, m.member_id, today)
                assert uow.usable_points(m.member_id, today) == points_in(valid)

    @invariant()
    def money_is_conserved(self) -> None:
        conn = sqlite3.connect(str(self.ctx.db.path))
        try:
            principal, bonus = conn.execute(
                "SELECT COALESCE(SUM(principal_fen), 0), COALESCE(SUM(bonus_fen), 0) FROM member"
            ).fetchone()
            by_method = dict(
                conn.execute(
                    "SELECT method, SUM(amount_fen - change_fen) FROM txn_tender"
                    " WHERE method != 'stored_value' GROUP BY method"
                ).fetchall()
            )
        finally:
            conn.close()
        assert principal == (
            self.topup_principal
            - self.sv_principal_spent
            + self.sv_principal_reversed
            - self.topup_principal_refunded
        )
        assert bonus == (
            self.topup_bonus
            - self.sv_bonus_spent
            + self.sv_bonus_reversed
            - self.topup_bonus_voided
        )
        assert principal == sum(m.principal for m in self.members.values())
        assert {k: v for k, v in by_method.items() if v} == {
            k: v for k, v in self.external.items() if v
        }

    def teardown(self) -> None:
        try:
            report = verify_audit(self.ctx, self.manager)
            assert report.ok, report
            assert report.ledger_mismatches == []
        finally:
            self.ctx.close()
            shutil.rmtree(self.tmp, ignore_errors=True)


CounterMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestCounterMachine = CounterMachine.TestCase


# -- a refund restores exactly ------------------------------------------------------


@dataclass
class Shared:
    ctx: CounterContext
    manager: Actor
    cashier: Actor
    phones: Iterator[int]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    ctx, manager, cashier = new_counter(
        tmp_path_factory.mktemp("refund") / "data", FixedClock(START)
    )
    yield Shared(ctx, manager, cashier, iter(range(10**8)))
    ctx.close()


@settings(max_examples=40, deadline=None)
@given(
    topups=st.lists(st.integers(min_value=1, max_value=200_000), min_size=1, max_size=3),
    gift_points=st.integers(min_value=0, max_value=20_000),
    earlier_spend=st.integers(min_value=0, max_value=2_100_000),
    amount=st.integers(min_value=1, max_value=400_000),
    data=st.data(),
)
def test_refund_restores_the_member_exactly(
    shared: Shared,
    topups: list[int],
    gift_points: int,
    earlier_spend: int,
    amount: int,
    data: st.DataObject,
) -> None:
    ctx, cashier, approval = shared.ctx, shared.cashier, Approval(MANAGER_NO, MANAGER_PIN)
    n = next(shared.phones)
    mid = register_member(
        ctx, cashier, Registration(name=f"退款{n}", phone=f"137{n:08d}", consent=True)
    ).member_id
    for fen in topups:
        top_up(ctx, cashier, mid, fen, "cash")
    if gift_points:
        adjust_points(ctx, cashier, mid, gift_points, "活动赠送", approval)
    if earlier_spend:  # brings the member near (or over) a tier threshold
        checkout(ctx, cashier, mid, earlier_spend, pay="cash")

    before = show_member(ctx, shared.manager, mid)
    lots_before = lot_map(ctx, mid)
    due_before_points = amount - amount * RANK_DISCOUNT[before.tier] // 10000
    max_points = min(due_before_points // 2, before.points)
    points = data.draw(st.integers(0, max_points), label="points")
    due = due_before_points - points
    sv = data.draw(st.integers(0, min(due, before.stored_value_fen)), label="stored_value")
    tenders = [(k, v) for k, v in (("stored_value", sv), ("cash", due - sv)) if v > 0]

    res = checkout(ctx, cashier, mid, amount, points=points, tenders=tenders)
    assert res.due_fen == due
    assert res.stored_value_fen == before.stored_value_fen - sv
    back = refund(ctx, cashier, res.txn_id, approval)

    after = show_member(ctx, shared.manager, mid)
    assert (after.principal_fen, after.bonus_fen) == (before.principal_fen, before.bonus_fen)
    assert after.points == before.points
    assert (after.tier, after.cumulative_spend_fen) == (before.tier, before.cumulative_spend_fen)
    lots_after = lot_map(ctx, mid)
    assert {k: lots_after[k] for k in lots_before} == lots_before  # redeemed points went back
    assert all(lots_after[k] == 0 for k in lots_after.keys() - lots_before.keys())  # clawed
    assert (back.points_restored, back.points_clawed_back, back.points_shortfall) == (
        points,
        res.points_earned,
        0,
    )
    with pytest.raises(CounterError) as excinfo:
        refund(ctx, cashier, res.txn_id, approval)
    assert excinfo.value.code == "already_refunded"
