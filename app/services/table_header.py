"""Finding a table's header row in a file an old system exported.

Exports and templates often put a title (会员资料导出 2024-05-01) and blank rows above the
header, and group columns under a merged parent cell (储值信息 over 储值余额 and 赠送余额,
with 姓名 and 手机号 merged down over both rows). Given a test of whether a cell names a
known column, the header is the row among the first :data:`SCAN_ROWS` that names the most
known columns; read together with the row below as one two-level header when that names
more. A column of a two-level header is named "parent/child" (储值信息/赠送余额), or by
the one cell it has. The rows above the header and its sub-header are never data.

A parent row is a real parent (and not a title over the header) when it has two different
names or more; at the same count of known columns a one-row header wins over a two-row one.
A parent's name covers the columns its merged range spans (.xlsx) or, when nothing is
merged (CSV), the blank cells to its right that have a child.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.domain.errors import ValidationError

Line = tuple[int, list[str]]  # (the file's line number, the row's cells)
Merge = tuple[int, int, int, int]  # an .xlsx merged range: (min_col, min_row, max_col, max_row)
HeaderTest = Callable[[str], bool]

SCAN_ROWS = 30  # the header is looked for among the file's first rows that are not blank
SEPARATOR = "/"


@dataclass(frozen=True)
class Header:
    names: list[str]  # each column's name; "" for a column without a header
    children: list[str] | None  # a two-level header's child names (or the one name it has)
    lines: tuple[int, ...]  # the header's line, and its sub-header's
    first_data: int  # the index (in the file's non-blank rows) of the first data row


def _parents(parent: list[str], child: list[str], line: int, merges: list[Merge]) -> list[str]:
    width = max(len(parent), len(child))
    out = (parent + [""] * width)[:width]
    kids = (child + [""] * width)[:width]
    merged = False
    for min_col, min_row, max_col, _max_row in merges:
        if min_row == line and max_col > min_col:
            merged = True
            for j in range(min_col, min(max_col, width)):
                out[j] = out[j] or out[min_col - 1]
    if not merged:
        for j in range(1, width):
            if not out[j] and kids[j] and out[j - 1] and kids[j - 1]:
                out[j] = out[j - 1]
    return out


def _two_level(parent: list[str], child: list[str], line: int,
               merges: list[Merge]) -> tuple[list[str], list[str]] | None:  # fmt: skip
    """(names, children) of ``parent`` over ``child``, or None if ``parent`` is no parent."""
    parents = _parents(parent, child, line, merges)
    kids = (child + [""] * len(parents))[: len(parents)]
    if len({p for p in parents if p}) < 2 or not any(kids):
        return None  # one cell over everything is a title, not a parent
    names = [
        f"{p}{SEPARATOR}{c}" if p and c and p != c else (p or c)
        for p, c in zip(parents, kids, strict=True)
    ]
    return names, [c or p for p, c in zip(parents, kids, strict=True)]


def _score(names: list[str], children: list[str] | None, is_header: HeaderTest) -> int:
    kids = children or names
    return sum(1 for n, c in zip(names, kids, strict=True) if n and (is_header(n) or is_header(c)))


def _at(rows: list[Line], k: int, merges: list[Merge], is_header: HeaderTest | None) -> Header:
    line, cells = rows[k]
    single = Header(list(cells), None, (line,), k + 1)
    if k + 1 >= len(rows) or rows[k + 1][0] != line + 1:
        return single
    pair = _two_level(cells, rows[k + 1][1], line, merges)
    if pair is None:
        return single
    double = Header(pair[0], pair[1], (line, line + 1), k + 2)
    horizontal = any(r[1] == line and r[2] > r[0] for r in merges)
    if is_header is None:
        return double if horizontal else single
    better = _score(double.names, double.children, is_header) > _score(cells, None, is_header)
    return double if better else single


def find_header(
    rows: list[Line],
    merges: list[Merge],
    *,
    header_row: int | None = None,
    is_header: HeaderTest | None = None,
) -> Header:
    """The header of the non-blank ``rows`` (see the module's text)."""
    if header_row is not None:
        for k, (line, _cells) in enumerate(rows):
            if line == header_row:
                return _at(rows, k, merges, is_header)
        raise ValidationError("import_header_row", line=header_row)
    if is_header is None:
        return _at(rows, 0, merges, None)
    best, best_key = None, (0, 0)
    for k in range(min(SCAN_ROWS, len(rows))):
        header = _at(rows, k, merges, is_header)
        key = (_score(header.names, header.children, is_header), -len(header.lines))
        if key[0] > 0 and key > best_key:  # the first of equals wins
            best, best_key = header, key
    return best or _at(rows, 0, merges, None)
