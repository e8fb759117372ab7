"""Coupons (优惠券): templates a manager defines, coupons issued to members, their use in a
sale of goods (app.services.sale) and their return on a refund (app.services.partial_refunds).

Each operation is one transaction with its audit entry and outbox event: a template saved
(``coupon.template_saved``), a coupon issued (``coupon.issued``, with its ``issued`` entry).
A redemption is part of the sale's own transaction: its ``redeemed`` entries and the coupons
in the sale's event (``cart.coupons``); a restoration part of the refund's (``restored``).

A coupon's state is its ledger's (app.domain.coupons.state_of): nothing else records it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from app.domain.cart import CartLine, PricedCart
from app.domain.coupon_rules import IssueRule, check_rule, rule_of_wire, rule_wire
from app.domain.coupons import (
    EXPIRED,
    ISSUED,
    REDEEMED,
    RESTORED,
    USABLE,
    VOIDED,
    CouponUse,
    Terms,
    Validity,
    check_terms,
    check_validity,
    check_when_where,
    display_code,
    eligible_lines,
    new_code,
    parse_code,
    terms_of_wire,
    terms_wire,
    usable_state,
    validity_on_issue,
)
from app.domain.errors import NotFoundError, RuleError, ValidationError
from app.domain.ids import uuid7
from app.domain.messages import current_language
from app.domain.offline import OfflineLimits, is_offline
from app.domain.phone import mask_phone
from app.domain.text import check_text
from app.persistence import coupon_store, syncstore
from app.persistence.coupon_tables import Coupon, CouponEntry, CouponTemplate
from app.persistence.tables import Member, Txn
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext, load_rules
from app.services.lookup import resolve_member
from app.services.recording import record
from app.services.security import Actor, Permission, require

MAX_NAME = 32


@dataclass(frozen=True)
class TemplateView:
    template_id: str
    name: str
    terms: Terms
    validity: Validity
    per_member_limit: int | None
    refund_restores: bool
    active: bool
    owner: str | None  # the store that defined it; None: HQ
    rule: IssueRule | None = None  # issued by itself on a cause (app.services.coupon_rules)

    def as_dict(self) -> dict[str, Any]:
        v = self.validity
        rule = {} if self.rule is None else {"issue_rule": rule_wire(self.rule)}
        return rule | {
            "template_id": self.template_id,
            "name": self.name,
            "terms": terms_wire(self.terms),
            "valid_from": v.valid_from.isoformat() if v.valid_from else None,
            "valid_until": v.valid_until.isoformat() if v.valid_until else None,
            "validity_days": v.days,
            "per_member_limit": self.per_member_limit,
            "refund_restores": self.refund_restores,
            "active": self.active,
        }


@dataclass(frozen=True)
class CouponView:
    coupon_id: str
    code: str
    template_id: str
    name: str
    member_id: str | None  # None: a bearer coupon
    valid_from: dt.date
    valid_until: dt.date
    state: str  # usable, redeemed, voided (as the ledger says), expired (past its validity)

    @property
    def shown_code(self) -> str:
        return display_code(self.code)


def template_view(row: CouponTemplate) -> TemplateView:
    return TemplateView(
        template_id=row.id,
        name=row.name,
        terms=terms_of_wire(json.loads(row.terms)),
        validity=Validity(row.valid_from, row.valid_until, row.validity_days),
        per_member_limit=row.per_member_limit,
        refund_restores=bool(row.refund_restores),
        active=bool(row.active),
        owner=row.store_code,
        rule=rule_of_wire(json.loads(row.issue_rule)) if row.issue_rule else None,
    )


def shown_state(ledger_state: str, valid_until: dt.date, today: dt.date | None) -> str:
    """The state a coupon is shown in: its ledger's, and ``expired`` once a usable coupon is
    past its validity (nothing is written for that: the date says it)."""
    if ledger_state == USABLE and today is not None and today > valid_until:
        return EXPIRED
    return ledger_state


def coupon_view(uow: UnitOfWork, row: Coupon, today: dt.date | None = None) -> CouponView:
    t = coupon_store.template(uow, row.template_id)
    return CouponView(
        coupon_id=row.id,
        code=row.code,
        template_id=row.template_id,
        name=t.name if t is not None else "",
        member_id=row.member_id,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        state=shown_state(coupon_store.state(uow, row.id), row.valid_until, today),
    )


# -- templates -------------------------------------------------------------------------
def add_template(
    ctx: CounterContext,
    actor: Actor,
    *,
    name: str,
    terms: Terms,
    validity: Validity,
    per_member_limit: int | None = None,
    refund_restores: bool = False,
    rule: IssueRule | None = None,
) -> TemplateView:
    """A manager's new template (one transaction with its audit entry and event)."""
    require(actor, Permission.COUPON_TEMPLATE_EDIT)
    name = check_text((name or "").strip(), "name") or ""
    if not (1 <= len(name) <= MAX_NAME):
        raise ValidationError("coupon_name_invalid")
    terms = replace(  # the catalogue's codes are upper case (app.domain.catalogue)
        terms,
        items=frozenset(c.strip().upper() for c in terms.items if c.strip()),
        categories=frozenset(c.strip().upper() for c in terms.categories if c.strip()),
        stores=frozenset(c.strip().upper() for c in terms.stores if c.strip()),
    )
    check_terms(terms)
    check_validity(validity)
    if rule is not None:
        check_rule(rule)
    if per_member_limit is not None and per_member_limit < 1:
        raise ValidationError("coupon_limit_invalid")
    with ctx.uow() as uow:
        store = uow.store()
        now = ctx.now()
        view = TemplateView(uuid7(), name, terms, validity, per_member_limit, refund_restores,
                            True, store.code if store is not None else None, rule)  # fmt: skip
        uow.add(
            CouponTemplate(
                id=view.template_id,
                name=name,
                kind=terms.kind,
                terms=json.dumps(terms_wire(terms), sort_keys=True),
                valid_from=validity.valid_from,
                valid_until=validity.valid_until,
                validity_days=validity.days,
                per_member_limit=per_member_limit,
                refund_restores=refund_restores,
                active=True,
                store_code=view.owner,
                issue_rule=json.dumps(rule_wire(rule), sort_keys=True) if rule else None,
                created_at=now,
                updated_at=now,
            )
        )
        data = view.as_dict()
        record(ctx, uow, actor, action="coupon.template_add", entity="coupon_template",
               entity_id=view.template_id, before=None, after=data,
               event_type="coupon.template_saved", payload={"template": data})  # fmt: skip
        uow.commit()
        return view


def templates(ctx: CounterContext, *, include_inactive: bool = False) -> list[TemplateView]:
    with ctx.reader() as uow:
        rows = coupon_store.templates(uow, include_inactive=include_inactive)
        return [template_view(r) for r in rows]


def find_template(uow: UnitOfWork, ref: str) -> CouponTemplate:
    """The template ``ref`` names: its id, or its id's last characters (at least 6)."""
    ref = (ref or "").strip().lower()
    row = coupon_store.template(uow, ref)
    if row is None and len(ref) >= 6:
        found = coupon_store.templates_ending(uow, ref)
        row = found[0] if len(found) == 1 else None
    if row is None:
        raise NotFoundError("coupon_template_not_found", template=ref)
    return row


# -- issue -----------------------------------------------------------------------------
def issue(ctx: CounterContext, actor: Actor, member: str, template_ref: str) -> CouponView:
    """Issue one coupon of the template to the member ``member`` names (phone, card, id)."""
    require(actor, Permission.COUPON_ISSUE)
    with ctx.uow() as uow:
        row = resolve_member(ctx, uow, member)
        t = find_template(uow, template_ref)
        view = issue_one(ctx, uow, actor, row, t, ctx.business_date(uow))
        uow.commit()
        return view


def issue_one(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor | None,
    row: Member,
    t: CouponTemplate,
    today: dt.date,
    *,
    issue_key: str | None = None,
    rule: str | None = None,
) -> CouponView:
    """One coupon of ``t`` to ``row`` in the caller's transaction, with its ``issued`` entry,
    audit entry and ``coupon.issued`` event. Refused (RuleError, before any write) for a
    template no longer in use or past its dates, or a member at the template's limit.
    ``issue_key``/``rule``: a coupon an issue rule gives (app.services.coupon_rules)."""
    if not t.active:
        raise RuleError("coupon_template_inactive", template=t.name)
    store = uow.store()
    if t.store_code is not None and store is not None and t.store_code != store.code:
        raise RuleError("coupon_template_foreign", template=t.name, store=t.store_code)
    view = template_view(t)
    valid_from, valid_until = validity_on_issue(view.validity, today)
    if valid_until < today:
        raise RuleError("coupon_issue_expired", template=t.name, until=valid_until.isoformat())
    if view.per_member_limit is not None:
        held = coupon_store.held_of_template(uow, row.id, t.id)
        if held >= view.per_member_limit:
            raise RuleError("coupon_member_limit", count=held, limit=view.per_member_limit)
    now = ctx.now()
    coupon = Coupon(id=uuid7(), code=_fresh_code(uow), template_id=t.id, member_id=row.id,
                    issued_at=now, valid_from=valid_from, valid_until=valid_until,
                    store_code=store.code if store is not None else None,
                    issue_key=issue_key)  # fmt: skip
    uow.add(coupon)
    entry = _entry(ctx, uow, coupon, ISSUED, None, today)
    header = coupon_header(coupon)
    after = header if rule is None else {**header, "rule": rule}
    record(ctx, uow, actor, action="coupon.issue", entity="member", entity_id=row.id,
           before=None, after=after, event_type="coupon.issued",
           payload={"member_id": row.id, "coupon": header,
                    "entry": entry_dict(entry)})  # fmt: skip
    return CouponView(coupon.id, coupon.code, t.id, t.name, row.id, valid_from, valid_until,
                      USABLE)  # fmt: skip


def wallet(ctx: CounterContext, member: str) -> list[CouponView]:
    """The member's coupons, every state, oldest first."""
    with ctx.reader() as uow:
        row = resolve_member(ctx, uow, member)
        today = ctx.business_date(uow)
        return [coupon_view(uow, c, today) for c in coupon_store.coupons_of(uow, row.id)]


def usable_wallet(ctx: CounterContext, member: str) -> list[CouponView]:
    """The member's coupons that can be presented today (usable, within their dates)."""
    with ctx.reader() as uow:
        row = resolve_member(ctx, uow, member)
        today = ctx.business_date(uow)
        return [
            v
            for v in (coupon_view(uow, c, today) for c in coupon_store.coupons_of(uow, row.id))
            if v.state == USABLE and v.valid_from <= today
        ]


# -- one coupon: its details, and voiding it ---------------------------------------------
@dataclass(frozen=True)
class CouponDetail:
    coupon: CouponView
    template: TemplateView | None
    owner: str | None  # the member's name and masked number; None: a bearer coupon
    ledger: tuple[dict[str, Any], ...]  # entry_dict of each entry, oldest first


def _by_code(uow: UnitOfWork, text: str) -> Coupon:
    code = parse_code(text)
    row = coupon_store.coupon_by_code(uow, code)
    if row is None:
        raise NotFoundError("coupon_not_found", coupon=display_code(code))
    return row


def _owner(uow: UnitOfWork, member_id: str | None) -> str | None:
    if member_id is None:
        return None
    m = uow.session.get(Member, member_id)
    if m is None:
        return member_id
    return f"{m.name} {mask_phone(m.phone)}"


def show(ctx: CounterContext, actor: Actor, code: str) -> CouponDetail:
    """One coupon by its code: its template, its owner (number masked), state and ledger."""
    require(actor, Permission.MEMBER_VIEW)
    with ctx.reader() as uow:
        row = _by_code(uow, code)
        t = coupon_store.template(uow, row.template_id)
        return CouponDetail(
            coupon=coupon_view(uow, row, ctx.business_date(uow)),
            template=template_view(t) if t is not None else None,
            owner=_owner(uow, row.member_id),
            ledger=tuple(entry_dict(e) for e in coupon_store.entries_of(uow, row.id)),
        )


def void(ctx: CounterContext, actor: Actor, code: str, reason: str) -> CouponView:
    """A manager voids a coupon not yet used (作废): a ``voided`` entry, its audit entry and
    the ``coupon.voided`` event, in one transaction. A used or voided coupon is refused."""
    require(actor, Permission.COUPON_VOID)
    reason = check_text((reason or "").strip(), "reason") or ""
    if not reason:
        raise ValidationError("coupon_void_reason")
    with ctx.uow() as uow:
        row = _by_code(uow, code)
        today = ctx.business_date(uow)
        before = coupon_view(uow, row, today)
        if coupon_store.state(uow, row.id) != USABLE:
            raise RuleError("coupon_not_voidable", coupon=before.shown_code,
                            state=state_name(before.state))  # fmt: skip
        entry = _entry(ctx, uow, row, VOIDED, None, today)
        header = coupon_header(row)
        record(ctx, uow, actor, action="coupon.void", entity="coupon", entity_id=row.id,
               before={"state": before.state}, after={"state": VOIDED, "reason": reason},
               event_type="coupon.voided",
               payload={"member_id": row.member_id, "coupon": header,
                        "entry": entry_dict(entry), "reason": reason})  # fmt: skip
        uow.commit()
        return replace(before, state=VOIDED)


def state_name(state: str) -> str:
    """A coupon state in the user's language."""
    zh = {USABLE: "可用", REDEEMED: "已使用", VOIDED: "已作废", EXPIRED: "已过期"}
    en = {USABLE: "usable", REDEEMED: "used", VOIDED: "voided", EXPIRED: "expired"}
    return (zh if current_language() == "zh" else en).get(state, state)


def _fresh_code(uow: UnitOfWork) -> str:
    while True:
        code = new_code()
        if coupon_store.coupon_by_code(uow, code) is None:
            return code


def coupon_header(c: Coupon) -> dict[str, Any]:
    return {
        "coupon_id": c.id,
        "code": c.code,
        "template_id": c.template_id,
        "member_id": c.member_id,
        "issued_at": c.issued_at.isoformat(),
        "valid_from": c.valid_from.isoformat(),
        "valid_until": c.valid_until.isoformat(),
    }


def entry_dict(e: CouponEntry) -> dict[str, Any]:
    return {
        "entry_id": e.entry_id,
        "kind": e.kind,
        "txn_id": e.txn_id,
        "discount_fen": e.discount_fen,
        "business_date": e.business_date.isoformat(),
    }


def _entry(
    ctx: CounterContext,
    uow: UnitOfWork,
    coupon: Coupon,
    kind: str,
    txn: Txn | None,
    business_date: dt.date,
    discount_fen: int = 0,
    shares: Sequence[int] | None = None,
    offline: bool = False,
) -> CouponEntry:
    e = CouponEntry(entry_id=uuid7(), coupon_id=coupon.id, kind=kind,
                    txn_id=txn.id if txn is not None else None, discount_fen=discount_fen,
                    shares=json.dumps(list(shares)) if shares is not None else None,
                    offline=offline, business_date=business_date,
                    created_at=ctx.now())  # fmt: skip
    uow.add(e)
    uow.flush()
    return e


# -- redemption in a sale --------------------------------------------------------------
@dataclass(frozen=True)
class Presented:
    row: Coupon
    use: CouponUse


def presented(
    ctx: CounterContext,
    uow: UnitOfWork,
    member: Member | None,
    codes: Sequence[str],
    lines: Sequence[CartLine],
) -> list[Presented]:
    """The coupons typed or scanned for a cart, each checked (the member's own, usable
    today; a bearer coupon only while HQ is reachable), with the lines it covers."""
    if not codes:
        return []
    today = ctx.business_date(uow)
    at = ctx.local_now(uow)
    store = uow.store()
    store_code = store.code if store is not None else None
    categories = coupon_store.categories_of(uow, [ln.item_code for ln in lines])
    keyed = [(ln.item_code, categories.get(ln.item_code)) for ln in lines]
    out = []
    for text in codes:
        code = parse_code(text)
        row = coupon_store.coupon_by_code(uow, code)
        shown = display_code(code)
        if row is None:
            raise NotFoundError("coupon_not_found", coupon=shown)
        if row.member_id is None:
            if _offline(ctx, uow):
                raise RuleError("coupon_bearer_offline", coupon=shown)
        elif member is None:
            raise RuleError("coupon_walk_in", coupon=shown)
        elif row.member_id != member.id:
            raise RuleError("coupon_other_owner", coupon=shown)
        usable_state(coupon_store.state(uow, row.id), row.valid_from, row.valid_until, today,
                     code)  # fmt: skip
        t = coupon_store.template(uow, row.template_id)
        if t is None:
            raise NotFoundError("coupon_template_not_found", template=row.template_id)
        terms = terms_of_wire(json.loads(t.terms))
        check_when_where(terms, at, store_code, code)
        out.append(Presented(row, CouponUse(row.id, code, terms, eligible_lines(terms, keyed))))
    return out


def _offline(ctx: CounterContext, uow: UnitOfWork) -> bool:
    state = syncstore.state(uow)
    if state is None or state.enrolled_at is None:
        return False  # a counter working alone is its own authority
    limits = OfflineLimits.from_rules_extra(load_rules(uow).extra)
    return is_offline(state.last_success_at, ctx.now(), limits)


def redeem(
    ctx: CounterContext, uow: UnitOfWork, txn: Txn, given: Sequence[Presented], cart: PricedCart
) -> dict[str, str]:
    """The ``redeemed`` entries of a sale's coupons, in its transaction: coupon id → entry id."""
    rows = {p.row.id: p.row for p in given}
    offline = _offline(ctx, uow) if given else False
    out = {}
    for share in cart.coupons:
        e = _entry(ctx, uow, rows[share.coupon_id], REDEEMED, txn, txn.business_date,
                   share.discount_fen, share.shares, offline)  # fmt: skip
        out[share.coupon_id] = e.entry_id
    return out


def restore_on_refund(
    ctx: CounterContext,
    uow: UnitOfWork,
    refund: Txn,
    sale_id: str,
    left: Mapping[int, int],
) -> list[dict[str, Any]]:
    """The sale's coupons a refund gives back: those whose template says so, once every line
    the coupon took something off is refunded whole (``left``: line → quantity still
    refundable). Their ``restored`` entries, as the refund's event carries them."""
    out = []
    for r in coupon_store.redemptions_of(uow, sale_id):
        coupon = coupon_store.coupon(uow, r.coupon_id)
        assert coupon is not None
        t = coupon_store.template(uow, coupon.template_id)
        if (
            t is None
            or not t.refund_restores
            or coupon_store.state(uow, coupon.id) != REDEEMED
            or coupon_store.restored_for_sale(uow, coupon.id, sale_id)
        ):
            continue  # not given back, or given back already
        shares = json.loads(r.shares or "[]")
        if any(share and left.get(i, 0) for i, share in enumerate(shares)):
            continue
        e = _entry(ctx, uow, coupon, RESTORED, refund, refund.business_date, r.discount_fen)
        out.append({"coupon_id": coupon.id, **entry_dict(e)})
    return out
