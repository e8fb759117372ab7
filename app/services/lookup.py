"""Finding a member from whatever the cashier scanned or typed, and the member's view."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domain import qr
from app.domain.cards import normalise_card_no
from app.domain.errors import NotFoundError, RuleError, ValidationError
from app.domain.phone import looks_like_phone, mask_phone, normalise_phone
from app.persistence.reader import Reader
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext, load_rules
from app.services.search_keys import normalise_query
from app.services.security import Actor, Permission, require

# Lookups run on a unit of work (write paths, ORM objects) or a Reader (read-only Core rows);
# both answer the same queries with the same attribute names.
Queries = UnitOfWork | Reader

EXPIRING_SOON_DAYS = 30
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CARD_BLOCKING = {
    "lost": "card_lost",
    "replaced": "card_replaced",
    "cancelled": "card_cancelled",
}


@dataclass(frozen=True)
class MemberView:
    member_id: str
    name: str
    phone: str  # masked unless the viewer may see full numbers
    card_no: str | None
    card_status: str | None
    status: str
    tier: str
    tier_name: str
    principal_fen: int
    bonus_fen: int
    points: int
    points_expiring_soon: int
    cumulative_spend_fen: int
    has_payment_password: bool
    birthday: dt.date | None
    gender: str | None
    email: str | None
    # False: another store's member this counter is not kept up to date about (app.services
    # .scope); an online lookup fetches them before stored value or points are spent.
    held: bool = True
    birthday_md: str | None = None  # "MM-DD" of a birthday known without its year
    notes: str | None = None
    joined_on: dt.date | None = None  # registered (or imported) here; None: elsewhere
    # Another store's member whose full number stays at HQ (app.services.phone_view).
    phone_at_hq: bool = False

    @property
    def birth_month_day(self) -> str | None:
        """ "MM-DD" of the birthday, with or without its year (birthday care needs no more)."""
        return self.birthday.strftime("%m-%d") if self.birthday else self.birthday_md

    @property
    def stored_value_fen(self) -> int:
        return self.principal_fen + self.bonus_fen


def member_views(
    ctx: CounterContext, q: Queries, members: Sequence[Any], actor: Actor | None
) -> list[MemberView]:
    """Views of several members with one read each for their cards and expiring points."""
    if not members:
        return []
    rules = load_rules(q)
    tier_names = {t.code: t.name for t in rules.tiers}
    soon = ctx.business_date(q) + dt.timedelta(days=EXPIRING_SOON_DAYS)
    cards = q.cards([m.card_id for m in members if m.card_id])
    holders = [m.id for m in members if m.points > 0]  # no points, nothing to expire
    expiring = q.points_expiring(holders, soon) if holders else {}
    full = actor is not None and actor.can(Permission.MEMBER_VIEW_PHONE)
    views = []
    for m in members:
        card = cards.get(m.card_id) if m.card_id else None
        views.append(
            MemberView(
                member_id=m.id,
                name=m.name,
                phone=m.phone if full else mask_phone(m.phone),
                card_no=card.card_no if card else None,
                card_status=card.status if card else None,
                status=m.status,
                tier=m.tier_code,
                tier_name=tier_names.get(m.tier_code, m.tier_code),
                principal_fen=m.principal_fen,
                bonus_fen=m.bonus_fen,
                points=m.points,
                points_expiring_soon=expiring.get(m.id, 0),
                cumulative_spend_fen=m.cumulative_spend_fen,
                has_payment_password=m.pay_password_hash is not None or bool(m.pay_password_at_hq),
                birthday=m.birthday,
                gender=m.gender,
                email=m.email,
                held=bool(m.held),
                birthday_md=m.birthday_md,
                notes=m.notes,
                joined_on=m.joined_on,
                phone_at_hq=bool(m.phone_hash),
            )
        )
    return views


def member_view(ctx: CounterContext, q: Queries, member: Any, actor: Actor | None) -> MemberView:
    return member_views(ctx, q, [member], actor)[0]


def _qr_key(uow: Queries) -> bytes:
    store = uow.store()
    if store is None:
        raise RuleError("store_not_initialised")
    return bytes.fromhex(store.qr_key)


def _member_by_card(uow: Queries, card: Any) -> Any:
    code = _CARD_BLOCKING.get(card.status)
    if code:
        raise RuleError(code, card_no=card.card_no)
    member = uow.member(card.member_id)
    if member is None:
        raise NotFoundError("member_not_found", query=card.card_no)
    return member


def resolve_member(ctx: CounterContext, uow: Queries, query: str) -> Any:
    """The one member a card number, QR payload, full phone number or member id names.

    A lost, replaced or cancelled card is refused with its own message; the
    member can still be found by phone.
    """
    text = unicodedata.normalize("NFKC", query or "").strip()
    if not text:
        raise ValidationError("query_empty")
    if qr.is_qr_payload(text):
        claim = qr.verify_payload(_qr_key(uow), text, int(ctx.clock.now().timestamp()))
        if claim.kind == "static":
            card = uow.card_by_no(claim.value)
            if card is None:
                raise NotFoundError("member_not_found", query=claim.value)
            return _member_by_card(uow, card)
        member = uow.member(claim.value)
        if member is None:
            raise NotFoundError("member_not_found", query=text)
        return member
    if looks_like_phone(text):
        member = uow.member_by_phone(normalise_phone(text))
        if member is not None:
            return member
    if _UUID.fullmatch(text):
        member = uow.member(text)
        if member is not None:
            return member
    try:
        card_no = normalise_card_no(text)
    except ValidationError:
        card_no = None
    if card_no:
        card = uow.card_by_no(card_no)
        if card is not None:
            return _member_by_card(uow, card)
    raise NotFoundError("member_not_found", query=text)


def find_members(ctx: CounterContext, actor: Actor, text: str) -> list[MemberView]:
    """Everything the scan box accepts: card, QR, phone (full or last 4), name, pinyin initials."""
    require(actor, Permission.MEMBER_VIEW)
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        raise ValidationError("query_empty")
    with ctx.lookup() as q:
        members: Sequence[Any] = []
        if text.isdigit() and len(text) == 4:
            members = q.members_by_last4(text)
        if not members:
            try:
                members = [resolve_member(ctx, q, text)]
            except NotFoundError:
                members = []
        if not members and not text.isdigit():
            if text.isascii():
                key = normalise_query(text)
                if key:
                    members = q.members_by_search_key(key)
            else:
                members = q.members_by_name_prefix(text)
        return member_views(ctx, q, members, actor)


def show_member(ctx: CounterContext, actor: Actor, query: str) -> MemberView:
    require(actor, Permission.MEMBER_VIEW)
    with ctx.lookup() as q:
        return member_view(ctx, q, resolve_member(ctx, q, query), actor)


def member_qr(ctx: CounterContext, actor: Actor, query: str, *, dynamic: bool = False) -> str:
    """The member's QR payload: the card's static one, or a dynamic one valid for 60 s."""
    require(actor, Permission.MEMBER_VIEW)
    with ctx.lookup() as q:
        member = resolve_member(ctx, q, query)
        key = _qr_key(q)
        if dynamic:
            return qr.dynamic_payload(key, member.id, int(ctx.clock.now().timestamp()))
        card = q.card(member.card_id) if member.card_id else None
        if card is None or card.status != "active":
            raise RuleError("card_not_active")
        return qr.static_payload(key, card.card_no)
