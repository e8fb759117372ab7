"""Receipts for the counter's transactions, and a plain builder for the manager's reports.

A receipt is built from what was committed (the transaction, its tenders and ledger entries),
never from what the screen showed, so a reprint weeks later prints the same figures, marked
重打印. The store's own lines (header, footer, logo) come from the counter's settings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from app.domain import qr
from app.domain.errors import NotFoundError, RuleError
from app.domain.messages import render
from app.domain.money import format_cny
from app.domain.phone import mask_phone
from app.domain.receipt import (
    Block,
    Columns,
    Cut,
    Logo,
    Qr,
    Receipt,
    Rule,
    Text,
    render_text,
    text_blocks,
)
from app.persistence import sale_store
from app.persistence.receipt_queries import balances_after, card_issued_by, card_replaced_by
from app.persistence.tables import Txn
from app.persistence.uow import UnitOfWork
from app.services import countcard_receipts, refund_receipt
from app.services.context import CounterContext, load_rules
from app.services.sale_receipt import sale_blocks
from app.services.settings import ReceiptTemplate, printer_settings, receipt_template

METHOD_NAMES = {
    "stored_value": "储值",
    "cash": "现金",
    "wechat": "微信",
    "alipay": "支付宝",
    "bankcard": "银行卡",
}
TITLES = {
    "register": "会员开卡",
    "topup": "储值充值",
    "checkout": "消费小票",
    "refund": "消费退款",
    "topup_refund": "充值退款",
    "card_replace": "补卡",
    "card_cancel": "会员注销",
}
RECEIPT_KINDS = tuple(TITLES)
# Count cards' receipts (app.services.countcard_receipts) have their own titles and body.
ALL_TITLES = {**TITLES, **countcard_receipts.TITLES}
REPRINT_MARK = "*** 重打印 ***"


def _local_time(at: dt.datetime, tz_name: str) -> str:
    return at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz_name)).strftime("%Y-%m-%d %H:%M:%S")


def _method(name: str) -> str:
    return METHOD_NAMES.get(name, name)


def _header(template: ReceiptTemplate, store_name: str, title: str, reprint: bool) -> list[Block]:
    blocks: list[Block] = []
    if template.logo:
        blocks.append(Logo())
    blocks.append(
        Text(store_name, align="center", bold=True, double_width=True, double_height=True)
    )
    blocks.extend(text_blocks(template.header_lines))
    blocks.append(Text(title, align="center", bold=True))
    if reprint:
        blocks.append(_reprint_mark())
    blocks.append(Rule())
    return blocks


def _reprint_mark() -> Text:
    return Text(REPRINT_MARK, align="center", bold=True)


def mark_reprint(document: Receipt) -> Receipt:
    """``document`` printed again: marked 重打印 under its title (before its first rule, as
    a reprint's header has it), opening no cash drawer. A reprint already is left as it is."""
    if document.meta.get("reprint") or _reprint_mark() in document.blocks:
        return document
    blocks = list(document.blocks)
    at = next((i for i, b in enumerate(blocks) if isinstance(b, Rule)), len(blocks))
    blocks.insert(at, _reprint_mark())
    return dataclasses.replace(
        document,
        blocks=tuple(blocks),
        open_drawer=False,
        meta={**document.meta, "reprint": True},
    )


def _footer(template: ReceiptTemplate) -> list[Block]:
    blocks: list[Block] = [Rule()]
    blocks.extend(text_blocks(template.footer_lines))
    blocks.append(Cut())
    return blocks


def _money(fen: int) -> str:
    return format_cny(fen)


def _signed(fen: int) -> str:
    return f"-{format_cny(-fen)}" if fen > 0 else format_cny(-fen)


def has_receipt(ctx: CounterContext, txn_id: str) -> bool:
    """Whether the transaction prints a receipt (a card reported lost does not)."""
    with ctx.reader() as uow:
        txn = uow.txn((txn_id or "").strip())
        return txn is not None and txn.kind in ALL_TITLES


def last_receipt_of(ctx: CounterContext, staff_id: str) -> str | None:
    """The id of the newest transaction with a receipt that this cashier made (F9 after a
    restart reprints it; another cashier's stays theirs)."""
    with ctx.reader() as uow:
        txn = uow.last_txn_by(staff_id, ALL_TITLES)
        return txn.id if txn is not None else None


def receipt_for_txn(ctx: CounterContext, txn_id: str, *, reprint: bool = False) -> Receipt:
    """The receipt of a committed transaction (registration, top-up, checkout, refunds, cards)."""
    template = receipt_template(ctx)
    with ctx.reader() as uow:
        txn = uow.txn((txn_id or "").strip())
        if txn is None:
            raise NotFoundError("txn_not_found", txn_id=txn_id)
        if txn.kind not in ALL_TITLES:
            raise RuleError("receipt_unavailable", kind=txn.kind)
        store = uow.store()
        if store is None:
            raise RuleError("store_not_initialised")
        rules = load_rules(uow)
        member = uow.member(txn.member_id) if txn.member_id else None
        cashier = uow.staff_by_id(txn.staff_id) if txn.staff_id else None
        approver = uow.staff_by_id(txn.approved_by) if txn.approved_by else None
        counter = template.counter_name or store.device_id[-8:]

        title = ALL_TITLES[txn.kind]
        if refund_receipt.is_partial(uow, txn):
            title = render("receipt_refund_title")
        blocks = _header(template, store.name, title, reprint)
        blocks += [
            Columns("收银台", counter),
            Columns("收银员", f"{cashier.name}({cashier.staff_no})" if cashier else "-"),
            Columns("时间", _local_time(txn.created_at, store.timezone)),
            Columns("单号", txn.id),
        ]
        if approver is not None:
            blocks.append(Columns("授权", f"{approver.name}({approver.staff_no})"))
        if member is not None:
            card = card_issued_by(uow, member.id, txn.created_at)
            blocks += [
                Rule(),
                Columns("会员", member.name),
                Columns("手机", mask_phone(member.phone)),
            ]
            if card is not None:
                blocks.append(Columns("卡号", card.card_no))
        elif txn.kind in ("checkout", "refund"):  # a walk-in's sale or its refund
            blocks += [
                Rule(),
                Columns(render("receipt_sale_customer"), render("receipt_sale_walk_in")),
            ]
        body = _body(uow, txn)
        if body:
            blocks += [Rule(), *body]
        tier_name = None
        if member is not None:
            after = balances_after(uow, member.id, txn.id)
            tier_code = after.tier_code or rules.base_tier.code
            tier_name = {t.code: t.name for t in rules.tiers}.get(tier_code, tier_code)
            blocks += [
                Rule(),
                Columns("储值余额", _money(after.stored_value_fen), bold=True),
                Columns("  其中本金", _money(after.principal_fen)),
                Columns("  其中赠送", _money(after.bonus_fen)),
                Columns("积分余额", str(after.points)),
                Columns("会员等级", tier_name),
            ]
        if txn.kind == "register" and member is not None:
            blocks += _welcome(uow, member.card_id)
        if txn.kind == "checkout":
            # Scanned at F7 (a refund), the code finds the sale by its 单号 exactly.
            blocks += [Rule(), Qr(txn.id), Text(render("receipt_sale_code"), align="center")]
        blocks += _footer(template)
        tenders = uow.tenders(txn.id)
        # Cash taken in or paid back: the drawer opens (never for a reprint).
        cash = any(t.method == "cash" and t.amount_fen != 0 for t in tenders)
        return Receipt(
            blocks=tuple(blocks),
            kind=txn.kind,
            open_drawer=cash and not reprint,
            meta={"txn_id": txn.id, "reprint": reprint, "tier": tier_name},
        )


def receipt_preview(
    ctx: CounterContext, txn_id: str, *, reprint: bool = False, columns: int | None = None
) -> list[str]:
    """The receipt as text lines, as wide as the counter's paper: the screen shows this when
    there is no printer (or while the printer is down)."""
    width = columns or printer_settings(ctx).columns
    return render_text(receipt_for_txn(ctx, txn_id, reprint=reprint), width)


def _welcome(uow: UnitOfWork, card_id: str | None) -> list[Block]:
    blocks: list[Block] = [Rule(), Text("欢迎加入会员!", align="center", bold=True)]
    card = uow.card(card_id) if card_id else None
    store = uow.store()
    if card is not None and card.status == "active" and store is not None:
        payload = qr.static_payload(bytes.fromhex(store.qr_key), card.card_no)
        blocks += [Qr(payload), Text("结账时出示此码即可识别会员", align="center")]
    return blocks


def _tender_lines(uow: UnitOfWork, txn: Txn, *, back: bool = False) -> list[Block]:
    blocks: list[Block] = []
    for t in uow.tenders(txn.id):
        label = ("退回" if back else "") + _method(t.method)
        blocks.append(Columns(label, _money(abs(t.amount_fen))))
        if t.change_fen:
            blocks.append(Columns("找零", _money(t.change_fen)))
    return blocks


def _body(uow: UnitOfWork, txn: Txn) -> list[Block]:
    if txn.kind in countcard_receipts.TITLES:
        return countcard_receipts.body(uow, txn, _tender_lines(uow, txn, back=txn.amount_fen < 0))
    if txn.kind == "topup":
        blocks: list[Block] = [Columns("充值金额", _money(txn.amount_fen), bold=True)]
        if txn.bonus_fen:
            blocks.append(Columns("赠送金额", _money(txn.bonus_fen)))
        return blocks + _tender_lines(uow, txn)
    if txn.kind == "checkout":
        cart = sale_store.cart_of(uow, txn.id)
        if cart is not None:  # a cart sale: its lines and why each costs what it does
            lines = list(sale_store.lines_of(uow, txn.id))
            blocks = sale_blocks(cart, lines, txn.points_used, txn.points_value_fen)
        else:
            blocks = [Columns("消费金额", _money(txn.amount_fen))]
            if txn.discount_fen:
                blocks.append(Columns("会员折扣", _signed(txn.discount_fen)))
            if txn.points_used:
                blocks.append(
                    Columns(f"积分抵现({txn.points_used}分)", _signed(txn.points_value_fen))
                )
        blocks.append(Columns("应付", _money(txn.due_fen), bold=True))
        blocks += _tender_lines(uow, txn)
        if txn.member_id is None:  # a walk-in customer (散客) earns nothing
            return blocks
        blocks.append(Columns("本次积分", f"+{txn.points_earned}"))
        if txn.tier_after and txn.tier_before and txn.tier_after != txn.tier_before:
            rules = load_rules(uow)
            names = {t.code: t.name for t in rules.tiers}
            blocks.append(Columns("等级升级", names.get(txn.tier_after, txn.tier_after)))
        return blocks
    if refund_receipt.is_partial(uow, txn):  # 退货: a cart sale's lines
        return refund_receipt.refund_blocks(uow, txn, _tender_lines(uow, txn, back=True))
    if txn.kind == "refund":
        blocks = [Columns("原单号", txn.original_txn_id or "-")]
        if txn.note:  # a walk-in's amount-only sale refunded whole (its reason)
            blocks.append(Columns(render("receipt_refund_reason"), txn.note))
        blocks.append(Columns("退款金额", _money(-txn.due_fen), bold=True))
        sv_back = sum(e.principal_fen + e.bonus_fen for e in uow.sv_entries(txn.id))
        if sv_back:
            blocks.append(Columns("退回储值", _money(sv_back)))
        blocks += _tender_lines(uow, txn, back=True)
        entries = uow.points_entries(txn.id)
        restored = sum(e.points for e in entries if e.points > 0)
        clawed = -sum(e.points for e in entries if e.points < 0)
        if restored:
            blocks.append(Columns("退回积分", f"+{restored}"))
        if clawed:
            blocks.append(Columns("扣回积分", f"-{clawed}"))
        if txn.points_shortfall:
            blocks.append(Columns("未能扣回积分", str(txn.points_shortfall)))
        return blocks
    if txn.kind == "topup_refund":
        blocks = [
            Columns("原单号", txn.original_txn_id or "-"),
            Columns("退回本金", _money(-txn.amount_fen), bold=True),
        ]
        if txn.bonus_fen:
            blocks.append(Columns("扣回赠送金", _money(-txn.bonus_fen)))
        return blocks + _tender_lines(uow, txn, back=True)
    if txn.kind == "card_replace":
        blocks = []
        new = card_issued_by(uow, txn.member_id or "", txn.created_at)
        old = card_replaced_by(uow, new.id) if new is not None else None
        if old is not None:
            blocks.append(Columns("原卡号", old.card_no))
        if new is not None:
            blocks.append(Columns("新卡号", new.card_no, bold=True))
        blocks.append(Columns("补卡工本费", _money(txn.amount_fen)))
        return blocks + _tender_lines(uow, txn)
    if txn.kind == "card_cancel":
        blocks = [Columns("退回本金", _money(-txn.amount_fen), bold=True)]
        if txn.bonus_fen:
            blocks.append(Columns("作废赠送金", _money(-txn.bonus_fen)))
        return blocks + _tender_lines(uow, txn, back=True)
    return []  # register: the welcome and the member's QR follow the balances


Row = tuple[str, str] | str | None


def report_receipt(
    title: str,
    rows: Sequence[Row],
    *,
    store_name: str | None = None,
    subtitle: str | None = None,
    printed_at: str | None = None,
    kind: str = "report",
    meta: dict[str, Any] | None = None,
) -> Receipt:
    """A printable report (shift handover, X/Z report): (label, value) rows, text lines, rules.

    ``None`` in ``rows`` is a rule; a plain string is a line of its own.
    """
    blocks: list[Block] = []
    if store_name:
        blocks.append(Text(store_name, align="center", bold=True))
    blocks.append(Text(title, align="center", bold=True, double_width=True, double_height=True))
    if subtitle:
        blocks.append(Text(subtitle, align="center"))
    if printed_at:
        blocks.append(Columns("打印时间", printed_at))
    blocks.append(Rule())
    for row in rows:
        if row is None:
            blocks.append(Rule())
        elif isinstance(row, str):
            blocks.append(Text(row))
        else:
            blocks.append(Columns(row[0], row[1]))
    blocks += [Rule(), Cut()]
    return Receipt(blocks=tuple(blocks), kind=kind, meta=dict(meta or {}))
