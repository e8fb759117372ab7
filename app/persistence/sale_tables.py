"""A cart sale's lines (migration 0017): each line with every share allocated to it.

``txn_line`` keeps what a later partial refund needs to be exact (app.domain.partial_refund):
the quantity, the line's price after every discount as its *parts* (``parts``: the value of
the points it was paid with and its share of each tender, JSON ``{"cash": 1200, ...}``),
and its share of the points redeemed and earned. ``txn_cart`` keeps the order's terms (the
order discount as given, the rounding) and its totals, for the receipt's "why this price".
"""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.tables import Base, fk


class TxnCart(Base):
    __tablename__ = "txn_cart"
    txn_id: Mapped[str] = mapped_column(fk("txn.id"), primary_key=True)
    order_discount_bp: Mapped[int | None] = mapped_column(Integer)  # 1000 = 10 % off
    order_discount_amount_fen: Mapped[int | None] = mapped_column(Integer)
    rounding: Mapped[str] = mapped_column(String(8))  # none, jiao or yuan
    list_fen: Mapped[int] = mapped_column(Integer)
    member_discount_fen: Mapped[int] = mapped_column(Integer)
    change_fen: Mapped[int] = mapped_column(Integer)  # 改价: negative when prices were cut
    order_discount_fen: Mapped[int] = mapped_column(Integer)
    round_off_fen: Mapped[int] = mapped_column(Integer)


class TxnLine(Base):
    __tablename__ = "txn_line"
    __table_args__ = (UniqueConstraint("txn_id", "line_no", name="uq_txn_line_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    txn_id: Mapped[str] = mapped_column(fk("txn.id"))
    line_no: Mapped[int] = mapped_column(Integer)  # from 0, in the order rung up
    item_code: Mapped[str] = mapped_column(String(32))
    item_name: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    weighed: Mapped[bool] = mapped_column(Boolean)
    unit_price_fen: Mapped[int] = mapped_column(Integer)
    list_fen: Mapped[int] = mapped_column(Integer)
    member_basis: Mapped[str] = mapped_column(String(16))  # list, member_price, tier_discount
    member_unit_fen: Mapped[int | None] = mapped_column(Integer)
    member_fen: Mapped[int] = mapped_column(Integer)
    change_unit_fen: Mapped[int | None] = mapped_column(Integer)
    change_line_fen: Mapped[int | None] = mapped_column(Integer)
    changed_fen: Mapped[int] = mapped_column(Integer)
    coupon_fen: Mapped[int] = mapped_column(Integer, default=0)  # migration 0023
    order_discount_fen: Mapped[int] = mapped_column(Integer)
    round_off_fen: Mapped[int] = mapped_column(Integer)
    after_round_fen: Mapped[int] = mapped_column(Integer)
    points_used: Mapped[int] = mapped_column(Integer)
    points_value_fen: Mapped[int] = mapped_column(Integer)
    due_fen: Mapped[int] = mapped_column(Integer)
    points_earned: Mapped[int] = mapped_column(Integer)
    parts: Mapped[str] = mapped_column(Text)
