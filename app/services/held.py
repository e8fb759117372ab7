"""Hold and recall a cart (挂单 / 取单).

A cashier holds the open cart (with or without a member) to serve someone else, and later
recalls it from the list — after a restart or by another cashier too. Recalling moves it to
``recalled``: it is off the list while it is being paid, so no two screens pay for it twice;
should it not be paid (the open cart cancelled, the counter closed), it goes back to the list.
The sale that pays it marks it ``sold`` in the sale's own transaction (:func:`mark_sold`).

Held carts are this counter's own and are not sales: they carry no money and send nothing
to HQ; each hold, recall and discard is in the audit log. The daily close refuses a date
with open held carts (:func:`check_none_open`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain import held
from app.domain.cart import CartLine, MemberPrice, price_cart
from app.domain.catalogue import ALL_MEMBERS
from app.domain.errors import NotFoundError, RuleError, ValidationError
from app.domain.held import DISCARDED, HELD, MAX_NOTE, RECALLED, SOLD, CartDraft
from app.domain.ids import uuid7
from app.domain.messages import render
from app.persistence import catalogue_store, held_store
from app.persistence.held_tables import HeldCart
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext, load_rules
from app.services.recording import record
from app.services.security import Actor, Permission, require


@dataclass(frozen=True)
class HeldView:
    number: int
    held_at: dt.datetime
    held_by: str  # the cashier's name
    member_id: str | None
    member_name: str | None  # None: a walk-in customer (散客)
    line_count: int
    total_fen: int  # as priced when held
    note: str | None
    state: str


@dataclass(frozen=True)
class Recalled:
    view: HeldView
    draft: CartDraft


@functools.lru_cache(maxsize=4096)
def _member_prices(text: str | None) -> tuple[tuple[str, int], ...]:
    """An item's member prices (its JSON column), parsed once per distinct text."""
    return tuple(json.loads(text or "{}").items())


def draft_lines(uow: UnitOfWork, draft: CartDraft) -> list[CartLine]:
    """The draft's lines with today's catalogue prices; an item gone or inactive is refused."""
    return named_lines(uow, draft)[0]


def named_lines(uow: UnitOfWork, draft: CartDraft) -> tuple[list[CartLine], list[str]]:
    """The draft's lines with today's catalogue prices, and their items' names.

    The items, with their categories' multipliers, are read in one query whatever the cart's
    length: the cart is priced again at every scan, and a sale reads it twice
    (docs/benchmarks.md, bench_sale)."""
    items = catalogue_store.item_rows_by_codes(uow, [line.item_code for line in draft.lines])
    lines, names = [], []
    for line in draft.lines:
        item = items.get(line.item_code)
        if item is None:
            raise NotFoundError("item_unknown", item=line.item_code)
        # unpacked, not by name: a row's attributes cost more than the rest of the line
        code, name, price_fen, member_prices, eligible, active, multiplier = item
        if not active:
            raise NotFoundError("item_unknown", item=line.item_code)
        prices = dict(_member_prices(member_prices))
        lines.append(
            CartLine(
                item_code=code,
                quantity=line.quantity,
                unit_price_fen=price_fen,
                member_price=MemberPrice(
                    unit_fen=prices.pop(ALL_MEMBERS, None), per_tier=prices
                ) if prices else None,
                points_eligible=bool(eligible),
                points_multiplier_permille=1000 if multiplier is None else multiplier,
                price_change=line.price_change,
            )
        )  # fmt: skip
        names.append(name)
    return lines, names


def _total(uow: UnitOfWork, draft: CartDraft) -> int:
    rules = load_rules(uow)
    tier = None
    if draft.member_id is not None:
        member = uow.member(draft.member_id)
        if member is None:
            raise NotFoundError("member_not_found", query=draft.member_id)
        tier = rules.tier(member.tier_code)
    priced = price_cart(rules, draft_lines(uow, draft), tier, draft.order_discount,
                        draft.rounding)  # fmt: skip
    return priced.after_round_fen


def _view(uow: UnitOfWork, row: HeldCart) -> HeldView:
    staff = uow.staff_by_id(row.held_by)
    member = uow.member(row.member_id) if row.member_id else None
    return HeldView(
        number=row.number,
        held_at=row.held_at,
        held_by=staff.name if staff is not None else "?",
        member_id=row.member_id,
        member_name=member.name if member is not None else None,
        line_count=row.line_count,
        total_fen=row.total_fen,
        note=row.note,
        state=row.state,
    )


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError("held_cart_invalid", field="note")
    return note or None


def hold(
    ctx: CounterContext,
    actor: Actor,
    draft: CartDraft,
    note: str | None = None,
    *,
    replaces: int | None = None,
) -> HeldView:
    """Park ``draft``; returns its number. A recalled cart held again is held anew under a
    new number: ``replaces`` names the recalled one, closed in the same transaction (it
    would come back to the list at the next start otherwise)."""
    require(actor, Permission.CHECKOUT)
    held.check(draft)
    note = _clean_note(note)
    with ctx.uow() as uow:
        old = None
        if replaces is not None:
            old = _row(uow, replaces)
            if old.state != RECALLED:
                raise RuleError("held_cart_not_recalled", number=replaces)
        total = _total(uow, draft)
        row = HeldCart(
            id=uuid7(),
            number=held_store.next_number(uow),
            business_date=ctx.business_date(uow),
            held_at=ctx.now(),
            held_by=actor.staff_id,
            member_id=draft.member_id,
            draft=held.to_json(draft),
            line_count=len(draft.lines),
            total_fen=total,
            note=note,
            state=HELD,
        )
        uow.add(row)
        if old is not None:
            old.state = DISCARDED
            old.closed_at = ctx.now()
            old.closed_by = actor.staff_id
            record(ctx, uow, actor, action="cart.discard", entity="held_cart",
                   entity_id=old.id, before={"state": RECALLED},
                   after={"number": old.number, "state": DISCARDED, "reason": "held_again",
                          "held_as": row.number},
                   event_type=None, payload={})  # fmt: skip
        uow.flush()
        view = _view(uow, row)
        after = {**_audit(view), "replaces": replaces} if old is not None else _audit(view)
        record(ctx, uow, actor, action="cart.hold", entity="held_cart", entity_id=row.id,
               before=None, after=after, event_type=None, payload={})  # fmt: skip
        uow.commit()
    return view


def _audit(view: HeldView) -> dict[str, object]:
    return {"number": view.number, "lines": view.line_count, "total_fen": view.total_fen,
            "member_id": view.member_id, "state": view.state}  # fmt: skip


def open_held(ctx: CounterContext, actor: Actor) -> list[HeldView]:
    """The carts waiting to be recalled, oldest first (recalled ones are being paid)."""
    require(actor, Permission.CHECKOUT)
    with ctx.reader() as uow:
        return [_view(uow, r) for r in held_store.open_carts(uow) if r.state == HELD]


def _row(uow: UnitOfWork, number: int) -> HeldCart:
    row = held_store.by_number(uow, number)
    if row is None:
        raise NotFoundError("held_cart_not_found", number=number)
    return row


def _refuse_closed(row: HeldCart) -> None:
    if row.state in (SOLD, DISCARDED):
        raise RuleError("held_cart_closed", number=row.number,
                        state=render(f"held_state_{row.state}"))  # fmt: skip


def recall(ctx: CounterContext, actor: Actor, number: int) -> Recalled:
    """Take a held cart back into the open cart: it is off the list until it is paid or put
    back; its draft is priced again when paid."""
    require(actor, Permission.CHECKOUT)
    with ctx.uow() as uow:
        row = _row(uow, number)
        _refuse_closed(row)
        if row.state == RECALLED:
            raise RuleError("held_cart_recalled", number=number)
        draft = held.from_json(row.draft)
        row.state = RECALLED
        uow.flush()
        view = _view(uow, row)
        record(ctx, uow, actor, action="cart.recall", entity="held_cart", entity_id=row.id,
               before={"state": HELD}, after=_audit(view), event_type=None,
               payload={})  # fmt: skip
        uow.commit()
    return Recalled(view, draft)


def put_back(ctx: CounterContext, actor: Actor, number: int) -> HeldView:
    """A recalled cart not paid goes back to the list (the cashier cancelled the open cart)."""
    require(actor, Permission.CHECKOUT)
    with ctx.uow() as uow:
        row = _row(uow, number)
        if row.state != RECALLED:
            raise RuleError("held_cart_not_recalled", number=number)
        row.state = HELD
        uow.flush()
        view = _view(uow, row)
        record(ctx, uow, actor, action="cart.put_back", entity="held_cart", entity_id=row.id,
               before={"state": RECALLED}, after=_audit(view), event_type=None,
               payload={})  # fmt: skip
        uow.commit()
    return view


def put_back_all(ctx: CounterContext) -> int:
    """At start: carts recalled and not paid before the counter closed are held again."""
    with ctx.uow() as uow:
        count = held_store.put_back_recalled(uow)
        if count:
            uow.commit()
    return count


def discard(ctx: CounterContext, actor: Actor, number: int, reason: str) -> HeldView:
    """作废: the customer left; the cart leaves the list, with the reason in the audit log."""
    require(actor, Permission.CHECKOUT)
    reason = (reason or "").strip()
    if not 0 < len(reason) <= MAX_NOTE:
        raise ValidationError("held_discard_reason")
    with ctx.uow() as uow:
        row = _row(uow, number)
        _refuse_closed(row)
        before = row.state
        row.state = DISCARDED
        row.closed_at = ctx.now()
        row.closed_by = actor.staff_id
        uow.flush()
        view = _view(uow, row)
        record(ctx, uow, actor, action="cart.discard", entity="held_cart", entity_id=row.id,
               before={"state": before}, after={**_audit(view), "reason": reason},
               event_type=None, payload={})  # fmt: skip
        uow.commit()
    return view


def draft_of(ctx: CounterContext, actor: Actor, number: int) -> CartDraft:
    """What held cart ``number`` holds, to be sold at once (the CLI's ``checkout --held``)."""
    require(actor, Permission.CHECKOUT)
    with ctx.reader() as uow:
        row = _row(uow, number)
        _refuse_closed(row)
        return held.from_json(row.draft)


def mark_sold(ctx: CounterContext, uow: UnitOfWork, actor: Actor, number: int, txn_id: str) -> None:
    """In the transaction of the sale that paid held cart ``number`` (recalled in the window,
    or sold straight from the list by the CLI); a cart paid or discarded already is refused,
    and the sale with it."""
    row = _row(uow, number)
    _refuse_closed(row)
    before = row.state
    row.state = SOLD
    row.closed_at = ctx.now()
    row.closed_by = actor.staff_id
    row.txn_id = txn_id
    record(ctx, uow, actor, action="cart.sold", entity="held_cart", entity_id=row.id,
           before={"state": before}, after={"number": number, "txn_id": txn_id},
           event_type=None, payload={})  # fmt: skip


def check_none_open(uow: UnitOfWork, day: dt.date) -> None:
    """The daily close of ``day`` is refused while carts held on it (or before) are open."""
    rows: Sequence[HeldCart] = held_store.open_carts(uow, day)
    if rows:
        raise RuleError(
            "held_carts_open",
            date=day.isoformat(),
            count=len(rows),
            numbers=", ".join(str(r.number) for r in rows),
        )
