"""Count-card products (次卡产品): one or more service items with times each (and gift
times), a price, a validity (days from purchase or an end date), the stores that honour it
and whether a card can be transferred. Managers add and change them; each save is one
transaction with its audit entry and its ``countcard.product_saved`` event.

HQ hands every product to every counter of the chain (:func:`apply_pulled`, a catalogue
change ``{"countcard_product": ...}`` and the join's snapshot), so a store sells the
products the chain honours there and knows the terms of a card bought elsewhere. A product
belongs to the store that defined it (or to HQ): only that store changes it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.countcard import CardItem, CardProduct
from app.domain.errors import NotFoundError, RuleError, ValidationError
from app.domain.text import check_text
from app.persistence import catalogue_store, countcard_store
from app.persistence.countcard_tables import CountCardProduct
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext
from app.services.recording import record
from app.services.security import Actor, Permission, require


@dataclass(frozen=True)
class ProductView:
    code: str
    name: str
    items: tuple[CardItem, ...]
    price_fen: int
    validity_days: int | None
    end_date: dt.date | None
    stores: tuple[str, ...] | None  # None: every store of the chain
    transferable: bool
    active: bool
    owner: str | None = None  # the store that defined it; None: HQ

    @property
    def rule(self) -> CardProduct:
        return CardProduct(self.code, self.items, self.price_fen, self.validity_days, self.end_date)

    def honoured_at(self, store_code: str) -> bool:
        return self.stores is None or store_code in self.stores

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "items": [
                {"item_code": i.item_code, "times": i.times, "gift_times": i.gift_times}
                for i in self.items
            ],
            "price_fen": self.price_fen,
            "validity_days": self.validity_days,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "stores": list(self.stores) if self.stores is not None else None,
            "transferable": self.transferable,
            "active": self.active,
        }


def view_of(row: CountCardProduct) -> ProductView:
    stores = json.loads(row.stores) if row.stores else None
    return ProductView(
        code=row.code,
        name=row.name,
        items=tuple(
            CardItem(i["item_code"], int(i["times"]), int(i["gift_times"]))
            for i in json.loads(row.items)
        ),
        price_fen=row.price_fen,
        validity_days=row.validity_days,
        end_date=row.end_date,
        stores=tuple(stores) if stores is not None else None,
        transferable=bool(row.transferable),
        active=bool(row.active),
        owner=row.store_code,
    )


def find_product(uow: UnitOfWork, code: str) -> ProductView:
    row = countcard_store.product(uow, (code or "").strip())
    if row is None or not row.active:
        raise NotFoundError("countcard_product_unknown", product=code)
    return view_of(row)


def save_product(
    ctx: CounterContext,
    actor: Actor,
    *,
    code: str,
    name: str,
    items: Sequence[tuple[str, int, int]],
    price_fen: int,
    validity_days: int | None = None,
    end_date: dt.date | None = None,
    stores: Sequence[str] | None = None,
    transferable: bool = False,
    active: bool = True,
) -> ProductView:
    """Add or change a product; ``items`` are (item code, times, gift times)."""
    require(actor, Permission.CATALOGUE_EDIT)
    code = check_text((code or "").strip(), "code") or ""
    name = check_text((name or "").strip(), "name") or ""
    if not code or len(code) > 32:
        raise ValidationError("countcard_product_invalid", detail="code")
    if not name or len(name) > 64:
        raise ValidationError("countcard_product_invalid", detail="name")
    rule = CardProduct(
        code, tuple(CardItem(c, t, g) for c, t, g in items), price_fen, validity_days, end_date
    )
    kept_stores = None if stores is None else tuple(sorted({s.strip() for s in stores if s}))
    with ctx.uow() as uow:
        store = uow.store()
        here = store.code if store is not None else None
        row = countcard_store.product(uow, code)
        if row is not None and row.store_code != here:  # another store's, or HQ's
            owner = row.store_code or "总部"
            raise RuleError("countcard_product_foreign", product=code, owner=owner)
        for i in rule.items:
            item = catalogue_store.item_by_code(uow, i.item_code)
            if item is None or not item.active:
                raise RuleError("countcard_item_not_in_catalogue", item=i.item_code)
        view = ProductView(
            code, name, rule.items, price_fen, validity_days, end_date, kept_stores,
            transferable, active, here,
        )  # fmt: skip
        before = view_of(row).as_dict() if row is not None else None
        now = ctx.now()
        if row is None:
            row = CountCardProduct(code=code, created_at=now, store_code=here)
            uow.add(row)
        data = view.as_dict()
        _write(row, data, now)
        record(
            ctx,
            uow,
            actor,
            action="countcard.product_saved",
            entity="countcard_product",
            entity_id=code,
            before=before,
            after=data,
            event_type="countcard.product_saved",
            payload={"product": data},
        )
        uow.commit()
        return view


def _write(row: CountCardProduct, data: dict[str, Any], now: dt.datetime) -> None:
    row.name = data["name"]
    row.items = json.dumps(data["items"], ensure_ascii=False)
    row.price_fen = int(data["price_fen"])
    row.validity_days = data.get("validity_days")
    row.end_date = dt.date.fromisoformat(data["end_date"]) if data.get("end_date") else None
    row.stores = json.dumps(list(data["stores"])) if data.get("stores") is not None else None
    row.transferable = bool(data["transferable"])
    row.active = bool(data["active"])
    row.updated_at = now


def apply_pulled(ctx: CounterContext, uow: UnitOfWork, body: dict[str, Any]) -> None:
    """A product as HQ holds it (``{"product": {...}, "store_code": owner}``; owner None:
    HQ's own), pulled or in the join's snapshot: written as it is, HQ wins. Checked by the
    same rules as a product saved here; its items need not be in this store's catalogue
    (a card names them by code)."""
    data = body["product"]
    items = tuple(
        CardItem(i["item_code"], int(i["times"]), int(i["gift_times"])) for i in data["items"]
    )
    end = dt.date.fromisoformat(data["end_date"]) if data.get("end_date") else None
    CardProduct(data["code"], items, int(data["price_fen"]), data.get("validity_days"), end)
    now = ctx.now()
    row = countcard_store.product(uow, data["code"])
    if row is None:
        row = CountCardProduct(code=data["code"], created_at=now)
        uow.add(row)
    row.store_code = body.get("store_code")
    _write(row, data, now)
    uow.session.flush()


def list_products(
    ctx: CounterContext, actor: Actor, *, include_inactive: bool = False
) -> list[ProductView]:
    require(actor, Permission.MEMBER_VIEW)
    with ctx.reader() as uow:
        return [
            view_of(r) for r in countcard_store.products(uow, include_inactive=include_inactive)
        ]
