"""Partial refunds of a cart sale (退货): chosen lines and quantities, exactly by the allocation.

A cart sale (app.services.sale) keeps each line with its shares (txn_line). Refunding some
of its units gives back, by :func:`app.domain.partial_refund.refund_lines`, the line's value
as its parts — each tender part by its own method (stored value to its principal and bonus,
cash and the rest paid out), the points it was paid with re-credited to the lots they came
from — takes back the points the units earned (from their own lot first, then the oldest;
what cannot be taken is the shortfall) and reverses the cumulative spend by the money given
back. The tier moves back as a full refund moves it. Whatever remains can be refunded later;
nothing beyond what was sold, in any part.

A refund needs a reason from the store's list (:func:`reasons`; 质量问题, 顾客原因, 收银错误,
其他 unless the store changed it) and a manager's approval, like every refund. It is one
transaction: the ``kind="refund"`` txn linked to the sale (its ``note`` the reason), its
tenders, the refunded lines (txn_refund_line), the ledgers, the audit entry and the
``sale.refunded`` event HQ checks against its own copy of the sale.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from app.domain.cart import POINTS_COLUMN
from app.domain.errors import NotFoundError, RuleError, ValidationError
from app.domain.partial_refund import Refund, refund_lines
from app.domain.points import consume_oldest
from app.domain.pricing import STORED_VALUE
from app.domain.sale import SV_BONUS, SV_PRINCIPAL
from app.persistence import refund_store, sale_store
from app.persistence.refund_tables import TxnRefundLine
from app.persistence.tables import Member, PointsEntry, Txn, TxnTender
from app.persistence.uow import UnitOfWork
from app.services import chain_sales, settings, voids
from app.services import coupons as coupon_service
from app.services.context import CounterContext, load_rules
from app.services.ledger import new_txn, post_points, post_stored_value
from app.services.recording import member_state, record
from app.services.refunds import undo_upgrade
from app.services.security import Actor, Approval, Permission, approve, require

EVENT = "sale.refunded"


# -- the store's reasons ---------------------------------------------------------------
def reasons(ctx: CounterContext) -> tuple[str, ...]:
    """The store's refund reasons, in the order the cashier sees them."""
    value: settings.RefundReasons = settings.get_setting(ctx, settings.REFUND_REASONS)
    return value.reasons


def set_reasons(ctx: CounterContext, actor: Actor, values: tuple[str, ...]) -> tuple[str, ...]:
    """Replace the list (a manager; an audit entry, as every setting)."""
    value = settings.set_setting(ctx, actor, settings.REFUND_REASONS,
                                 settings.RefundReasons(tuple(values)))  # fmt: skip
    return tuple(value.reasons)


def add_reason(ctx: CounterContext, actor: Actor, reason: str) -> tuple[str, ...]:
    reason = (reason or "").strip()
    current = reasons(ctx)
    if reason in current:
        raise ValidationError("refund_reason_exists", reason=reason)
    return set_reasons(ctx, actor, (*current, reason))


def remove_reason(ctx: CounterContext, actor: Actor, reason: str) -> tuple[str, ...]:
    reason = (reason or "").strip()
    current = reasons(ctx)
    if reason not in current:
        raise ValidationError("refund_reason_unknown", reason=reason, reasons="、".join(current))
    return set_reasons(ctx, actor, tuple(r for r in current if r != reason))


def check_reason(ctx: CounterContext, reason: str | None) -> str:
    """The reason given, trimmed, when it is on the store's list (every refund names one)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("refund_reason_required")
    listed = reasons(ctx)
    if reason not in listed:
        raise ValidationError("refund_reason_unknown", reason=reason, reasons="、".join(listed))
    return reason


# -- what a sale has left --------------------------------------------------------------
@dataclass(frozen=True)
class SaleLineLeft:
    line_no: int  # from 0; the CLI and the receipt number lines from 1
    item_code: str
    name: str
    sold: int
    left: int  # still refundable
    due_fen: int  # what the line was paid (money and points value)


@dataclass(frozen=True)
class SaleFound:
    """A cart sale found by its receipt's number (a walk-in's has no member to find it by)."""

    txn_id: str
    at: dt.datetime  # the store's local time
    due_fen: int
    member_id: str | None
    elsewhere: bool = False  # made at another store or counter: read from HQ
    store_code: str | None = None  # the store that made it, when read from HQ
    cash_back: bool = False  # another store's sale, the store's policy ``cash``


NUMBER_CHARS = frozenset("0123456789abcdef-")


def find_sale(ctx: CounterContext, actor: Actor, number: str) -> SaleFound:
    """The cart sale of the receipt's 单号: scanned whole, or its last 6 or more characters
    typed (the first ones are the time and shared by the sales of the same minute)."""
    require(actor, Permission.REFUND)
    number = (number or "").strip().lower()
    if len(number) < 6 or len(number) > 36 or not set(number) <= NUMBER_CHARS:
        raise ValidationError("sale_number_short")
    with ctx.reader() as uow:
        found = sale_store.sales_numbered(uow, number)
    seller, cash_back = None, False
    if not found:
        if len(number) != chain_sales.WHOLE_NUMBER or ctx.chain_sales is None:
            raise NotFoundError("sale_number_unknown", number=number)
        # Not made here: another store's or counter's sale, read from HQ (when reachable).
        chain = chain_sales.fetch(ctx, number)
        found = [chain.txn_id]
        cash_back = chain.foreign and chain_sales.policy(ctx) == "cash"
        seller = chain.store_code
    with ctx.reader() as uow:
        if len(found) > 1:
            raise RuleError("sale_number_ambiguous", number=number)
        txn = uow.txn(found[0])
        assert txn is not None
        store = uow.store()
        tz = ZoneInfo(store.timezone if store else "Asia/Shanghai")
        at = txn.created_at.replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None)
        due = txn.due_fen
        if txn.kind == "remote":  # a copy read from HQ keeps no amounts: its lines have them
            due = sum(x.due_fen for x in sale_store.lines_of(uow, txn.id))
        return SaleFound(txn.id, at, due, txn.member_id, txn.kind == "remote", seller, cash_back)


def _elsewhere(ctx: CounterContext, txn_id: str) -> chain_sales.ChainSale | None:
    """HQ's copy of ``txn_id``, read now, when it is no sale of this counter's own (absent
    here, or a copy read before) and HQ is where to ask; else None."""
    if ctx.chain_sales is None or len(txn_id) != chain_sales.WHOLE_NUMBER:
        return None
    with ctx.reader() as uow:
        txn = uow.txn(txn_id.lower())
        if txn is not None and txn.kind != "remote":
            return None
    return chain_sales.fetch(ctx, txn_id.lower())


def refundable(ctx: CounterContext, txn_id: str) -> tuple[SaleLineLeft, ...]:
    """The sale's lines with the quantity still refundable (a refund dialog lists these)."""
    txn_id = (txn_id or "").strip()
    found = _elsewhere(ctx, txn_id)  # another store's or counter's: HQ's copy as it is now
    txn_id = found.txn_id if found is not None else txn_id
    with ctx.reader() as uow:
        original = _sale(uow, txn_id)
        return _left(uow, original.id)


def _left(uow: UnitOfWork, sale_id: str) -> tuple[SaleLineLeft, ...]:
    done: dict[int, int] = {}
    for r in refund_store.rows_of_sale(uow, sale_id, voids.VOID):
        done[r.line_no] = done.get(r.line_no, 0) + r.quantity
    rows = sale_store.lines_of(uow, sale_id)
    return tuple(
        SaleLineLeft(
            x.line_no,
            x.item_code,
            x.item_name,
            x.quantity,
            x.quantity - done.get(x.line_no, 0),
            x.after_round_fen,
        )
        for x in rows
    )


def _sale(uow: UnitOfWork, txn_id: str) -> Txn:
    """The cart sale ``txn_id`` names, or the refusal that says why it is not one."""
    original = uow.txn((txn_id or "").strip())
    if original is None:
        raise NotFoundError("txn_not_found", txn_id=txn_id)
    # A checkout of this counter, or a cart sale of another store or counter read from HQ.
    if original.kind not in ("checkout", "remote"):
        raise RuleError("txn_not_refundable", txn_id=original.id)
    if sale_store.cart_of(uow, original.id) is None:
        if original.member_id is None:
            raise RuleError("refund_amount_only_walk_in", txn_id=original.id)
        raise RuleError("txn_not_refundable", txn_id=original.id)
    return original


# -- the refund ------------------------------------------------------------------------
@dataclass(frozen=True)
class RefundedLine:
    line_no: int
    item_code: str
    name: str
    quantity: int
    left: int  # still refundable after this refund
    value_fen: int  # what the units were paid: money and points value
    money_fen: int
    points_used: int  # redeemed points given back
    points_earned: int  # earned points taken back


@dataclass(frozen=True)
class PartialRefundResult:
    txn_id: str
    original_txn_id: str
    member_id: str | None  # None: a walk-in customer's sale
    reason: str
    lines: tuple[RefundedLine, ...]
    money_back: tuple[tuple[str, int], ...]  # (method, fen); stored value as one row
    points_restored: int
    points_clawed_back: int
    points_shortfall: int
    all_refunded: bool  # nothing of the sale is left to refund
    approved_by: str
    principal_fen: int = 0  # the member's balances after (0 for a walk-in)
    bonus_fen: int = 0
    points: int = 0
    tier: str | None = None
    coupons_restored: tuple[str, ...] = ()  # the ids of the coupons given back

    @property
    def money_fen(self) -> int:
        return sum(fen for _, fen in self.money_back)


def _compute(uow: UnitOfWork, original: Txn, request: Mapping[int, int]) -> Refund:
    sold = sale_store.sold_lines(uow, original.id)
    # A refund HQ voided (and this counter reversed) gave nothing back: not an earlier one.
    earlier = refund_store.earlier_refunds(uow, original.id, voids.VOID)
    left = {line.index: line.quantity for line in sold}
    for r in earlier:
        left[r.index] -= r.quantity
    if not any(left.values()):
        raise RuleError("sale_fully_refunded", txn_id=original.id)
    return refund_lines(sold, earlier, dict(request))


def _checks(uow: UnitOfWork, original: Txn) -> Member | None:
    if voids.voided(uow, original.id):
        raise RuleError("txn_voided_at_hq", txn_id=original.id)
    if original.member_id is None:
        return None
    member = uow.member(original.member_id)
    assert member is not None
    if member.status != "active":
        raise RuleError("member_cancelled", name=member.name)
    return member


def refund(
    ctx: CounterContext,
    actor: Actor,
    txn_id: str,
    request: Mapping[int, int],
    reason: str,
    approval: Approval | None,
) -> PartialRefundResult:
    """Refund ``request`` (line number from 0 → quantity) of the cart sale ``txn_id``."""
    require(actor, Permission.REFUND)
    reason = check_reason(ctx, reason)
    txn_id = (txn_id or "").strip()
    cash_back = False
    found = _elsewhere(ctx, txn_id)
    if found is not None:  # another store's or counter's sale: refunded on HQ's copy now
        txn_id = found.txn_id
        cash_back = found.foreign and chain_sales.policy(ctx) == "cash"
    else:
        with ctx.reader() as uow:
            txn = uow.txn(txn_id)
            if txn is not None and txn.kind == "remote" and sale_store.cart_of(uow, txn.id):
                raise RuleError("chain_sale_offline")  # a copy read before: not without HQ
    with ctx.reader() as uow:  # refuse what is wrong before asking for a manager's PIN
        original = _sale(uow, txn_id)
        _checks(uow, original)
        _compute(uow, original, request)
    approver = approve(ctx, approval, Permission.REFUND)
    with ctx.uow() as uow:
        original = _sale(uow, txn_id)
        member = _checks(uow, original)
        back = _compute(uow, original, request)
        result = _write(ctx, uow, actor, approver, original, member, back, reason, cash_back)
        uow.commit()
        return result


def _list_back(uow: UnitOfWork, original: Txn, back: Refund) -> dict[int, int]:
    """Each refunded line's share of its list amount, by the same floor as its value."""
    rows = {r.line_no: r for r in sale_store.lines_of(uow, original.id)}
    given = refund_store.listed_earlier(uow, original.id, voids.VOID)
    done: dict[int, int] = {}
    for r in refund_store.rows_of_sale(uow, original.id, voids.VOID):
        done[r.line_no] = done.get(r.line_no, 0) + r.quantity
    out = {}
    for line in back.lines:
        row = rows[line.index]
        upto = done.get(line.index, 0) + line.quantity
        out[line.index] = row.list_fen * upto // row.quantity - given.get(line.index, 0)
    return out


def _tenders_back(
    uow: UnitOfWork, txn: Txn, back: Refund, cash_back: bool = False
) -> list[dict[str, Any]]:
    """Every part but points and stored value is paid back by its own method (``cash_back``:
    all of them as cash, the store's policy for another store's sale)."""
    paid = [
        (key, fen)
        for key, fen in back.parts.items()
        if key != POINTS_COLUMN and not key.startswith(STORED_VALUE) and fen
    ]
    if cash_back:
        total = sum(fen for _, fen in paid)
        paid = [("cash", total)] if total else []
    out = []
    for key, fen in paid:
        uow.add(TxnTender(txn_id=txn.id, method=key, amount_fen=-fen, change_fen=0))
        out.append({"method": key, "amount_fen": -fen, "change_fen": 0})
    return out


def _restore_points(
    ctx: CounterContext, uow: UnitOfWork, member: Member, txn: Txn, original: Txn, points: int
) -> list[dict[str, Any]]:
    """Redeemed points go back to the lots they came from, in the order they were taken."""
    if points <= 0:
        return []
    redeems = [e for e in uow.points_entries(original.id) if e.kind == "redeem"]
    ids = [e.entry_id for e in redeems]
    done = refund_store.restored_by_entry(uow, ids, "redeem_reversal", voids.VOID)
    out = []
    for e in redeems:
        room = -e.points - done.get(e.entry_id, 0)
        n = min(room, points)
        if n > 0:
            out.append(post_points(ctx, uow, member, txn, e.lot_id, "redeem_reversal", n,
                                   e.entry_id))  # fmt: skip
            points -= n
    assert points == 0, "redeemed points beyond what the sale redeemed"
    return out


def claw_back(
    ctx: CounterContext, uow: UnitOfWork, member: Member, txn: Txn, earn: PointsEntry, points: int
) -> tuple[list[dict[str, Any]], int, int]:
    """Take back ``points`` earned by ``earn``: from its own lot first, then the oldest lots,
    never below zero. Returns (entries, taken, shortfall)."""
    entries = []
    uow.flush()
    lots = uow.lot_balances(member.id)
    own = next((lot for lot in lots if lot.lot_id == earn.lot_id), None)
    take_own = min(max(own.remaining, 0) if own else 0, points)
    if take_own:
        entries.append(post_points(ctx, uow, member, txn, earn.lot_id, "clawback", -take_own,
                                   earn.entry_id))  # fmt: skip
    rest = points - take_own
    others = [lot for lot in lots if lot.lot_id != earn.lot_id]
    take_rest = min(rest, sum(lot.remaining for lot in others if lot.remaining > 0))
    for lot_id, n in consume_oldest(others, take_rest):
        entries.append(post_points(ctx, uow, member, txn, lot_id, "clawback", -n, earn.entry_id))
    return entries, take_own + take_rest, rest - take_rest


def _member_ledgers(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    approver: Actor,
    txn: Txn,
    original: Txn,
    member: Member,
    back: Refund,
) -> dict[str, Any]:
    out: dict[str, Any] = {"sv_entries": [], "points_entries": [], "tier_changes": [],
                           "shortfall": 0, "clawed": 0}  # fmt: skip
    principal, bonus = back.part(SV_PRINCIPAL), back.part(SV_BONUS)
    if principal or bonus:
        spend = next((e for e in uow.sv_entries(original.id) if e.kind == "spend"), None)
        if spend is None:  # a sale at another counter whose ledger has not been pulled here
            raise RuleError("refund_ledger_not_here")
        out["sv_entries"].append(post_stored_value(ctx, uow, member, txn, "spend_reversal",
                                                   principal, bonus, spend.entry_id))  # fmt: skip
    out["points_entries"] = _restore_points(ctx, uow, member, txn, original, back.points_used)
    if back.points_earned:
        earn = next((e for e in uow.points_entries(original.id) if e.kind == "earn"), None)
        if earn is None:
            raise RuleError("refund_ledger_not_here")
        entries, clawed, short = claw_back(ctx, uow, member, txn, earn, back.points_earned)
        out["points_entries"] += entries
        out["clawed"], out["shortfall"] = clawed, short
    member.cumulative_spend_fen -= back.money_fen
    # As a full refund: undo an upgrade this sale caused, unless other spending still earns it.
    rules = load_rules(uow)
    out["tier_changes"] += undo_upgrade(ctx, uow, rules, member, txn, original, actor, approver)
    return out


def _write(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    approver: Actor,
    original: Txn,
    member: Member | None,
    back: Refund,
    reason: str,
    cash_back: bool = False,
) -> PartialRefundResult:
    before = member_state(member) if member is not None else None
    listed = _list_back(uow, original, back)
    value = sum(line.value_fen for line in back.lines)
    list_total = sum(listed.values())
    points_value = back.part(POINTS_COLUMN)
    txn = new_txn(
        ctx,
        uow,
        "refund",
        member,
        actor,
        approver,
        original_txn_id=original.id,
        amount_fen=-list_total,
        discount_fen=-(list_total - value),
        points_used=-back.points_used,
        points_value_fen=-points_value,
        due_fen=-back.money_fen,
        tier_before=member.tier_code if member is not None else None,
        note=reason,
    )
    tenders = _tenders_back(uow, txn, back, cash_back)
    ledgers: dict[str, Any] = {"sv_entries": [], "points_entries": [], "tier_changes": [],
                               "shortfall": 0, "clawed": 0}  # fmt: skip
    if member is not None:
        ledgers = _member_ledgers(ctx, uow, actor, approver, txn, original, member, back)
        txn.tier_after = member.tier_code
    txn.points_earned = -ledgers["clawed"]
    txn.points_shortfall = ledgers["shortfall"]
    wire = []
    for line in back.lines:
        row = {"line_no": line.index, "quantity": line.quantity, "list_fen": listed[line.index],
               "parts": dict(line.parts), "points_used": line.points_used,
               "points_earned": line.points_earned}  # fmt: skip
        wire.append(row)
        uow.add(TxnRefundLine(txn_id=txn.id, original_txn_id=original.id,
                              **{**row, "parts": json.dumps(row["parts"])}))  # fmt: skip
    sv_back = sum(e["principal_fen"] + e["bonus_fen"] for e in ledgers["sv_entries"])
    uow.flush()
    still = {x.line_no: x.left for x in _left(uow, original.id)}
    restored = coupon_service.restore_on_refund(ctx, uow, txn, original.id, still)
    record(
        ctx,
        uow,
        actor,
        action="sale.refund",
        entity="member" if member is not None else "txn",
        entity_id=member.id if member is not None else txn.id,
        before=before,
        after=member_state(member) if member is not None else {"due_fen": txn.due_fen},
        event_type=EVENT,
        approver=approver,
        payload={
            "txn_id": txn.id,
            "original_txn_id": original.id,
            "member_id": member.id if member is not None else None,
            "business_date": txn.business_date.isoformat(),
            "reason": reason,
            "lines": wire,
            "tenders": tenders,
            "cumulative_spend_delta_fen": -back.money_fen if member is not None else 0,
            "points_shortfall": ledgers["shortfall"],
            "tier_changes": ledgers["tier_changes"],
            "sv_entries": ledgers["sv_entries"],
            "points_entries": ledgers["points_entries"],
            **({"cash_back": True} if cash_back else {}),
            **({"coupon_entries": restored} if restored else {}),
        },
    )
    uow.flush()
    left = {x.line_no: x for x in _left(uow, original.id)}
    lines = tuple(
        RefundedLine(
            line_no=line.index,
            item_code=left[line.index].item_code,
            name=left[line.index].name,
            quantity=line.quantity,
            left=left[line.index].left,
            value_fen=line.value_fen,
            money_fen=line.money_fen,
            points_used=line.points_used,
            points_earned=line.points_earned,
        )
        for line in back.lines
    )
    money = tuple((t["method"], -t["amount_fen"]) for t in tenders)
    if sv_back:
        money += ((STORED_VALUE, sv_back),)
    return PartialRefundResult(
        txn_id=txn.id,
        original_txn_id=original.id,
        member_id=member.id if member is not None else None,
        reason=reason,
        lines=lines,
        money_back=money,
        points_restored=back.points_used,
        points_clawed_back=ledgers["clawed"],
        points_shortfall=ledgers["shortfall"],
        all_refunded=not any(x.left for x in left.values()),
        coupons_restored=tuple(e["coupon_id"] for e in restored),
        approved_by=approver.staff_no,
        principal_fen=member.principal_fen if member is not None else 0,
        bonus_fen=member.bonus_fen if member is not None else 0,
        points=member.points if member is not None else 0,
        tier=member.tier_code if member is not None else None,
    )
