"""Fixtures for the device tests: one transaction of every kind that has a receipt.

Receipts are made deterministic for the golden files: a fixed clock (conftest), fixed card
numbers, a fixed store QR key and counter name, and transaction ids replaced by stable
labels (they are UUIDv7s made at run time).
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.domain.receipt import Receipt
from app.services.cards import cancel_card, replace_card
from app.services.checkout import checkout
from app.services.context import CounterContext
from app.services.members import Registration, register_member
from app.services.receipts import receipt_for_txn
from app.services.refunds import refund
from app.services.security import Actor, Approval
from app.services.settings import ReceiptTemplate, set_receipt_template
from app.services.stored_value import top_up

HARDWARE_ENV = "MEMBER_COUNTER_HARDWARE"
GOLDEN = Path(__file__).with_name("golden")
REGENERATE_ENV = "MEMBER_COUNTER_REGEN_GOLDEN"
FIXED_QR_KEY = "5a" * 32
FIXED_DEVICE_ID = "0190a000-0000-7000-8000-00000000c001"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Hardware checks are run by hand at a counter (MEMBER_COUNTER_HARDWARE=1), like the
    benchmarks: otherwise they are not part of the run (deselected, not skipped — CI has no
    printer, and a test that skips there is a failure)."""
    if os.environ.get(HARDWARE_ENV) == "1":
        return
    hand_run = [item for item in items if "hardware" in item.keywords]
    if hand_run:
        config.hook.pytest_deselected(items=hand_run)
        items[:] = [item for item in items if "hardware" not in item.keywords]


@dataclasses.dataclass
class Receipts:
    """Transaction ids by receipt kind, and their stable labels for golden files."""

    ctx: CounterContext
    txns: dict[str, str]
    labels: dict[str, str]

    def document(self, kind: str, *, reprint: bool = False) -> Receipt:
        return stable(receipt_for_txn(self.ctx, self.txns[kind], reprint=reprint), self.labels)


def _replace(value: Any, labels: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in labels.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {k: _replace(v, labels) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, labels) for v in value]
    return value


def stable(doc: Receipt, labels: dict[str, str]) -> Receipt:
    return Receipt.from_dict(_replace(doc.to_dict(), labels))


def business_rows(ctx: CounterContext) -> dict[str, list[tuple]]:
    """Every row of every table but the print queue (what printing must never change)."""
    conn = sqlite3.connect(str(ctx.db.path))
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name != 'print_job'"
            )
        ]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


@pytest.fixture
def receipts(
    ctx: CounterContext, cashier: Actor, manager: Actor, approval: Approval, clock: Any
) -> Iterator[Receipts]:
    conn = sqlite3.connect(str(ctx.db.path))
    conn.execute("UPDATE store SET qr_key = ?, device_id = ?", (FIXED_QR_KEY, FIXED_DEVICE_ID))
    conn.commit()
    conn.close()
    set_receipt_template(
        ctx,
        manager,
        ReceiptTemplate(
            header_lines=("地址:上海市黄浦区南京东路 100 号", "电话 021-12345678"),
            footer_lines=("谢谢惠顾,欢迎再次光临", "Thank you!"),
            counter_name="1号收银台",
        ),
    )
    txns: dict[str, str] = {}
    member = register_member(
        ctx,
        cashier,
        Registration(name="张三", phone="13800138000", consent=True, card_no="886000000010"),
    )
    reg_txn = (
        sqlite3.connect(str(ctx.db.path))
        .execute(
            "SELECT id FROM txn WHERE kind = 'register' AND member_id = ?", (member.member_id,)
        )
        .fetchone()[0]
    )
    txns["register"] = reg_txn
    clock.advance(minutes=5)
    txns["topup"] = top_up(ctx, cashier, member.card_no, 100_000, "wechat").txn_id
    clock.advance(minutes=5)
    txns["checkout"] = checkout(
        ctx, cashier, member.card_no, 12_345, points=0,
        tenders=[("stored_value", 10_000), ("cash", 5_000)],
    ).txn_id  # fmt: skip
    clock.advance(minutes=5)
    spend = checkout(ctx, cashier, member.card_no, 20_000, pay="stored_value")
    clock.advance(minutes=1)
    txns["refund"] = refund(ctx, cashier, spend.txn_id, approval).txn_id
    clock.advance(minutes=5)
    second = top_up(ctx, cashier, member.card_no, 50_000, "alipay")
    clock.advance(minutes=1)
    txns["topup_refund"] = refund(ctx, cashier, second.txn_id, approval).txn_id
    clock.advance(minutes=5)
    txns["card_replace"] = replace_card(
        ctx, cashier, "13800138000", new_card_no="886000000028", fee_method="cash"
    ).txn_id
    other = register_member(
        ctx,
        cashier,
        Registration(name="李四", phone="13900139000", consent=True, card_no="886000000036"),
    )
    top_up(ctx, cashier, other.card_no, 20_000, "cash")
    clock.advance(minutes=5)
    txns["card_cancel"] = cancel_card(ctx, cashier, other.card_no, approval).txn_id
    labels = {txn_id: f"T-{kind}" for kind, txn_id in txns.items()}
    labels[spend.txn_id] = "T-spend"
    labels[second.txn_id] = "T-topup2"
    yield Receipts(ctx, txns, labels)
