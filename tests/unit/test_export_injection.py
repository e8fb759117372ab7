"""Exports that cannot attack: formula-looking text is written as text, numbers as numbers."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.services import reports
from app.services.checkout import checkout
from app.services.exporting import export_members
from app.services.security import sign_in
from app.services.spreadsheets import safe_cell
from app.services.staff import add_staff
from app.services.stored_value import top_up

HOSTILE = [
    '=HYPERLINK("//e.cn","x")',
    "=cmd|' /C calc'!A0",
    "=2+5",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
]
DAY = dt.date(2026, 3, 15)


@pytest.mark.parametrize("text", [*HOSTILE, "\tx", "\rx"])
def test_formula_text_gets_a_leading_quote(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["张三", "13800138000", "", None, 12, -5, Decimal("-12.50"),
                                   1.5, DAY])  # fmt: skip
def test_everything_else_is_unchanged(value: object) -> None:
    assert safe_cell(value) == value


def _members(register) -> None:
    for i, name in enumerate(HOSTILE):
        register(name=name, phone=f"1390000{i:04d}")


def test_member_export_xlsx_holds_the_names_as_text(ctx, register, manager, tmp_path) -> None:
    _members(register)
    path = tmp_path / "members.xlsx"
    export_members(ctx, manager, path)
    sheet = load_workbook(path).worksheets[0]
    names = {}
    for row in sheet.iter_rows(min_row=2):
        names[row[1].value] = row[1].data_type
        assert row[10].data_type == "n"  # points: still a number
        assert row[9].data_type == "n"  # stored value
    assert names == {"'" + n: "s" for n in HOSTILE}
    for row in sheet.iter_rows():
        assert all(c.data_type != "f" for c in row)


def test_member_export_csv_cells_start_with_a_quote(ctx, register, manager, tmp_path) -> None:
    _members(register)
    path = tmp_path / "members.csv"
    export_members(ctx, manager, path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert sorted(r[1] for r in rows[1:]) == sorted("'" + n for n in HOSTILE)
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    assert all(r[10] == "0" for r in rows[1:])


def test_range_report_with_a_hostile_staff_name(ctx, admin, register, tmp_path) -> None:
    add_staff(ctx, admin, staff_no="c07", name="=2+5", role="cashier", pin="2580")
    hostile = sign_in(ctx, "c07", "2580")
    member = register(name="=cmd|' /C calc'!A0", phone="13900009999")
    top_up(ctx, hostile, member.member_id, 10_000, "cash")
    checkout(ctx, hostile, member.member_id, 1_000)
    report = reports.range_report(ctx, admin, DAY, DAY)
    xlsx = tmp_path / "rr.xlsx"
    reports.export_range_report(report, xlsx)
    book = load_workbook(xlsx)
    cashiers = book.worksheets[2]
    row = next(r for r in cashiers.iter_rows(min_row=2) if r[0].value == "c07")
    assert row[1].value == "'=2+5" and row[1].data_type == "s"
    assert row[3].value == 10 and row[3].data_type == "n"  # sales amount: a number
    for sheet in book.worksheets:
        for r in sheet.iter_rows():
            assert all(c.data_type != "f" for c in r)
    csv_path = tmp_path / "z.csv"
    reports.export_report({"note": "-1+1", "sales_fen": -500}, csv_path)
    with Path(csv_path).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1:] == [["note", "'-1+1"], ["sales_fen", "-5.00"]]
