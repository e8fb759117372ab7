"""docs/benchmarks.md: each benchmark script owns one section between its two markers."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"


def write_section(begin: str, end: str, section: str, doc_path: Path = DOC) -> None:
    """Replace the section from ``begin`` to ``end`` (both in ``section``), or append it."""
    doc = doc_path.read_text(encoding="utf-8") if doc_path.exists() else "# Benchmarks\n"
    if begin in doc and end in doc:
        head, rest = doc.split(begin, 1)
        _, tail = rest.split(end, 1)
        doc = head + section + tail
    else:
        doc = doc.rstrip("\n") + "\n\n" + section + "\n"
    doc_path.write_text(doc, encoding="utf-8")
