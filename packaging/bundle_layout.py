"""What the frozen bundle is called and holds: shared by the PyInstaller spec, the build
script, the Windows installer's tests and the bundle's own tests, so the names agree."""

from __future__ import annotations

import re
from pathlib import Path

BUNDLE = "member-counter"  # dist/member-counter/
PROGRAM = "member-counter"  # the window (and, on Linux, the CLI)
CLI_PROGRAM = "member-counter-cli"  # Windows only: the ops CLI in a console
OUR_PACKAGES = ("launcher", "app", "ui", "devices", "sync", "resources")

# Never in the counter's bundle: tests and test tools, HQ's server stack, Tk.
EXCLUDES = [
    "tests",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "schemathesis",
    "importlinter",
    "server",
    "fastapi",
    "uvicorn",
    "starlette",
    "psycopg",
    "psycopg_binary",
    "psycopg_pool",
    "tkinter",
    "_tkinter",
    "IPython",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtPdf",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtMultimedia",
    "PySide6.QtVirtualKeyboard",
]

# Qt parts that come with collected plugin folders but that the counter never uses: the
# virtual keyboard (Windows and the desktops bring their own on-screen keyboards) with Qt
# Quick and QML, which it needs; the PDF image plugin with Qt PDF; the GTK 3 platform theme
# with GTK (the window draws its own style; file dialogs fall back to Qt's own).
_DROPPED = re.compile(
    r"(virtualkeyboard|qt6quick|qt6qml|qt6pdf|imageformats[/\\](lib)?qpdf|"
    r"platformthemes[/\\]libqgtk3|libgtk-3|libgdk-3|libatk-1|libatk-bridge|libatspi)",
    re.IGNORECASE,
)


def dropped(dest: str) -> bool:
    """True for a file of the bundle (its path inside it) that is left out."""
    return bool(_DROPPED.search(dest.replace("\\", "/")))


def program_path(dist: Path, name: str = PROGRAM, *, windows: bool = False) -> Path:
    return dist / BUNDLE / (f"{name}.exe" if windows else name)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    parts = [int(p) for p in re.findall(r"\d+", version)[:3]]
    return (*parts, *[0] * (4 - len(parts)))  # type: ignore[return-value]


def version_info_text(version: str) -> str:
    """The Windows version resource (PyInstaller's VSVersionInfo text form)."""
    v = version_tuple(version)
    strings = {
        "CompanyName": "Member Counter",
        "FileDescription": "会员收银台 Member Counter",
        "FileVersion": version,
        "InternalName": PROGRAM,
        "LegalCopyright": "Member Counter",
        "OriginalFilename": f"{PROGRAM}.exe",
        "ProductName": "会员收银台 Member Counter",
        "ProductVersion": version,
    }
    table = ",\n".join(f"          StringStruct({k!r}, {val!r})" for k, val in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={v},
    prodvers={v},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '080404b0',
        [
{table}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])
  ]
)
"""


def write_version_info(path: Path, version: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(version_info_text(version), encoding="utf-8")
    return str(path)
