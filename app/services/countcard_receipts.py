"""The receipt body of a count-card sale, visit or refund (次卡购买 / 次卡消费 / 次卡退卡):
the card, what this transaction did, the times left per item after it and the last valid
day. :mod:`app.services.receipts` lays the header, member and balances around it."""

from __future__ import annotations

import json

from app.domain.countcard_ledger import Entry, fold
from app.domain.money import format_cny
from app.domain.receipt import Block, Columns, Text
from app.persistence import catalogue_store, countcard_store
from app.persistence.countcard_tables import CountCardEntry, MemberCountCard
from app.persistence.tables import Txn
from app.persistence.uow import UnitOfWork

TITLES = {
    "countcard_sale": "次卡购买",
    "countcard_visit": "次卡消费",
    "countcard_refund": "次卡退卡",
}


def _name(uow: UnitOfWork, code: str) -> str:
    item = catalogue_store.item_by_code(uow, code)
    return item.name if item is not None else code


def _entry_of(uow: UnitOfWork, txn: Txn) -> tuple[MemberCountCard, CountCardEntry] | None:
    entry = countcard_store.entry_of_txn(uow, txn.id)
    if entry is None:
        return None
    row = countcard_store.card(uow, entry.card_id)
    return (row, entry) if row is not None else None


def body(uow: UnitOfWork, txn: Txn, tender_lines: list[Block]) -> list[Block]:
    """The blocks of the count-card transaction ``txn`` (``tender_lines``: its tenders)."""
    found = _entry_of(uow, txn)
    if found is None:
        return []
    row, entry = found
    # The card as it stood right after this transaction: its entries up to this one.
    upto = [
        e for e in countcard_store.entries_of(uow, row.id)
        if (e.kind == "sold") or (e.created_at, e.entry_id) <= (entry.created_at, entry.entry_id)
    ]  # fmt: skip
    upto.sort(key=lambda e: (e.kind != "sold", e.created_at, e.entry_id))
    card = fold(row.product_code, row.sold_on, row.valid_until,
                (Entry(e.kind, json.loads(e.times), e.value_fen) for e in upto))  # fmt: skip
    blocks: list[Block] = [Columns("次卡", row.name, bold=True)]
    times = json.loads(entry.times)
    if txn.kind == "countcard_sale":
        blocks.append(Columns("售价", format_cny(row.price_paid_fen), bold=True))
        blocks += tender_lines
    elif txn.kind == "countcard_visit":
        for code, (paid, gift) in times.items():
            used = f"{paid + gift} 次" + (f"(赠送 {gift})" if gift else "")
            blocks.append(Columns(f"本次 {_name(uow, code)}", used))
        blocks.append(Columns("本次核销", format_cny(entry.value_fen)))
    elif txn.kind == "countcard_refund":
        n = sum(p + g for p, g in times.values())
        blocks.append(Columns("退卡次数", f"{n} 次"))
        blocks.append(Columns("退卡金额", format_cny(entry.value_fen), bold=True))
        blocks += tender_lines
    blocks.append(Text("剩余次数"))
    for item in card.items:
        blocks.append(Columns(f"  {_name(uow, item.item_code)}", f"{item.left} 次"))
    blocks.append(Columns("有效期至", row.valid_until.isoformat()))
    return blocks
