"""Reads and writes of the catalogue, on a unit of work's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, bindparam, delete, func, or_, select, update

from app.persistence.catalogue_tables import (
    CatalogueCategory,
    CatalogueItem,
    ItemBarcode,
    ItemSearchKey,
)
from app.persistence.uow import UnitOfWork


def category(uow: UnitOfWork, code: str) -> CatalogueCategory | None:
    return uow.session.get(CatalogueCategory, code)


def categories(uow: UnitOfWork, *, include_inactive: bool = True) -> Sequence[CatalogueCategory]:
    stmt = select(CatalogueCategory).order_by(CatalogueCategory.code)
    if not include_inactive:
        stmt = stmt.where(CatalogueCategory.active.is_(True))
    return uow.session.scalars(stmt).all()


def item_by_code(uow: UnitOfWork, code: str) -> CatalogueItem | None:
    return uow.session.scalars(select(CatalogueItem).where(CatalogueItem.code == code)).first()


_c, _cat = CatalogueItem.__table__.c, CatalogueCategory.__table__.c
# Built once: a cart is priced at every scan and read again by the sale's transaction.
_ITEM_ROWS = (
    select(_c.code, _c.name, _c.price_fen, _c.member_prices, _c.points_eligible, _c.active,
           _cat.points_multiplier_permille)
    .select_from(CatalogueItem.__table__.outerjoin(
        CatalogueCategory.__table__, _cat.code == _c.category_code))
    .where(_c.code.in_(bindparam("codes", expanding=True)))
)  # fmt: skip


def item_rows_by_codes(uow: UnitOfWork, codes: Sequence[str]) -> dict[str, Row[Any]]:
    """code -> the item's row for those of ``codes`` that exist, active or not: the columns
    a cart line needs, with its category's ``points_multiplier_permille`` (None: no
    category), as plain rows in that order (code, name, price_fen, member_prices,
    points_eligible, active, points_multiplier_permille), in one query: a cart's lines are
    read together, not one query each (the cart is priced again at every scan)."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return {}
    rows = uow.session.connection().execute(_ITEM_ROWS, {"codes": wanted}).all()  # Core: no ORM
    return {row[0]: row for row in rows}  # row[0]: the code (by position: a name costs more)


def item_by_barcode(uow: UnitOfWork, forms: Sequence[str]) -> CatalogueItem | None:
    """The active item one of these barcode forms belongs to."""
    if not forms:
        return None
    return uow.session.scalars(
        select(CatalogueItem)
        .join(ItemBarcode, ItemBarcode.item_id == CatalogueItem.id)
        .where(ItemBarcode.barcode.in_(list(forms)), ItemBarcode.active.is_(True))
        .limit(1)
    ).first()


def barcodes_of(uow: UnitOfWork, item_ids: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {i: [] for i in item_ids}
    if not item_ids:
        return out
    for item_id, barcode in uow.session.execute(
        select(ItemBarcode.item_id, ItemBarcode.barcode)
        .where(ItemBarcode.item_id.in_(list(item_ids)))
        .order_by(ItemBarcode.id)
    ):
        out[item_id].append(barcode)
    return out


def barcode_holders(
    uow: UnitOfWork, barcodes: Sequence[str], other_than: str | None
) -> dict[str, str]:
    """barcode -> code of the active item (other than ``other_than``) that has it."""
    if not barcodes:
        return {}
    stmt = (
        select(ItemBarcode.barcode, CatalogueItem.code)
        .join(CatalogueItem, CatalogueItem.id == ItemBarcode.item_id)
        .where(ItemBarcode.barcode.in_(list(barcodes)), ItemBarcode.active.is_(True))
    )
    if other_than is not None:
        stmt = stmt.where(ItemBarcode.item_id != other_than)
    return {barcode: code for barcode, code in uow.session.execute(stmt)}


def drop_barcodes(uow: UnitOfWork, barcodes: Sequence[str], other_than: str) -> None:
    """Take these barcodes off every other active item (HQ's catalogue wins over a local
    item that had one)."""
    if barcodes:
        uow.session.execute(
            delete(ItemBarcode).where(
                ItemBarcode.barcode.in_(list(barcodes)),
                ItemBarcode.active.is_(True),
                ItemBarcode.item_id != other_than,
            )
        )


def set_barcodes(uow: UnitOfWork, item: CatalogueItem, barcodes: Sequence[str]) -> None:
    uow.session.execute(delete(ItemBarcode).where(ItemBarcode.item_id == item.id))
    uow.session.flush()
    for code in barcodes:
        uow.session.add(ItemBarcode(item_id=item.id, barcode=code, active=item.active))


def set_barcodes_active(uow: UnitOfWork, item: CatalogueItem) -> None:
    uow.session.execute(
        update(ItemBarcode).where(ItemBarcode.item_id == item.id).values(active=item.active)
    )


def set_search_keys(uow: UnitOfWork, item: CatalogueItem, keys: Sequence[str]) -> None:
    uow.session.execute(delete(ItemSearchKey).where(ItemSearchKey.item_id == item.id))
    for key in keys:
        uow.session.add(ItemSearchKey(item_id=item.id, key=key))


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(
    uow: UnitOfWork,
    *,
    code: str | None,
    name: str | None,
    key: str | None,
    include_inactive: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[CatalogueItem], int]:
    """Items whose code starts with ``code``, whose name contains ``name`` or one of whose
    pinyin keys starts with ``key`` (any of those given; none: every item), in code order;
    with the count of all that match."""
    conds = []
    if code:
        conds.append(CatalogueItem.code.like(_escaped(code) + "%", escape="\\"))
    if name:
        conds.append(CatalogueItem.name.like("%" + _escaped(name) + "%", escape="\\"))
    if key:
        conds.append(
            CatalogueItem.id.in_(
                select(ItemSearchKey.item_id).where(
                    ItemSearchKey.key.like(_escaped(key) + "%", escape="\\")
                )
            )
        )
    stmt = select(CatalogueItem)
    if conds:
        stmt = stmt.where(or_(*conds))
    if not include_inactive:
        stmt = stmt.where(CatalogueItem.active.is_(True))
    total = uow.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = uow.session.scalars(stmt.order_by(CatalogueItem.code).limit(limit).offset(offset)).all()
    return rows, total


def all_items(uow: UnitOfWork) -> Sequence[CatalogueItem]:
    return uow.session.scalars(select(CatalogueItem).order_by(CatalogueItem.code)).all()


def has_active_items(uow: UnitOfWork) -> bool:
    return (
        uow.session.scalars(
            select(CatalogueItem.id).where(CatalogueItem.active.is_(True)).limit(1)
        ).first()
        is not None
    )
