"""The release HQ recommends to its counters (``member-hq release set``).

HQ keeps it in its rules (``extra["release"]``), so it reaches every enrolled counter with
the rules it already pulls; the counter compares it with its own version and says
"新版本可用" in F12 with where the installer is. Nothing is downloaded or installed by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.domain.errors import ValidationError

_RELEASE = re.compile(r"^(\d{1,4})\.(\d{1,4})\.(\d{1,4})$")
MAX_URL = 500
MAX_NOTES = 200


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``"1.2.3"`` as a comparable tuple; None for anything that is not a plain release."""
    m = _RELEASE.match(text.strip())
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def is_newer(candidate: str, current: str) -> bool:
    """True when ``candidate`` is a later plain release than ``current``."""
    a, b = parse_version(candidate), parse_version(current)
    return a is not None and b is not None and a > b


@dataclass(frozen=True)
class Release:
    version: str
    url: str | None = None  # where the installer is (a web page, a file share)
    notes: str | None = None

    @classmethod
    def checked(cls, version: str, url: str | None = None, notes: str | None = None) -> Release:
        version = version.strip()
        if parse_version(version) is None:
            raise ValidationError("release_version_invalid", value=version)
        url = (url or "").strip() or None
        if url is not None and (
            len(url) > MAX_URL
            or not url.startswith(("https://", "http://", "\\\\", "file://"))
            or any(ord(c) < 32 for c in url)
        ):
            raise ValidationError("release_url_invalid", value=url[:80])
        notes = (notes or "").strip() or None
        if notes is not None and (len(notes) > MAX_NOTES or any(ord(c) < 32 for c in notes)):
            raise ValidationError("release_notes_invalid")
        return cls(version, url, notes)

    @classmethod
    def from_rules_extra(cls, extra: dict[str, Any]) -> Release | None:
        """The recommendation in HQ's rules, or None (none set, or one this counter cannot
        read: a bad recommendation never stops the rules from applying)."""
        data = extra.get("release")
        if not isinstance(data, dict) or not isinstance(data.get("version"), str):
            return None
        try:
            return cls.checked(data["version"], data.get("url"), data.get("notes"))
        except (ValidationError, TypeError, AttributeError):
            return None

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "url": self.url, "notes": self.notes}

    def newer_than(self, current: str) -> bool:
        return is_newer(self.version, current)
