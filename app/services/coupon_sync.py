"""Coupons from HQ: templates of the chain (a catalogue change ``{"coupon_template": ...}``
and the join's snapshot), coupons issued at another store to a member held here, and the
ledger entries other stores wrote — a redemption in a sale (``cart.coupons``), a restoration
in a refund (``coupon_entries``). Each is written with the ids it was given, once however
often it arrives, so every store holding the member ends with HQ's ledger of the coupon: a
coupon two stores took offline reads redeemed at both (HQ lists the second as a conflict).
The transactions and money of those events are the generic pulled event's
(:mod:`app.services.remote`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from app.domain.coupons import REDEEMED, terms_of_wire, terms_wire
from app.persistence import coupon_store
from app.persistence.coupon_tables import Coupon, CouponEntry, CouponTemplate
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def apply_template(ctx: CounterContext, uow: UnitOfWork, body: Mapping[str, Any]) -> None:
    """A template of the chain as HQ holds it (added, or changed by the store that owns it)."""
    tpl = body["template"]
    terms = terms_of_wire(tpl["terms"])
    now = ctx.now()
    values = {
        "name": tpl["name"],
        "kind": terms.kind,
        "terms": json.dumps(terms_wire(terms), sort_keys=True),
        "valid_from": _date(tpl.get("valid_from")),
        "valid_until": _date(tpl.get("valid_until")),
        "validity_days": tpl.get("validity_days"),
        "per_member_limit": tpl.get("per_member_limit"),
        "refund_restores": bool(tpl["refund_restores"]),
        "active": bool(tpl["active"]),
        "store_code": body.get("store_code"),
        "updated_at": now,
    }
    # Its issue rule fires at the counters of the store that made it (a template of HQ's
    # or of another store issues by no rule here).
    store = uow.store()
    own = store is not None and body.get("store_code") == store.code
    rule = tpl.get("issue_rule")
    values["issue_rule"] = json.dumps(rule, sort_keys=True) if own and rule else None
    row = coupon_store.template(uow, tpl["template_id"])
    if row is None:
        uow.add(CouponTemplate(id=tpl["template_id"], created_at=now, **values))
    else:
        for key, value in values.items():
            setattr(row, key, value)
    uow.flush()


def _coupon(uow: UnitOfWork, header: Mapping[str, Any], store_code: str | None) -> Coupon:
    row = coupon_store.coupon(uow, header["coupon_id"])
    if row is None:
        row = Coupon(
            id=header["coupon_id"],
            code=header["code"],
            template_id=header["template_id"],
            member_id=header["member_id"],
            issued_at=dt.datetime.fromisoformat(header["issued_at"]).replace(tzinfo=None),
            valid_from=dt.date.fromisoformat(header["valid_from"]),
            valid_until=dt.date.fromisoformat(header["valid_until"]),
            store_code=store_code,
        )
        uow.add(row)
        uow.flush()
    return row


def _entry(ctx: CounterContext, uow: UnitOfWork, coupon_id: str, e: Mapping[str, Any],
           shares: Any = None) -> None:  # fmt: skip
    if uow.session.get(CouponEntry, e["entry_id"]) is not None:
        return
    uow.add(
        CouponEntry(
            entry_id=e["entry_id"],
            coupon_id=coupon_id,
            kind=e["kind"],
            txn_id=e.get("txn_id"),
            discount_fen=e["discount_fen"],
            shares=json.dumps(list(shares)) if shares is not None else None,
            offline=bool(e.get("offline")),
            business_date=dt.date.fromisoformat(e["business_date"]),
            created_at=ctx.now(),
        )
    )
    uow.flush()


def apply_pulled(ctx: CounterContext, uow: UnitOfWork, body: Mapping[str, Any]) -> None:
    """Write a pulled event's coupon rows: a coupon issued or voided, the coupons a sale
    redeemed, the coupons a refund gave back (a coupon this counter does not hold is left
    out: HQ sends it with its member)."""
    type_, p = body["type"], body["payload"]
    if type_ == "coupon.issued":
        if (
            uow.member(p["member_id"]) is None
            or coupon_store.template(uow, p["coupon"]["template_id"]) is None
        ):
            return
        row = _coupon(uow, p["coupon"], body.get("store_code"))
        _entry(ctx, uow, row.id, p["entry"])
    elif type_ == "sale.completed":
        for c in (p.get("cart") or {}).get("coupons") or ():
            if c.get("entry_id") is None or coupon_store.coupon(uow, c["coupon_id"]) is None:
                continue
            entry = {
                "entry_id": c["entry_id"],
                "kind": REDEEMED,
                "txn_id": p["txn_id"],
                "discount_fen": c["discount_fen"],
                "business_date": p["business_date"],
            }
            _entry(ctx, uow, c["coupon_id"], entry, c["shares"])
    elif type_ == "coupon.voided":
        if coupon_store.coupon(uow, p["coupon"]["coupon_id"]) is not None:
            _entry(ctx, uow, p["coupon"]["coupon_id"], p["entry"])
    elif type_ == "sale.refunded":
        for e in p.get("coupon_entries") or ():
            if coupon_store.coupon(uow, e["coupon_id"]) is not None:
                _entry(ctx, uow, e["coupon_id"], e)


def apply_snapshot(ctx: CounterContext, uow: UnitOfWork, line: Mapping[str, Any]) -> None:
    """A member's coupons as HQ has them (a snapshot line's ``coupons``)."""
    for c in line.get("coupons") or ():
        if coupon_store.template(uow, c["coupon"]["template_id"]) is None:
            continue
        row = _coupon(uow, c["coupon"], c.get("store_code"))
        for e in c["entries"]:
            _entry(ctx, uow, row.id, e)
