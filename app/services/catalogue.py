"""The store's catalogue: categories and items, their barcodes, and finding them.

Managers and admins add, change and deactivate items and categories; each change is one
transaction with its audit entry (before and after) and its outbox event
(``catalogue.item_saved`` / ``catalogue.category_saved`` carrying the whole item or
category), so HQ learns what a store without HQ sells.

When the counter is enrolled with HQ, HQ's catalogue wins: it arrives with every pull
(:func:`apply_catalogue`, a change of kind ``catalogue``) and in the join's snapshot, and
every local edit is refused (``catalogue_managed_by_hq``), as the rules are.

Anyone signed in may look items up: by barcode (EAN-13/EAN-8/UPC-A, or the store's own
code), by item code, by name or by the pinyin of the name (可口可乐 → kkkl, kekoukele).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.catalogue import Category, Item, lookup_forms
from app.domain.errors import NotFoundError, RuleError
from app.domain.ids import uuid7
from app.persistence import catalogue_store as store
from app.persistence import syncstore
from app.persistence.catalogue_tables import CatalogueCategory, CatalogueItem
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext, load_rules
from app.services.recording import record
from app.services.search_keys import normalise_query, search_keys
from app.services.security import Actor, Permission, require


@dataclass(frozen=True)
class ItemView:
    item: Item
    initials: str
    category_name: str | None = None
    points_multiplier_permille: int = 1000

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.item.to_dict(),
            "initials": self.initials,
            "category_name": self.category_name,
            "points_multiplier_permille": self.points_multiplier_permille,
        }


@dataclass(frozen=True)
class ItemPage:
    items: list[ItemView] = field(default_factory=list)
    total: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "items": [v.as_dict() for v in self.items]}


def managed_by_hq(uow: UnitOfWork) -> bool:
    """Enrolled with HQ: HQ's catalogue wins and reaches the counter with every pull."""
    state = syncstore.state(uow)
    return state is not None and state.server_url is not None


def catalogue_managed_by_hq(ctx: CounterContext) -> bool:
    with ctx.reader() as uow:
        return managed_by_hq(uow)


def ensure_editable(uow: UnitOfWork) -> None:
    if managed_by_hq(uow):
        raise RuleError("catalogue_managed_by_hq")


# -- rows and values ------------------------------------------------------------------------
def initials_of(name: str) -> str:
    """The first key of the name's pinyin initials (可口可乐 → kkkl)."""
    keys = search_keys(name)
    return keys[0] if keys else ""


def item_of(row: CatalogueItem, barcodes: Sequence[str]) -> Item:
    return Item(
        code=row.code,
        name=row.name,
        price_fen=row.price_fen,
        unit=row.unit,
        barcodes=tuple(barcodes),
        category=row.category_code,
        member_prices=dict(json.loads(row.member_prices or "{}")),
        points_eligible=bool(row.points_eligible),
        service=bool(row.service),
        active=bool(row.active),
    )


def _views(uow: UnitOfWork, rows: Sequence[CatalogueItem]) -> list[ItemView]:
    codes = store.barcodes_of(uow, [r.id for r in rows])
    cats = {c.code: c for c in store.categories(uow)}
    out = []
    for r in rows:
        cat = cats.get(r.category_code) if r.category_code else None
        out.append(
            ItemView(
                item_of(r, codes[r.id]),
                r.initials,
                cat.name if cat else None,
                cat.points_multiplier_permille if cat else 1000,
            )
        )
    return out


def _category_of(cat: CatalogueCategory) -> Category:
    return Category(cat.code, cat.name, cat.points_multiplier_permille, bool(cat.active))


def _check_category(uow: UnitOfWork, item: Item) -> None:
    if item.category is None:
        return
    cat = store.category(uow, item.category)
    if cat is None or not cat.active:
        raise NotFoundError("category_unknown", category=item.category)


def _check_barcodes(uow: UnitOfWork, item: Item, item_id: str | None) -> None:
    if not item.active:
        return
    taken = store.barcode_holders(uow, item.barcodes, item_id)
    for code in item.barcodes:
        if code in taken:
            raise RuleError("barcode_taken", barcode=code, item=taken[code])


def write_item(uow: UnitOfWork, row: CatalogueItem | None, item: Item, now: Any) -> CatalogueItem:
    """Write ``item`` into ``row`` (None: a new row), with its barcodes and search keys."""
    if row is None:
        row = CatalogueItem(id=uuid7(), code=item.code, created_at=now)
        uow.add(row)
    name_changed = row.name != item.name
    row.name = item.name
    row.initials = initials_of(item.name)[:64] if name_changed else row.initials
    row.unit = item.unit
    row.price_fen = item.price_fen
    row.member_prices = json.dumps(item.member_prices, sort_keys=True)
    row.category_code = item.category
    row.points_eligible = item.points_eligible
    row.service = item.service
    row.active = item.active
    row.updated_at = now
    uow.session.flush()
    store.set_barcodes(uow, row, item.barcodes)
    if name_changed:
        store.set_search_keys(uow, row, search_keys(item.name))
    return row


def tier_codes(uow: UnitOfWork) -> list[str]:
    return [t.code for t in load_rules(uow).tiers]


# -- categories -----------------------------------------------------------------------------
def save_category(
    ctx: CounterContext,
    actor: Actor,
    code: str,
    *,
    name: str | None = None,
    points_multiplier_permille: int | None = None,
    active: bool | None = None,
    new: bool | None = None,
) -> Category:
    """Add a category or change one (what is not given stays); ``new``: True refuses a code
    that exists, False one that does not."""
    require(actor, Permission.CATALOGUE_EDIT)
    with ctx.uow() as uow:
        ensure_editable(uow)
        code = Category.cleaned(code, "x").code
        row = store.category(uow, code)
        if row is not None and new is True:
            raise RuleError("category_code_taken", category=code)
        if row is None and new is False:
            raise NotFoundError("category_unknown", category=code)
        old = _category_of(row) if row is not None else None
        cat = Category.cleaned(
            code,
            name if name is not None else (old.name if old else ""),
            points_multiplier_permille
            if points_multiplier_permille is not None
            else (old.points_multiplier_permille if old else 1000),
            active if active is not None else (old.active if old else True),
        )
        if cat == old:
            return cat
        if row is None:
            row = CatalogueCategory(code=code)
            uow.add(row)
        row.name = cat.name
        row.points_multiplier_permille = cat.points_multiplier_permille
        row.active = cat.active
        row.updated_at = ctx.now()
        action = "add" if old is None else ("deactivate" if not cat.active else "update")
        record(ctx, uow, actor, action=f"category.{action}", entity="category", entity_id=code,
               before=old.to_dict() if old else None, after=cat.to_dict(),
               event_type="catalogue.category_saved",
               payload={"category": cat.to_dict(), "action": action,
                        "enrolled": managed_by_hq(uow)})  # fmt: skip
        uow.commit()
        return cat


def list_categories(ctx: CounterContext, actor: Actor) -> list[Category]:
    require(actor, Permission.MEMBER_VIEW)
    with ctx.reader() as uow:
        return [_category_of(c) for c in store.categories(uow)]


# -- items ------------------------------------------------------------------------------------
def save_item(
    ctx: CounterContext, uow: UnitOfWork, actor: Actor, item: Item, action: str
) -> CatalogueItem:
    row = store.item_by_code(uow, item.code)
    old = item_of(row, store.barcodes_of(uow, [row.id])[row.id]) if row is not None else None
    if item.active:
        _check_category(uow, item)
    _check_barcodes(uow, item, row.id if row is not None else None)
    row = write_item(uow, row, item, ctx.now())
    record(ctx, uow, actor, action=f"item.{action}", entity="item", entity_id=item.code,
           before=old.to_dict() if old else None, after=item.to_dict(),
           event_type="catalogue.item_saved",
           payload={"item": item.to_dict(), "action": action,
                    "enrolled": managed_by_hq(uow)})  # fmt: skip
    return row


def add_item(
    ctx: CounterContext,
    actor: Actor,
    *,
    code: str,
    name: str,
    price_fen: int,
    unit: str = "件",
    barcodes: Iterable[str] = (),
    category: str | None = None,
    member_prices: Mapping[str, int] | None = None,
    points_eligible: bool = True,
    service: bool = False,
) -> ItemView:
    """A new item; its code must be new and each barcode free among active items."""
    require(actor, Permission.CATALOGUE_EDIT)
    with ctx.uow() as uow:
        ensure_editable(uow)
        item = Item.cleaned(
            code=code, name=name, price_fen=price_fen, unit=unit, barcodes=barcodes,
            category=category, member_prices=member_prices, points_eligible=points_eligible,
            service=service, tiers=tier_codes(uow),
        )  # fmt: skip
        if store.item_by_code(uow, item.code) is not None:
            raise RuleError("item_code_taken", item=item.code)
        row = save_item(ctx, uow, actor, item, "add")
        view = _views(uow, [row])[0]
        uow.commit()
        return view


UPDATABLE = (
    "name", "price_fen", "unit", "barcodes", "category", "member_prices", "points_eligible",
    "service", "active",
)  # fmt: skip


def update_item(ctx: CounterContext, actor: Actor, code: str, **changes: Any) -> ItemView:
    """Change some of an item's fields (``UPDATABLE``; what is not given stays)."""
    require(actor, Permission.CATALOGUE_EDIT)
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise TypeError(f"unknown item fields: {', '.join(unknown)}")
    with ctx.uow() as uow:
        ensure_editable(uow)
        row = _item_row(uow, code)
        old = item_of(row, store.barcodes_of(uow, [row.id])[row.id])
        data = {**old.to_dict(), **changes}
        item = Item.from_dict(data, tiers=tier_codes(uow))
        if item == old:
            return _views(uow, [row])[0]
        action = "deactivate" if old.active and not item.active else "update"
        row = save_item(ctx, uow, actor, item, action)
        view = _views(uow, [row])[0]
        uow.commit()
        return view


def deactivate_item(ctx: CounterContext, actor: Actor, code: str) -> ItemView:
    """The item is no longer sold; its barcodes are free for another item."""
    return update_item(ctx, actor, code, active=False)


def _item_row(uow: UnitOfWork, code: str) -> CatalogueItem:
    forms = lookup_forms(code)
    row = store.item_by_code(uow, forms[-1]) if forms else None
    if row is None:
        raise NotFoundError("item_unknown", item=code or "-")
    return row


# -- finding ----------------------------------------------------------------------------------
def show_item(ctx: CounterContext, actor: Actor, code: str) -> ItemView:
    """The item of this code (or, failing that, of this barcode, active or not)."""
    require(actor, Permission.MEMBER_VIEW)
    with ctx.reader() as uow:
        forms = lookup_forms(code)
        row = store.item_by_code(uow, forms[-1]) if forms else None
        if row is None:
            row = store.item_by_barcode(uow, forms)
        if row is None:
            raise NotFoundError("item_unknown", item=code or "-")
        return _views(uow, [row])[0]


def find_by_barcode(ctx: CounterContext, actor: Actor, scanned: str) -> ItemView | None:
    """The active item a scanned barcode belongs to (a 12-digit UPC-A finds its EAN-13)."""
    require(actor, Permission.MEMBER_VIEW)
    with ctx.reader() as uow:
        row = store.item_by_barcode(uow, lookup_forms(scanned))
        return _views(uow, [row])[0] if row is not None else None


def find_by_code(ctx: CounterContext, actor: Actor, code: str) -> ItemView | None:
    require(actor, Permission.MEMBER_VIEW)
    with ctx.reader() as uow:
        forms = lookup_forms(code)
        row = store.item_by_code(uow, forms[-1]) if forms else None
        return _views(uow, [row])[0] if row is not None and row.active else None


def search_items(
    ctx: CounterContext,
    actor: Actor,
    query: str = "",
    *,
    include_inactive: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> ItemPage:
    """Items by code prefix, name (any part) or pinyin (initials or syllables, a prefix);
    an exact barcode or code comes first. An empty query lists every item."""
    require(actor, Permission.MEMBER_VIEW)
    text = (query or "").strip()
    with ctx.reader() as uow:
        first: list[CatalogueItem] = []
        if text:
            hit = store.item_by_barcode(uow, lookup_forms(text))
            if hit is not None:
                first.append(hit)
        code = lookup_forms(text)[-1] if text else None
        key = normalise_query(text) if text else None
        rows, total = store.search(
            uow, code=code, name=text or None, key=key or None,
            include_inactive=include_inactive, limit=limit, offset=offset,
        )  # fmt: skip
        seen = {r.id for r in first}
        merged = first + [r for r in rows if r.id not in seen]
        extra = len(merged) - len(rows)
        return ItemPage(_views(uow, merged[:limit]), total + extra)


# -- from HQ ------------------------------------------------------------------------------------
def apply_catalogue(ctx: CounterContext, uow: UnitOfWork, body: Mapping[str, Any]) -> None:
    """A change of HQ's catalogue pulled by the counter (or one of the join's snapshot):
    ``{"category": {...}}`` or ``{"item": {...}}``. HQ wins: the item of that code is
    overwritten, and a barcode HQ gives it is taken off any local item that had one."""
    now = ctx.now()
    if body.get("category") is not None:
        cat = Category.from_dict(body["category"])
        row = store.category(uow, cat.code)
        if row is None:
            row = CatalogueCategory(code=cat.code)
            uow.add(row)
        row.name = cat.name
        row.points_multiplier_permille = cat.points_multiplier_permille
        row.active = cat.active
        row.updated_at = now
        uow.session.flush()
    if body.get("item") is not None:
        item = Item.from_dict(body["item"])  # member prices for tiers HQ's rules name
        if item.category is not None and store.category(uow, item.category) is None:
            # HQ sends its categories first; one missing here still gets a row (named by
            # its code) so the item never waits on it.
            uow.add(CatalogueCategory(code=item.category, name=item.category,
                                      points_multiplier_permille=1000, active=True,
                                      updated_at=now))  # fmt: skip
            uow.session.flush()
        row = store.item_by_code(uow, item.code)
        if item.active:
            store.drop_barcodes(uow, item.barcodes, row.id if row is not None else "")
        write_item(uow, row, item, now)


def catalogue_dicts(ctx: CounterContext) -> dict[str, list[dict[str, Any]]]:
    """The whole catalogue as plain data (categories, then items)."""
    with ctx.reader() as uow:
        rows = store.all_items(uow)
        return {
            "categories": [_category_of(c).to_dict() for c in store.categories(uow)],
            "items": [v.item.to_dict() for v in _views(uow, rows)],
        }
