"""Qt translations: Simplified Chinese is the source language, English comes from a .qm file.

Every visible string of the window is written in Chinese inside ``tr()`` (or
``QCoreApplication.translate``); ``resources/translations/member_counter_en.ts`` holds the
English (shipped inside the package and found through importlib.resources), and
``python -m ui.i18n`` refreshes the .ts from the code (pyside6-lupdate) and builds the .qm
(pyside6-lrelease), both shipped with PySide6. Qt's own ``qtbase`` translation is loaded too,
so standard buttons and dialogs speak the same language.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.domain.messages import set_language
from app.packaged import packaged_path

LANGUAGES = {"zh": "简体中文", "en": "English"}
QT_LOCALES = {"zh": "zh_CN", "en": "en"}
TRANSLATIONS_DIR = packaged_path("resources", "translations")
TS_FILE = TRANSLATIONS_DIR / "member_counter_en.ts"
QM_FILE = TRANSLATIONS_DIR / "member_counter_en.qm"
UI_DIR = Path(__file__).resolve().parent

_installed: list[QTranslator] = []


def install(app: QCoreApplication, lang: str) -> None:
    """Switch the application (and the core's messages) to ``lang``: "zh" or "en"."""
    lang = lang if lang in LANGUAGES else "zh"
    for tr in _installed:
        app.removeTranslator(tr)
    _installed.clear()
    locale = QLocale(QT_LOCALES[lang])
    QLocale.setDefault(locale)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator(app)
    if qtbase.load(locale, "qtbase", "_", qt_dir):
        app.installTranslator(qtbase)
        _installed.append(qtbase)
    if lang == "en":
        ours = QTranslator(app)
        if not ours.load(str(QM_FILE)):
            raise FileNotFoundError(f"English translation missing: {QM_FILE}")
        app.installTranslator(ours)
        _installed.append(ours)
    set_language(lang)


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found (it comes with PySide6)")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(UI_DIR.parent)) for p in UI_DIR.rglob("*.py"))


def update_ts(target: Path = TS_FILE) -> None:
    """Refresh the .ts from the code (new strings appear unfinished, gone ones dropped)."""
    subprocess.run(
        [_tool("pyside6-lupdate"), *sources(), "-source-language", "zh_CN",
         "-target-language", "en", "-no-obsolete", "-locations", "none",
         "-ts", str(target)],
        cwd=UI_DIR.parent, check=True, capture_output=True,
    )  # fmt: skip


def build_qm(target: Path = QM_FILE, source: Path = TS_FILE) -> None:
    subprocess.run(
        [_tool("pyside6-lrelease"), str(source), "-qm", str(target)],
        check=True,
        capture_output=True,
    )


if __name__ == "__main__":
    update_ts()
    build_qm()
    print(f"updated {TS_FILE.name} and built {QM_FILE.name}")
