"""Counter settings, receipts built from committed transactions, and the print queue's
service side (no printer involved)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from app.domain.errors import CounterError
from app.domain.receipt import Columns, Qr, Text, display_width, render_text
from app.ports import FixedClock
from app.services import printing
from app.services.checkout import checkout
from app.services.context import CounterContext
from app.services.lookup import MemberView
from app.services.points import expire_points
from app.services.receipts import (
    REPRINT_MARK,
    receipt_for_txn,
    receipt_preview,
    report_receipt,
)
from app.services.security import Actor
from app.services.settings import (
    DisplaySettings,
    PrinterSettings,
    ReceiptTemplate,
    ScannerSettings,
    get_setting,
    printer_settings,
    receipt_template,
    scanner_settings,
    set_printer_settings,
    set_receipt_template,
    set_scanner_settings,
    set_setting,
)
from app.services.stored_value import top_up
from tests.helpers import Snapshot, query, refused


def _values(doc: object) -> dict[str, str]:
    return {b.left: b.right for b in doc.blocks if isinstance(b, Columns)}  # type: ignore[attr-defined]


# -- settings ----------------------------------------------------------------------------------


def test_settings_start_with_defaults(ctx: CounterContext) -> None:
    p = printer_settings(ctx)
    assert p == PrinterSettings() and not p.configured and p.columns == 48
    assert receipt_template(ctx).footer_lines
    assert get_setting(ctx, "display") == DisplaySettings()


def test_a_manager_sets_the_printer_with_an_audit_entry_and_no_outbox_event(
    ctx: CounterContext, manager: Actor
) -> None:
    outbox_before = query(ctx, "SELECT COUNT(*) FROM outbox")[0][0]
    saved = set_printer_settings(
        ctx,
        manager,
        PrinterSettings(address="tcp:192.168.1.50", encoding="gbk", width=58, enabled=True),
    )
    assert saved.address == "tcp:192.168.1.50:9100" and saved.encoding == "GBK"
    assert printer_settings(ctx) == saved and saved.configured and saved.columns == 32
    action, entity, entity_id, after = query(
        ctx, "SELECT action, entity, entity_id, after FROM audit_log ORDER BY seq DESC LIMIT 1"
    )[0]
    assert (action, entity, entity_id) == ("setting.change", "setting", "printer")
    assert json.loads(after)["address"] == "tcp:192.168.1.50:9100"
    assert query(ctx, "SELECT COUNT(*) FROM outbox")[0][0] == outbox_before


def test_a_cashier_cannot_change_settings(
    ctx: CounterContext, cashier: Actor, snapshot: Snapshot
) -> None:
    refused(snapshot, "permission_denied", set_printer_settings, ctx, cashier,
            PrinterSettings(address="file:/tmp/x", enabled=True))  # fmt: skip


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("printer", PrinterSettings(address="lpt1"), "printer_address_invalid"),
        ("printer", PrinterSettings(width=76), "paper_width_invalid"),
        ("printer", PrinterSettings(encoding="latin-1"), "encoding_invalid"),
        ("receipt", ReceiptTemplate(header_lines=tuple("x" * 9)), "setting_invalid"),
        ("receipt", ReceiptTemplate(footer_lines=("长" * 65,)), "setting_invalid"),
        ("display", DisplaySettings(baudrate=3), "setting_invalid"),
        ("scanner", ScannerSettings(max_gap_ms=2), "setting_invalid"),
        ("scanner", ScannerSettings(prefix="x" * 9), "setting_invalid"),
        ("printer", {"width": "wide"}, "paper_width_invalid"),
        ("nonsense", {}, "setting_unknown"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(
    ctx: CounterContext, manager: Actor, snapshot: Snapshot, key: str, value: object, code: str
) -> None:
    refused(snapshot, code, set_setting, ctx, manager, key, value)


def test_scanner_settings_round_trip(ctx: CounterContext, manager: Actor) -> None:
    assert scanner_settings(ctx) == ScannerSettings()
    saved = set_scanner_settings(
        ctx, manager, ScannerSettings(serial_port=" COM4 ", prefix="#", max_gap_ms=30)
    )
    assert saved.serial_port == "COM4" and scanner_settings(ctx) == saved


def test_a_printer_without_address_is_not_enabled(ctx: CounterContext, admin: Actor) -> None:
    assert set_printer_settings(ctx, admin, PrinterSettings(enabled=True)).enabled is False


# -- receipts ----------------------------------------------------------------------------------


def test_receipts_show_the_figures_of_their_day_even_when_reprinted_later(
    ctx: CounterContext,
    cashier: Actor,
    manager: Actor,
    register: Callable[..., MemberView],
    clock: FixedClock,
) -> None:
    template = ReceiptTemplate(header_lines=("南京东路店",), counter_name="3号台", logo=True)
    set_receipt_template(ctx, manager, template)
    m = register("张三", "13800138000")
    t = top_up(ctx, cashier, m.card_no, 100_000, "wechat")
    clock.advance(hours=1)
    spend = checkout(ctx, cashier, m.card_no, 50_000, pay="stored_value")
    doc = receipt_for_txn(ctx, t.txn_id)
    values = _values(doc)
    assert values["储值余额"] == "¥1,150.00"  # at the top-up, not today's ¥650.00
    assert values["充值金额"] == "¥1,000.00" and values["赠送金额"] == "¥150.00"
    assert values["手机"] == "138****8000"
    assert values["收银员"] == "李收银(c01)" and values["收银台"] == "3号台"
    assert values["时间"] == "2026-03-15 10:00:00"  # Shanghai time
    assert values["单号"] == t.txn_id and values["会员等级"] == "普通"
    assert REPRINT_MARK not in "\n".join(render_text(doc))
    assert any(isinstance(b, Text) and b.text == "南京东路店" for b in doc.blocks)
    again = receipt_for_txn(ctx, t.txn_id, reprint=True)
    assert REPRINT_MARK in "\n".join(render_text(again))
    assert _values(again)["储值余额"] == "¥1,150.00"

    after_spend = _values(receipt_for_txn(ctx, spend.txn_id))
    assert after_spend["储值余额"] == "¥650.00"
    assert after_spend["本次积分"] == "+500" and after_spend["积分余额"] == "500"
    assert "13800138000" not in json.dumps(doc.to_dict(), ensure_ascii=False)


def test_the_preview_is_as_wide_as_the_counters_paper(
    ctx: CounterContext, cashier: Actor, manager: Actor, register: Callable[..., MemberView]
) -> None:
    m = register("赵六", "13600136000")
    t = top_up(ctx, cashier, m.card_no, 10_000, "alipay")
    assert max(display_width(line) for line in receipt_preview(ctx, t.txn_id)) == 48
    set_printer_settings(ctx, manager, PrinterSettings(width=58))
    lines = receipt_preview(ctx, t.txn_id, reprint=True)
    assert max(display_width(line) for line in lines) == 32 and REPRINT_MARK.strip() in "".join(
        lines
    )


def test_registration_receipt_has_the_member_qr(
    ctx: CounterContext, register: Callable[..., MemberView]
) -> None:
    m = register("李四", "13900139000")
    txn_id = query(ctx, "SELECT id FROM txn WHERE kind = 'register'")[0][0]
    doc = receipt_for_txn(ctx, txn_id)
    qr = next(b for b in doc.blocks if isinstance(b, Qr))
    assert qr.payload.startswith(f"MC1.S.{m.card_no}.")
    assert doc.kind == "register" and not doc.open_drawer


def test_transactions_without_a_receipt_are_refused(
    ctx: CounterContext, manager: Actor, snapshot: Snapshot
) -> None:
    refused(snapshot, "txn_not_found", receipt_for_txn, ctx, "no-such-txn")
    expire_points(ctx, manager)
    rows = query(ctx, "SELECT id FROM txn WHERE kind = 'points_expire'")
    for (txn_id,) in rows:
        refused(snapshot, "receipt_unavailable", receipt_for_txn, ctx, txn_id)


def test_report_receipt_rows() -> None:
    doc = report_receipt("日结报表 Z", [("营业额", "¥100.00"), None, "备注"], store_name="测试门店")
    lines = render_text(doc, 32)
    assert any(line.startswith("营业额") and line.endswith("￥100.00") for line in lines)
    assert doc.kind == "report"


# -- the queue (service side) -------------------------------------------------------------------


def test_queueing_a_receipt_touches_only_the_print_queue(
    ctx: CounterContext, cashier: Actor, register: Callable[..., MemberView]
) -> None:
    m = register("王五", "13700137000")
    t = top_up(ctx, cashier, m.card_no, 10_000, "cash")
    tables = ("member", "txn", "sv_entry", "audit_log", "outbox", "txn_tender")
    before = {name: query(ctx, f"SELECT * FROM {name}") for name in tables}
    job = printing.enqueue_receipt(ctx, t.txn_id)
    assert {name: query(ctx, f"SELECT * FROM {name}") for name in tables} == before
    assert job.state == printing.QUEUED and job.attempts == 0 and job.txn_id == t.txn_id
    assert job.document == receipt_for_txn(ctx, t.txn_id)
    assert job.document.open_drawer  # cash
    assert not printing.was_printed(ctx, t.txn_id)
    assert [j.id for j in printing.list_jobs(ctx, states=[printing.QUEUED])] == [job.id]
    assert printing.list_jobs(ctx, states=[printing.DONE]) == []

    token = "worker-1"
    claimed = printing.claim_next(ctx, token)
    assert claimed is not None and claimed.id == job.id and claimed.attempts == 1
    assert printing.claim_next(ctx, "worker-2") is None  # nobody else gets it
    assert printing.claim(ctx, job.id, "worker-2") is None
    assert printing.finish(ctx, job.id, "worker-2") is False  # only the claimer finishes
    assert printing.finish(ctx, job.id, token) is True
    assert printing.was_printed(ctx, t.txn_id)
    with pytest.raises(CounterError):
        printing.list_jobs(ctx, states=["lost"])


def test_a_job_that_may_have_printed_is_marked_reprint_for_its_retry(
    ctx: CounterContext,
) -> None:
    doc = report_receipt("交班报表", [("现金", "¥1.00")], store_name="测试门店")
    job = printing.enqueue_document(ctx, doc)
    printing.claim_next(ctx, "w")
    assert printing.fail(ctx, job.id, "w", "not confirmed", ctx.now(), maybe_printed=True)
    again = printing.get_job(ctx, job.id)
    assert again.state == printing.QUEUED and again.reprint
    texts = [b.text for b in again.document.blocks if isinstance(b, Text)]
    assert texts == ["测试门店", "交班报表", REPRINT_MARK]  # under the title
    # Failing again does not mark it twice; a job that failed before sending is not marked.
    printing.claim_next(ctx, "w")
    printing.fail(ctx, job.id, "w", "not confirmed", ctx.now(), maybe_printed=True)
    assert printing.get_job(ctx, job.id).document == again.document
    other = printing.enqueue_document(ctx, doc)
    printing.claim(ctx, other.id, "x")
    printing.fail(ctx, other.id, "x", "refused", ctx.now())
    assert not printing.get_job(ctx, other.id).reprint
    assert printing.get_job(ctx, other.id).document == doc
