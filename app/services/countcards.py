"""Count cards (次卡) a member holds: sold, used per visit, refunded, transferred, expired.

Each operation is one transaction: the card row (its cached owner and status), its ledger
entry (:mod:`app.persistence.countcard_tables`), the transaction with its tenders and any
stored-value posting, the audit entry and the outbox event. Accounting: a sale is a
liability like a top-up; each visit recognises its per-visit value as revenue
(:func:`app.domain.countcard.use`); a refund pays back price paid − value used; an expiry
turns the rest into breakage.

Offline (HQ unreachable), a counter consumes a card at most ``countcard_visits_per_card``
times (HQ's offline rules, :class:`app.domain.offline.OfflineLimits`) until it syncs again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from app.domain import countcard as rules_cc
from app.domain import offline as offline_rules
from app.domain.countcard import TRANSFERRED, CountCard
from app.domain.countcard_ledger import EXPIRE, REFUND, SOLD, TRANSFER, VISIT, granted, left, taken
from app.domain.errors import NotFoundError, RuleError, ValidationError
from app.domain.ids import uuid7
from app.domain.pricing import (
    STORED_VALUE,
    TENDER_METHODS,
    check_method,
    settle_tenders,
    split_stored_value,
)
from app.persistence import catalogue_store, countcard_store, syncstore
from app.persistence.countcard_tables import CountCardEntry, MemberCountCard
from app.persistence.tables import Member, Txn, TxnTender
from app.persistence.uow import UnitOfWork
from app.services import offline
from app.services.context import CounterContext, load_rules
from app.services.countcard_products import find_product
from app.services.foreign import check_password_at_hq
from app.services.ledger import ensure_can_transact, new_txn, post_stored_value
from app.services.lookup import resolve_member
from app.services.members import check_payment_password
from app.services.recording import member_state, record
from app.services.scope import require_held
from app.services.security import Actor, Approval, Permission, approve, require


@dataclass(frozen=True)
class CardView:
    card_id: str
    member_id: str
    product_code: str
    name: str
    status: str
    price_paid_fen: int
    sold_on: dt.date
    valid_until: dt.date
    transferable: bool
    left: tuple[tuple[str, int], ...]  # (item, times left)
    recognised_fen: int
    refunded_fen: int
    breakage_fen: int
    liability_fen: int
    item_names: tuple[tuple[str, str], ...] = ()  # (item, its name in the catalogue)

    def as_dict(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "member_id": self.member_id,
            "product_code": self.product_code,
            "name": self.name,
            "status": self.status,
            "price_paid_fen": self.price_paid_fen,
            "sold_on": self.sold_on.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "transferable": self.transferable,
            "left": {item: n for item, n in self.left},
            "recognised_fen": self.recognised_fen,
            "refunded_fen": self.refunded_fen,
            "breakage_fen": self.breakage_fen,
            "liability_fen": self.liability_fen,
        }


@dataclass(frozen=True)
class CardResult:
    txn_id: str
    card: CardView
    value_fen: int = 0  # a visit's revenue, a refund's amount, an expiry's breakage
    taken: tuple[tuple[str, int, int], ...] = ()  # a visit's (item, paid, gift)
    tenders: tuple[tuple[str, int, int], ...] = ()  # (method, amount, change)


def view_of(row: MemberCountCard, card: CountCard) -> CardView:
    return CardView(
        card_id=row.id,
        member_id=row.member_id,
        product_code=row.product_code,
        name=row.name,
        status=TRANSFERRED if row.status == TRANSFERRED else card.status,
        price_paid_fen=card.price_paid_fen,
        sold_on=card.sold_on,
        valid_until=card.valid_until,
        transferable=bool(row.transferable),
        left=tuple(rules_cc.remaining(card)),
        recognised_fen=card.recognised_fen,
        refunded_fen=card.refunded_fen,
        breakage_fen=card.breakage_fen,
        liability_fen=card.liability_fen,
    )


def card_header(row: MemberCountCard) -> dict[str, Any]:
    """What a card is, as events carry it (its times come in its entries)."""
    return {
        "card_id": row.id,
        "product_code": row.product_code,
        "name": row.name,
        "price_paid_fen": row.price_paid_fen,
        "sold_on": row.sold_on.isoformat(),
        "valid_until": row.valid_until.isoformat(),
        "stores": json.loads(row.stores) if row.stores else None,
        "transferable": bool(row.transferable),
    }


def entry_dict(e: CountCardEntry) -> dict[str, Any]:
    return {
        "entry_id": e.entry_id,
        "kind": e.kind,
        "times": json.loads(e.times),
        "value_fen": e.value_fen,
        "business_date": e.business_date.isoformat(),
    }


def _entry(
    ctx: CounterContext,
    uow: UnitOfWork,
    row: MemberCountCard,
    txn: Txn,
    kind: str,
    times: Mapping[str, list[int]],
    value_fen: int,
    **more: Any,
) -> CountCardEntry:
    e = CountCardEntry(
        entry_id=uuid7(),
        card_id=row.id,
        txn_id=txn.id,
        kind=kind,
        times=json.dumps(dict(times), sort_keys=True),
        value_fen=value_fen,
        offline=bool(more.pop("offline", False)),
        business_date=txn.business_date,
        created_at=ctx.now(),
        **more,
    )
    uow.add(e)
    uow.flush()
    return e


def _record_card(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    verb: str,
    row: MemberCountCard,
    before: CardView,
    after: CardView,
    txn: Txn,
    entry: CountCardEntry,
    member_id: str,
    approver: Actor | None = None,
    **more: Any,
) -> None:
    """The audit entry (the card before and after) and the outbox event of a card's
    operation: ``countcard.<verb>`` with the card, its entry and ``more``."""
    record(
        ctx, uow, actor,
        action=f"countcard.{verb}", entity="count_card", entity_id=row.id,
        before=before.as_dict(), after=after.as_dict(),
        event_type=f"countcard.{_PAST[verb]}",
        payload={
            "txn_id": txn.id,
            "member_id": member_id,
            "business_date": txn.business_date.isoformat(),
            "count_card_id": row.id,
            "entry": entry_dict(entry),
            **more,
        },
        approver=approver,
    )  # fmt: skip


_PAST = {"use": "used", "transfer": "transferred", "expire": "expired"}


def _member_card(uow: UnitOfWork, member: Member, card_id: str | None,
                 items: Sequence[str] = ()) -> MemberCountCard:  # fmt: skip
    """The member's card ``card_id`` (a unique prefix will do), or their only active card
    holding every one of ``items``."""
    rows = [r for r in countcard_store.cards_of(uow, member.id)]
    if card_id:
        found = [r for r in rows if r.id == card_id or r.id.startswith(card_id.strip())]
        if len(found) != 1:
            raise NotFoundError("countcard_unknown", card=card_id)
        if found[0].status == TRANSFERRED:
            raise RuleError("countcard_transferred", product=found[0].product_code)
        return found[0]
    fits = [
        r for r in rows
        if r.status == rules_cc.ACTIVE
        and set(items) <= {i for i, _ in rules_cc.remaining(countcard_store.state(uow, r))}
    ]  # fmt: skip
    if len(fits) != 1:
        raise RuleError("countcard_choose" if fits else "countcard_none", name=member.name)
    return fits[0]


def _store_code(uow: UnitOfWork) -> str:
    store = uow.store()
    return store.code if store else ""


def _check_password(ctx: CounterContext, member: Any, password: str | None) -> None:
    if member.pay_password_at_hq:
        check_password_at_hq(ctx, member.id, password)  # another store's: at HQ
    if member.pay_password_hash is not None:
        check_payment_password(ctx, member.id, password)


def sell(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    product_code: str,
    *,
    tenders: Sequence[tuple[str, int]] | None = None,
    pay: str = "cash",
    payment_password: str | None = None,
) -> CardResult:
    """Sell a card of ``product_code`` to the member, paid at the product's price with any
    tenders (stored value with the payment password where set)."""
    require(actor, Permission.CHECKOUT)
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, query)
        ensure_can_transact(uow, member)
        member_id = member.id
        uses_sv = (tenders is None and pay == STORED_VALUE) or any(
            m == STORED_VALUE for m, _ in tenders or ()
        )
        if uses_sv:
            require_held(member)
            _check_password(ctx, member, payment_password)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, member_id)
        ensure_can_transact(uow, member)
        product = find_product(uow, product_code)
        store_code = _store_code(uow)
        if not product.honoured_at(store_code):
            raise RuleError("countcard_not_honoured", product=product.code, store=store_code)
        today = ctx.business_date(uow)
        card = rules_cc.sell(product.rule, product.price_fen, today)
        settled = settle_tenders(
            product.price_fen,
            list(tenders) if tenders is not None else [(pay, product.price_fen)],
        )
        sv_fen = sum(t.amount_fen for t in settled if t.method == STORED_VALUE)
        offline.check_spend(ctx, uow, member, sv_fen, 0)
        before = member_state(member)
        txn = new_txn(
            ctx, uow, "countcard_sale", member, actor,
            amount_fen=product.price_fen, due_fen=product.price_fen,
            note=product.code,
        )  # fmt: skip
        sv_entries = []
        for t in settled:
            uow.add(TxnTender(txn_id=txn.id, method=t.method, amount_fen=t.amount_fen,
                              change_fen=t.change_fen))  # fmt: skip
            if t.method == STORED_VALUE:
                p, b = split_stored_value(t.amount_fen, member.principal_fen, member.bonus_fen)
                sv_entries.append(post_stored_value(ctx, uow, member, txn, "spend", -p, -b))
        row = MemberCountCard(
            id=uuid7(),
            member_id=member.id,
            product_code=product.code,
            name=product.name,
            price_paid_fen=card.price_paid_fen,
            sold_on=card.sold_on,
            valid_until=card.valid_until,
            stores=json.dumps(list(product.stores)) if product.stores is not None else None,
            transferable=product.transferable,
            status=card.status,
            store_code=store_code,
            created_at=ctx.now(),
        )
        uow.add(row)
        entry = _entry(ctx, uow, row, txn, SOLD, granted(card), card.price_paid_fen)
        view = view_of(row, card)
        record(
            ctx, uow, actor,
            action="countcard.sell", entity="member", entity_id=member.id,
            before=before, after={**member_state(member), "count_card": view.as_dict()},
            event_type="countcard.sold",
            payload={
                "txn_id": txn.id,
                "member_id": member.id,
                "business_date": txn.business_date.isoformat(),
                "count_card": card_header(row),
                "entry": entry_dict(entry),
                "tenders": [
                    {"method": t.method, "amount_fen": t.amount_fen, "change_fen": t.change_fen}
                    for t in settled
                ],
                "sv_entries": sv_entries,
            },
        )  # fmt: skip
        uow.commit()
        return CardResult(
            txn.id, view, card.price_paid_fen,
            tenders=tuple((t.method, t.amount_fen, t.change_fen) for t in settled),
        )  # fmt: skip


def _offline_visits(uow: UnitOfWork, member_id: str, card_id: str) -> int:
    """Visits of this card not acknowledged by HQ yet."""
    n = 0
    for text in syncstore.pending_payloads_of(uow, member_id):
        payload = json.loads(text)
        if (
            payload.get("count_card_id") == card_id
            and payload.get("entry", {}).get("kind") == VISIT
        ):
            n += 1
    return n


def _check_offline_visit(ctx: CounterContext, uow: UnitOfWork, member_id: str,
                         card_id: str) -> bool:  # fmt: skip
    """True when the counter is offline (the visit is then within the per-card limit)."""
    state = syncstore.state(uow)
    if state is None or state.enrolled_at is None:
        return False
    limits = offline_rules.OfflineLimits.from_rules_extra(load_rules(uow).extra)
    now = ctx.now()
    if not offline_rules.is_offline(state.last_success_at, now, limits):
        return False
    offline_rules.check_offline_visit(
        limits, now=now, last_success=state.last_success_at,
        pending_visits=_offline_visits(uow, member_id, card_id),
    )  # fmt: skip
    return True


def use(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    uses: Mapping[str, int],
    *,
    card_id: str | None = None,
    payment_password: str | None = None,
) -> CardResult:
    """One visit: ``uses`` maps service items to times (several items, several times)."""
    require(actor, Permission.CHECKOUT)
    if not uses or any(int(n) <= 0 for n in uses.values()):
        raise ValidationError("countcard_times_invalid")
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, query)
        ensure_can_transact(uow, member)
        member_id = member.id
        _member_card(uow, member, card_id, list(uses))  # refuse a wrong card before the password
        _check_password(ctx, member, payment_password)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, member_id)
        ensure_can_transact(uow, member)
        row = _member_card(uow, member, card_id, list(uses))
        stores = json.loads(row.stores) if row.stores else None
        store_code = _store_code(uow)
        if stores is not None and store_code not in stores:
            raise RuleError("countcard_not_honoured", product=row.product_code, store=store_code)
        card = countcard_store.state(uow, row)
        today = ctx.business_date(uow)
        paid_used_before = card.paid_used
        new, visit = rules_cc.use(card, {k: int(v) for k, v in uses.items()}, today)
        was_offline = _check_offline_visit(ctx, uow, member.id, row.id)
        txn = new_txn(ctx, uow, "countcard_visit", member, actor, amount_fen=visit.value_fen,
                      note=row.product_code)  # fmt: skip
        entry = _entry(ctx, uow, row, txn, VISIT, taken(visit.taken), visit.value_fen,
                       offline=was_offline)  # fmt: skip
        view = view_of(row, new)
        _record_card(ctx, uow, actor, "use", row, view_of(row, card), view, txn, entry,
                     member.id, paid_used_before=paid_used_before, offline=was_offline)  # fmt: skip
        uow.commit()
        return CardResult(txn.id, view, visit.value_fen, visit.taken)


def show(ctx: CounterContext, actor: Actor, query: str) -> list[CardView]:
    """The member's cards with the times left per item (newest last)."""
    require(actor, Permission.MEMBER_VIEW)
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, query)
        views = []
        for r in countcard_store.cards_of(uow, member.id):
            v = view_of(r, countcard_store.state(uow, r))
            names = tuple((code, _item_name(uow, code)) for code, _n in v.left)
            views.append(replace(v, item_names=names))
        return views


def _item_name(uow: UnitOfWork, code: str) -> str:
    item = catalogue_store.item_by_code(uow, code)
    return item.name if item is not None else code


def refund(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    *,
    card_id: str | None = None,
    method: str = "cash",
    approval: Approval | None,
) -> CardResult:
    """Refund every unused time: price paid − value of the times used, never below zero,
    paid back by ``method`` (stored value: to the member's principal); a manager approves."""
    require(actor, Permission.REFUND)
    check_method(method, TENDER_METHODS)
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, query)
        row = _member_card(uow, member, card_id)
        rules_cc._check_active(countcard_store.state(uow, row), ctx.business_date(uow))
        member_id = member.id
    approver = approve(ctx, approval, Permission.REFUND)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, member_id)
        row = _member_card(uow, member, card_id)
        card = countcard_store.state(uow, row)
        before = member_state(member)
        new, back = rules_cc.refund_unused(card, ctx.business_date(uow))
        txn = new_txn(ctx, uow, "countcard_refund", member, actor, approver,
                      amount_fen=-back.amount_fen, due_fen=-back.amount_fen,
                      note=row.product_code)  # fmt: skip
        tenders: list[dict[str, Any]] = []
        sv_entries = []
        if back.amount_fen:
            if method == STORED_VALUE:
                sv_entries.append(
                    post_stored_value(ctx, uow, member, txn, "countcard_refund", back.amount_fen, 0)
                )
            uow.add(TxnTender(txn_id=txn.id, method=method, amount_fen=-back.amount_fen,
                              change_fen=0))  # fmt: skip
            tenders.append({"method": method, "amount_fen": -back.amount_fen, "change_fen": 0})
        entry = _entry(ctx, uow, row, txn, REFUND, left(card), back.amount_fen)
        row.status = new.status
        view = view_of(row, new)
        record(
            ctx, uow, actor,
            action="countcard.refund", entity="member", entity_id=member.id,
            before=before, after={**member_state(member), "count_card": view.as_dict()},
            event_type="countcard.refunded",
            payload={
                "txn_id": txn.id,
                "member_id": member.id,
                "business_date": txn.business_date.isoformat(),
                "count_card_id": row.id,
                "entry": entry_dict(entry),
                "amount_fen": back.amount_fen,
                "tenders": tenders,
                "sv_entries": sv_entries,
            },
            approver=approver,
        )  # fmt: skip
        uow.commit()
        back_by = tuple((t["method"], t["amount_fen"], 0) for t in tenders)
        return CardResult(txn.id, view, back.amount_fen, tenders=back_by)


def transfer(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    to_query: str,
    *,
    card_id: str | None = None,
    approval: Approval | None,
) -> CardResult:
    """Give the card (its remaining times) to another member; a manager approves, and only a
    card whose product allows it moves."""
    require(actor, Permission.COUNTCARD_TRANSFER)
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, query)
        row = _member_card(uow, member, card_id)
        target = resolve_member(ctx, uow, to_query)
        _check_transfer(ctx, uow, row, member, target)
        ids = member.id, target.id
    approver = approve(ctx, approval, Permission.COUNTCARD_TRANSFER)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, ids[0])
        target = resolve_member(ctx, uow, ids[1])
        row = _member_card(uow, member, card_id)
        card = _check_transfer(ctx, uow, row, member, target)
        history = [entry_dict(e) for e in countcard_store.standing_entries_of(uow, row.id)]
        txn = new_txn(ctx, uow, "countcard_transfer", member, actor, approver,
                      note=f"{row.product_code} → {target.id}")  # fmt: skip
        entry = _entry(ctx, uow, row, txn, TRANSFER, {}, 0,
                       from_member_id=member.id, to_member_id=target.id)  # fmt: skip
        before = view_of(row, card)
        row.member_id = target.id
        view = view_of(row, card)
        _record_card(ctx, uow, actor, "transfer", row, before, view, txn, entry, member.id,
                     approver, to_member_id=target.id, count_card=card_header(row),
                     history=history)  # fmt: skip
        uow.commit()
        return CardResult(txn.id, view)


def _check_transfer(ctx: CounterContext, uow: UnitOfWork, row: MemberCountCard,
                    member: Any, target: Any) -> CountCard:  # fmt: skip
    if not row.transferable:
        raise RuleError("countcard_not_transferable", product=row.product_code)
    if target.id == member.id:
        raise ValidationError("countcard_transfer_self")
    ensure_can_transact(uow, target)
    card = countcard_store.state(uow, row)
    rules_cc._check_active(card, ctx.business_date(uow))
    return card


def expire_due(ctx: CounterContext, actor: Actor) -> list[CardResult]:
    """End the remaining times of every card past its last valid day (each its own
    transaction); their unrecognised value is breakage."""
    require(actor, Permission.POINTS_EXPIRE)
    with ctx.reader() as uow:
        today = ctx.business_date(uow)
        due = [r.id for r in countcard_store.active_until(uow, today)]
    return [_expire_one(ctx, actor, card_id) for card_id in due]


def _expire_one(ctx: CounterContext, actor: Actor, card_id: str) -> CardResult:
    with ctx.uow() as uow:
        row = countcard_store.card(uow, card_id)
        if row is None:
            raise NotFoundError("countcard_unknown", card=card_id)
        member = uow.member(row.member_id)
        card = countcard_store.state(uow, row)
        new, gone = rules_cc.expire(card, ctx.business_date(uow))
        txn = new_txn(ctx, uow, "countcard_expire", member, actor,
                      amount_fen=gone.breakage_fen, note=row.product_code)  # fmt: skip
        entry = _entry(ctx, uow, row, txn, EXPIRE, left(card), gone.breakage_fen)
        row.status = new.status
        view = view_of(row, new)
        _record_card(ctx, uow, actor, "expire", row, view_of(row, card), view, txn, entry,
                     row.member_id)  # fmt: skip
        uow.commit()
        return CardResult(txn.id, view, gone.breakage_fen)
