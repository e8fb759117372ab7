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
import re
import stat
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from app.domain.errors import ValidationError
from app.private_files import private_dir, private_file
from app.services.table_header import HeaderTest, Line, Merge, find_header


@dataclass(frozen=True)
class Table:
    headers: list[str]  # a two-level header's column is "parent/child" (储值信息/赠送余额)
    rows: list[list[str]]  # data rows, each as long as ``headers``
    encoding: str  # "utf-8", "utf-8-sig", "gb18030" or "xlsx"
    first_line: int = 2  # the file's line (row) number of rows[0]
    lines: list[int] | None = None  # the file's line number of each row (None: consecutive)
    header_lines: tuple[int, ...] = (1,)  # the header's line, and its sub-header's if any
    children: list[str] | None = None  # the child part of each header of a two-level header

    def line(self, i: int) -> int:
        return self.lines[i] if self.lines is not None else self.first_line + i

    def short(self, i: int) -> str:
        """The child name of column ``i`` (赠送余额 of 储值信息/赠送余额), else its header."""
        return self.children[i] if self.children is not None else self.headers[i]


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV file's bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise ValidationError("import_encoding") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ValidationError("import_encoding") from None


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


# -- reading, bounded ----------------------------------------------------------------------
# An import file is refused before the work when it is not a regular file, larger than
# MAX_FILE_BYTES (or, for .xlsx, unpacking to more than MAX_UNPACKED_BYTES), or has more than
# MAX_ROWS rows (blank ones included: a sheet of a million formatted empty rows is refused in
# a moment, not read for a minute). Files are read as streams: an .xlsx with openpyxl's
# read-only mode, a CSV through csv.reader; memory holds only the rows kept.

MAX_ROWS = 200_000
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_COLUMNS = 256
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def _too_many_rows(rows: int | None = None) -> ValidationError:
    return ValidationError("import_too_many_rows", limit=f"{MAX_ROWS:,}", rows=rows)


def _kept(cells: list[str], rows: list[Line], seen: int) -> None:
    if seen > MAX_ROWS + 1:  # the header and MAX_ROWS data rows
        raise _too_many_rows()
    if any(cells):
        rows.append((seen, cells))


def _read_xlsx(path: Path) -> tuple[list[Line], list[Merge]]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
            if "xl/workbook.xml" not in names:
                raise ValidationError("import_not_xlsx", path=path.name)
            if unpacked > MAX_UNPACKED_BYTES:
                raise ValidationError(
                    "import_too_big",
                    size=f"{unpacked / 2**20:,.0f}",
                    limit=f"{MAX_UNPACKED_BYTES >> 20}",
                )
            # Before openpyxl: without a <dimension> it reads the whole sheet just to open it.
            sheet_xml = _first_sheet(archive, names)
            if _row_tags_over(archive, sheet_xml, MAX_ROWS + 1):
                raise _too_many_rows()
            merges = _merged_ranges(archive, sheet_xml)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ET.ParseError, KeyError):
        raise ValidationError("import_not_xlsx", path=path.name) from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError):
        raise ValidationError("import_not_xlsx", path=path.name) from None
    try:
        if not book.worksheets:
            raise ValidationError("import_empty")
        sheet = book.worksheets[0]
        rows: list[Line] = []
        for seen, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), 1):
            _kept([cell_text(v) for v in values], rows, seen)
        return rows, merges
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, EOFError):
        raise ValidationError("import_not_xlsx", path=path.name) from None
    finally:
        book.close()


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


_MERGE = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref="([A-Z]{1,3}[0-9]+):([A-Z]{1,3}[0-9]+)"'
)


def _merged_ranges(archive: zipfile.ZipFile, member: str) -> list[Merge]:
    """The sheet's merged ranges (read-only openpyxl does not read them): <mergeCell> tags
    come after the rows, found while unpacking as :func:`_row_tags_over` counts rows."""
    found: set[Merge] = set()
    tail = b""
    with archive.open(member) as xml:
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            for first, last in _MERGE.findall(data):
                min_col, min_row, max_col, max_row = range_boundaries(
                    f"{first.decode()}:{last.decode()}"
                )
                found.add((min_col, min_row, max_col, max_row))  # type: ignore[arg-type]
            tail = data[-128:]  # a tag cut at the chunk's end is found whole with the next
    return sorted(found)


def _first_sheet(archive: zipfile.ZipFile, names: set[str]) -> str:
    """The archive member of the workbook's first sheet (the one an import reads)."""
    book = ET.fromstring(archive.read("xl/workbook.xml"))
    sheet = book.find(f"{_MAIN}sheets/{_MAIN}sheet")
    if sheet is None:
        raise KeyError("no sheet")
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Id") == sheet.get(f"{_REL}id"):
            target = rel.get("Target", "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if member in names:
                return member
    raise KeyError("no sheet")


def _row_tags_over(archive: zipfile.ZipFile, member: str, limit: int) -> bool:
    """Whether the sheet's XML holds more than ``limit`` rows: its <row> tags counted while
    unpacking (a fifth of a second for a million), long before openpyxl would parse them."""
    count, tail = 0, b""
    with archive.open(member) as xml:
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            count += len(_ROW_TAG.findall(data))
            # A tag cut at the chunk's end is counted with the next chunk, not twice.
            cut = data.rfind(b"<", max(0, len(data) - 64))
            tail = data[cut:] if cut != -1 and _ROW_TAG.match(data, cut) is None else b""
            if count > limit:
                return True
    return False


def _read_csv(path: Path) -> tuple[list[Line], str]:
    with path.open("rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError("import_too_big", size=f"> {MAX_FILE_BYTES >> 20}",
                              limit=f"{MAX_FILE_BYTES >> 20}")  # fmt: skip
    nul = data.find(b"\x00")
    if nul != -1:  # binary, or UTF-16 ("Unicode text" from Excel): not a text CSV
        raise ValidationError("import_nul", line=data.count(b"\n", 0, nul) + 1)
    text, encoding = decode(data)
    del data
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[Line] = []
    try:
        for seen, cells in enumerate(reader, 1):
            _kept([cell_text(v) for v in cells[:MAX_COLUMNS]], rows, seen)
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            limit = f"{csv.field_size_limit():,}"
            raise ValidationError("import_field_too_long", line=line, limit=limit) from None
        raise ValidationError("import_not_csv", line=line) from None
    return rows, encoding


def read_table(
    path: Path | str, *, header_row: int | None = None, is_header: HeaderTest | None = None
) -> Table:
    """The header and data rows of a .csv or .xlsx file (blank rows dropped).

    The header is the row ``header_row`` (the file's line number, as a spreadsheet shows it)
    or, given ``is_header`` (does a cell name a known column?), found among the first rows:
    title and blank rows above it are skipped, and a two-level header (a merged parent over
    its children) is read as one, each column named "parent/child". Without either, it is
    the first row that is not blank. See :mod:`app.services.table_header`.

    Refuses, saying what is wrong, a file that is not a regular file, too large, with too many
    rows, not a spreadsheet or CSV, with a field too long or in an encoding it cannot read."""
    path = Path(path)
    merges: list[Merge] = []
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ValidationError("import_not_regular", path=str(path))
        if info.st_size > MAX_FILE_BYTES:
            raise ValidationError(
                "import_too_big",
                size=f"{info.st_size / 2**20:,.0f}",
                limit=f"{MAX_FILE_BYTES >> 20}",
            )
        if path.suffix.lower() in XLSX_SUFFIXES:
            (rows, merges), encoding = _read_xlsx(path), "xlsx"
        else:
            rows, encoding = _read_csv(path)
    except OSError as exc:
        raise ValidationError("import_file_unreadable", detail=exc.strerror or str(exc)) from None
    if not rows:
        raise ValidationError("import_empty")
    header = find_header(rows, merges, header_row=header_row, is_header=is_header)
    # Columns past the last header are not the table's (an .xlsx row reads 256 cells wide).
    width = max((i + 1 for i, name in enumerate(header.names) if name), default=0)
    names = header.names[:width]
    children = header.children[:width] if header.children is not None else None
    body = rows[header.first_data :]
    data = [(r + [""] * width)[:width] if len(r) != width else r for _line, r in body]
    if not data:
        raise ValidationError("import_empty")
    lines = [line for line, _r in body]
    return Table(
        headers=names,
        rows=data,
        encoding=encoding,
        first_line=lines[0],
        lines=lines,
        header_lines=header.lines,
        children=children,
    )


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


@contextmanager
def _written_whole(path: Path) -> Iterator[Path]:
    """A ``.partial`` file beside ``path`` (owner-only) to write into; it replaces ``path``
    only when written in full, and is removed if writing fails (a full disk, say): an earlier
    file at ``path`` is never replaced by half a file."""
    if not path.parent.exists():
        private_dir(path.parent)  # a folder made for an export is the owner's only
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    private_file(partial)  # openpyxl and open() truncate it and keep its mode
    try:
        yield partial
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


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
    n = 0
    with _written_whole(path) as partial:
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
    return n


def write_workbook(
    path: Path | str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]
) -> None:
    """Several (title, headers, rows) sheets in one .xlsx."""
    path = Path(path)
    with _written_whole(path) as partial:
        book = Workbook(write_only=True)
        for title, headers, rows in sheets:
            ws = book.create_sheet(title[:31])
            ws.append(_safe_row(headers))
            for row in rows:
                ws.append(_safe_row(row))
        book.save(partial)
