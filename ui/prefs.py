"""This counter's window preferences (language, idle lock), kept in the data directory."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

DEFAULT_IDLE_LOCK_MINUTES = 5


class Prefs:
    def __init__(self, data_dir: Path) -> None:
        self._s = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)

    @property
    def language(self) -> str:
        value = str(self._s.value("language", "zh"))
        return value if value in ("zh", "en") else "zh"

    @language.setter
    def language(self, value: str) -> None:
        self._s.setValue("language", value)
        self._s.sync()

    @property
    def idle_lock_minutes(self) -> int:
        """0 turns auto-lock off."""
        try:
            return max(0, int(self._s.value("idle_lock_minutes", DEFAULT_IDLE_LOCK_MINUTES)))
        except (TypeError, ValueError):
            return DEFAULT_IDLE_LOCK_MINUTES

    @idle_lock_minutes.setter
    def idle_lock_minutes(self, value: int) -> None:
        self._s.setValue("idle_lock_minutes", int(value))
        self._s.sync()
