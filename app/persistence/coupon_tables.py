"""Coupons' tables (migrations 0023, 0024): templates, the coupons issued and their append-only
ledger.

A coupon's state is the fold of its entries (:func:`app.domain.coupons.state_of`): ``issued``
first, then ``redeemed`` by a sale (its ``txn_id``, the discount and each line's share),
``restored`` by a refund of that sale when the template gives coupons back, ``voided``,
``expired``. Nothing caches the state: it is read from the ledger.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.tables import Base, fk


class CouponTemplate(Base):
    __tablename__ = "coupon_template"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(12))
    terms: Mapped[str] = mapped_column(Text)  # app.domain.coupons.terms_wire, JSON
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    validity_days: Mapped[int | None] = mapped_column(Integer)
    per_member_limit: Mapped[int | None] = mapped_column(Integer)
    refund_restores: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    store_code: Mapped[str | None] = mapped_column(String(32))  # None: HQ's own
    # app.domain.coupon_rules.rule_wire, JSON (migration 0024); None: issued by hand only
    issue_rule: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Coupon(Base):
    __tablename__ = "coupon"
    __table_args__ = (
        Index("ux_coupon_issue_key", "template_id", "member_id", "issue_key", unique=True),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    template_id: Mapped[str] = mapped_column(fk("coupon_template.id"), index=True)
    member_id: Mapped[str | None] = mapped_column(fk("member.id"), index=True)  # None: bearer
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    store_code: Mapped[str | None] = mapped_column(String(32))  # the store that issued it
    # A rule's coupon: app.domain.coupon_rules.issue_key, unique with the template and the
    # member (migration 0024); None: issued by hand
    issue_key: Mapped[str | None] = mapped_column(String(48))


class CouponEntry(Base):
    __tablename__ = "coupon_entry"
    entry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    coupon_id: Mapped[str] = mapped_column(fk("coupon.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # issued, redeemed, restored, voided, expired
    txn_id: Mapped[str | None] = mapped_column(String(36), index=True)
    discount_fen: Mapped[int] = mapped_column(Integer, default=0)
    shares: Mapped[str | None] = mapped_column(Text)  # a redemption's per-line shares, JSON
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    business_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
