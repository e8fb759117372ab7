"""The chain's catalogue, set at HQ: categories and items every counter pulls.

HQ wins: a change made here is published to every store's stream as a change of kind
``catalogue`` (``{"category": {...}}`` or ``{"item": {...}}``) and is in the snapshot a
joining counter takes (:func:`snapshot`); an enrolled counter refuses local edits, and a
catalogue event a counter pushes while it holds HQ's rules is quarantined
(:mod:`server.validate`). Items and categories are checked by the counter's own rules
(:mod:`app.domain.catalogue`); a member price may name only tiers HQ's rules have; a
barcode is on one active item of the chain at most.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from app.domain.catalogue import Category, Item
from app.domain.errors import CounterError
from app.domain.rules import Rules, default_rules
from server import streams
from server import tables as t
from server.errors import HQError
from server.streams import Outgoing


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _hq_tiers(conn: Connection) -> list[str]:
    """The tier codes of HQ's rules (the default rules before any are set)."""
    text = conn.scalar(select(t.rules.c.rules_json).where(t.rules.c.id == 1))
    rules = Rules.from_dict(json.loads(text)) if text is not None else default_rules()
    return [tier.code for tier in rules.tiers]


def _category_row(conn: Connection, code: str) -> Category | None:
    text = conn.scalar(
        select(t.catalogue_category.c.category_json).where(t.catalogue_category.c.code == code)
    )
    return Category.from_dict(json.loads(text)) if text else None


def put_category(engine: Engine, data: Mapping[str, Any]) -> dict[str, Any]:
    """Add or replace a category (``code``, ``name``, ``points_multiplier_permille``,
    ``active``)."""
    try:
        cat = Category.from_dict(data)
    except (CounterError, KeyError, TypeError, ValueError) as exc:
        raise HQError("catalogue_invalid", str(exc)) from None
    clean = cat.to_dict()
    now = utcnow()
    text = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    with engine.begin() as conn:
        if _category_row(conn, cat.code) == cat:
            return clean
        values = {"category_json": text, "updated_at": now}
        if (
            conn.execute(
                update(t.catalogue_category)
                .where(t.catalogue_category.c.code == cat.code)
                .values(**values)
            ).rowcount
            == 0
        ):
            conn.execute(insert(t.catalogue_category).values(code=cat.code, **values))
        streams.publish(conn, [Outgoing("catalogue", {"category": clean})], now)
    return clean


def put_item(engine: Engine, data: Mapping[str, Any]) -> dict[str, Any]:
    """Add or replace an item (the fields of :class:`app.domain.catalogue.Item`)."""
    now = utcnow()
    with engine.begin() as conn:
        try:
            item = Item.from_dict(data, tiers=_hq_tiers(conn))
        except (CounterError, KeyError, TypeError, ValueError) as exc:
            raise HQError("catalogue_invalid", str(exc)) from None
        if item.category is not None and item.active:
            cat = _category_row(conn, item.category)
            if cat is None or not cat.active:
                raise HQError("catalogue_invalid", f"no active category {item.category}")
        if item.active and item.barcodes:
            taken = conn.execute(
                select(t.item_barcode.c.barcode, t.item_barcode.c.item_code).where(
                    t.item_barcode.c.barcode.in_(list(item.barcodes)),
                    t.item_barcode.c.item_code != item.code,
                )
            ).first()
            if taken is not None:
                raise HQError("catalogue_invalid", f"barcode {taken[0]} is on item {taken[1]}")
        clean = item.to_dict()
        old = conn.scalar(
            select(t.catalogue_item.c.item_json).where(t.catalogue_item.c.code == item.code)
        )
        if old is not None and json.loads(old) == clean:
            return clean
        values = {
            "item_json": json.dumps(clean, ensure_ascii=False, sort_keys=True),
            "active": item.active,
            "updated_at": now,
        }
        if old is not None:  # the version replaced, for sales made before the counter pulled
            conn.execute(insert(t.item_price).values(item_code=item.code, item_json=old,
                                                     replaced_at=now))  # fmt: skip
        if old is None:
            conn.execute(insert(t.catalogue_item).values(code=item.code, **values))
        else:
            conn.execute(
                update(t.catalogue_item)
                .where(t.catalogue_item.c.code == item.code)
                .values(**values)
            )
        conn.execute(delete(t.item_barcode).where(t.item_barcode.c.item_code == item.code))
        if item.active and item.barcodes:
            conn.execute(
                insert(t.item_barcode),
                [{"barcode": b, "item_code": item.code} for b in item.barcodes],
            )
        streams.publish(conn, [Outgoing("catalogue", {"item": clean})], now)
    return clean


def deactivate_item(engine: Engine, code: str) -> dict[str, Any]:
    with engine.connect() as conn:
        text = conn.scalar(
            select(t.catalogue_item.c.item_json).where(t.catalogue_item.c.code == code.upper())
        )
    if text is None:
        raise HQError("catalogue_invalid", f"no item {code}")
    return put_item(engine, {**json.loads(text), "active": False})


def _rows(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    cats = conn.scalars(
        select(t.catalogue_category.c.category_json).order_by(t.catalogue_category.c.code)
    )
    items = conn.scalars(select(t.catalogue_item.c.item_json).order_by(t.catalogue_item.c.code))
    return {
        "categories": [json.loads(c) for c in cats],
        "items": [json.loads(i) for i in items],
    }


def list_catalogue(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as conn:
        return _rows(conn)


def snapshot(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """The whole catalogue for a joining counter's snapshot header (its moment's)."""
    return _rows(conn)
