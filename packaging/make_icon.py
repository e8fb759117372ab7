"""Draw the app icon: ``resources/icons/member-counter.png`` (256 px) and ``.ico`` (16–256 px).

    .venv/bin/python packaging/make_icon.py

A red card (the window's accent colour) with a white ¥ on a rounded square. The files are
committed; run this only to change the icon.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def draw(png: Path, size: int = 256) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#c8102e"))
    p.drawRoundedRect(QRectF(8, 8, size - 16, size - 16), 44, 44)
    p.setBrush(QColor("#f6c343"))  # the card's chip
    p.drawRoundedRect(QRectF(40, 58, 52, 40), 8, 8)
    p.setPen(QPen(QColor("white"), 10))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(QRectF(26, 40, size - 52, size - 80), 22, 22)
    font = QFont("DejaVu Sans")
    font.setPixelSize(140)
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(60, 50, size - 80, size - 90), Qt.AlignmentFlag.AlignCenter, "¥")
    p.end()
    image.save(str(png))
    del app


def main() -> None:
    from PIL import Image

    ICONS.mkdir(parents=True, exist_ok=True)
    png = ICONS / "member-counter.png"
    draw(png)
    Image.open(png).save(ICONS / "member-counter.ico", sizes=ICO_SIZES)
    print(f"wrote {png} and {png.with_suffix('.ico')}")


if __name__ == "__main__":
    main()
