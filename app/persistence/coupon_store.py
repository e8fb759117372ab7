"""Reads and writes of coupons, on a unit of work's transaction (app.persistence.coupon_tables)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, literal_column, or_, select

from app.domain.coupons import VOIDED, state_of
from app.persistence.catalogue_tables import CatalogueItem
from app.persistence.coupon_tables import Coupon, CouponEntry, CouponTemplate
from app.persistence.tables import Member, Txn
from app.persistence.uow import UnitOfWork

# Entries of the same instant in the order written here.
_ARRIVAL = literal_column("rowid")


def template(uow: UnitOfWork, template_id: str) -> CouponTemplate | None:
    return uow.session.get(CouponTemplate, template_id)


def templates(uow: UnitOfWork, *, include_inactive: bool = False) -> Sequence[CouponTemplate]:
    stmt = select(CouponTemplate).order_by(CouponTemplate.created_at, CouponTemplate.id)
    if not include_inactive:
        stmt = stmt.where(CouponTemplate.active.is_(True))
    return uow.session.scalars(stmt).all()


def templates_ending(uow: UnitOfWork, tail: str) -> Sequence[CouponTemplate]:
    """The templates whose id is ``tail`` or ends with it (an id's last characters typed)."""
    return uow.session.scalars(
        select(CouponTemplate).where(CouponTemplate.id.like(f"%{tail}")).limit(2)
    ).all()


def coupon(uow: UnitOfWork, coupon_id: str) -> Coupon | None:
    return uow.session.get(Coupon, coupon_id)


def coupon_by_code(uow: UnitOfWork, code: str) -> Coupon | None:
    return uow.session.scalar(select(Coupon).where(Coupon.code == code))


def coupons_of(uow: UnitOfWork, member_id: str) -> Sequence[Coupon]:
    return uow.session.scalars(
        select(Coupon).where(Coupon.member_id == member_id).order_by(Coupon.issued_at, Coupon.id)
    ).all()


def entries_of(uow: UnitOfWork, coupon_id: str) -> Sequence[CouponEntry]:
    return uow.session.scalars(
        select(CouponEntry)
        .where(CouponEntry.coupon_id == coupon_id)
        .order_by(CouponEntry.created_at, _ARRIVAL)
    ).all()


def state(uow: UnitOfWork, coupon_id: str) -> str:
    """The coupon's state as its ledger says (app.domain.coupons.state_of)."""
    return state_of(e.kind for e in entries_of(uow, coupon_id))


def held_of_template(uow: UnitOfWork, member_id: str, template_id: str) -> int:
    """How many coupons of the template the member was issued and still has not had voided."""
    voided = select(CouponEntry.coupon_id).where(CouponEntry.kind == VOIDED)
    return int(
        uow.session.scalar(
            select(func.count())
            .select_from(Coupon)
            .where(
                Coupon.member_id == member_id,
                Coupon.template_id == template_id,
                Coupon.id.not_in(voided),
            )
        )
        or 0
    )


def redemptions_of(uow: UnitOfWork, txn_id: str, kind: str = "redeemed") -> Sequence[CouponEntry]:
    """The entries of ``kind`` a transaction wrote (a sale's redemptions, a refund's
    restorations), in the order written."""
    return uow.session.scalars(
        select(CouponEntry)
        .where(CouponEntry.txn_id == txn_id, CouponEntry.kind == kind)
        .order_by(CouponEntry.created_at, _ARRIVAL)
    ).all()


def restored_for_sale(uow: UnitOfWork, coupon_id: str, sale_id: str) -> bool:
    """A refund of the sale gave the coupon back already."""
    refunds = select(Txn.id).where(Txn.original_txn_id == sale_id)
    found = uow.session.scalar(
        select(CouponEntry.entry_id)
        .where(
            CouponEntry.coupon_id == coupon_id,
            CouponEntry.kind == "restored",
            CouponEntry.txn_id.in_(refunds),
        )
        .limit(1)
    )
    return found is not None


def categories_of(uow: UnitOfWork, item_codes: Sequence[str]) -> dict[str, str | None]:
    """item code -> its category code (None: none), in one query."""
    wanted = list(dict.fromkeys(item_codes))
    if not wanted:
        return {}
    c = CatalogueItem.__table__.c
    rows = uow.session.execute(select(c.code, c.category_code).where(c.code.in_(wanted)))
    return {r.code: r.category_code for r in rows}


def rule_templates(uow: UnitOfWork) -> Sequence[CouponTemplate]:
    """The templates in use that have an issue rule, oldest first."""
    return uow.session.scalars(
        select(CouponTemplate)
        .where(CouponTemplate.active.is_(True), CouponTemplate.issue_rule.is_not(None))
        .order_by(CouponTemplate.created_at, CouponTemplate.id)
    ).all()


def issued_with_key(uow: UnitOfWork, member_id: str, template_id: str, key: str) -> bool:
    """Whether a rule already gave the member a coupon of the template for this cause."""
    return (
        uow.session.scalar(
            select(Coupon.id).where(
                Coupon.member_id == member_id,
                Coupon.template_id == template_id,
                Coupon.issue_key == key,
            )
        )
        is not None
    )


def members_with_birthdays(uow: UnitOfWork) -> Sequence[tuple[str, dt.date | None, str | None]]:
    """(member id, birthday, "MM-DD") of the active members whose birthday is known."""
    m = Member.__table__.c
    rows = uow.session.execute(
        select(m.id, m.birthday, m.birthday_md)
        .where(or_(m.birthday.is_not(None), m.birthday_md.is_not(None)), m.status == "active")
        .order_by(m.id)
    )
    return [(r.id, r.birthday, r.birthday_md) for r in rows]
