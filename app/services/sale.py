"""Cart sales and walk-in sales (散客): the sale as stores make it (docs/pricing.md).

:func:`sell` prices a cart of catalogue items for a member or a walk-in customer in the
documented order, asks a manager's approval for a 改价, 整单折扣 or 抹零 beyond the cashier's
limits (app.domain.price_limits), and records the sale as one transaction: the txn with its
tenders, every line with its allocated shares (txn_line, so a later partial refund is exact),
the member's ledgers and tier, the audit entry and the ``sale.completed`` event.

:func:`walk_in` is the amount-only checkout for a customer with no member. Both are
``kind="checkout"`` transactions: shifts, the Z report and reports count them like any sale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.cart import CartLine, OrderDiscount, PricedCart, allocate_payment, price_cart
from app.domain.errors import PermissionDeniedError, RuleError, ValidationError
from app.domain.held import CartDraft, DraftLine
from app.domain.money import MAX_AMOUNT_FEN
from app.domain.price_limits import OverLimit, limits_for, over_limits
from app.domain.pricing import (
    CASH,
    STORED_VALUE,
    Tender,
    settle_tenders,
    split_stored_value,
    upgrade_after_checkout,
)
from app.domain.rules import Rules
from app.domain.sale import (
    WALK_IN_METHODS,
    coupons_wire,
    discount_wire,
    line_wire,
    payment_parts,
)
from app.persistence.sale_store import line_rows
from app.persistence.sale_tables import TxnCart, TxnLine
from app.persistence.tables import Member, Txn, TxnTender
from app.persistence.uow import UnitOfWork
from app.services import coupon_rules, held, offline
from app.services import coupons as coupon_service
from app.services.checkout import authorise_spend
from app.services.context import CounterContext, load_rules
from app.services.held import draft_lines, named_lines
from app.services.ledger import (
    change_tier,
    earn_points,
    ensure_can_transact,
    new_txn,
    points_in,
    post_stored_value,
    spend_points,
    usable_lots,
)
from app.services.lookup import resolve_member
from app.services.recording import member_state, record
from app.services.security import Actor, Approval, Permission, approve, require

EVENT = "sale.completed"


@dataclass(frozen=True)
class SaleResult:
    txn_id: str
    member_id: str | None  # None: a walk-in customer (散客)
    cart: PricedCart | None  # None: an amount-only walk-in sale
    names: tuple[str, ...]  # the lines' item names
    amount_fen: int
    discount_fen: int
    points_used: int
    points_value_fen: int
    due_fen: int
    tenders: tuple[Tender, ...]
    points_earned: int
    tier_before: str | None
    tier: str | None
    approved_by: str | None  # the approving manager's staff number
    principal_fen: int = 0  # the member's balances after (0 for a walk-in)
    bonus_fen: int = 0
    points: int = 0

    @property
    def change_fen(self) -> int:
        return sum(t.change_fen for t in self.tenders)

    @property
    def paid_fen(self) -> int:
        return sum(t.net_fen for t in self.tenders)


def _walk_in_tenders(tenders: Sequence[tuple[str, int]]) -> None:
    for method, _ in tenders:
        if method == STORED_VALUE:
            raise RuleError("sale_walk_in_stored_value")
        if method not in WALK_IN_METHODS:
            raise ValidationError("method_invalid", method=method)


def _uses_stored_value(tenders: Sequence[tuple[str, int]] | None, pay: str) -> bool:
    return (tenders is None and pay == STORED_VALUE) or any(
        m == STORED_VALUE for m, _ in (tenders or ())
    )


def _over(actor_role: str, rules: Rules, cart: PricedCart) -> tuple[OverLimit, ...]:
    return over_limits(limits_for(actor_role, rules.extra), cart)


def _approval_needed(over: OverLimit) -> PermissionDeniedError:
    if over.kind == "rounding":
        return PermissionDeniedError("sale_over_limit_rounding", asked=over.asked)
    return PermissionDeniedError(
        f"sale_over_limit_{over.kind}",
        line=(over.line or 0) + 1,
        asked=f"{over.asked / 100:.2f}%",
        allowed=f"{over.allowed / 100:.2f}%",
    )


def _price(
    rules: Rules,
    lines: Sequence[CartLine],
    tier_code: str | None,
    discount: OrderDiscount | None,
    rounding: str,
    points: int,
    balance: int,
    given: Sequence[coupon_service.Presented] = (),
) -> PricedCart:
    tier = rules.tier(tier_code) if tier_code is not None else None
    uses = [p.use for p in given]
    return price_cart(rules, lines, tier, discount, rounding, points, balance, uses)


def sell(
    ctx: CounterContext,
    actor: Actor,
    lines: Sequence[DraftLine],
    *,
    member: str | None = None,
    order_discount: OrderDiscount | None = None,
    rounding: str = "none",
    points: int = 0,
    tenders: Sequence[tuple[str, int]] | None = None,
    pay: str | None = None,
    payment_password: str | None = None,
    approval: Approval | None = None,
    held_number: int | None = None,
    coupons: Sequence[str] = (),
) -> SaleResult:
    """Sell a cart: ``member`` is a member query (number, card, id) or None for a walk-in.

    ``held_number``: the cart is the held cart of that number (挂单), marked paid in the
    sale's own transaction, so it is paid once.

    ``tenders`` lists (method, fen) pairs; without it the whole amount due is paid with
    ``pay`` (stored value for a member, cash for a walk-in). A 改价, 整单折扣 or 抹零 beyond
    the cashier's limits needs ``approval`` by a manager whose own limits cover it.

    ``coupons``: coupon codes, applied after the member price and price changes (item
    coupons, then order coupons) and redeemed in the sale's transaction
    (app.services.coupons).
    """
    require(actor, Permission.CHECKOUT)
    if points < 0:
        raise ValidationError("points_negative", points=points)
    walk_in = member is None
    pay = pay or (CASH if walk_in else STORED_VALUE)
    if walk_in:
        if points:
            raise RuleError("cart_points_walk_in")
        _walk_in_tenders(list(tenders) if tenders is not None else [(pay, 0)])
    uses_sv = _uses_stored_value(tenders, pay)
    order = Order(order_discount, rounding, points, tenders, pay, payment_password,
                  held_number, coupons)  # fmt: skip
    if member is not None and not _may_ask(lines, order_discount, rounding, None, uses_sv):
        # Nothing for a manager to approve: unless the member has a payment password (asked
        # before the writing transaction, below), the member is read once, in that transaction.
        with ctx.uow() as uow:
            row = resolve_member(ctx, uow, member)
            ensure_can_transact(uow, row)
            if not _may_ask(lines, order_discount, rounding, row, uses_sv):
                return _write(ctx, uow, actor, lines, row, row, order, uses_sv, False, None,
                              None, None)  # fmt: skip
    member_id = None
    found = None
    if member is not None:  # refuse what is wrong before asking for a password or PIN
        with ctx.lookup() as q:
            found = resolve_member(ctx, q, member)
            ensure_can_transact(q, found)
            member_id = found.id
    # The cart is priced before the writing transaction only when that may have to ask for
    # something first (a manager's approval, a payment password); otherwise it is priced
    # once, in the writing transaction, and its items read once.
    asks = _may_ask(lines, order_discount, rounding, found, uses_sv)
    preview, priced_from, over = None, None, ()
    if asks:
        with ctx.reader() as uow:
            rules = load_rules(uow)
            cart_lines = draft_lines(uow, _draft(lines))
            tier_code = found.tier_code if found is not None else None
            shown = coupon_service.presented(ctx, uow, found, coupons, cart_lines)
            preview = _price(rules, cart_lines, tier_code, order_discount, rounding, 0, 0, shown)
            over = _over(actor.role, rules, preview)
            priced_from = (rules, cart_lines, tier_code)
        if found is not None:
            authorise_spend(ctx, found, uses_sv, points, payment_password)
    approver = None
    if over:
        if approval is None:
            raise _approval_needed(over[0])
        approver = approve(ctx, approval, Permission.CHECKOUT)
        beyond = _over(approver.role, rules, preview)
        if beyond:
            raise PermissionDeniedError("sale_approver_limit", staff_no=approver.staff_no)

    with ctx.uow() as uow:
        row = None
        if member_id is not None:
            row = resolve_member(ctx, uow, member_id)
            ensure_can_transact(uow, row)
        return _write(ctx, uow, actor, lines, row, found, order, uses_sv, asks, preview,
                      priced_from, approver)  # fmt: skip


@dataclass(frozen=True)
class Order:
    """What the cashier asked of a sale besides its lines and member (:func:`sell`)."""

    order_discount: OrderDiscount | None
    rounding: str
    points: int
    tenders: Sequence[tuple[str, int]] | None
    pay: str
    payment_password: str | None
    held_number: int | None
    coupons: Sequence[str]


def _write(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    lines: Sequence[DraftLine],
    row: Member | None,
    found: Any,
    order: Order,
    uses_sv: bool,
    asks: bool,
    preview: PricedCart | None,
    priced_from: tuple[Rules, list[CartLine], str | None] | None,
    approver: Actor | None,
) -> SaleResult:
    """The sale's writing transaction, ``row`` the member read in it (None: walk-in);
    ``found`` the member as read before it (what the payment password was checked on)."""
    order_discount, rounding, points = order.order_discount, order.rounding, order.points
    tenders, pay, payment_password = order.tenders, order.pay, order.payment_password
    held_number, coupons = order.held_number, order.coupons
    rules = load_rules(uow)
    cart_lines, names = named_lines(uow, _draft(lines))
    if row is not None:
        uow.update_plainly(row)  # its balances, spend and tier: one plain UPDATE
    before = member_state(row) if row is not None else None
    lots = usable_lots(uow, row.id, ctx.business_date(uow)) if row and points else []
    tier_code = row.tier_code if row is not None else None
    given = coupon_service.presented(ctx, uow, row, coupons, cart_lines)
    if (preview is not None and not points and not given
            and (rules, cart_lines, tier_code) == priced_from):  # fmt: skip
        cart = preview  # nothing has moved since: the same price (pricing is pure)
    else:
        cart = _price(rules, cart_lines, tier_code, order_discount, rounding, points,
                      points_in(lots), given)  # fmt: skip
    over = _over(actor.role, rules, cart)  # again: prices may have moved meanwhile
    if over and (approver is None or _over(approver.role, rules, cart)):
        raise _approval_needed(over[0])
    if not asks and found is not None:  # asks for nothing: checked in order, as above
        authorise_spend(ctx, found, uses_sv, points, payment_password)
    if tenders is None:  # nothing to pay (a 兑换券 took it all): no tender
        tenders = [(pay, cart.due_fen)] if cart.due_fen else []
    settled = settle_tenders(cart.due_fen, list(tenders))
    sv_fen = sum(t.amount_fen for t in settled if t.method == STORED_VALUE)
    if row is not None:
        offline.check_spend(ctx, uow, row, sv_fen, cart.points_used)
    txn = new_txn(
        ctx,
        uow,
        "checkout",
        row,
        actor,
        approver,
        amount_fen=cart.list_fen,
        discount_fen=cart.discount_fen,
        points_used=cart.points_used,
        points_value_fen=cart.points_value_fen,
        due_fen=cart.due_fen,
        points_earned=cart.points_earned,
        tier_before=row.tier_code if row is not None else None,
        plain=True,
    )
    split = (0, 0)
    if sv_fen:
        assert row is not None
        split = split_stored_value(sv_fen, row.principal_fen, row.bonus_fen)
    payment = allocate_payment(cart, payment_parts(settled, split))
    tier = rules.tier(row.tier_code) if row is not None else None
    wire = [
        line_wire(src, name, line, paid, tier)
        for src, name, line, paid in zip(cart_lines, names, cart.lines, payment, strict=True)
    ]
    _write_cart(uow, txn, cart, order_discount, wire)
    ledgers = _pay(ctx, uow, actor, txn, row, settled, split, lots, cart.points_used,
                   cart.points_earned, cart.due_fen)  # fmt: skip
    redeemed = coupon_service.redeem(ctx, uow, txn, given, cart)
    cart_wire: dict[str, Any] = {
        "rounding": rounding,
        "order_discount": discount_wire(order_discount),
        "lines": wire,
    }
    if given:
        applied = coupons_wire([(p.use, p.row.template_id) for p in given], cart)
        cart_wire["coupons"] = [{**c, "entry_id": redeemed[c["coupon_id"]]} for c in applied]
    _record(ctx, uow, actor, approver, txn, row, before, settled, ledgers, cart_wire)
    if row is not None:
        coupon_rules.on_tier_change(ctx, uow, actor, row, txn.tier_before)
    if held_number is not None:
        held.mark_sold(ctx, uow, actor, held_number, txn.id)
    uow.commit()
    return _result(txn, row, cart, tuple(names), settled, approver)


def walk_in(
    ctx: CounterContext,
    actor: Actor,
    amount_fen: int,
    *,
    tenders: Sequence[tuple[str, int]] | None = None,
    pay: str = CASH,
) -> SaleResult:
    """An amount-only sale to a walk-in customer: no member, no discount, no points."""
    require(actor, Permission.CHECKOUT)
    if not (0 < amount_fen <= MAX_AMOUNT_FEN):
        raise ValidationError("amount_not_positive", value=amount_fen)
    given = list(tenders) if tenders is not None else [(pay, amount_fen)]
    _walk_in_tenders(given)
    with ctx.uow() as uow:
        settled = settle_tenders(amount_fen, given)
        txn = new_txn(ctx, uow, "checkout", None, actor, amount_fen=amount_fen,
                      due_fen=amount_fen)  # fmt: skip
        ledgers = _pay(ctx, uow, actor, txn, None, settled, (0, 0), [], 0, 0, amount_fen)
        _record(ctx, uow, actor, None, txn, None, None, settled, ledgers, None)
        uow.commit()
        return _result(txn, None, None, (), settled, None)


def _may_ask(
    lines: Sequence[DraftLine],
    discount: OrderDiscount | None,
    rounding: str,
    found: Any,
    uses_sv: bool,
) -> bool:
    """Whether the sale may need a manager's approval (a 改价, 整单折扣 or 抹零: nothing else
    is over a limit) or a payment password: then both are asked, in that order, before the
    writing transaction, on a preview of the cart."""
    if discount is not None or rounding != "none":
        return True
    if any(line.price_change is not None for line in lines):
        return True
    return (
        found is not None
        and uses_sv
        and (bool(found.pay_password_at_hq) or found.pay_password_hash is not None)
    )


def _draft(lines: Sequence[DraftLine]) -> CartDraft:
    if not lines:
        raise ValidationError("cart_empty")
    return CartDraft(lines=tuple(lines))


def _write_cart(
    uow: UnitOfWork,
    txn: Txn,
    cart: PricedCart,
    discount: OrderDiscount | None,
    wire: Sequence[dict[str, Any]],
) -> None:
    uow.add_rows(TxnCart, [{
        "txn_id": txn.id,
        "order_discount_bp": discount.percent_bp if discount else None,
        "order_discount_amount_fen": discount.amount_fen if discount else None,
        "rounding": cart.rounding,
        "list_fen": cart.list_fen,
        "member_discount_fen": cart.member_discount_fen,
        "change_fen": cart.change_fen,
        "order_discount_fen": cart.order_discount_fen,
        "round_off_fen": cart.round_off_fen,
    }])  # fmt: skip
    uow.add_rows(TxnLine, line_rows(txn.id, wire))  # one executemany for the lines, however many


def _pay(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    txn: Txn,
    member: Member | None,
    settled: Sequence[Tender],
    split: tuple[int, int],
    lots: list[Any],
    points_used: int,
    points_earned: int,
    due_fen: int,
) -> dict[str, Any]:
    """The tenders and, for a member, the ledgers, spend and tier of the sale."""
    out: dict[str, Any] = {"sv_entries": [], "points_lots": [], "points_entries": [],
                           "tier_changes": []}  # fmt: skip
    uow.add_rows(TxnTender, [{"txn_id": txn.id, "method": t.method, "amount_fen": t.amount_fen,
                              "change_fen": t.change_fen} for t in settled])  # fmt: skip
    if member is None:
        return out
    if any(t.method == STORED_VALUE for t in settled):
        out["sv_entries"].append(
            post_stored_value(ctx, uow, member, txn, "spend", -split[0], -split[1])
        )
    out["points_entries"] = spend_points(ctx, uow, member, txn, "redeem", points_used, lots)
    if points_earned > 0:
        lot, entry = earn_points(ctx, uow, member, txn, points_earned, "checkout",
                                 txn.business_date)  # fmt: skip
        out["points_lots"].append(lot)
        out["points_entries"].append(entry)
    rules = load_rules(uow)
    upgrade = upgrade_after_checkout(rules, member.tier_code, member.cumulative_spend_fen,
                                     member.cumulative_spend_fen + due_fen)  # fmt: skip
    member.cumulative_spend_fen += due_fen
    if upgrade is not None:
        change = change_tier(ctx, uow, member, txn, upgrade.code, "auto_upgrade", actor)
        if change:
            out["tier_changes"].append(change)
    txn.tier_after = member.tier_code
    return out


def _record(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    approver: Actor | None,
    txn: Txn,
    member: Member | None,
    before: dict[str, Any] | None,
    settled: Sequence[Tender],
    ledgers: dict[str, Any],
    cart: dict[str, Any] | None,
) -> None:
    record(
        ctx,
        uow,
        actor,
        action="checkout",  # the audit viewer names it as the amount checkout
        entity="txn" if member is None else "member",
        entity_id=txn.id if member is None else member.id,
        before=before,
        after=member_state(member) if member is not None else {"due_fen": txn.due_fen},
        event_type=EVENT,
        approver=approver,
        payload={
            "txn_id": txn.id,
            "member_id": member.id if member is not None else None,
            "business_date": txn.business_date.isoformat(),
            "amount_fen": txn.amount_fen,
            "discount_fen": txn.discount_fen or 0,
            "points_used": txn.points_used or 0,
            "points_value_fen": txn.points_value_fen or 0,
            "due_fen": txn.due_fen,
            "tenders": [
                {"method": t.method, "amount_fen": t.amount_fen, "change_fen": t.change_fen}
                for t in settled
            ],
            "points_earned": txn.points_earned or 0,
            "cumulative_spend_delta_fen": txn.due_fen if member is not None else 0,
            "tier_before": txn.tier_before,
            "tier_after": txn.tier_after,
            "cart": cart,
            **ledgers,
        },
    )


def _result(
    txn: Txn,
    member: Member | None,
    cart: PricedCart | None,
    names: tuple[str, ...],
    settled: Sequence[Tender],
    approver: Actor | None,
) -> SaleResult:
    return SaleResult(
        txn_id=txn.id,
        member_id=member.id if member is not None else None,
        cart=cart,
        names=names,
        amount_fen=txn.amount_fen,
        discount_fen=txn.discount_fen or 0,
        points_used=txn.points_used or 0,
        points_value_fen=txn.points_value_fen or 0,
        due_fen=txn.due_fen,
        tenders=tuple(settled),
        points_earned=txn.points_earned or 0,
        tier_before=txn.tier_before,
        tier=member.tier_code if member is not None else None,
        approved_by=approver.staff_no if approver is not None else None,
        principal_fen=member.principal_fen if member is not None else 0,
        bonus_fen=member.bonus_fen if member is not None else 0,
        points=member.points if member is not None else 0,
    )
