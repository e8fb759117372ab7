"""Coupon events at HQ: each checked against HQ's own templates, coupons and ledger, then
applied (:mod:`server.coupon_tables`).

Checks (called by :mod:`server.validate` after the shape and the staff):

* ``coupon.template_saved``: the terms are what the domain's own parser takes
  (:func:`app.domain.coupons.terms_of_wire`, whatever fields it knows: HQ does not list
  them again) and travel unchanged; the validity is one; a template another store (or HQ)
  defined is not this store's to change.
* ``coupon.issued``: the template exists, is active and is this store's or HQ's; the coupon
  is the member's, its id and entry are new, its code is well formed (check character) and
  no other coupon's; its dates are the template's validity from the day of issue; the
  template's per-member limit holds at HQ.
* a sale's coupons (``sale.completed`` with ``cart.coupons``, :func:`check_sale`): each
  coupon exists at HQ, is the sale's member's, is valid on the sale's day, carries its
  template's terms as HQ holds them (so re-pricing the cart with them — the sale's own
  check — gives exactly the discount stated); its entry is new. A coupon the sending
  counter certainly saw used (:func:`_known_standing`) is refused; one another counter
  took while this one could not know (two stores offline) is a fact: applied, and listed
  in ``hq_conflict`` as ``coupon_redeemed_twice`` with the discount at stake.
* a refund's coupons (``sale.refunded`` with ``coupon_entries``, :func:`check_refund`): each
  was redeemed by the refunded sale and that redemption stands, its template gives it
  back, every line it took something off is refunded whole, and the entry restores what the
  redemption took.

Templates reach every counter of the chain as a catalogue change ``{"coupon_template":
{"template", "store_code"}}``; coupons reach the member's stores with their events.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, select, update

from app.domain import coupons as dc
from app.domain.coupon_rules import check_rule, rule_of_wire
from app.domain.errors import CounterError
from app.domain.text import refused_chars
from server import coupon_tables as ct
from server import schemas as s
from server import tables as t

EVENT_TYPES = tuple(s.COUPON_SCHEMAS)
MAX_TERMS_CHARS = 20_000
CONFLICT_TWICE = "coupon_redeemed_twice"
# The chain's time zone, for a coupon's hours and weekdays (a counter's default too).
CHAIN_TZ = ZoneInfo("Asia/Shanghai")
_c = ct.coupon.c
_e = ct.coupon_entry.c
_tp = ct.coupon_template.c


class CouponRefused(Exception):
    """What :mod:`server.validate` turns into its ``Refused`` (code, params)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def terms_of(wire: Any) -> dc.Terms:
    """The terms a wire dict gives, by the domain's own parser and checker; refused unless
    the domain writes them back exactly as sent (no field it does not know, no other type)."""
    if not isinstance(wire, dict) or len(_canon(wire)) > MAX_TERMS_CHARS:
        raise CouponRefused("schema", detail="terms")
    try:
        terms = dc.terms_of_wire(wire)
        back = dc.terms_wire(terms)
    except (CounterError, KeyError, TypeError, ValueError, AttributeError):
        raise CouponRefused("coupon_terms_invalid") from None
    if _canon(back) != _canon(wire):
        raise CouponRefused("coupon_terms_invalid")
    return terms


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def validity_of(template: Mapping[str, Any]) -> dc.Validity:
    return dc.Validity(
        _date(template.get("valid_from")),
        _date(template.get("valid_until")),
        template.get("validity_days"),
    )


def template_row(conn: Connection, template_id: str) -> Any:
    return conn.execute(select(ct.coupon_template).where(_tp.id == template_id)).first()


def coupon_row(conn: Connection, coupon_id: str) -> Any:
    return conn.execute(select(ct.coupon).where(_c.id == coupon_id)).first()


def entries(conn: Connection, coupon_id: str) -> list[Any]:
    """The coupon's ledger at HQ, in HQ's order, with the device each entry came from."""
    return list(
        conn.execute(
            select(
                _e.entry_id,
                _e.kind,
                _e.txn_id,
                _e.of_txn_id,
                _e.discount_fen,
                _e.store_code,
                _e.device_id,
            )
            .where(_e.coupon_id == coupon_id)
            .order_by(_e.seq)
        )
    )


def entry_fresh(conn: Connection, entry_id: str) -> bool:
    return conn.scalar(select(_e.entry_id).where(_e.entry_id == entry_id)) is None


# -- templates and issue ---------------------------------------------------------------
def _template_saved(conn: Connection, store_code: str, ev: s.CouponTemplateSaved) -> None:
    tpl = ev.template
    if refused_chars(tpl.name):
        raise CouponRefused("text_invalid", field="name")
    terms_of(tpl.terms)
    try:
        dc.check_validity(validity_of(tpl.model_dump()))
    except CounterError as exc:
        raise CouponRefused("schema", detail=exc.code) from None
    if tpl.issue_rule is not None:
        try:
            check_rule(rule_of_wire(tpl.issue_rule))
        except (CounterError, KeyError, TypeError, ValueError):
            raise CouponRefused("schema", detail="issue_rule") from None
    held = template_row(conn, tpl.template_id)
    if held is not None and held.store_code != store_code:  # None: HQ's own
        owner = held.store_code or "总部"
        raise CouponRefused("coupon_template_foreign", template=tpl.name, store=owner)


def _issued(conn: Connection, store_code: str, ev: s.CouponIssued) -> None:
    h, e = ev.coupon, ev.entry
    if h.member_id != ev.member_id:
        raise CouponRefused("coupon_mismatch", detail="member")
    if (e.kind, e.txn_id, e.discount_fen) != (dc.ISSUED, None, 0):
        raise CouponRefused("coupon_mismatch", detail="entry")
    try:
        canonical = dc.parse_code(h.code)
    except CounterError:
        canonical = None
    if canonical != h.code:
        raise CouponRefused("coupon_code_invalid")
    row = template_row(conn, h.template_id)
    if row is None:
        raise CouponRefused("coupon_template_unknown", template=h.template_id)
    tpl = json.loads(row.template_json)
    if row.store_code not in (None, store_code):
        raise CouponRefused("coupon_template_foreign", template=tpl["name"],
                            store=row.store_code)  # fmt: skip
    if not row.active:
        raise CouponRefused("coupon_template_inactive", template=tpl["name"])
    on = dt.date.fromisoformat(e.business_date)
    valid_from, valid_until = dc.validity_on_issue(validity_of(tpl), on)
    if (h.valid_from, h.valid_until) != (valid_from.isoformat(), valid_until.isoformat()):
        raise CouponRefused("coupon_mismatch", detail="validity")
    if valid_until < on:
        raise CouponRefused("coupon_mismatch", detail="validity")
    limit = tpl.get("per_member_limit")
    if limit is not None:
        held = conn.scalar(
            select(func.count()).select_from(ct.coupon).where(
                _c.member_id == ev.member_id, _c.template_id == h.template_id
            )
        )  # fmt: skip
        if held >= limit:
            raise CouponRefused("coupon_member_limit", count=held, limit=limit)
    if coupon_row(conn, h.coupon_id) is not None:
        raise CouponRefused("id_taken", what="coupon", id=h.coupon_id)
    if not entry_fresh(conn, e.entry_id):
        raise CouponRefused("id_taken", what="coupon entry", id=e.entry_id)
    if conn.scalar(select(_c.id).where(_c.code == h.code)) is not None:
        raise CouponRefused("coupon_code_taken", coupon=dc.display_code(h.code))


def _voided(conn: Connection, store_code: str, ev: s.CouponVoided) -> None:
    """A coupon HQ holds, as HQ holds it, not used nor voided, voided by the store that
    issued it or the member's home store."""
    h = ev.coupon
    shown = dc.display_code(h.code)
    row = coupon_row(conn, h.coupon_id)
    if row is None:
        raise CouponRefused("coupon_unknown", coupon=shown)
    if (row.code, row.template_id, row.member_id) != (h.code, h.template_id, ev.member_id):
        raise CouponRefused("coupon_mismatch", detail="coupon")
    home = conn.scalar(select(t.member.c.store_code).where(t.member.c.id == row.member_id))
    if store_code not in (row.store_code, home):
        raise CouponRefused("coupon_void_foreign", coupon=shown, store=row.store_code or "总部")
    ledger = entries(conn, h.coupon_id)
    if standing(ledger) or any(e.kind == dc.VOIDED for e in ledger):
        raise CouponRefused("coupon_not_voidable_at_hq", coupon=shown)
    if refused_chars(ev.reason):
        raise CouponRefused("text_invalid", field="reason")
    if not entry_fresh(conn, ev.entry.entry_id):
        raise CouponRefused("id_taken", what="coupon entry", id=ev.entry.entry_id)


def check(conn: Connection, store_code: str, ev: s.Envelope) -> None:
    """Refuse (raise :class:`CouponRefused`) a coupon event HQ's state does not allow."""
    if isinstance(ev, s.CouponTemplateSaved):
        _template_saved(conn, store_code, ev)
    elif isinstance(ev, s.CouponIssued):
        _issued(conn, store_code, ev)
    elif isinstance(ev, s.CouponVoided):
        _voided(conn, store_code, ev)


# -- redemption and restoration ---------------------------------------------------------
def check_sale(
    conn: Connection, device_id: str, ev: s.SaleCompleted, store_code: str | None = None
) -> None:
    """Each coupon of the sale is the member's, HQ's, valid on the sale's day, with its
    template's terms; not redeemed before by this very device. (The discount is the sale's
    re-pricing with these terms: :func:`server.validate.sale_check`.)"""
    assert ev.cart is not None
    if ev.member_id is None:
        raise CouponRefused("coupon_walk_in")
    # Another store may push a sale with the same coupon at this moment: its row is locked
    # until this push commits (in one order: two pushes never wait on each other in a
    # circle), so its redemptions are read after any that committed first.
    ids = sorted({c.coupon_id for c in ev.cart.coupons})
    conn.execute(select(_c.id).where(_c.id.in_(ids)).order_by(_c.id).with_for_update()).all()
    seen: set[str] = set()
    for c in ev.cart.coupons:
        shown = dc.display_code(c.code)
        if c.coupon_id in seen:
            raise CouponRefused("coupon_used", coupon=shown)
        seen.add(c.coupon_id)
        row = coupon_row(conn, c.coupon_id)
        if row is None:
            raise CouponRefused("coupon_unknown", coupon=shown)
        if row.member_id != ev.member_id:
            raise CouponRefused("coupon_not_owner", coupon=shown)
        if (row.code, row.template_id) != (c.code, c.template_id):
            raise CouponRefused("coupon_mismatch", detail="code")
        if not (row.valid_from <= ev.business_date <= row.valid_until):
            raise CouponRefused("coupon_not_valid", coupon=shown, since=row.valid_from,
                                until=row.valid_until)  # fmt: skip
        tpl = template_row(conn, row.template_id)
        assert tpl is not None  # a coupon is issued of a template HQ holds
        held_terms = json.loads(tpl.template_json)["terms"]
        if _canon(dc.terms_wire(terms_of(c.terms))) != _canon(dc.terms_wire(terms_of(held_terms))):
            raise CouponRefused("coupon_terms_not_hqs", coupon=shown)
        # Where and when it may be taken, by the sale's own time in the chain's time zone.
        try:
            local = dt.datetime.fromisoformat(ev.at).astimezone(CHAIN_TZ)
            dc.check_when_where(terms_of(held_terms), local, store_code, c.code)
        except CounterError as exc:
            raise CouponRefused(exc.code, **exc.params) from None
        if c.entry_id is None or not entry_fresh(conn, c.entry_id):
            raise CouponRefused("id_taken", what="coupon entry", id=c.entry_id or "-")
        ledger = entries(conn, c.coupon_id)
        if _known_standing(ledger, device_id) > 0:
            raise CouponRefused("coupon_used", coupon=shown)


def standing(ledger: list[Any]) -> list[Any]:
    """The redemptions not given back (more than one: stores took it offline)."""
    out = []
    for e in ledger:
        if e.kind == dc.REDEEMED:
            out.append(e)
        elif e.kind == dc.RESTORED:
            out = [r for r in out if r.txn_id != e.of_txn_id]
    return out


def _known_standing(ledger: list[Any], device_id: str) -> int:
    """Redemptions the device certainly saw standing: its own, less every restoration HQ
    holds (the device can have learnt of no other: they reach it through HQ). Above zero,
    an honest counter would have refused the coupon as used."""
    own = sum(1 for e in ledger if e.kind == dc.REDEEMED and e.device_id == device_id)
    return own - sum(1 for e in ledger if e.kind == dc.RESTORED)


def check_refund(
    conn: Connection,
    sale: Mapping[str, Any],
    earlier: Iterable[Mapping[str, Any]],
    ev: s.SaleRefunded,
) -> None:
    """The coupons a refund gives back: each the sale's, its redemption standing, its template's
    to give back, every line it took something off refunded whole by this refund and the
    earlier ones, restored by exactly what it took."""
    cart = sale.get("cart") or {}
    used = {c["coupon_id"]: c for c in cart.get("coupons") or ()}
    sold = {i: line["quantity"] for i, line in enumerate(cart.get("lines") or ())}
    refunded: dict[int, int] = {}
    for r in [*earlier, ev.model_dump(by_alias=True)]:
        for line in r.get("lines") or ():
            refunded[line["line_no"]] = refunded.get(line["line_no"], 0) + line["quantity"]
    seen: set[str] = set()
    for e in ev.coupon_entries:
        c = used.get(e.coupon_id)
        if c is None or e.coupon_id in seen:
            raise CouponRefused("coupon_restore_mismatch", detail="not the sale's coupon")
        seen.add(e.coupon_id)
        if e.txn_id != ev.txn_id or e.discount_fen != c["discount_fen"]:
            raise CouponRefused("coupon_restore_mismatch", detail="entry")
        if not entry_fresh(conn, e.entry_id):
            raise CouponRefused("id_taken", what="coupon entry", id=e.entry_id)
        row = coupon_row(conn, e.coupon_id)
        tpl = template_row(conn, row.template_id) if row is not None else None
        if tpl is None or not json.loads(tpl.template_json).get("refund_restores"):
            raise CouponRefused("coupon_restore_mismatch", detail="not given back")
        if not any(r.txn_id == ev.original_txn_id for r in standing(entries(conn, e.coupon_id))):
            raise CouponRefused("coupon_restore_mismatch", detail="not redeemed by the sale")
        for i, share in enumerate(c["shares"]):
            if share and refunded.get(i, 0) < sold.get(i, 0):
                raise CouponRefused("coupon_restore_mismatch", detail="lines left")


# -- applying ---------------------------------------------------------------------------
def _add_entry(
    conn: Connection,
    coupon_id: str,
    entry: Mapping[str, Any],
    *,
    event_id: str,
    device_id: str | None,
    store_code: str | None,
    now: dt.datetime,
) -> None:
    seq = conn.scalar(select(func.count()).select_from(ct.coupon_entry).where(
        _e.coupon_id == coupon_id))  # fmt: skip
    conn.execute(
        insert(ct.coupon_entry).values(
            entry_id=entry["entry_id"], coupon_id=coupon_id, event_id=event_id,
            device_id=device_id, store_code=store_code, kind=entry["kind"],
            txn_id=entry.get("txn_id"), of_txn_id=entry.get("of_txn_id"),
            discount_fen=entry["discount_fen"], business_date=entry["business_date"],
            seq=seq + 1, created_at=now,
        )
    )  # fmt: skip


def apply(
    conn: Connection,
    event_type: str,
    payload: dict[str, Any],
    *,
    event_id: str,
    device_id: str | None,
    store_code: str | None,
    now: dt.datetime,
) -> None:
    """Write a checked coupon event, or a sale's or refund's coupons, into HQ's tables (at
    once: the next event of the same push reads them)."""
    at = {"event_id": event_id, "device_id": device_id, "store_code": store_code, "now": now}
    if event_type == "coupon.template_saved":
        tpl = payload["template"]
        values = {"template_json": _canon(tpl), "active": bool(tpl["active"]),
                  "updated_at": now}  # fmt: skip
        if template_row(conn, tpl["template_id"]) is None:
            conn.execute(insert(ct.coupon_template).values(
                id=tpl["template_id"], store_code=store_code, **values))  # fmt: skip
        else:
            conn.execute(update(ct.coupon_template).where(
                _tp.id == tpl["template_id"]).values(**values))  # fmt: skip
    elif event_type == "coupon.issued":
        h = payload["coupon"]
        conn.execute(
            insert(ct.coupon).values(
                id=h["coupon_id"], code=h["code"], template_id=h["template_id"],
                member_id=h["member_id"], store_code=store_code, valid_from=h["valid_from"],
                valid_until=h["valid_until"], header_json=_canon(h), created_at=now,
            )
        )  # fmt: skip
        _add_entry(conn, h["coupon_id"], payload["entry"], **at)
    elif event_type == "sale.completed":
        for c in (payload.get("cart") or {}).get("coupons") or ():
            before = standing(entries(conn, c["coupon_id"]))
            first = before[0] if before else None
            entry = {"entry_id": c["entry_id"], "kind": dc.REDEEMED,
                     "txn_id": payload["txn_id"], "discount_fen": c["discount_fen"],
                     "business_date": payload["business_date"]}  # fmt: skip
            _add_entry(conn, c["coupon_id"], entry, **at)
            if first is not None:  # two stores took it offline: a fact, for a manager
                detail = {"coupon_id": c["coupon_id"], "code": c["code"],
                          "txn_id": payload["txn_id"], "discount_fen": c["discount_fen"],
                          "first_txn_id": first.txn_id, "first_store": first.store_code,
                          "first_discount_fen": first.discount_fen}  # fmt: skip
                conn.execute(
                    insert(t.conflict).values(
                        kind=CONFLICT_TWICE, member_id=payload["member_id"],
                        event_id=event_id, store_code=store_code,
                        detail=_canon(detail), created_at=now,
                    )
                )  # fmt: skip
    elif event_type == "coupon.voided":
        _add_entry(conn, payload["coupon"]["coupon_id"], payload["entry"], **at)
    elif event_type == "sale.refunded":
        for e in payload.get("coupon_entries") or ():
            _add_entry(conn, e["coupon_id"], {**e, "of_txn_id": payload["original_txn_id"]}, **at)


def touches(event_type: str, payload: Mapping[str, Any]) -> bool:
    """The event writes coupon rows at HQ."""
    if event_type in EVENT_TYPES:
        return True
    if event_type == "sale.completed":
        return bool((payload.get("cart") or {}).get("coupons"))
    return event_type == "sale.refunded" and bool(payload.get("coupon_entries"))


def templates_snapshot(conn: Connection) -> list[dict[str, Any]]:
    """Every template of the chain with the store that defined it (None: HQ), as a joining
    counter's snapshot header carries them."""
    return [
        {"template": json.loads(r.template_json), "store_code": r.store_code}
        for r in conn.execute(select(_tp.template_json, _tp.store_code).order_by(_tp.id))
    ]


def coupons_of(conn: Connection, member_id: str) -> list[dict[str, Any]]:
    """The member's coupons as a snapshot line carries them: header and entries."""
    out = []
    for row in conn.execute(select(ct.coupon).where(_c.member_id == member_id).order_by(_c.id)):
        ledger = conn.execute(
            select(_e.entry_id, _e.kind, _e.txn_id, _e.discount_fen, _e.business_date)
            .where(_e.coupon_id == row.id)
            .order_by(_e.seq)
        )
        out.append(
            {
                "coupon": json.loads(row.header_json),
                "store_code": row.store_code,
                "entries": [dict(x._mapping) for x in ledger],
            }
        )
    return out
