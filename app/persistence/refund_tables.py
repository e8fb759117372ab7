"""A partial refund's lines (migration 0020): what each refund gave back of each sold line.

A partial refund of a cart sale is a ``kind="refund"`` transaction whose ``original_txn_id``
is the sale and whose ``note`` is the reason; ``txn_refund_line`` keeps, per line refunded,
the quantity and exactly what came back (app.domain.partial_refund.RefundLine): the parts
(points value and tender parts, JSON like ``txn_line.parts``), the redeemed points given back
and the earned points taken back, and the share of the line's list amount. The next refund
of the same sale reads them as its ``earlier`` refunds.
"""

from __future__ import annotations

from sqlalchemy import Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.persistence.tables import Base, fk


class TxnRefundLine(Base):
    __tablename__ = "txn_refund_line"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    txn_id: Mapped[str] = mapped_column(fk("txn.id"), index=True)  # the refund
    original_txn_id: Mapped[str] = mapped_column(fk("txn.id"), index=True)  # the sale
    line_no: Mapped[int] = mapped_column(Integer)  # the sale's txn_line.line_no
    quantity: Mapped[int] = mapped_column(Integer)
    list_fen: Mapped[int] = mapped_column(Integer)  # the share of the line's list amount
    parts: Mapped[str] = mapped_column(Text)
    points_used: Mapped[int] = mapped_column(Integer)  # redeemed points given back
    points_earned: Mapped[int] = mapped_column(Integer)  # earned points taken back
