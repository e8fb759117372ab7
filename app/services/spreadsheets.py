"""Reading and writing the tables managers exchange: CSV (UTF-8, UTF-8 with BOM, GBK) and .xlsx.

Cells come back as text, the way a person typed them: numbers without a spurious
".0", dates as ISO ``YYYY-MM-DD``. Encodings of a CSV are detected: a UTF-8 BOM,
then strict UTF-8, then GB18030 (a superset of GBK and GB2312, which is what
Excel on a Chinese Windows writes).

Every cell written goes through :func:`safe_cell`: text that a spreadsheet would take for a
formula (a member named ``=HYPERLINK(...)``) is written as text, numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from app.domain.errors import ValidationError


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]  # data rows, each as long as ``headers``
    encoding: str  # "utf-8", "utf-8-sig", "gb18030" or "xlsx"
    first_line: int = 2  # the file's line (row) number of rows[0]


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV file's bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "import_file_unreadable", detail=f"unknown encoding ({exc})"
        ) from None


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # 138001380 00 typed as a number, or 12.5 yuan: no float noise, no ".0".
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    return str(value).strip()


def _squared(rows: Iterable[Sequence[Any]]) -> Iterator[list[str]]:
    for row in rows:
        cells = [cell_text(v) for v in row]
        if any(cells):
            yield cells


def read_table(path: Path | str) -> Table:
    """The header row and data rows of a .csv or .xlsx file (blank rows dropped)."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            book = load_workbook(path, read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                rows = list(_squared(sheet.iter_rows(values_only=True)))
            finally:
                book.close()
            encoding = "xlsx"
        else:
            text, encoding = decode(path.read_bytes())
            rows = list(_squared(csv.reader(io.StringIO(text, newline=""))))
    except ValidationError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError(
            "import_file_unreadable", detail=str(exc) or type(exc).__name__
        ) from None
    if not rows:
        raise ValidationError("import_empty")
    headers = rows[0]
    width = len(headers)
    data = [(r + [""] * width)[:width] if len(r) != width else r for r in rows[1:]]
    if not data:
        raise ValidationError("import_empty")
    return Table(headers=headers, rows=data, encoding=encoding)


# What makes Excel, LibreOffice or WPS read a cell as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell as exports write it: text starting like a formula gets a leading ``'`` (OWASP's
    advice), so it is shown and stored as the text it is; numbers, dates and None unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def write_table(
    path: Path | str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
) -> int:
    """Write ``rows`` under ``headers`` to a .xlsx or .csv (UTF-8 with BOM, so Excel reads the
    Chinese right); returns the number of rows written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError("export_format", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    n = 0
    if suffix == ".xlsx":
        book = Workbook(write_only=True)
        ws = book.create_sheet(sheet[:31])
        ws.append(_safe_row(headers))
        for row in rows:
            ws.append(_safe_row(row))
            n += 1
        book.save(partial)
    else:
        with partial.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(_safe_row(headers))
            for row in rows:
                writer.writerow(_safe_row(row))
                n += 1
    partial.replace(path)  # an earlier export at the same path is replaced only by a whole one
    return n


def write_workbook(
    path: Path | str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]
) -> None:
    """Several (title, headers, rows) sheets in one .xlsx."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    book = Workbook(write_only=True)
    for title, headers, rows in sheets:
        ws = book.create_sheet(title[:31])
        ws.append(_safe_row(headers))
        for row in rows:
            ws.append(_safe_row(row))
    book.save(partial)
    partial.replace(path)
