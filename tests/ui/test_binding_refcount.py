"""The Qt binding must not take references from None.

PySide6 6.12.0 on CPython 3.11 drops one reference to None on every binding call that returns
None; None's refcount then reaches zero after some hours of scanning and the window aborts with
"Fatal Python error: none_dealloc". pyproject.toml keeps such releases out; this test fails on
one that slips in (it fails on 6.12.0: about -5,000 over these calls).
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

CALLS = 1000


def test_calls_returning_none_keep_nones_refcount(qapp: QApplication) -> None:
    window = QWidget()
    box = QLineEdit(window)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        window.focusWidget()  # None: nothing has the focus
        window.parent()  # None: a top-level widget
        QApplication.activeModalWidget()  # None: no dialog
        box.setText("x")  # void setters return None too
        box.setToolTip("y")
    drift = sys.getrefcount(None) - before
    # A healthy binding moves it by a handful at most (temporaries); a broken one by 5 x CALLS.
    assert abs(drift) < 50, f"None's refcount moved by {drift} over {5 * CALLS} calls"
    window.deleteLater()
