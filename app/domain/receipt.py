"""A receipt as a document of blocks, and its column layout by display width.

The same layout feeds the plain-text preview (shown when no printer is set up) and the
ESC/POS printer, so the two always agree. A line is measured in printer columns: 32 on
58 mm paper, 48 on 80 mm. Thermal printers in Chinese mode print every character outside
ASCII from their double-byte font, two columns wide: hanzi and full-width forms (East Asian
width W/F, and the ambiguous A ones such as · × —) take 2, ASCII takes 1, combining marks 0.
The yen sign is written full width (￥) on receipts, so it is 2 columns in the preview and on
every printer encoding alike.

Stdlib only: the document is plain data, stored as JSON in the print queue.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.errors import ValidationError

ALIGNS = ("left", "center", "right")
WIDTH_COLUMNS = {58: 32, 80: 48}
DEFAULT_COLUMNS = 48

# Characters a receipt writes differently so that every printer encoding can print them at a
# known width.
_RECEIPT_FORMS = str.maketrans({"¥": "￥", "\t": " ", "\u00a0": " ", "\u3000": "  "})


def columns_for_width(width_mm: int) -> int:
    """Printer columns of the standard font on 58 mm (32) or 80 mm (48) paper."""
    try:
        return WIDTH_COLUMNS[width_mm]
    except KeyError:
        raise ValidationError("paper_width_invalid", value=width_mm) from None


def receipt_text(text: str) -> str:
    """Text as a receipt prints it: NFC, ¥ full width, no control characters."""
    text = unicodedata.normalize("NFC", str(text)).translate(_RECEIPT_FORMS)
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))


def char_width(c: str) -> int:
    """Columns one character takes on a receipt (0, 1 or 2)."""
    if c < "\x80":
        return 1 if c.isprintable() else 0
    if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(c) == "H":
        return 1
    # W and F (hanzi, full-width forms), A (·, ×, —) and the rest of non-ASCII: 2.
    return 2


def display_width(text: str) -> int:
    """Columns a string takes on a receipt: a hanzi is 2, ASCII is 1."""
    return sum(char_width(c) for c in text)


def truncate(text: str, width: int) -> str:
    """The longest prefix of ``text`` that fits in ``width`` columns."""
    out, used = [], 0
    for c in text:
        w = char_width(c)
        if used + w > width:
            break
        out.append(c)
        used += w
    return "".join(out)


def fit(text: str, width: int, align: str = "left") -> str:
    """``text`` truncated to ``width`` columns and padded with spaces to exactly ``width``."""
    text = truncate(text, width)
    gap = width - display_width(text)
    if align == "right":
        return " " * gap + text
    if align == "center":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    return text + " " * gap


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` columns (at spaces where possible)."""
    if width <= 0:
        return [text]
    lines: list[str] = []
    rest = text
    while display_width(rest) > width:
        head = truncate(rest, width)
        cut = max(len(head), 1)  # a hanzi on a 1-column line still moves on
        space = head.rfind(" ")
        # Words break at the last space that fits; hanzi (and over-long words) anywhere.
        if space > 0 and rest[cut : cut + 1] not in ("", " "):
            cut = space
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip(" ")
    lines.append(rest)
    return lines


def two_columns(left: str, right: str, width: int) -> list[str]:
    """``left`` flush left and ``right`` flush right on one line, or two lines if too long."""
    lw, rw = display_width(left), display_width(right)
    if lw + 1 + rw <= width:
        return [left + " " * (width - lw - rw) + right]
    lines = wrap(left, width)
    if rw <= width:
        lines.append(fit(right, width, "right"))
    else:  # a value longer than the paper (a transaction id on 58 mm) reads best left-aligned
        lines.extend(wrap(right, width))
    return lines


# -- the document ------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A line of text (wrapped when longer than the paper)."""

    text: str
    align: str = "left"
    bold: bool = False
    double_width: bool = False
    double_height: bool = False


@dataclass(frozen=True)
class Columns:
    """A label on the left and a value on the right of the same line."""

    left: str
    right: str
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    """A full-width rule."""

    char: str = "-"


@dataclass(frozen=True)
class Qr:
    """A QR code of ``payload`` (printed by the printer, or as an image)."""

    payload: str


@dataclass(frozen=True)
class Logo:
    """The store's logo, where the store has one set up."""


@dataclass(frozen=True)
class Cut:
    """Feed and cut the paper (where the printer can)."""


Block = Text | Columns | Rule | Qr | Logo | Cut
_BLOCK_TYPES: dict[str, type] = {
    "text": Text,
    "columns": Columns,
    "rule": Rule,
    "qr": Qr,
    "logo": Logo,
    "cut": Cut,
}
_TYPE_NAMES = {cls: name for name, cls in _BLOCK_TYPES.items()}


@dataclass(frozen=True)
class Receipt:
    """A printable document: its blocks, what it is, and whether it opens the cash drawer."""

    blocks: tuple[Block, ...]
    kind: str = "receipt"
    open_drawer: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        blocks = []
        for b in self.blocks:
            item: dict[str, Any] = {"type": _TYPE_NAMES[type(b)]}
            item.update(vars(b))
            blocks.append(item)
        return {
            "kind": self.kind,
            "open_drawer": self.open_drawer,
            "meta": dict(self.meta),
            "blocks": blocks,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Receipt:
        blocks: list[Block] = []
        for item in data.get("blocks", []):
            fields = dict(item)
            block_type = _BLOCK_TYPES[fields.pop("type")]
            blocks.append(block_type(**fields))
        return cls(
            blocks=tuple(blocks),
            kind=str(data.get("kind", "receipt")),
            open_drawer=bool(data.get("open_drawer", False)),
            meta=dict(data.get("meta", {})),
        )


# -- layout shared by the preview and the printer ------------------------------------------


@dataclass(frozen=True)
class Line:
    """One laid-out printed line: text padded to its columns, with its style."""

    text: str
    bold: bool = False
    double_width: bool = False
    double_height: bool = False
    align: str = "left"


@dataclass(frozen=True)
class QrLine:
    payload: str


@dataclass(frozen=True)
class LogoLine:
    pass


@dataclass(frozen=True)
class CutLine:
    pass


Laid = Line | QrLine | LogoLine | CutLine


def _text_lines(block: Text, columns: int) -> Iterable[Line]:
    align = block.align if block.align in ALIGNS else "left"
    # Double-width characters take twice the columns: lay out on half the paper.
    width = columns // 2 if block.double_width else columns
    for part in wrap(receipt_text(block.text), width):
        text = part.rstrip() if align == "left" else fit(part, width, align).rstrip()
        yield Line(text, block.bold, block.double_width, block.double_height, align)


def layout(doc: Receipt, columns: int) -> list[Laid]:
    """The document's lines for a paper ``columns`` wide (printer and preview alike)."""
    out: list[Laid] = []
    for block in doc.blocks:
        if isinstance(block, Text):
            out.extend(_text_lines(block, columns))
        elif isinstance(block, Columns):
            left, right = receipt_text(block.left), receipt_text(block.right)
            out.extend(Line(t.rstrip(), block.bold) for t in two_columns(left, right, columns))
        elif isinstance(block, Rule):
            char = receipt_text(block.char)[:1] or "-"
            out.append(Line(char * (columns // max(char_width(char), 1))))
        elif isinstance(block, Qr):
            out.append(QrLine(block.payload))
        elif isinstance(block, Logo):
            out.append(LogoLine())
        elif isinstance(block, Cut):
            out.append(CutLine())
    return out


QR_PREVIEW = "[二维码]"
LOGO_PREVIEW = "[LOGO]"


def render_text(doc: Receipt, columns: int = DEFAULT_COLUMNS) -> list[str]:
    """The plain-text preview of a receipt, ``columns`` wide (32 or 48)."""
    lines: list[str] = []
    for item in layout(doc, columns):
        if isinstance(item, Line):
            if item.double_width:
                # Shown at normal width in the preview, placed as the printer places it.
                lines.append(fit(item.text.strip(), columns, item.align).rstrip())
            else:
                lines.append(item.text)
        elif isinstance(item, QrLine):
            lines.append(fit(QR_PREVIEW, columns, "center").rstrip())
            lines.extend(fit(p, columns, "center").rstrip() for p in wrap(item.payload, columns))
        elif isinstance(item, LogoLine):
            lines.append(fit(LOGO_PREVIEW, columns, "center").rstrip())
    return lines


def text_blocks(lines: Sequence[str], align: str = "center") -> list[Block]:
    """Store-edited lines (header, footer) as text blocks."""
    return [Text(line, align=align) for line in lines]
