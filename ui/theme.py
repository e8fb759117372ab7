"""Look and feel: large type and touch-sized controls, the same on every counter."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

# Fonts that draw Simplified Chinese well, in order of preference (Windows, macOS, Linux).
CJK_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
)

ACCENT = "#c8102e"  # the red of Chinese retail signage

STYLE = f"""
QWidget {{ font-size: 15px; }}
QMainWindow, QDialog {{ background: #f5f6f8; }}
QScrollArea#dialogBody, QScrollArea#dialogBody > QWidget > QWidget {{ background: transparent; }}
QLineEdit, QComboBox, QSpinBox, QDateEdit {{
    min-height: 34px; padding: 2px 8px; border: 1px solid #b8bec8; border-radius: 4px;
    background: white;
}}
QLineEdit:focus {{ border: 2px solid {ACCENT}; }}
QLineEdit#scanBox {{ font-size: 24px; min-height: 52px; }}
QLineEdit#couponCode {{ font-size: 20px; min-height: 44px; }}
QLineEdit#scanBox[ime="on"] {{ background: #fff6d6; border: 2px solid #d4a017; }}
QPushButton#imeButton:checked {{ background: #d4a017; color: white; border: none;
    font-weight: bold; }}
QPushButton {{
    min-height: 40px; padding: 4px 14px; border: 1px solid #9aa3b0; border-radius: 6px;
    background: white;
}}
QPushButton:hover {{ background: #eef1f5; }}
QPushButton:disabled {{ color: #9aa3b0; background: #eceef1; }}
QPushButton[role="primary"] {{ background: {ACCENT}; color: white; border: none;
    font-weight: bold; }}
QPushButton[role="primary"]:disabled {{ background: #e8a3ad; }}
QPushButton[role="action"] {{ min-height: 56px; font-size: 17px; text-align: left;
    padding-left: 12px; }}
QPushButton[role="action"][compact="true"] {{ min-height: 44px; max-height: 44px;
    font-size: 15px; }}
QPushButton[role="key"] {{ min-height: 56px; min-width: 72px; font-size: 22px; }}
QPushButton[role="preset"] {{ min-height: 48px; font-size: 18px; }}
QPushButton[role="preset"]:checked {{ background: {ACCENT}; color: white; border: none; }}
QLabel[role="title"] {{ font-size: 26px; font-weight: bold; }}
QLabel[role="figure"] {{ font-size: 26px; font-weight: bold; color: #1f2d3d; }}
QLabel[role="figure"][stale="true"] {{ font-weight: normal; color: #9aa3ad; }}
QLabel[role="caption"] {{ color: #5b6675; font-size: 13px; }}
QLabel[role="error"] {{ color: {ACCENT}; font-weight: bold; }}
QLabel[role="warning"] {{ background: {ACCENT}; color: white; font-size: 18px;
    font-weight: bold; padding: 6px 10px; border-radius: 4px; }}
QLabel[role="badge"] {{ background: #d4a017; color: white; font-weight: bold;
    padding: 3px 10px; border-radius: 10px; }}
QLabel[role="tag"] {{ background: #e3e8ef; color: #334; padding: 2px 8px;
    border-radius: 8px; }}
QLabel[role="tag"][colour="red"] {{ background: #fbe0e0; color: #8a1c1c; }}
QLabel[role="tag"][colour="orange"] {{ background: #fde8d4; color: #8a4510; }}
QLabel[role="tag"][colour="gold"] {{ background: #fbf0c8; color: #6e5400; }}
QLabel[role="tag"][colour="green"] {{ background: #dcf2de; color: #1d5c26; }}
QLabel[role="tag"][colour="teal"] {{ background: #d6f0ee; color: #155e58; }}
QLabel[role="tag"][colour="blue"] {{ background: #dde8fa; color: #1a3f80; }}
QLabel[role="tag"][colour="purple"] {{ background: #ece1f7; color: #4f2478; }}
QLabel[role="total"] {{ font-size: 30px; font-weight: bold; color: {ACCENT}; }}
QFrame[role="card"] {{ background: white; border: 1px solid #d8dde4; border-radius: 8px; }}
QCheckBox {{ min-height: 48px; spacing: 12px; }}
QCheckBox::indicator {{ width: 32px; height: 32px; }}
QCheckBox#consent {{ font-size: 16px; font-weight: bold; }}
QTabBar::tab {{ min-height: 34px; padding: 4px 16px; }}
QStatusBar QLabel {{ padding: 0 8px; }}
"""


def chinese_font_family() -> str | None:
    """The first installed family that draws Simplified Chinese, preferring the known ones."""
    available = set(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))
    for family in CJK_FAMILIES:
        if family in available:
            return family
    return min(available) if available else None


def apply(app: QApplication) -> None:
    family = chinese_font_family()
    if family:
        app.setFont(QFont(family, 11))
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE)
