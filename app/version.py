"""The one place the release's version is written.

``pyproject.toml`` reads it for the package metadata; ``member-counter --version``, the
window's About box and ``sync status`` show it; the counter tells HQ with every request; the
build script writes it into the bundle's version resource and the Windows installer.
"""

from __future__ import annotations

__version__ = "0.2.0"

APP_NAME = "member-counter"
APP_AUTHOR = "MemberCounter"  # platformdirs' appauthor: the data folder's parent on Windows
