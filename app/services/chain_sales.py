"""Sales made at another store or counter of the chain, refunded here (issue 16 point 5).

A cart sale this counter does not hold (made at another store, or at another counter of this
store) is found at HQ by its whole 单号 — the receipt's QR code carries it — when HQ can be
reached (``ctx.chain_sales``; :mod:`sync.chain_sales`). HQ answers with the sale's
``sale.completed`` payload as it holds it and the ``sale.refunded`` payloads it accepted for
it; they are stored here as remote rows — a ``kind="remote"`` transaction with its lines
(``txn_cart``, ``txn_line``) and each earlier refund's lines (``txn_refund_line``) — so the
refund of :mod:`app.services.partial_refunds` computes on them unchanged, and this store's
shift and day reports never count the sale itself. The sale's member, when another store's,
is fetched first (HQ lets the device that read the sale do so), so the refund credits their
stored value and points back here.

The copy is read again from HQ right before each refund, so the refund is computed on what
HQ holds; a refund here that HQ lists differently is refused (``sale_refunds_disagree``).
Offline, such a sale is not refunded here and nothing changes (``chain_sale_offline``).

How the money goes back is the store's policy (:data:`settings.FOREIGN_REFUND`): by the
sale's own tenders (``original``) or all of it but stored value as cash (``cash``). Stored
value and points always go back to the member as the sale took them; HQ checks either way.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from app.domain.errors import NotFoundError, RuleError
from app.persistence import refund_store, sale_store
from app.persistence.refund_tables import TxnRefundLine
from app.persistence.sale_tables import TxnCart, TxnLine
from app.persistence.tables import Txn
from app.persistence.uow import UnitOfWork
from app.services import scope, settings
from app.services.context import CounterContext
from app.services.security import Actor

WHOLE_NUMBER = 36  # HQ finds a sale by its whole 单号 only


@dataclass(frozen=True)
class ChainSale:
    txn_id: str
    store_code: str | None  # the store that made it
    foreign: bool  # made at another store (not another counter of this one)


# -- the store's policy ----------------------------------------------------------------
def policy(ctx: CounterContext) -> str:
    """``original`` or ``cash``: how another store's sale refunded here pays money back."""
    value: settings.ForeignRefund = settings.get_setting(ctx, settings.FOREIGN_REFUND)
    return value.policy


def set_policy(ctx: CounterContext, actor: Actor, value: str) -> str:
    """A manager sets it (an audit entry, as every setting)."""
    done = settings.set_setting(ctx, actor, settings.FOREIGN_REFUND, settings.ForeignRefund(value))
    return str(done.policy)


# -- reading the sale from HQ ----------------------------------------------------------
def fetch(ctx: CounterContext, number: str) -> ChainSale:
    """Read the sale numbered ``number`` (its whole id) from HQ and store it here; refused
    when HQ cannot be reached (nothing changes) or holds no such cart sale."""
    number = (number or "").strip().lower()
    if len(number) != WHOLE_NUMBER:
        raise NotFoundError("sale_number_unknown", number=number)
    if ctx.chain_sales is None:
        raise RuleError("chain_sale_offline")
    status, answer = ctx.chain_sales.sale(number)
    if status == "unknown":
        raise NotFoundError("sale_number_unknown", number=number)
    if status != "ok" or answer is None:
        raise RuleError("chain_sale_offline")
    if answer.get("sale_id") != number or not (answer.get("sale") or {}).get("cart"):
        raise RuleError("chain_sale_offline")
    member_id = answer["sale"].get("member_id")
    if member_id is not None:
        _member_here(ctx, member_id)
    with ctx.uow() as uow:
        store = uow.store()
        own = store.code if store is not None else None
        _store(ctx, uow, answer)
        uow.commit()
    seller = answer.get("store_code")
    return ChainSale(number, seller, seller is not None and seller != own)


def _member_here(ctx: CounterContext, member_id: str) -> None:
    with ctx.reader() as uow:
        member = uow.member(member_id)
        if member is not None and member.held:
            return
    assert ctx.chain_sales is not None
    line = ctx.chain_sales.member(member_id)
    if line is None:
        raise RuleError("chain_sale_offline")
    scope.fetched(ctx, line)
    with ctx.reader() as uow:
        if uow.member(member_id) is None:
            raise RuleError("chain_sale_member_unavailable")


def _created(text: Any, default: dt.datetime) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(text)).replace(tzinfo=None)
    except ValueError:
        return default


def _store(ctx: CounterContext, uow: UnitOfWork, answer: dict[str, Any]) -> None:
    sale, sale_id = answer["sale"], answer["sale_id"]
    seller = answer.get("store_code") or "HQ"
    created = _created(answer.get("created_at"), ctx.now())
    txn = uow.txn(sale_id)
    if txn is None:
        uow.add(
            Txn(
                id=sale_id,
                kind="remote",
                member_id=sale.get("member_id"),
                created_at=created,
                business_date=dt.date.fromisoformat(sale["business_date"]),
                note=f"sale.completed {seller}",
            )
        )
        uow.flush()
    elif txn.kind != "remote":
        return  # this counter's own sale: its rows are the source
    if sale_store.cart_of(uow, sale_id) is None:
        _write_lines(uow, sale_id, sale["cart"])
    for p in answer.get("refunds") or ():
        _take_refund(ctx, uow, p, seller)
    uow.flush()


def _write_lines(uow: UnitOfWork, sale_id: str, cart: dict[str, Any]) -> None:
    lines = cart["lines"]
    discount = cart.get("order_discount") or {}
    uow.add(
        TxnCart(
            txn_id=sale_id,
            order_discount_bp=discount.get("percent_bp"),
            order_discount_amount_fen=discount.get("amount_fen"),
            rounding=cart.get("rounding") or "none",
            list_fen=sum(w["list_fen"] for w in lines),
            member_discount_fen=sum(w["list_fen"] - w["member_fen"] for w in lines),
            change_fen=sum(w["changed_fen"] - w["member_fen"] for w in lines),
            order_discount_fen=sum(w["order_discount_fen"] for w in lines),
            round_off_fen=sum(w["round_off_fen"] for w in lines),
        )
    )
    uow.add_rows(TxnLine, sale_store.line_rows(sale_id, lines))


def _wire_rows(payload: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (x["line_no"], x["quantity"], x["list_fen"], json.dumps(x["parts"], sort_keys=True),
         x["points_used"], x["points_earned"])
        for x in payload.get("lines") or ()
    )  # fmt: skip


def _take_refund(ctx: CounterContext, uow: UnitOfWork, p: dict[str, Any], store: str) -> None:
    """One refund HQ accepted for the sale: its lines here, or the refusal when this
    counter holds the same refund with other lines."""
    refund_id, sale_id = p["txn_id"], p["original_txn_id"]
    rows = refund_store.rows_of_refund(uow, refund_id)
    if rows:
        have = sorted(
            (r.line_no, r.quantity, r.list_fen, json.dumps(json.loads(r.parts), sort_keys=True),
             r.points_used, r.points_earned)
            for r in rows
        )  # fmt: skip
        if have != _wire_rows(p):
            raise RuleError("sale_refunds_disagree", txn_id=sale_id)
        return
    if uow.txn(refund_id) is None:
        uow.add(
            Txn(
                id=refund_id,
                kind="remote",
                member_id=p.get("member_id"),
                created_at=ctx.now(),
                business_date=dt.date.fromisoformat(p["business_date"]),
                original_txn_id=sale_id,
                note=f"sale.refunded {store}",
            )
        )
        uow.flush()
    write_refund_lines(uow, refund_id, sale_id, p)


def write_refund_lines(uow: UnitOfWork, refund_id: str, sale_id: str, p: dict[str, Any]) -> None:
    """The lines of a refund made elsewhere (read from HQ, or pulled): what remains of the
    sale here drops by them."""
    for x in p.get("lines") or ():
        uow.add(
            TxnRefundLine(
                txn_id=refund_id,
                original_txn_id=sale_id,
                line_no=x["line_no"],
                quantity=x["quantity"],
                list_fen=x["list_fen"],
                parts=json.dumps(x["parts"]),
                points_used=x["points_used"],
                points_earned=x["points_earned"],
            )
        )


def pulled_refund(ctx: CounterContext, uow: UnitOfWork, body: dict[str, Any]) -> None:
    """A ``sale.refunded`` pulled from HQ (another store's refund of a sale this counter
    holds with its lines): its lines are written here once, so what remains drops. The
    member's ledgers move as for any pulled event (:mod:`app.services.remote`)."""
    p = body["payload"]
    sale_id, refund_id = p.get("original_txn_id"), p.get("txn_id")
    uow.flush()  # the member's event wrote the refund's remote row just now
    if not sale_id or not refund_id or sale_store.cart_of(uow, sale_id) is None:
        return
    if refund_store.rows_of_refund(uow, refund_id):
        return
    if uow.txn(refund_id) is None:  # a walk-in's refund: no member's event made its row
        uow.add(
            Txn(
                id=refund_id,
                kind="remote",
                member_id=None,
                created_at=ctx.now(),
                business_date=dt.date.fromisoformat(p["business_date"]),
                original_txn_id=sale_id,
                note=f"sale.refunded {body.get('store_code') or 'HQ'}",
            )
        )
        uow.flush()
    write_refund_lines(uow, refund_id, sale_id, p)
