"""Registering members and their payment passwords."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from app.domain.cards import generate_card_no, normalise_card_no
from app.domain.consent import MARKETING, REGISTRATION, check_channel
from app.domain.errors import AuthenticationError, RuleError, ValidationError
from app.domain.ids import uuid7
from app.domain.phone import mask_phone, normalise_phone
from app.domain.text import check_text
from app.persistence.tables import Card, Member, MemberSearchKey, Txn
from app.persistence.uow import UnitOfWork
from app.services import consent, coupon_rules
from app.services.context import CounterContext, load_rules
from app.services.hashing import normalise_secret
from app.services.home import ensure_home_member
from app.services.lookup import MemberView, member_view, resolve_member
from app.services.recording import member_state, record
from app.services.search_keys import search_keys
from app.services.security import Actor, Approval, Permission, approve, require

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PAY_PASSWORD = re.compile(r"[0-9]{6}")
GENDERS = {"m": "m", "f": "f", "男": "m", "女": "f", "male": "m", "female": "f"}
MAX_CARD_ATTEMPTS = 20


@dataclass
class Registration:
    name: str
    phone: str
    consent: bool
    birthday: dt.date | str | None = None
    gender: str | None = None
    email: str | None = None
    address: str | None = None
    referrer: str | None = None  # phone or card number of the referring member
    source: str | None = None  # channel: counter, wechat, referral, import, ...
    card_no: str | None = None  # a scanned physical card; None generates one
    # Marketing consent is its own opt-in, apart from the registration's consent: when
    # ticked, the registration also records a grant (source registration) on this channel.
    marketing_consent: bool = False
    marketing_channel: str = "sms"


@dataclass(frozen=True)
class Cleaned:
    name: str
    phone: str
    birthday: dt.date | None
    gender: str | None
    email: str | None
    address: str | None
    source: str | None
    card_no: str | None


def clean_registration(reg: Registration, today: dt.date) -> Cleaned:
    """Validate and normalise a registration; raises the first problem found."""
    if not reg.consent:
        raise ValidationError("consent_required")
    name = unicodedata.normalize("NFKC", reg.name or "").strip()
    name = re.sub(r"\s+", " ", name)
    if not (1 <= len(name) <= 32):
        raise ValidationError("name_length")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise ValidationError("name_invalid")
    phone = normalise_phone(reg.phone)
    birthday = _birthday(reg.birthday, today)
    gender = None
    if reg.gender:
        gender = GENDERS.get(reg.gender.strip().lower())
        if gender is None:
            raise ValidationError("gender_invalid", value=reg.gender)
    email = check_text((reg.email or "").strip(), "email") or None
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        raise ValidationError("email_invalid", value=email)
    address = check_text((reg.address or "").strip(), "address") or None
    if address and len(address) > 200:
        raise ValidationError("address_length")
    source = check_text((reg.source or "").strip(), "source") or None
    if source and len(source) > 32:
        raise ValidationError("source_invalid")
    card_no = normalise_card_no(reg.card_no) if reg.card_no else None
    return Cleaned(name, phone, birthday, gender, email, address, source, card_no)


def _birthday(value: dt.date | str | None, today: dt.date) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(unicodedata.normalize("NFKC", value).strip())
        except ValueError:
            raise ValidationError("birthday_invalid", value=value) from None
    if not (dt.date(1900, 1, 1) <= value < today):
        raise ValidationError("birthday_invalid", value=value.isoformat())
    return value


def unique_card_no(uow: UnitOfWork) -> str:
    for _ in range(MAX_CARD_ATTEMPTS):
        card_no = generate_card_no()
        if uow.card_by_no(card_no) is None:
            return card_no
    raise RuleError("card_generation_failed")


def register_member(ctx: CounterContext, actor: Actor, reg: Registration) -> MemberView:
    """Register a member with a card (scanned or generated); one transaction."""
    require(actor, Permission.MEMBER_REGISTER)
    if reg.marketing_consent:
        check_channel(reg.marketing_channel)
    with ctx.uow() as uow:
        rules = load_rules(uow)
        data = clean_registration(reg, ctx.business_date(uow))
        existing = uow.member_by_phone(data.phone)
        if existing is not None:
            raise RuleError(
                "phone_duplicate",
                phone=mask_phone(data.phone),
                name=existing.name,
                member_id=existing.id,
            )
        if data.card_no is not None:
            taken = uow.card_by_no(data.card_no)
            if taken is not None:
                owner = uow.member(taken.member_id)
                raise RuleError(
                    "card_duplicate",
                    card_no=data.card_no,
                    name=owner.name if owner else "",
                    member_id=taken.member_id,
                )
        referrer_id = None
        if reg.referrer:
            referrer_id = resolve_member(ctx, uow, reg.referrer).id
        now = ctx.now()
        member = Member(
            id=uuid7(),
            name=data.name,
            phone=data.phone,
            phone_last4=data.phone[-4:],
            gender=data.gender,
            birthday=data.birthday,
            email=data.email,
            address=data.address,
            referrer_id=referrer_id,
            source=data.source or "counter",
            consent_at=now,
            status="active",
            tier_code=rules.base_tier.code,
            tier_overridden=False,
            cumulative_spend_fen=0,
            principal_fen=0,
            bonus_fen=0,
            points=0,
            pay_password_failures=0,
            created_at=now,
            created_by=actor.staff_id,
            updated_at=now,
        )
        card = Card(
            id=uuid7(),
            card_no=data.card_no or unique_card_no(uow),
            member_id=member.id,
            status="active",
            issued_at=now,
        )
        member.card_id = card.id
        txn = Txn(
            id=uuid7(),
            kind="register",
            member_id=member.id,
            staff_id=actor.staff_id,
            created_at=now,
            business_date=ctx.business_date(uow),
        )
        uow.add(
            member,
            card,
            txn,
            *(MemberSearchKey(member_id=member.id, key=k) for k in search_keys(member.name)),
        )
        profile = {
            "member_id": member.id,
            "name": member.name,
            "phone": member.phone,
            "gender": member.gender,
            "birthday": member.birthday.isoformat() if member.birthday else None,
            "email": member.email,
            "address": member.address,
            "referrer_id": referrer_id,
            "source": member.source,
            "consent_at": now.isoformat(),
            "tier": member.tier_code,
        }
        record(
            ctx,
            uow,
            actor,
            action="member.register",
            entity="member",
            entity_id=member.id,
            before=None,
            after={**member_state(member), "name": member.name, "phone": mask_phone(member.phone)},
            event_type="member.registered",
            payload={
                "txn_id": txn.id,
                "member": profile,
                "card": {"card_id": card.id, "card_no": card.card_no},
            },
        )
        if reg.marketing_consent:  # its own ledger entry and event (app.services.consent)
            consent.write_entry(ctx, uow, actor, member, purpose=MARKETING,
                                channel=reg.marketing_channel, granted=True,
                                source=REGISTRATION)  # fmt: skip
        coupon_rules.on_registration(ctx, uow, actor, member)  # 新人券
        view = member_view(ctx, uow, member, actor)
        uow.commit()
        return view


def set_payment_password(
    ctx: CounterContext,
    actor: Actor,
    query: str,
    password: str,
    *,
    old_password: str | None = None,
) -> None:
    """Set the member's 6-digit payment password; changing one needs the old one."""
    require(actor, Permission.MEMBER_SET_PASSWORD)
    if not _PAY_PASSWORD.fullmatch(normalise_secret(password)):
        raise ValidationError("payment_password_format")
    hashed = ctx.hasher.hash(password)
    if old_password is not None:
        check_payment_password(ctx, query, old_password)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, query)
        ensure_home_member(uow, member)
        if member.pay_password_hash is not None and old_password is None:
            raise RuleError("payment_password_exists")
        _write_password(ctx, uow, actor, member, hashed, action="member.set_password")
        uow.commit()


def reset_payment_password(
    ctx: CounterContext, actor: Actor, query: str, password: str, approval: Approval | None
) -> None:
    """A forgotten or locked payment password, replaced with the manager's approval."""
    require(actor, Permission.MEMBER_SET_PASSWORD)
    if not _PAY_PASSWORD.fullmatch(normalise_secret(password)):
        raise ValidationError("payment_password_format")
    approver = approve(ctx, approval, Permission.MEMBER_RESET_PASSWORD)
    hashed = ctx.hasher.hash(password)
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, query)
        ensure_home_member(uow, member)
        _write_password(ctx, uow, actor, member, hashed, "member.reset_password", approver)
        uow.commit()


def _write_password(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    member: Member,
    hashed: str,
    action: str,
    approver: Actor | None = None,
) -> None:
    had = member.pay_password_hash is not None
    member.pay_password_hash = hashed
    member.pay_password_failures = 0
    member.updated_at = ctx.now()
    record(
        ctx,
        uow,
        actor,
        action=action,
        entity="member",
        entity_id=member.id,
        before={"has_password": had},
        after={"has_password": True},
        event_type="member.payment_password_set",
        payload={"member_id": member.id, "password_hash": hashed},
        approver=approver,
    )


def check_payment_password(ctx: CounterContext, query: str, password: str | None) -> None:
    """Verify the member's payment password (if they set one); 5 wrong in a row lock it.

    Runs in its own transaction so a wrong try is counted even though the
    operation that asked is refused.
    """
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, query)
        if member.pay_password_hash is None:
            return
        limit = load_rules(uow).payment_password_max_failures
        if member.pay_password_failures >= limit:
            raise AuthenticationError("payment_password_locked")
        if password and ctx.hasher.verify(member.pay_password_hash, password):
            if member.pay_password_failures:
                member.pay_password_failures = 0
                uow.commit()
            return
        if not password:
            raise AuthenticationError("payment_password_required")
        member.pay_password_failures += 1
        left = limit - member.pay_password_failures
        uow.commit()
    if left <= 0:
        raise AuthenticationError("payment_password_locked")
    raise AuthenticationError("payment_password_wrong", left=left)
