"""Count-card events at HQ: each checked against HQ's own state, then applied.

Checks (:func:`check`, called by :mod:`server.validate` after the shape and the staff):

* ``countcard.product_saved``: a valid product (:class:`app.domain.countcard.CardProduct`);
  a code another store (or HQ, :func:`put_product`) defined is not this store's to change.
  Every product reaches every counter of the chain as a catalogue change
  ``{"countcard_product": {"product", "store_code"}}`` and in the join's snapshot
  (:func:`products_snapshot`), so a card bought at one store is known at the others.
* ``countcard.sold``: the product exists and is honoured at the selling store; the card is
  the product's (price, times, validity from the day of sale, stores, transferable); the
  tenders pay the price; a stored-value tender has its posting.
* ``countcard.used``: the card is the member's and honoured at the store; the visit's value
  is what the rules give from the counter's count of paid times used
  (:func:`app.domain.countcard.value_of_paid_times`). A visit taking times HQ no longer
  holds — two stores consuming one card offline — is a fact: applied, and listed in
  ``hq_conflict`` as ``countcard_overuse`` for a manager; never dropped. So is a visit of
  a member the card was transferred away from, made at a store that had not learned of the
  transfer yet (``countcard_after_transfer``); it reaches the card owner's stores too.
* ``countcard.refunded``: the card is the member's and active at HQ; the amount is price
  paid − value recognised (never below zero) by HQ's ledger, the times refunded are all HQ
  holds, the money goes back once.
* ``countcard.transferred``: the card is the giver's, active, transferable; the receiver
  exists and is neither cancelled nor merged into another member.
* ``countcard.expired``: the card is past its last day; the times and the breakage are HQ's.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, insert, select, update

from app.domain import countcard as cc
from app.domain.countcard_ledger import (
    EXPIRE,
    REFUND,
    SOLD,
    TRANSFER,
    VISIT,
    Entry,
    fold,
    left,
)
from app.domain.errors import CounterError
from app.domain.pricing import STORED_VALUE, settle_tenders
from server import countcard_tables as ct
from server import schemas as s
from server import streams
from server import tables as t
from server.errors import HQError

EVENT_TYPES = tuple(s.COUNTCARD_SCHEMAS)
_e = ct.countcard_entry.c


class CardRefused(Exception):
    """What :mod:`server.validate` turns into its ``Refused`` (code, params)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


def _money(detail: str) -> CardRefused:
    return CardRefused("money_mismatch", detail=detail)


def _product_rule(p: dict[str, Any]) -> cc.CardProduct:
    return cc.CardProduct(
        p["code"],
        tuple(cc.CardItem(i["item_code"], i["times"], i["gift_times"]) for i in p["items"]),
        p["price_fen"],
        p.get("validity_days"),
        dt.date.fromisoformat(p["end_date"]) if p.get("end_date") else None,
    )


def _card_row(conn: Connection, card_id: str) -> Any:
    return conn.execute(select(ct.countcard).where(ct.countcard.c.id == card_id)).first()


def state(conn: Connection, card_id: str) -> tuple[Any, cc.CountCard]:
    """HQ's row of the card and the card its ledger describes."""
    row = _card_row(conn, card_id)
    if row is None:
        raise CardRefused("countcard_unknown", card_id=card_id)
    header = json.loads(row.header_json)
    entries = conn.execute(
        select(_e.kind, _e.times, _e.value_fen)
        .where(_e.card_id == card_id)
        .order_by(_e.created_at, _e.entry_id)
    ).all()
    ordered = sorted(entries, key=lambda e: e.kind != SOLD)
    card = fold(
        row.product_code,
        dt.date.fromisoformat(header["sold_on"]),
        dt.date.fromisoformat(header["valid_until"]),
        (Entry(e.kind, json.loads(e.times), e.value_fen) for e in ordered),
    )
    return row, card


def _owned(conn: Connection, card_id: str, member_id: str) -> tuple[Any, cc.CountCard]:
    row, card = state(conn, card_id)
    if row.member_id != member_id:
        raise CardRefused("countcard_not_owner", card_id=card_id)
    return row, card


def _honoured(stores: list[str] | None, store_code: str, product: str) -> None:
    if stores is not None and store_code not in stores:
        raise CardRefused("countcard_not_honoured", product=product, store=store_code)


def _sv_posting(tenders: list[s.Tender], sv_entries: list[s.SvEntry], kind: str) -> None:
    sv = sum(x.amount_fen for x in tenders if x.method == STORED_VALUE)
    for e in sv_entries:
        if e.kind != kind or e.reverses is not None:
            raise _money(f"ledger kind {e.kind}")
    posted = sum(e.principal_fen + e.bonus_fen for e in sv_entries)
    if (sv != 0) != bool(sv_entries) or posted != -sv:
        raise _money("the stored-value posting is not the stored-value tender")


def _times(entry: s.CountCardEntry) -> dict[str, list[int]]:
    return {k: list(v) for k, v in entry.times.items()}


def check(conn: Connection, store_code: str, ev: s.Envelope) -> None:
    """Refuse (raise :class:`CardRefused`) a count-card event HQ's state does not allow."""
    entry = getattr(ev, "entry", None)
    if entry is not None and not entry_fresh(conn, entry.entry_id):
        raise CardRefused("id_taken", what="count card entry", id=entry.entry_id)
    if isinstance(ev, s.CountCardProductSaved):
        try:
            _product_rule(ev.product.model_dump())
        except CounterError as exc:
            raise CardRefused("schema", detail=exc.code) from None
        held = conn.execute(
            select(ct.countcard_product.c.store_code).where(
                ct.countcard_product.c.code == ev.product.code
            )
        ).first()
        if held is not None and held.store_code != store_code:  # None: HQ's own
            owner = held.store_code or "总部"
            raise CardRefused("countcard_product_foreign", product=ev.product.code, store=owner)
        return
    if isinstance(ev, s.CountCardSold):
        _sold(conn, store_code, ev)
        return
    if isinstance(ev, s.CountCardUsed):
        _used(conn, store_code, ev)
        return
    row, card = _owned(conn, ev.count_card_id, ev.member_id)  # type: ignore[attr-defined]
    on = dt.date.fromisoformat(ev.business_date)  # type: ignore[attr-defined]
    assert entry is not None
    if isinstance(ev, s.CountCardRefunded):
        _active(card, on)
        amount = max(0, card.price_paid_fen - card.recognised_fen)
        if entry.kind != REFUND or ev.amount_fen != amount or entry.value_fen != amount:
            raise CardRefused("countcard_refund_mismatch", expected=amount, amount=ev.amount_fen)
        if _times(entry) != left(card):
            raise CardRefused("countcard_times_mismatch")
        if sum(x.amount_fen for x in ev.tenders) != -amount or any(
            x.change_fen for x in ev.tenders
        ):
            raise _money("the refund's tender is not its amount")
        _sv_posting(ev.tenders, ev.sv_entries, "countcard_refund")
    elif isinstance(ev, s.CountCardTransferred):
        _active(card, on)
        header = json.loads(row.header_json)
        if not header.get("transferable"):
            raise CardRefused("countcard_not_transferable", product=row.product_code)
        if entry.kind != TRANSFER or entry.times or entry.value_fen:
            raise CardRefused("countcard_times_mismatch")
        receiver = conn.scalar(select(t.member.c.status).where(t.member.c.id == ev.to_member_id))
        if ev.to_member_id == ev.member_id or receiver is None:
            raise CardRefused("member_unknown", member_id=ev.to_member_id)
        if receiver in ("cancelled", "merged"):  # the counter had not learned of it yet
            raise CardRefused("countcard_receiver_closed", member_id=ev.to_member_id,
                              status=receiver)  # fmt: skip
    elif isinstance(ev, s.CountCardExpired):
        if card.status != cc.ACTIVE or on <= card.valid_until:
            raise CardRefused("countcard_not_expired", date=card.valid_until.isoformat())
        if entry.kind != EXPIRE or _times(entry) != left(card):
            raise CardRefused("countcard_times_mismatch")
        if entry.value_fen != card.liability_fen:
            raise _money("the breakage is not the value left")


def _active(card: cc.CountCard, on: dt.date) -> None:
    if card.status != cc.ACTIVE:
        raise CardRefused("countcard_inactive", status=card.status)
    if on > card.valid_until:
        raise CardRefused("countcard_past", date=card.valid_until.isoformat())


def _sold(conn: Connection, store_code: str, ev: s.CountCardSold) -> None:
    row = conn.execute(
        select(ct.countcard_product).where(
            ct.countcard_product.c.code == ev.count_card.product_code
        )
    ).first()
    if row is None or not row.active:
        raise CardRefused("countcard_product_unknown", product=ev.count_card.product_code)
    p = json.loads(row.product_json)
    _honoured(p.get("stores"), store_code, p["code"])
    rule = _product_rule(p)
    h = ev.count_card
    sold_on = dt.date.fromisoformat(h.sold_on)
    if h.sold_on != ev.business_date or h.valid_until != rule.valid_until(sold_on).isoformat():
        raise CardRefused("countcard_card_mismatch", detail="validity")
    if (h.name, h.stores, h.transferable) != (p["name"], p.get("stores"), p["transferable"]):
        raise CardRefused("countcard_card_mismatch", detail="product")
    if h.price_paid_fen != rule.price_fen or ev.entry.value_fen != rule.price_fen:
        raise CardRefused("countcard_card_mismatch", detail="price")
    granted = {i.item_code: [i.times, i.gift_times] for i in rule.items}
    if ev.entry.kind != SOLD or _times(ev.entry) != granted:
        raise CardRefused("countcard_times_mismatch")
    try:
        settled = settle_tenders(rule.price_fen, [(x.method, x.amount_fen) for x in ev.tenders])
    except CounterError:
        raise _money("the tenders are not the price") from None
    if [x.change_fen for x in settled] != [x.change_fen for x in ev.tenders]:
        raise _money("the change is wrong")
    _sv_posting(ev.tenders, ev.sv_entries, "spend")
    if _card_row(conn, h.card_id) is not None:
        raise CardRefused("id_taken", what="count card", id=h.card_id)


def _previous_owners(conn: Connection, card_id: str) -> set[str]:
    """The members the card was transferred away from (its transfers' givers)."""
    payloads = conn.scalars(
        select(t.event.c.payload)
        .join(ct.countcard_entry, _e.event_id == t.event.c.event_id)
        .where(_e.card_id == card_id, _e.kind == TRANSFER)
    )
    return {json.loads(p)["member_id"] for p in payloads}


def owner_of(conn: Connection, payload: dict[str, Any]) -> str | None:
    """Who holds the card of a count-card event at HQ now."""
    card_id = payload.get("count_card_id")
    if not card_id:
        return None
    return conn.scalar(select(ct.countcard.c.member_id).where(ct.countcard.c.id == card_id))


def _used(conn: Connection, store_code: str, ev: s.CountCardUsed) -> None:
    row, card = state(conn, ev.count_card_id)
    if row.member_id != ev.member_id and ev.member_id not in _previous_owners(
        conn, ev.count_card_id
    ):
        raise CardRefused("countcard_not_owner", card_id=ev.count_card_id)
    header = json.loads(row.header_json)
    _honoured(header.get("stores"), store_code, row.product_code)
    if ev.entry.kind != VISIT or not ev.entry.times:
        raise CardRefused("countcard_times_mismatch")
    on = dt.date.fromisoformat(ev.business_date)
    if on > card.valid_until:
        raise CardRefused("countcard_past", date=card.valid_until.isoformat())
    items = {i.item_code: i for i in card.items}
    paid = 0
    for code, (p, g) in ev.entry.times.items():
        item = items.get(code)
        if item is None or p + g == 0 or p > item.paid or g > item.gift:
            raise CardRefused("countcard_times_mismatch")
        paid += p
    if ev.paid_used_before + paid > card.paid_times:
        raise CardRefused("countcard_times_mismatch")
    value = cc.value_of_paid_times(card.price_paid_fen, card.paid_times, ev.paid_used_before, paid)
    if ev.entry.value_fen != value:
        raise _money(f"a visit of {paid} paid times is worth {value}")


def overuse(conn: Connection, ev: s.CountCardUsed) -> dict[str, Any] | None:
    """What is wrong with a visit by HQ's own ledger, if anything: times taken beyond what
    HQ holds, a card HQ has closed, or a value HQ's count of paid times would not give
    (another store used the card meanwhile, offline)."""
    _row, card = state(conn, ev.count_card_id)
    over = {}
    for i in card.items:
        p, g = ev.entry.times.get(i.item_code, (0, 0))
        if p > i.paid_left or p + g > i.left:
            over[i.item_code] = [max(0, p - i.paid_left), max(0, p + g - i.left)]
    paid = sum(p for p, _g in ev.entry.times.values())
    fits = card.paid_used + paid <= card.paid_times
    value = (
        cc.value_of_paid_times(card.price_paid_fen, card.paid_times, card.paid_used, paid)
        if fits
        else None
    )
    if not over and card.status == cc.ACTIVE and value == ev.entry.value_fen:
        return None
    return {
        "card_id": ev.count_card_id,
        "status": card.status,
        "paid_used_at_hq": card.paid_used,
        "paid_used_at_counter": ev.paid_used_before,
        "over": over,
        "value_fen": ev.entry.value_fen,
        "value_at_hq_fen": value,
    }


def apply(
    conn: Connection,
    event_type: str,
    payload: dict[str, Any],
    *,
    event_id: str,
    store_code: str | None,
    now: dt.datetime,
) -> None:
    """Write a checked count-card event into HQ's tables (at once: the next event of the
    same push reads them)."""
    if event_type == "countcard.product_saved":
        p = payload["product"]
        values = {"product_json": json.dumps(p, sort_keys=True, ensure_ascii=False),
                  "active": bool(p["active"]), "updated_at": now}  # fmt: skip
        pt = ct.countcard_product
        if conn.scalar(select(pt.c.code).where(pt.c.code == p["code"])) is None:
            conn.execute(insert(pt).values(code=p["code"], store_code=store_code, **values))
        else:
            conn.execute(update(pt).where(pt.c.code == p["code"]).values(**values))
        return
    card_id = payload.get("count_card_id") or payload["count_card"]["card_id"]
    if event_type == "countcard.used":
        ev = s.CountCardUsed.model_validate(payload)
        owner = owner_of(conn, payload)
        if owner != ev.member_id:  # used as the giver's where the transfer was not known yet
            moved = {"card_id": ev.count_card_id, "owner": owner, "used_by": ev.member_id,
                     "times": {k: list(v) for k, v in ev.entry.times.items()}}  # fmt: skip
            conn.execute(
                insert(t.conflict).values(
                    kind="countcard_after_transfer", member_id=owner, event_id=event_id,
                    store_code=store_code, detail=json.dumps(moved, sort_keys=True),
                    created_at=now,
                )
            )  # fmt: skip
        detail = overuse(conn, ev)
        if detail is not None:
            conn.execute(
                insert(t.conflict).values(
                    kind="countcard_overuse", member_id=payload["member_id"], event_id=event_id,
                    store_code=store_code, detail=json.dumps(detail, sort_keys=True),
                    created_at=now,
                )
            )  # fmt: skip
    if event_type == "countcard.sold":
        h = payload["count_card"]
        conn.execute(
            insert(ct.countcard).values(
                id=h["card_id"], member_id=payload["member_id"], product_code=h["product_code"],
                store_code=store_code, header_json=json.dumps(h, sort_keys=True,
                                                              ensure_ascii=False),
                status=cc.ACTIVE, created_at=now,
            )
        )  # fmt: skip
    e = payload["entry"]
    conn.execute(
        insert(ct.countcard_entry).values(
            entry_id=e["entry_id"], card_id=card_id, event_id=event_id, store_code=store_code,
            kind=e["kind"], times=json.dumps(e["times"], sort_keys=True),
            value_fen=e["value_fen"], business_date=e["business_date"],
            offline=bool(payload.get("offline")), created_at=now,
        )
    )  # fmt: skip
    status = {REFUND: cc.REFUNDED, EXPIRE: cc.EXPIRED}.get(e["kind"])
    values: dict[str, Any] = {}
    if status:
        values["status"] = status
    if event_type == "countcard.transferred":
        values["member_id"] = payload["to_member_id"]
    if values:
        conn.execute(update(ct.countcard).where(ct.countcard.c.id == card_id).values(**values))


def entry_fresh(conn: Connection, entry_id: str) -> bool:
    return conn.scalar(select(_e.entry_id).where(_e.entry_id == entry_id)) is None


def cards_of(conn: Connection, member_id: str) -> list[dict[str, Any]]:
    """The member's count cards as a snapshot line carries them: header and entries."""
    e = ct.countcard_entry.c
    out = []
    for row in conn.execute(
        select(ct.countcard)
        .where(ct.countcard.c.member_id == member_id)
        .order_by(ct.countcard.c.id)
    ):
        entries = conn.execute(
            select(e.entry_id, e.kind, e.times, e.value_fen, e.business_date)
            .where(e.card_id == row.id)
            .order_by(e.created_at, e.entry_id)
        )
        out.append(
            {
                "count_card": json.loads(row.header_json),
                "store_code": row.store_code,
                "entries": [
                    {
                        "entry_id": x.entry_id,
                        "kind": x.kind,
                        "times": json.loads(x.times),
                        "value_fen": x.value_fen,
                        "business_date": x.business_date,
                    }
                    for x in entries
                ],
            }
        )
    return out


def put_product(engine: Engine, data: dict[str, Any]) -> dict[str, Any]:
    """Add or change a product of HQ's own (``member-hq countcard-product set``), published
    to every store's stream; a code a store defined stays that store's."""
    try:
        product = s.CountCardProduct.model_validate(data)
        _product_rule(product.model_dump())
    except (ValidationError, CounterError) as exc:
        raise HQError("countcard_product_invalid", str(exc)) from None
    clean = product.model_dump()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    pt = ct.countcard_product
    with engine.begin() as conn:
        held = conn.execute(select(pt.c.store_code, pt.c.product_json).where(
            pt.c.code == product.code)).first()  # fmt: skip
        if held is not None and held.store_code is not None:
            raise HQError("countcard_product_invalid", f"defined by store {held.store_code}")
        if held is not None and json.loads(held.product_json) == clean:
            return clean
        values = {"product_json": json.dumps(clean, sort_keys=True, ensure_ascii=False),
                  "active": product.active, "updated_at": now}  # fmt: skip
        if held is None:
            conn.execute(insert(pt).values(code=product.code, store_code=None, **values))
        else:
            conn.execute(update(pt).where(pt.c.code == product.code).values(**values))
        body = {"countcard_product": {"product": clean, "store_code": None}}
        streams.publish(conn, [streams.Outgoing("catalogue", body)], now)
    return clean


def products_snapshot(conn: Connection) -> list[dict[str, Any]]:
    """Every product of the chain with the store that defined it (None: HQ), as a joining
    counter's snapshot header and ``countcard-product list`` give them."""
    pt = ct.countcard_product
    return [
        {"product": json.loads(r.product_json), "store_code": r.store_code}
        for r in conn.execute(select(pt.c.product_json, pt.c.store_code).order_by(pt.c.code))
    ]


def list_products(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return products_snapshot(conn)
