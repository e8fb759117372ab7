"""Files shipped inside the packages (translations, icons, migrations), found through
:mod:`importlib.resources` rather than relative to the source tree.

An editable install, a wheel in site-packages and the frozen bundle (PyInstaller unpacks the
data files beside the program) all answer with a real folder; a zipped package is extracted
once for the life of the process.
"""

from __future__ import annotations

import atexit
import contextlib
from importlib.resources import as_file, files
from pathlib import Path

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def packaged_path(package: str, *parts: str) -> Path:
    """A file or folder ``parts`` inside ``package`` as a filesystem path."""
    ref = files(package).joinpath(*parts)
    if isinstance(ref, Path):
        return ref
    return _extracted.enter_context(as_file(ref))
