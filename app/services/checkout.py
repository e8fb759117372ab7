"""Checkout (消费): tier discount → points as cash → tenders → points earned → tier."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.errors import ValidationError
from app.domain.pricing import (
    STORED_VALUE,
    Quote,
    Tender,
    points_earned,
    quote_checkout,
    settle_tenders,
    split_stored_value,
    upgrade_after_checkout,
)
from app.persistence.tables import TxnTender
from app.services import coupon_rules, offline
from app.services.context import CounterContext, load_rules
from app.services.foreign import check_password_at_hq
from app.services.ledger import (
    change_tier,
    earn_points,
    ensure_can_transact,
    new_txn,
    points_in,
    post_stored_value,
    spend_points,
    usable_lots,
    usable_points,
)
from app.services.lookup import resolve_member
from app.services.members import check_payment_password
from app.services.recording import member_state, record
from app.services.scope import require_held
from app.services.security import Actor, Permission, require


@dataclass(frozen=True)
class CheckoutResult:
    txn_id: str
    member_id: str
    amount_fen: int
    discount_fen: int
    points_used: int
    points_value_fen: int
    due_fen: int
    tenders: tuple[Tender, ...]
    change_fen: int
    points_earned: int
    tier_before: str
    tier: str
    tier_name: str
    principal_fen: int  # balances after
    bonus_fen: int
    points: int

    @property
    def stored_value_fen(self) -> int:
        return self.principal_fen + self.bonus_fen

    @property
    def paid_fen(self) -> int:
        return sum(t.net_fen for t in self.tenders)


def authorise_spend(
    ctx: CounterContext,
    found: Any,
    uses_stored_value: bool,
    points: int,
    payment_password: str | None,
) -> None:
    """Before a sale's transaction: a member's balances must be kept here to spend them, and
    stored value asks for the payment password (another store's member's at HQ)."""
    if uses_stored_value or points > 0:
        require_held(found)  # balances of a member not kept up to date here may be old
    if uses_stored_value and found.pay_password_at_hq:
        check_password_at_hq(ctx, found.id, payment_password)  # another store's: at HQ
    if uses_stored_value and found.pay_password_hash is not None:
        check_payment_password(ctx, found.id, payment_password)


def checkout(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    amount_fen: int,
    *,
    points: int = 0,
    tenders: Sequence[tuple[str, int]] | None = None,
    pay: str = STORED_VALUE,
    payment_password: str | None = None,
) -> CheckoutResult:
    """Check a member out for ``amount_fen``.

    ``tenders`` lists (method, fen) pairs for a split payment; without it the
    whole amount due is paid with ``pay``. Cash may exceed the amount due and
    gives change; stored value asks for the member's payment password if set.
    """
    require(actor, Permission.CHECKOUT)
    if points < 0:
        raise ValidationError("points_negative", points=points)
    with ctx.lookup() as q:
        # A quick look before asking for the password: refuse obvious errors first.
        found = resolve_member(ctx, q, query)
        ensure_can_transact(q, found)
        member_id = found.id
    uses_stored_value = (tenders is None and pay == STORED_VALUE) or any(
        m == STORED_VALUE for m, _ in (tenders or ())
    )
    authorise_spend(ctx, found, uses_stored_value, points, payment_password)

    with ctx.uow() as uow:
        rules = load_rules(uow)
        member = resolve_member(ctx, uow, member_id)
        ensure_can_transact(uow, member)
        if uses_stored_value or points > 0:
            require_held(member)
        before = member_state(member)
        tier = rules.tier(member.tier_code)
        # A regular holds a lot per purchase: their balances are summed only when points are
        # redeemed (a member with 2,000 lots took 30 ms a checkout for nothing).
        lots = usable_lots(uow, member.id, ctx.business_date(uow)) if points > 0 else []
        quote = quote_checkout(rules, amount_fen, tier, points, points_in(lots))
        settled = settle_tenders(
            quote.due_fen, list(tenders) if tenders is not None else [(pay, quote.due_fen)]
        )
        earned = points_earned(rules, quote.due_fen, tier)
        offline.check_spend(
            ctx,
            uow,
            member,
            sum(t.amount_fen for t in settled if t.method == STORED_VALUE),
            quote.points_used,
        )
        txn = new_txn(
            ctx,
            uow,
            "checkout",
            member,
            actor,
            amount_fen=quote.amount_fen,
            discount_fen=quote.discount_fen,
            points_used=quote.points_used,
            points_value_fen=quote.points_value_fen,
            due_fen=quote.due_fen,
            points_earned=earned,
            tier_before=tier.code,
        )
        sv_entries = []
        for t in settled:
            uow.add(
                TxnTender(
                    txn_id=txn.id, method=t.method, amount_fen=t.amount_fen, change_fen=t.change_fen
                )
            )
            if t.method == STORED_VALUE:
                p, b = split_stored_value(t.amount_fen, member.principal_fen, member.bonus_fen)
                sv_entries.append(post_stored_value(ctx, uow, member, txn, "spend", -p, -b))
        points_entries = spend_points(ctx, uow, member, txn, "redeem", quote.points_used, lots)
        lots = []
        if earned > 0:
            lot, entry = earn_points(ctx, uow, member, txn, earned, "checkout", txn.business_date)
            lots.append(lot)
            points_entries.append(entry)
        upgrade = upgrade_after_checkout(
            rules,
            member.tier_code,
            member.cumulative_spend_fen,
            member.cumulative_spend_fen + quote.due_fen,
        )
        member.cumulative_spend_fen += quote.due_fen
        tier_changes = []
        if upgrade is not None:
            change = change_tier(ctx, uow, member, txn, upgrade.code, "auto_upgrade", actor)
            if change:
                tier_changes.append(change)
        txn.tier_after = member.tier_code
        change_fen = sum(t.change_fen for t in settled)
        record(
            ctx,
            uow,
            actor,
            action="checkout",
            entity="member",
            entity_id=member.id,
            before=before,
            after=member_state(member),
            event_type="checkout.completed",
            payload={
                "txn_id": txn.id,
                "member_id": member.id,
                "business_date": txn.business_date.isoformat(),
                "amount_fen": quote.amount_fen,
                "discount_fen": quote.discount_fen,
                "points_used": quote.points_used,
                "points_value_fen": quote.points_value_fen,
                "due_fen": quote.due_fen,
                "tenders": [
                    {"method": t.method, "amount_fen": t.amount_fen, "change_fen": t.change_fen}
                    for t in settled
                ],
                "points_earned": earned,
                "cumulative_spend_delta_fen": quote.due_fen,
                "tier_before": tier.code,
                "tier_after": member.tier_code,
                "tier_changes": tier_changes,
                "sv_entries": sv_entries,
                "points_lots": lots,
                "points_entries": points_entries,
            },
        )
        coupon_rules.on_tier_change(ctx, uow, actor, member, tier.code)
        uow.commit()
        return CheckoutResult(
            txn_id=txn.id,
            member_id=member.id,
            amount_fen=quote.amount_fen,
            discount_fen=quote.discount_fen,
            points_used=quote.points_used,
            points_value_fen=quote.points_value_fen,
            due_fen=quote.due_fen,
            tenders=tuple(settled),
            change_fen=change_fen,
            points_earned=earned,
            tier_before=tier.code,
            tier=member.tier_code,
            tier_name=rules.tier(member.tier_code).name,
            principal_fen=member.principal_fen,
            bonus_fen=member.bonus_fen,
            points=member.points,
        )


def quote(
    ctx: CounterContext, actor: Actor, query: str, amount_fen: int, points: int = 0
) -> tuple[Quote, int]:
    """What a checkout would come to (and the points it would earn), without doing it."""
    require(actor, Permission.CHECKOUT)
    with ctx.reader() as uow:
        rules = load_rules(uow)
        member = resolve_member(ctx, uow, query)
        tier = rules.tier(member.tier_code)
        q = quote_checkout(
            rules, amount_fen, tier, points, usable_points(uow, member.id, ctx.business_date(uow))
        )
        return q, points_earned(rules, q.due_fen, tier)
