"""Importing items from an old system's .csv (UTF-8 or GBK) or .xlsx file.

The same discipline as the member import: the header row is found by itself among title
and blank rows (:mod:`app.services.table_header`), each row is checked and reported
(``create``, ``update`` — an item code that exists — or ``error`` with the reason), and a
dry run is the default. Only ``commit=True`` writes, and only a file without a bad row:
one bad row and nothing is imported (:class:`ItemImportRefusedError` carries the report).
The items of a file are written in one transaction, each with its audit entry and its
``catalogue.item_saved`` event.

Columns (by their common names): 编码/商品编码/货号 (code, required), 名称/商品名称/品名
(name, required), 售价/零售价/价格 (price in yuan, required), 条码/条形码 (barcodes; several
split by , ; / or spaces), 会员价 (one member price for every member, yuan), 单位, 分类 (an
existing category's code or name), 积分 (是/否: earns points), 服务 (是/否: a service item).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.catalogue import ALL_MEMBERS, Item
from app.domain.errors import CounterError, RuleError, ValidationError
from app.domain.messages import render
from app.domain.money import parse_yuan
from app.persistence import catalogue_store as store
from app.services.catalogue import ensure_editable, save_item, tier_codes
from app.services.context import CounterContext
from app.services.security import Actor, Permission, require
from app.services.spreadsheets import read_table

FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("编码", "商品编码", "货号", "商品代码", "code", "item code"),
    "name": ("名称", "商品名称", "品名", "name", "item name"),
    "price": ("售价", "零售价", "价格", "单价", "price"),
    "barcode": ("条码", "条形码", "商品条码", "barcode", "barcodes"),
    "member_price": ("会员价", "member price"),
    "unit": ("单位", "unit"),
    "category": ("分类", "类别", "商品分类", "category"),
    "points": ("积分", "参与积分", "points"),
    "service": ("服务", "服务项目", "service"),
}
REQUIRED = ("code", "name", "price")
_YES = {"是", "y", "yes", "1", "true", "√", "✓"}
_NO = {"否", "n", "no", "0", "false", "×", ""}
_SPLIT = re.compile(r"[,,;;/\s]+")


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def field_of(header: str) -> str | None:
    key = _key(header.split("/")[-1])
    for name, words in FIELDS.items():
        if key in words:
            return name
    return None


@dataclass(frozen=True)
class ItemRow:
    line: int
    action: str  # create | update | error
    code: str
    name: str
    price_fen: int = 0
    barcodes: tuple[str, ...] = ()
    error: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str | None:
        return render(self.error, **self.params) if self.error else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "action": self.action,
            "code": self.code,
            "name": self.name,
            "price_fen": self.price_fen,
            "barcodes": list(self.barcodes),
            "error": self.error,
            "message": self.message,
        }


@dataclass
class ItemImportReport:
    file: str
    encoding: str
    columns: dict[str, str]  # field -> header
    rows: list[ItemRow]
    dry_run: bool
    imported: bool = False

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("create", "update", "error"), 0)
        for r in self.rows:
            out[r.action] += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "encoding": self.encoding,
            "columns": dict(self.columns),
            "dry_run": self.dry_run,
            "imported": self.imported,
            "counts": self.counts(),
            "rows": [r.as_dict() for r in self.rows],
        }


class ItemImportRefusedError(RuleError):
    """The import was refused (rows with errors); ``report`` says which rows and why."""

    def __init__(self, report: ItemImportReport, errors: int) -> None:
        super().__init__("item_import_has_errors", errors=errors)
        self.report = report


def _flag(value: str, column: str, default: bool) -> bool:
    key = _key(value)
    if not key:
        return default
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValidationError("item_import_value", column=column, value=value)


def _money(value: str, column: str, *, required: bool) -> int | None:
    text = unicodedata.normalize("NFKC", value).strip().removeprefix("¥").strip()
    if not text:
        if required:
            raise ValidationError("item_import_value", column=column, value="-")
        return None
    try:
        return parse_yuan(text, allow_zero=True)
    except ValidationError:
        raise ValidationError("item_import_value", column=column, value=value) from None


def import_items(
    ctx: CounterContext,
    actor: Actor,
    path: Path | str,
    *,
    commit: bool = False,
    header_row: int | None = None,
) -> ItemImportReport:
    """Check (and with ``commit`` write) the items of a file; see the module doc."""
    require(actor, Permission.CATALOGUE_EDIT)
    path = Path(path)
    table = read_table(path, header_row=header_row, is_header=lambda c: field_of(c) is not None)
    cols: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        name = field_of(header) if header else None
        if name is not None and name not in cols:
            cols[name] = i
    missing = [f for f in REQUIRED if f not in cols]
    if missing:
        raise ValidationError(
            "item_import_columns_missing", fields=", ".join(FIELDS[f][0] for f in missing)
        )
    # A dry run only reads: the counter goes on serving while a big file is checked.
    with ctx.uow() if commit else ctx.reader() as uow:
        ensure_editable(uow)
        tiers = tier_codes(uow)
        cats = store.categories(uow, include_inactive=False)
        by_name = {c.name: c.code for c in cats} | {c.code: c.code for c in cats}
        seen_codes: dict[str, int] = {}
        seen_barcodes: dict[str, int] = {}
        rows: list[ItemRow] = []
        items: list[tuple[Item, str]] = []
        for i, cells in enumerate(table.rows):
            line = table.line(i)

            def get(name: str, cells: list[str] = cells) -> str:
                return cells[cols[name]].strip() if name in cols else ""

            raw_code, raw_name = get("code"), get("name")
            try:
                price = _money(get("price"), table.headers[cols["price"]], required=True)
                member = (
                    _money(get("member_price"), table.headers[cols["member_price"]],
                           required=False)
                    if "member_price" in cols else None
                )  # fmt: skip
                cat_text = get("category")
                category = None
                if cat_text:
                    category = by_name.get(cat_text) or by_name.get(cat_text.upper())
                    if category is None:
                        raise RuleError("category_unknown", category=cat_text)
                item = Item.cleaned(
                    code=raw_code,
                    name=raw_name,
                    price_fen=price,
                    unit=get("unit") or "件",
                    barcodes=[b for b in _SPLIT.split(get("barcode")) if b],
                    category=category,
                    member_prices={ALL_MEMBERS: member} if member is not None else None,
                    points_eligible=_flag(get("points"), "积分", True),
                    service=_flag(get("service"), "服务", False),
                    tiers=tiers,
                )
                if item.code in seen_codes:
                    raise ValidationError(
                        "item_import_duplicate", line=seen_codes[item.code], what="编码"
                    )
                for b in item.barcodes:
                    if b in seen_barcodes:
                        raise ValidationError(
                            "item_import_duplicate", line=seen_barcodes[b], what="条码"
                        )
                existing = store.item_by_code(uow, item.code)
                taken = store.barcode_holders(
                    uow, item.barcodes, existing.id if existing is not None else None
                )
                if taken:
                    b = next(iter(sorted(taken)))
                    raise RuleError("barcode_taken", barcode=b, item=taken[b])
            except CounterError as exc:
                rows.append(ItemRow(line, "error", raw_code, raw_name, error=exc.code,
                                    params=dict(exc.params)))  # fmt: skip
                continue
            seen_codes[item.code] = line
            for b in item.barcodes:
                seen_barcodes[b] = line
            action = "update" if existing is not None else "create"
            rows.append(ItemRow(line, action, item.code, item.name, item.price_fen,
                                item.barcodes))  # fmt: skip
            items.append((item, action))
        report = ItemImportReport(
            file=path.name,
            encoding=table.encoding,
            columns={f: table.headers[i] for f, i in cols.items()},
            rows=rows,
            dry_run=not commit,
        )
        errors = report.counts()["error"]
        if not commit:
            return report
        if errors:
            raise ItemImportRefusedError(report, errors)
        for item, action in items:
            save_item(ctx, uow, actor, item, "import" if action == "create" else "update")
        uow.commit()
        report.imported = True
        return report
