"""What the manager's screens share: report rows, printing or showing a report, a text pane."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from app.domain.money import format_cny
from app.domain.receipt import render_text
from app.services.printing import enqueue_document
from app.services.receipts import Row, report_receipt
from app.services.settings import printer_settings
from ui.errors import describe
from ui.models import method_name
from ui.ops import Op
from ui.session import Session

Q = QCoreApplication  # Q.translate("report", ...): found by lupdate, short lines


def money(fen: int | None) -> str:
    return "—" if fen is None else format_cny(fen)


def over_short_text(fen: int | None) -> str:
    """长款 (more cash than expected) or 短款 (less), never a bare sign."""
    if fen is None:
        return "—"
    if fen == 0:
        return Q.translate("report", "无长短款")
    return (
        Q.translate("report", "长款 {0}") if fen > 0 else Q.translate("report", "短款 {0}")
    ).format(format_cny(abs(fen)))


def _by_method(title: str, values: dict[str, int]) -> list[Row]:
    return [(f"  {title}{method_name(m)}", money(v)) for m, v in values.items()]


def figure_rows(f: dict[str, Any]) -> list[Row]:
    """The rows of a figures block (shared by the X and Z reports)."""
    sales, refunds, topups = f["sales"], f["refunds"], f["topups"]
    rows: list[Row] = [
        (Q.translate("report", "消费笔数"), str(sales["count"])),
        (Q.translate("report", "消费原价"), money(sales["gross_fen"])),
        (Q.translate("report", "会员折扣"), money(sales["discount_fen"])),
        (
            Q.translate("report", "积分抵现"),
            f"{sales['points_used']} = {money(sales['points_value_fen'])}",
        ),
        (Q.translate("report", "消费实收"), money(sales["net_fen"])),
        (Q.translate("report", "退款笔数"), str(refunds["count"])),
        (Q.translate("report", "退款金额"), money(refunds["net_fen"])),
        (Q.translate("report", "净营业额"), money(f["net_sales_fen"])),
        Q.translate("report", "按支付方式(净额)"),
        *_by_method("", f["sales_by_tender"]),
        None,
        Q.translate("report", "充值(储值负债,不计营业额)"),
        (Q.translate("report", "充值笔数"), str(topups["count"])),
        (Q.translate("report", "充值实收"), money(topups["amount_fen"])),
        (Q.translate("report", "赠送金额"), money(topups["bonus_fen"])),
        *_by_method("", topups["by_method"]),
        (Q.translate("report", "充值退款"), money(f["topup_refunds"]["amount_fen"])),
        None,
        (Q.translate("report", "现金收入"), money(f["cash"]["in_fen"])),
        (Q.translate("report", "找零"), money(f["cash"]["change_fen"])),
        (Q.translate("report", "现金退出"), money(f["cash"]["out_fen"])),
        (Q.translate("report", "现金净额"), money(f["cash"]["net_fen"])),
    ]
    return rows


def z_rows(z: dict[str, Any]) -> list[Row]:
    """The Z report (daily close) as printable rows."""
    state = (
        Q.translate("report", "已日结 {0}").format(z.get("closed_by") or "")
        if z.get("closed")
        else Q.translate("report", "预览(未日结)")
    )
    rows: list[Row] = [
        (Q.translate("report", "营业日"), z["business_date"]),
        (Q.translate("report", "状态"), state),
        None,
    ]
    rows += figure_rows(z)
    cards, members, liab = z["cards"], z["members"], z["liability"]
    rows += [
        None,
        (Q.translate("report", "新会员"), str(members["new"])),
        (Q.translate("report", "导入会员"), str(members["imported"])),
        (Q.translate("report", "发卡"), str(cards["issued"])),
        (Q.translate("report", "补卡"), str(cards["replaced"])),
        (Q.translate("report", "注销"), str(cards["cancelled"])),
        (Q.translate("report", "挂失"), str(cards["lost"])),
        None,
        Q.translate("report", "日结时负债"),
        (Q.translate("report", "储值本金"), money(liab["principal_fen"])),
        (Q.translate("report", "赠送金"), money(liab["bonus_fen"])),
        (Q.translate("report", "储值合计"), money(liab["total_fen"])),
        (Q.translate("report", "积分余额"), f"{liab['points']:,}"),
    ]
    late = z.get("arrived_late")  # other counters' operations of dates closed here
    if late and any(late.values()):
        rows += [
            (Q.translate("report", "其中他台迟到业务(储值)"),
             money(late["principal_fen"] + late["bonus_fen"])),
            (Q.translate("report", "其中他台迟到业务(积分)"), f"{late['points']:,}"),
        ]  # fmt: skip
    rows += [
        None,
        Q.translate("report", "收银员长短款"),
    ]
    for no, r in z["over_short_by_cashier"].items():
        rows.append((f"  {no} {r['staff_name']}", money(r["over_short_fen"])))
    rows.append((Q.translate("report", "长短款合计"), money(z["over_short_fen"])))
    outside = z.get("outside_shifts")
    if outside and outside.get("tenders"):
        rows.append((Q.translate("report", "班次外现金"), money(outside["cash_net_fen"])))
    return rows


def local_time(iso: str | None, tz: str) -> str:
    """A stored UTC time (ISO with offset) in the store's time zone, to the minute."""
    if not iso:
        return "—"
    return f"{dt.datetime.fromisoformat(iso).astimezone(ZoneInfo(tz)):%Y-%m-%d %H:%M}"


def x_rows(x: dict[str, Any], tz: str = "Asia/Shanghai") -> list[Row]:
    """The X report: every unfinished shift's figures so far, with the expected cash."""
    rows: list[Row] = [(Q.translate("report", "营业日"), x["business_date"])]
    if not x["shifts"]:
        rows += [None, Q.translate("report", "没有未交班的班次")]
    for s in x["shifts"]:
        f = s["figures"]
        rows += [
            None,
            (Q.translate("report", "收银员"), f"{s['staff_no']} {s['staff_name']}"),
            (Q.translate("report", "开班时间"), local_time(s["opened_at"], tz)),
            (Q.translate("report", "备用金"), money(s["float_fen"])),
            *figure_rows(f),
            (Q.translate("report", "应有现金"), money(f["expected_cash_fen"])),
        ]
        if s["counted_fen"] is not None:
            rows.append((Q.translate("report", "已点现金"), money(s["counted_fen"])))
    return rows


def shift_rows(view: Any) -> list[Row]:
    """The handover slip of a closed shift."""
    return [
        (Q.translate("report", "收银员"), f"{view.staff_no} {view.staff_name}"),
        (Q.translate("report", "营业日"), view.business_date.isoformat()),
        (Q.translate("report", "备用金"), money(view.float_fen)),
        (Q.translate("report", "清点现金"), money(view.counted_fen)),
        (Q.translate("report", "应有现金"), money(view.expected_fen)),
        (Q.translate("report", "长短款"), over_short_text(view.over_short_fen)),
        (Q.translate("report", "原因"), view.reason or "—"),
    ]


def print_or_show(
    session: Session,
    owner: QWidget,
    title: str,
    rows: list[Row],
    done: Callable[[list[str], bool], None],
) -> None:
    """Queue the report when a printer is set up, and give its text for the screen either way.

    ``done(lines, queued)`` runs on the UI thread."""
    ctx = session.ctx
    store = session.store.name if session.store else None

    def work() -> tuple[list[str], bool]:
        settings = printer_settings(ctx)
        doc = report_receipt(title, rows, store_name=store, kind="report")
        lines = render_text(doc, settings.columns)
        if not settings.configured:
            return lines, False
        enqueue_document(ctx, doc)
        return lines, True

    def finished(result: tuple[list[str], bool]) -> None:
        if result[1]:
            session.devices.wake_printer()
        done(*result)

    Op(session.tasks, work, owner=owner).success(finished).failure(
        lambda exc: done([describe(exc)], False)
    ).run()


class ReportText(QPlainTextEdit):
    """A report as the printer would print it, in a fixed-width font."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        self.setFont(font)
        self.setMinimumWidth(440)

    def show_lines(self, lines: list[str]) -> None:
        self.setPlainText("\n".join(lines))
