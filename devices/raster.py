"""Bit images for printers: ``GS v 0`` raster commands for a QR code or the store's logo."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import segno

GS_V0 = b"\x1d\x76\x30"
DOTS = {58: 384, 80: 576}  # printable dots per line at 203 dpi


def raster_command(rows: Sequence[Sequence[int]], width: int) -> bytes:
    """``GS v 0`` for ``rows`` of dots (truthy = black), each ``width`` dots wide."""
    width_bytes = (width + 7) // 8
    data = bytearray()
    for row in rows:
        packed = bytearray(width_bytes)
        for x, dot in enumerate(row[:width]):
            if dot:
                packed[x >> 3] |= 0x80 >> (x & 7)
        data += packed
    header = GS_V0 + bytes(
        (0, width_bytes & 0xFF, width_bytes >> 8, len(rows) & 0xFF, len(rows) >> 8)
    )
    return header + bytes(data)


def centred(
    rows: Iterable[Sequence[int]], width: int, paper_dots: int
) -> tuple[list[list[int]], int]:
    """Rows padded on the left so an image ``width`` dots wide sits in the middle of the paper."""
    left = max((paper_dots - width) // 2, 0)
    left -= left % 8  # whole bytes keep the raster simple for every printer
    return [[0] * left + list(r) for r in rows], left + width


def qr_raster(payload: str, *, module: int, paper_dots: int) -> bytes:
    """A QR code drawn as a bit image, for printers without native QR (``GS ( k``)."""
    code = segno.make(payload, error="m", micro=False)
    rows = [list(r) for r in code.matrix_iter(scale=module, border=2)]
    width = len(rows[0])
    if width > paper_dots:
        return (
            qr_raster(payload, module=max(module - 1, 1), paper_dots=paper_dots)
            if module > 1
            else b""
        )
    padded, total = centred(rows, width, paper_dots)
    return raster_command(padded, total)


def image_raster(path: str | Path, *, paper_dots: int, max_ratio: float = 0.75) -> bytes:
    """The store's logo file as a centred bit image, scaled to fit the paper."""
    from PIL import Image

    with Image.open(path) as source:
        img = source.convert("L")
    limit = int(paper_dots * max_ratio)
    if img.width > limit:
        img = img.resize((limit, max(1, img.height * limit // img.width)))
    width, height = img.size
    pixels = img.load()
    assert pixels is not None
    rows = [[1 if pixels[x, y] < 128 else 0 for x in range(width)] for y in range(height)]
    padded, total = centred(rows, width, paper_dots)
    return raster_command(padded, total)
