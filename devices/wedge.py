"""Telling a keyboard-wedge scanner from a person typing, by the timing of the keys alone.

A wedge scanner "types" a whole code in a few milliseconds and usually ends it with Enter;
a person types tens of milliseconds apart. The UI's key filter feeds every key with its
monotonic time; :meth:`WedgeDetector.feed` answers the scanned code when a fast burst of at
least ``min_length`` characters ends (Enter, or :meth:`flush` after a pause for scanners set
up without a terminator). Pure: no Qt, no clock of its own.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the detector itself needs nothing beyond the standard library
    from app.services.settings import ScannerSettings

ENTER_KEYS = frozenset({"\r", "\n", "\r\n"})


@dataclass(frozen=True)
class WedgeConfig:
    max_gap: float = 0.05  # seconds between two keys of one scan (scanners: 2–20 ms)
    min_length: int = 4  # shorter bursts are a person's quick double tap
    max_length: int = 256
    prefix: str = ""  # stripped from the start of a scan when present (scanner's set-up)
    suffix: str = ""  # stripped from the end when present


def wedge_config(
    *, max_gap_ms: int, min_length: int, prefix: str = "", suffix: str = ""
) -> WedgeConfig:
    """The detector's configuration from the counter's scanner settings."""
    return WedgeConfig(
        max_gap=max_gap_ms / 1000, min_length=min_length, prefix=prefix, suffix=suffix
    )


def clean_scan(text: str, prefix: str = "", suffix: str = "") -> str:
    """A scan with the configured prefix/suffix and every control character removed."""
    text = unicodedata.normalize("NFKC", text)
    if prefix and text.startswith(prefix):
        text = text[len(prefix) :]
    if suffix and text.endswith(suffix):
        text = text[: -len(suffix)]
    return "".join(c for c in text if unicodedata.category(c)[0] != "C").strip()


@dataclass
class WedgeDetector:
    config: WedgeConfig = field(default_factory=WedgeConfig)
    _buffer: list[str] = field(default_factory=list)
    _last: float | None = None
    _overflow: bool = False

    @property
    def pending(self) -> str:
        """What the current burst has typed so far."""
        return "".join(self._buffer)

    def feed(self, key_text: str, t: float) -> str | None:
        """One key (its text; "\\r" for Enter) at monotonic time ``t``; a scan or None."""
        gap_ok = self._last is not None and t - self._last <= self.config.max_gap
        if key_text in ENTER_KEYS:
            scan = self._take() if gap_ok else None
            self._reset()
            return scan
        if not key_text:
            return None
        if not gap_ok:
            self._buffer = []  # a slow key starts a new burst (a person typing)
            self._overflow = False
        self._last = t
        if self._overflow:
            return None  # the rest of a burst too long to be a scan
        self._buffer.append(key_text)
        if len(self.pending) > self.config.max_length:
            self._buffer = []
            self._overflow = True
        return None

    def flush(self, t: float) -> str | None:
        """Call after a pause: a burst that ended without Enter ``max_gap`` ago is a scan."""
        if self._last is None or t - self._last <= self.config.max_gap:
            return None
        scan = self._take()
        self._reset()
        return scan

    def _take(self) -> str | None:
        if self._overflow:
            return None
        text = clean_scan(self.pending, self.config.prefix, self.config.suffix)
        return text if len(text) >= self.config.min_length else None

    def _reset(self) -> None:
        self._buffer = []
        self._last = None
        self._overflow = False


def detector_from_settings(settings: ScannerSettings) -> WedgeDetector:
    """A keyboard-wedge detector with the counter's scanner settings."""
    return WedgeDetector(
        wedge_config(
            max_gap_ms=settings.max_gap_ms,
            min_length=settings.min_length,
            prefix=settings.prefix,
            suffix=settings.suffix,
        )
    )
